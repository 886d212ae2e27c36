// Package audit appends one JSON line per mutating tool call (and per dry run
// and declined confirmation) to a file an operator can grep, tail and parse.
//
// Each line is written with a single write(2) on an O_APPEND file and synced
// before the call's result goes back, so lines of concurrent writers never
// interleave and an acknowledged line survives a crash. A process killed in
// the middle of that write can at worst leave an unterminated tail; Open cuts
// such a tail before appending, so it can never glue onto the next line.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Outcome is how a call ended.
type Outcome string

// Outcomes.
const (
	OK             Outcome = "ok"              // the change was made
	ToolError      Outcome = "tool_error"      // refused or failed; nothing (more) to check
	OutcomeUnknown Outcome = "outcome_unknown" // sent, no answer: check with the read tool
	DryRun         Outcome = "dry_run"         // built, shown, not sent
	Declined       Outcome = "declined"        // the user said no; nothing was sent
)

// MaxArgumentBytes bounds the arguments kept in one line; larger ones are
// replaced by their size and hash so a line stays small.
const MaxArgumentBytes = 16 << 10

// Entry is one audit line.
type Entry struct {
	Time    time.Time `json:"time"`
	Session string    `json:"session,omitempty"`
	Client  string    `json:"client,omitempty"`
	// Subject and Issuer name the signed-in caller (OAuth access token).
	Subject   string          `json:"sub,omitempty"`
	Issuer    string          `json:"iss,omitempty"`
	Tool      string          `json:"tool"`
	Arguments json.RawMessage `json:"arguments"`
	Outcome   Outcome         `json:"outcome"`
	RequestID string          `json:"requestId,omitempty"`
	// Changed is the result's changed flag: false for a call that found
	// nothing to change (nothing was sent); absent when the result has none.
	Changed *bool  `json:"changed,omitempty"`
	Error   string `json:"error,omitempty"`
	// DurationMS is wall time of the call in milliseconds.
	DurationMS float64 `json:"durationMs"`
}

// Log is an open audit file. It is safe for concurrent use.
type Log struct {
	mu     sync.Mutex
	f      *os.File
	redact func([]byte) []byte
	// Dropped is how many bytes of an unterminated last line Open removed.
	Dropped int64
}

// Open opens (creating with mode 0600) the audit file at path for appending.
// redact is applied to every whole line before it is written.
func Open(path string, redact func([]byte) []byte) (*Log, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600) //nolint:gosec // G304: the operator names the file (--audit-log)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	dropped, err := cutTornTail(f)
	if err != nil {
		_ = f.Close() // the read error is the one to report
		return nil, fmt.Errorf("audit log %s: %w", path, err)
	}
	return &Log{f: f, redact: redact, Dropped: dropped}, nil
}

// cutTornTail truncates the file after its last newline: bytes after it are
// the remains of a write a crash interrupted, never acknowledged to anyone.
func cutTornTail(f *os.File) (int64, error) {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return 0, err
	}
	size := fi.Size()
	buf := make([]byte, 4096)
	for end := size; end > 0; {
		start := max(end-int64(len(buf)), 0)
		chunk := buf[:end-start]
		if _, err := f.ReadAt(chunk, start); err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			keep := start + int64(i) + 1
			if keep == size {
				return 0, nil
			}
			return size - keep, truncate(f, keep)
		}
		end = start
	}
	return size, truncate(f, 0)
}

func truncate(f *os.File, n int64) error {
	if err := f.Truncate(n); err != nil {
		return err
	}
	return f.Sync()
}

// Append writes e as one line and syncs it to disk before returning.
func (l *Log) Append(e Entry) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC()
	if l.redact != nil && len(e.Arguments) > 0 {
		e.Arguments = l.redact(e.Arguments) // before bound, which may hash them
	}
	e.Arguments = bound(e.Arguments)
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("audit log: encode: %w", err)
	}
	if l.redact != nil {
		line = l.redact(line)
	}
	// encoding/json escapes newlines inside strings; a redactor must not add any.
	if bytes.IndexByte(line, '\n') >= 0 || !json.Valid(line) {
		return errors.New("audit log: redacted line is not single-line JSON")
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return errors.New("audit log: closed")
	}
	// One write(2) per line: O_APPEND makes it land whole at the end.
	n, err := l.f.Write(line)
	if err == nil && n != len(line) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit log: sync: %w", err)
	}
	return nil
}

// bound keeps arguments as given (compacted) when small and valid, else
// replaces them with a description.
func bound(args json.RawMessage) json.RawMessage {
	if len(args) == 0 {
		return json.RawMessage("{}")
	}
	var b bytes.Buffer
	if err := json.Compact(&b, args); err != nil {
		return json.RawMessage(`{"omitted":"arguments were not valid JSON"}`)
	}
	if b.Len() <= MaxArgumentBytes {
		return b.Bytes()
	}
	sum := sha256.Sum256(b.Bytes())
	out, _ := json.Marshal(map[string]any{"omitted": fmt.Sprintf("%d bytes, more than the audit log keeps", b.Len()),
		"sha256": hex.EncodeToString(sum[:])})
	return out
}

// Close closes the file; later appends fail.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
