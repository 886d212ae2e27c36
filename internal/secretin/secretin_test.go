package secretin

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/secretfile"
)

const planted = "planted-secret-c0ffee-1234"

func TestParse(t *testing.T) {
	for _, c := range []struct {
		v        any
		want     Ref
		ref, bad bool
	}{
		{"plain value", Ref{}, false, false},
		{map[string]any{"ask": true}, Ref{Ask: true}, true, false},
		{map[string]any{"file": "gh"}, Ref{File: "gh"}, true, false},
		{map[string]any{"env": "GH"}, Ref{Env: "GH"}, true, false},
		{map[string]any{"ask": false}, Ref{}, true, true},
		{map[string]any{"file": "a", "env": "B"}, Ref{}, true, true},
		{map[string]any{"value": planted}, Ref{}, true, true},
		{map[string]any{}, Ref{}, true, true},
	} {
		got, ref, err := Parse("Config.ClientSecret", c.v)
		if got != c.want || ref != c.ref || (err != nil) != c.bad {
			t.Errorf("Parse(%v) = %+v, %v, %v", c.v, got, ref, err)
		}
		if err != nil && (!strings.HasPrefix(err.Error(), "Config.ClientSecret (secret reference): ") || strings.Contains(err.Error(), planted)) {
			t.Errorf("error %q: must name the field, never the value", err)
		}
	}
}

type asker struct {
	v   string
	err error
}

func (a asker) Ask(context.Context, Purpose) (string, error) { return a.v, a.err }

func TestResolveErrorsNameTheFieldAndTheWayOut(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "gh"), []byte(planted+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "loose"), []byte(planted), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "loose"), 0o644)
	os.Symlink("/etc/hostname", filepath.Join(dir, "link"))
	env := map[string]string{"GH_SECRET": planted, "HOME": "/root"}
	r := &Resolver{Dir: secretfile.New(dir), AllowEnv: []string{"GH_SECRET", "EMPTY"}, Getenv: func(k string) string { return env[k] }}
	p := Purpose{Field: "Config.ClientSecret", Tool: "cloudbase_add_provider", Object: "identity provider github", Scope: "env demo-7f3a9c"}
	ctx := context.Background()
	if v, err := r.Resolve(ctx, Ref{File: "gh"}, p); v != planted || err != nil {
		t.Fatalf("file: %q %v", v, err)
	}
	if v, err := r.Resolve(ctx, Ref{Env: "GH_SECRET"}, p); v != planted || err != nil {
		t.Fatalf("env: %q %v", v, err)
	}
	for ref, want := range map[Ref]string{
		{File: "missing"}: "mode 600",
		{File: "loose"}:   "chmod 600",
		{File: "link"}:    "symbolic link",
		{File: "../gh"}:   "plain file name",
		{Env: "HOME"}:     "--secret-env HOME",
		{Env: "EMPTY"}:    "not set",
		{Env: "A-B"}:      "not a variable name",
		{Ask: true}:       `{"file": "github-ClientSecret"}`,
	} {
		_, err := r.Resolve(ctx, ref, p)
		if err == nil || !strings.HasPrefix(err.Error(), "Config.ClientSecret (secret reference): ") || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), planted) {
			t.Errorf("%+v: error %v, want it to name the field and say %q", ref, err, want)
		}
	}
	r.Asker = asker{err: CannotAsk("the client did not declare URL elicitation")}
	_, err := r.Resolve(ctx, Ref{Ask: true}, p)
	for _, want := range []string{"did not declare URL elicitation", filepath.Join(dir, "github-ClientSecret"), "--secret-env GITHUB_CLIENTSECRET", "Never ask the user to paste"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ask without URL elicitation: %v, want %q", err, want)
		}
	}
	r.Asker = asker{err: errors.New("the user declined to open the page; nothing was sent")}
	if _, err := r.Resolve(ctx, Ref{Ask: true}, p); err == nil || !strings.Contains(err.Error(), "declined") {
		t.Errorf("declined: %v", err)
	}
	r.Asker = asker{v: planted}
	if v, err := r.Resolve(ctx, Ref{Ask: true}, p); v != planted || err != nil {
		t.Errorf("ask: %q %v", v, err)
	}
	if got := p.String(); got != "ClientSecret for identity provider github in env demo-7f3a9c" {
		t.Errorf("purpose %q", got)
	}
}
