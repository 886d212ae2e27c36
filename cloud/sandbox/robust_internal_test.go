package sandbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Class 8 (issue 12): a panic in a handler answers 500 in the API's error
// shape and releases the lock: the next call is served, not left waiting.
func TestPanickingHandlerReleasesItsLock(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	call := func() (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/billing_groups", nil)
		req.Header.Set("Authorization", "Bearer "+s.telnyxAPIKey())
		c := &http.Client{Timeout: 3 * time.Second}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("the sandbox stopped answering: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	s.mu.Lock()
	saved := s.telnyx()
	telnyxSection.set(s.state, nil) // the handler dereferences it: a panic under the lock
	s.mu.Unlock()
	resp, body := call()
	if resp.StatusCode != 500 || !strings.Contains(body, `"errors"`) || !strings.Contains(body, "10007") {
		t.Fatalf("panic answer: %d %s", resp.StatusCode, body)
	}
	s.mu.Lock()
	telnyxSection.set(s.state, saved)
	s.mu.Unlock()
	if resp, body := call(); resp.StatusCode != 200 {
		t.Fatalf("after a panic: %d %s", resp.StatusCode, body)
	}
}

// Class 8: a state file that parses but lacks a section is refused at load,
// naming the missing part.
func TestStateFileWithoutSectionsIsRefused(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{`{}`, `"envs"`},
		{`{"envs":{}}`, `"telnyx"`},
		{`{"envs":{"e1":{"id":"e1","auth":{}}},"telnyx":{}}`, `"integration" section of environment "e1"`},
	} {
		path := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(path, []byte(c.file), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := New(Config{StateFile: path})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "delete it") {
			t.Errorf("state %s: %v, want an error naming %s", c.file, err, c.want)
		}
	}
}
