package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// readLines parses every line of the file, failing on any that is not a
// complete JSON entry.
func readLines(t *testing.T, path string) []Entry {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("file ends inside a line: %q", tail(b))
	}
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("line %d is not a JSON entry (%v): %q", n, err, tail(sc.Bytes()))
		}
		if e.Tool == "" || e.Outcome == "" || e.Time.IsZero() {
			t.Fatalf("line %d lacks fields: %s", n, sc.Bytes())
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func tail(b []byte) []byte {
	if len(b) > 120 {
		return b[len(b)-120:]
	}
	return b
}

func TestAppendWritesOneRedactedLinePerEntry(t *testing.T) {
	const planted = "PLANTED-server-secret-key-0123456789"
	r := redact.New(redact.Options{})
	r.AddSecret(planted)
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := Open(path, r.JSON)
	if err != nil {
		t.Fatal(err)
	}
	args := json.RawMessage(`{"Id":"github","Config":{"ClientSecret":"gh-client-secret-value-xyz","Note":"key ` + planted + `"}}`)
	if err := l.Append(Entry{Tool: "cloudbase_modify_provider", Session: "s1", Client: "ide", Arguments: args,
		Outcome: OK, RequestID: "req-1", DurationMS: 12.5}); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Entry{Tool: "cloudbase_delete_api_key", Arguments: json.RawMessage(`{"KeyId":"key-1"}`),
		Outcome: ToolError, Error: "failed: token " + planted}); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(Entry{Tool: "x", Outcome: OK}); err == nil {
		t.Fatal("append after close succeeded")
	}
	raw, _ := os.ReadFile(path)
	for _, s := range []string{planted, "gh-client-secret-value-xyz"} {
		if strings.Contains(string(raw), s) {
			t.Fatalf("secret %q reached the audit log: %s", s, raw)
		}
	}
	got := readLines(t, path)
	if len(got) != 2 || got[0].Tool != "cloudbase_modify_provider" || got[0].Session != "s1" || got[0].Client != "ide" ||
		got[0].RequestID != "req-1" || got[0].DurationMS != 12.5 || got[1].Outcome != ToolError {
		t.Fatalf("entries: %+v", got)
	}
	if !strings.Contains(string(got[0].Arguments), `"Id":"github"`) {
		t.Fatalf("arguments lost: %s", got[0].Arguments)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("audit file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestHugeArgumentsAreSummarised(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	big, _ := json.Marshal(map[string]string{"SamlMetadata": strings.Repeat("x", MaxArgumentBytes+1)})
	if err := l.Append(Entry{Tool: "t", Outcome: OK, Arguments: big}); err != nil {
		t.Fatal(err)
	}
	e := readLines(t, path)[0]
	if len(e.Arguments) > 300 || !strings.Contains(string(e.Arguments), "sha256") {
		t.Fatalf("arguments kept: %d bytes", len(e.Arguments))
	}
}

func TestOpenCutsATornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	good := `{"time":"2024-01-01T00:00:00Z","tool":"a","arguments":{},"outcome":"ok","durationMs":1}` + "\n"
	if err := os.WriteFile(path, []byte(good+`{"time":"2024-01-01T00:00:01Z","tool":"b","argu`), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Dropped == 0 {
		t.Fatal("torn tail not reported")
	}
	if err := l.Append(Entry{Tool: "c", Outcome: DryRun}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	got := readLines(t, path)
	if len(got) != 2 || got[0].Tool != "a" || got[1].Tool != "c" {
		t.Fatalf("after repair: %+v", got)
	}
	// A file that is only a fragment is emptied.
	if err := os.WriteFile(path, []byte(`{"time":"2024`), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if b, _ := os.ReadFile(path); len(b) != 0 || l.Dropped != int64(len(`{"time":"2024`)) {
		t.Fatalf("fragment left: %q (dropped %d)", b, l.Dropped)
	}
}

func TestConcurrentAppendsNeverInterleave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				_ = l.Append(Entry{Tool: fmt.Sprintf("t%d", g), Outcome: OK, Arguments: argsOfSize(i * 300)})
			}
		}()
	}
	wg.Wait()
	l.Close()
	if n := len(readLines(t, path)); n != 200 {
		t.Fatalf("%d lines, want 200", n)
	}
}

func argsOfSize(n int) json.RawMessage {
	b, _ := json.Marshal(map[string]string{"Padding": strings.Repeat("p", n)})
	return b
}

// TestAuditChildWriter is the child of TestParseableAfterKill: it appends
// from several goroutines until it is killed.
func TestAuditChildWriter(t *testing.T) {
	path := os.Getenv("AUDIT_CHILD_FILE")
	if path == "" {
		t.Skip("run by TestParseableAfterKill")
	}
	l, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for g := range 4 {
		go func() {
			for i := 0; ; i++ {
				if err := l.Append(Entry{Tool: fmt.Sprintf("child%d", g), Outcome: OK, Arguments: argsOfSize((i * 97) % 6000)}); err != nil {
					panic(err)
				}
			}
		}()
	}
	select {} // until killed
}

// maxChildLine bounds one line the child writes (arguments < 6000 bytes).
const maxChildLine = 8 << 10

func TestParseableAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	for round := 1; round <= 2; round++ { // the second round appends to what the first kill left
		before := fileSize(path)
		cmd := exec.Command(os.Args[0], "-test.run=^TestAuditChildWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), "AUDIT_CHILD_FILE="+path)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stderr, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for fileSize(path) < before+64<<10 { // enough lines to kill mid-loop; fsync per line is slow under load
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("child wrote too little: %s", stderr.String())
			}
			time.Sleep(2 * time.Millisecond)
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL, mid-write loop
			t.Fatal(err)
		}
		_ = cmd.Wait()
		// Linux may stop a write to a regular file between pages when a
		// fatal signal is pending, so SIGKILL can leave part of one line.
		// Open must cut exactly that part, and every line left must parse.
		l, err := Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if l.Dropped >= maxChildLine {
			t.Fatalf("round %d: Open cut %d bytes, more than one line", round, l.Dropped)
		}
		l.Close()
		lines := readLines(t, path)
		if len(lines) < 50 {
			t.Fatalf("round %d: only %d lines", round, len(lines))
		}
	}
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// BenchmarkAppend measures one audit line: encode, redact, write, fsync.
func BenchmarkAppend(b *testing.B) {
	r := redact.New(redact.Options{})
	l, err := Open(filepath.Join(b.TempDir(), "audit.jsonl"), r.JSON)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	args := json.RawMessage(`{"Id":"github","On":"FALSE","Config":{"ClientSecret":"a-secret-value-0123456789"}}`)
	for b.Loop() {
		if err := l.Append(Entry{Tool: "cloudbase_modify_provider", Session: "s", Client: "c", Arguments: args, Outcome: OK}); err != nil {
			b.Fatal(err)
		}
	}
}
