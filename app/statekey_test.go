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
		{"stateless pages through a balancer without a key", []string{"--stateless", "--confirm-destructive=false", "--public-url", "https://mcp.example"}, "needs --state-key-file"},
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

// With a shared key, a replica must tell its peers where it is when an
// answer may reach another replica: a wildcard --addr without
// --advertise-url stops start-up and says what to set.
func TestAdvertiseURLRequiredOnWildcardAddr(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k")
	if err := os.WriteFile(key, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"stateless on 0.0.0.0", []string{"--stateless", "--addr", "0.0.0.0:0"}, "needs --advertise-url"},
		{"public URL on [::]", []string{"--addr", "[::]:0", "--public-url", "https://mcp.example.com"}, "needs --advertise-url"},
		{"stateless on 0.0.0.0 with --advertise-url", []string{"--stateless", "--addr", "0.0.0.0:0", "--advertise-url", "http://10.0.0.7:8080"}, ""},
		{"a bad --advertise-url", []string{"--stateless", "--addr", "127.0.0.1:0", "--advertise-url", "10.0.0.7:8080"}, "want http://host:port"},
		{"stateless on loopback", []string{"--stateless", "--addr", "127.0.0.1:0"}, ""},
		{"stateful, no public URL", []string{"--addr", "0.0.0.0:0"}, ""},
		{"no key file, public URL", []string{"--state-key-file=", "--public-url", "https://mcp.example.com"}, "warn: give every replica the same --state-key-file"},
	}
	for _, c := range cases {
		args := append([]string{"--sandbox", "--transport", "http", "--state-key-file", key, "--http-token", strings.Repeat("t", 40)}, c.args...)
		cfg, err := config.Parse(args, func(string) string { return "" }, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		logs := &testenv.SyncBuffer{}
		a, err := app.New(context.Background(), cfg, logs)
		if err != nil {
			t.Fatalf("%s: New: %v", c.name, err)
		}
		hs, err := a.ListenHTTP()
		if err == nil {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // Serve returns at once and closes the listener
			_ = hs.Serve(ctx)
		}
		a.Close()
		if warn, ok := strings.CutPrefix(c.want, "warn: "); ok {
			if err != nil || !strings.Contains(logs.String(), warn) {
				t.Errorf("%s: %v, want a warning containing %q in %s", c.name, err, warn, logs.String())
			}
			continue
		}
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
