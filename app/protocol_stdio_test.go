package app_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Protocol abuse over stdio, against the built binary: every malformed or
// unexpected message gets the answer JSON-RPC 2.0 and MCP prescribe, and the
// server keeps serving. The planted SecretKey never appears on stdout or stderr.

const plantedKey = "planted-stdio-secret-key-7f3a9c0d1e"

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "cloudops-mcp-bin-")
	if err != nil {
		return "", err
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(dir, "cloudops-mcp")
	out, err := exec.Command(goBin, "build", "-o", bin, "github.com/cloudops-mcp/cloudops-mcp").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// stdioPeer is a client speaking raw lines to the binary.
type stdioPeer struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan []byte
	stderr *testenv.SyncBuffer
	stdout *testenv.SyncBuffer // everything the server wrote, for the leak check
}

func startStdio(t *testing.T, args ...string) *stdioPeer {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	p := &stdioPeer{t: t, lines: make(chan []byte, 16), stderr: &testenv.SyncBuffer{}, stdout: &testenv.SyncBuffer{}}
	p.cmd = exec.Command(bin, append([]string{"--sandbox", "--sandbox-secret-key", plantedKey}, args...)...)
	p.cmd.Stderr = p.stderr
	p.stdin, _ = p.cmd.StdinPipe()
	out, _ := p.cmd.StdoutPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.lines)
		r := bufio.NewReaderSize(out, 1<<20)
		for {
			line, err := r.ReadBytes('\n')
			if len(line) > 0 {
				_, _ = p.stdout.Write(line)
				p.lines <- line
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = p.stdin.Close()
		done := make(chan error, 1)
		go func() { done <- p.cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-done
			t.Errorf("the server did not exit when stdin closed")
		}
	})
	return p
}

// next returns the next message the server sends that is not a notification.
func (p *stdioPeer) next() map[string]any {
	p.t.Helper()
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("the server closed stdout; stderr:\n%s", p.stderr.String())
			}
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				p.t.Fatalf("the server wrote a line that is not JSON: %.200q", line)
			}
			if _, isNote := m["method"]; isNote && m["id"] == nil {
				continue
			}
			return m
		case <-time.After(30 * time.Second):
			p.t.Fatalf("no answer from the server; stderr:\n%s", p.stderr.String())
		}
	}
}

func (p *stdioPeer) send(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatalf("write: %v", err)
	}
}

func (p *stdioPeer) call(line string) map[string]any {
	p.t.Helper()
	p.send(line)
	return p.next()
}

// wantError checks a JSON-RPC error answer: the request's id and one of the codes.
func wantError(t *testing.T, what string, m map[string]any, id any, codes ...float64) {
	t.Helper()
	if m["jsonrpc"] != "2.0" {
		t.Errorf("%s: answer lacks jsonrpc 2.0: %v", what, m)
	}
	if fmt.Sprint(m["id"]) != fmt.Sprint(id) {
		t.Errorf("%s: answer id %v, want %v", what, m["id"], id)
	}
	e, ok := m["error"].(map[string]any)
	if !ok {
		t.Fatalf("%s: want a JSON-RPC error, got %v", what, m)
	}
	t.Logf("%s: %v %v", what, e["code"], e["message"])
	for _, c := range codes {
		if e["code"] == c {
			if msg, _ := e["message"].(string); msg == "" {
				t.Errorf("%s: error without a message", what)
			}
			return
		}
	}
	t.Errorf("%s: error code %v, want one of %v (%v)", what, e["code"], codes, e["message"])
}

func wantResult(t *testing.T, what string, m map[string]any, id any) map[string]any {
	t.Helper()
	if fmt.Sprint(m["id"]) != fmt.Sprint(id) {
		t.Fatalf("%s: answer id %v, want %v: %v", what, m["id"], id, m)
	}
	r, ok := m["result"].(map[string]any)
	if !ok {
		t.Fatalf("%s: want a result, got %v", what, m)
	}
	return r
}

const (
	parseError     = -32700
	invalidRequest = -32600
	methodNotFound = -32601
	invalidParams  = -32602
)

const initLine = `{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"abuse","version":"1"}}}`

func TestStdioProtocolAbuse(t *testing.T) {
	p := startStdio(t)
	ping := func(id int) {
		t.Helper()
		wantResult(t, "ping", p.call(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping"}`, id)), id)
	}

	// Before initialize: a ping is always allowed; other requests get a
	// well-formed answer for their id (result or error), never silence.
	ping(1)
	m := p.call(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	if fmt.Sprint(m["id"]) != "2" || (m["result"] == nil && m["error"] == nil) {
		t.Fatalf("tools/list before initialize: %v", m)
	}
	t.Logf("tools/list before initialize: error=%v, result present=%v", m["error"], m["result"] != nil)

	wantResult(t, "initialize", p.call(initLine), "init")
	p.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	ping(3)

	for i, c := range []struct {
		what, line string
		id         any
		codes      []float64
	}{
		{"truncated JSON", `{"jsonrpc":"2.0","id":10,"method":"tools/li`, nil, []float64{parseError}},
		{"not JSON", `hello there`, nil, []float64{parseError}},
		{"invalid UTF-8 and NULs", "{\"jsonrpc\":\"2.0\",\"id\":\xff\x00}", nil, []float64{parseError}},
		{"a bare number", `42`, nil, []float64{parseError, invalidRequest}},
		{"an empty batch", `[]`, nil, []float64{parseError, invalidRequest}},
		{"a batch (removed in MCP 2025-06-18)", `[{"jsonrpc":"2.0","id":11,"method":"ping"}]`, nil, []float64{parseError, invalidRequest}},
		{"wrong jsonrpc version", `{"jsonrpc":"1.0","id":12,"method":"ping"}`, 12, []float64{invalidRequest}},
		{"no jsonrpc member", `{"id":13,"method":"ping"}`, 13, []float64{invalidRequest}},
		{"unknown method", `{"jsonrpc":"2.0","id":14,"method":"tools/explode"}`, 14, []float64{methodNotFound}},
		{"method of wrong type", `{"jsonrpc":"2.0","id":15,"method":42}`, nil, []float64{parseError, invalidRequest}},
		{"params of wrong type", `{"jsonrpc":"2.0","id":16,"method":"tools/call","params":"cloudbase_get_login_config"}`, 16, []float64{invalidParams, invalidRequest}},
		{"tool name of wrong type", `{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":123}}`, 17, []float64{invalidParams, invalidRequest}},
		{"cursor of wrong type", `{"jsonrpc":"2.0","id":18,"method":"tools/list","params":{"cursor":{"a":1}}}`, 18, []float64{invalidParams, invalidRequest}},
		{"unknown tool", `{"jsonrpc":"2.0","id":19,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}`, 19, []float64{invalidParams}},
		{"missing tool name", `{"jsonrpc":"2.0","id":20,"method":"tools/call","params":{"arguments":{}}}`, 20, []float64{invalidParams}},
	} {
		wantError(t, c.what, p.call(c.line), c.id, c.codes...)
		ping(100 + i)
	}

	// A notification is never answered, even an unknown one: the next line is the ping's.
	p.send(`{"jsonrpc":"2.0","method":"notifications/whatever","params":{"x":1}}`)
	ping(200)

	// Arguments of the wrong type are the tool's business: an isError result naming the field.
	r := wantResult(t, "arguments of wrong type", p.call(`{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"cloudbase_describe_api_key_list","arguments":{"PageSize":"ten"}}}`), 21)
	if r["isError"] != true || !strings.Contains(fmt.Sprint(r["content"]), "PageSize") {
		t.Errorf("wrong argument type: %v", r)
	}

	// A 10 MB message: one tool call whose argument alone is 10 MB, then 10 MB of garbage.
	huge := strings.Repeat("A", 10<<20)
	r = wantResult(t, "10 MB call", p.call(`{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"cloudbase_describe_client","arguments":{"Id":"`+huge+`"}}}`), 22)
	if r["isError"] != true || !strings.Contains(fmt.Sprint(r["content"]), "too large") {
		t.Errorf("10 MB arguments: want a tool error saying too large, got %.300v", r)
	}
	wantError(t, "10 MB of garbage", p.call(huge), nil, parseError)
	ping(300)

	// Still serving real work.
	tools := wantResult(t, "tools/list", p.call(`{"jsonrpc":"2.0","id":30,"method":"tools/list"}`), 30)
	if n := len(tools["tools"].([]any)); n == 0 {
		t.Fatal("no tools listed")
	}
	r = wantResult(t, "tool call", p.call(`{"jsonrpc":"2.0","id":31,"method":"tools/call","params":{"name":"cloudbase_get_login_config","arguments":{}}}`), 31)
	if r["isError"] == true {
		t.Fatalf("a valid call failed after the abuse: %v", r)
	}
	for name, s := range map[string]string{"stdout": p.stdout.String(), "stderr": p.stderr.String()} {
		if strings.Contains(s, plantedKey) {
			t.Fatalf("the SecretKey leaked on %s", name)
		}
	}
}

// TestStdioExitsOnEOF: closing stdin ends the process cleanly, even mid-line.
func TestStdioExitsOnEOF(t *testing.T) {
	p := startStdio(t)
	wantResult(t, "initialize", p.call(initLine), "init")
	_, _ = io.WriteString(p.stdin, `{"jsonrpc":"2.0","id":1,"method":"pi`)
	_ = p.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after EOF: %v; stderr:\n%s", err, p.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the server kept running after stdin closed")
	}
}
