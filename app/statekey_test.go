package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Stateless HTTP with confirmations means replicas: without a shared state
// key the server refuses to start and says how to make one; a bad key file
// is named without echoing its content.
func TestStateKeyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	short := "0123456789abcdef" // 8 bytes: too short
	cases := []struct {
		name string
		args []string
		want string // "" means it starts
	}{
		{"stateless without a key", []string{"--stateless"}, "needs --state-key-file"},
		{"stateless, confirmations off", []string{"--stateless", "--confirm-destructive=false"}, ""},
		{"stateful without a key", nil, ""},
		{"stateless with keys", []string{"--stateless", "--state-key-file", write("good", "# current first\n"+strings.Repeat("ab", 32)+"\n"+strings.Repeat("cd", 40)+"\n")}, ""},
		{"a short key", []string{"--stateless", "--state-key-file", write("short", short+"\n")}, "line 1: want a key of at least 32 bytes"},
		{"an empty file", []string{"--state-key-file", write("empty", "# nothing\n")}, "holds no key"},
		{"a missing file", []string{"--state-key-file", filepath.Join(dir, "nope")}, "--state-key-file"},
	}
	for _, c := range cases {
		cfg, err := config.Parse(append([]string{"--sandbox", "--transport", "http"}, c.args...), func(string) string { return "" }, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		a, err := app.New(context.Background(), cfg, &testenv.SyncBuffer{})
		if err == nil {
			a.Close()
		}
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		case err != nil && strings.Contains(err.Error(), short):
			t.Errorf("%s: the error shows the key", c.name)
		}
	}
}
