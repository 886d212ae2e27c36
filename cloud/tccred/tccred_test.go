package tccred

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

func write(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, r *Resolved) tcb.Credential {
	t.Helper()
	c, err := r.Provider(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// metadata is a fake instance metadata service that counts its calls.
func metadata(t *testing.T, expires func() int64) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := n.Add(1)
		switch r.URL.Path {
		case "/cam/security-credentials/":
			fmt.Fprint(w, "ops-role")
		case "/cam/security-credentials/ops-role":
			fmt.Fprintf(w, `{"TmpSecretId":"AKIDtmp%d","TmpSecretKey":"tmpkey%d","Token":"tok%d","ExpiredTime":%d,"Code":"Success"}`, k, k, k, expires())
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestEnvironmentWinsAndNothingIsProbed(t *testing.T) {
	home := t.TempDir()
	write(t, filepath.Join(home, ".tencentcloud", "credentials"), "[default]\nsecret_id = AKIDfile\nsecret_key = filekey\n")
	var seen []string
	r, err := Resolve(context.Background(), Options{SecretID: "AKIDenv", SecretKey: "envkey", Home: home,
		OnNew: func(c tcb.Credential) { seen = append(seen, c.SecretKey) }})
	if err != nil {
		t.Fatal(err)
	}
	if c := get(t, r); c.SecretID != "AKIDenv" || r.Source != "environment (TENCENTCLOUD_SECRETID)" || len(seen) != 1 {
		t.Fatalf("%+v %q %v", c, r.Source, seen)
	}
	if strings.Contains(r.Source, "envkey") {
		t.Fatal("the source line names the key")
	}
}

func TestProfilesFromBothFiles(t *testing.T) {
	home := t.TempDir()
	ini := filepath.Join(home, ".tencentcloud", "credentials")
	write(t, ini, "[default]\nsecret_id = AKIDdef\nsecret_key = defkey\n\n[work]\nsecret_id = AKIDwork\nsecret_key = \"workkey\"\ntoken = worktok\n")
	tccli := filepath.Join(home, ".tccli", "ops.credential")
	write(t, tccli, `{"secretId": "AKIDtccli", "secretKey": "tcclikey", "region": "ap-guangzhou"}`)

	for _, tc := range []struct{ profile, id, source string }{
		{"", "AKIDdef", "profile default from " + ini},
		{"work", "AKIDwork", "profile work from " + ini},
		{"ops", "AKIDtccli", "profile ops from " + tccli},
	} {
		r, err := Resolve(context.Background(), Options{Profile: tc.profile, Home: home})
		if err != nil {
			t.Fatal(err)
		}
		if c := get(t, r); c.SecretID != tc.id || r.Source != tc.source {
			t.Errorf("profile %q: %+v from %q", tc.profile, c, r.Source)
		}
	}
	if _, err := Resolve(context.Background(), Options{Profile: "nope", Home: home}); err == nil ||
		!strings.Contains(err.Error(), "--profile nope: no such profile in "+ini+" or "+filepath.Join(home, ".tccli", "nope.credential")) {
		t.Fatalf("missing profile: %v", err)
	}
	// Nothing configured anywhere: no error, no source.
	r, err := Resolve(context.Background(), Options{Home: t.TempDir()})
	if err != nil || r.Source != "" || r.Provider != nil {
		t.Fatalf("%+v %v", r, err)
	}
}

// A profile file rewritten with a new session token is picked up on the next call.
func TestProfileFileChangesArePickedUp(t *testing.T) {
	home := t.TempDir()
	path := filepath.Join(home, ".tccli", "default.credential")
	write(t, path, `{"secretId": "AKID1", "secretKey": "key1", "token": "tok1"}`)
	var seen []string
	r, err := Resolve(context.Background(), Options{Home: home, OnNew: func(c tcb.Credential) { seen = append(seen, c.SessionToken) }})
	if err != nil || !r.Temporary {
		t.Fatal(err, r)
	}
	write(t, path, `{"secretId": "AKID1", "secretKey": "key1", "token": "tok2-longer"}`)
	if c := get(t, r); c.SessionToken != "tok2-longer" || strings.Join(seen, ",") != "tok1,tok2-longer" {
		t.Fatalf("%+v %v", c, seen)
	}
}

func TestRoleOnlyWhenAskedAndRefreshedBeforeExpiry(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	expiry := now.Add(2 * time.Hour)
	srv, calls := metadata(t, func() int64 { return expiry.Unix() })

	// The default never calls the metadata service, even with nothing else configured.
	if _, err := Resolve(context.Background(), Options{Home: t.TempDir(), MetadataURL: srv.URL}); err != nil || calls.Load() != 0 {
		t.Fatalf("auto probed the metadata service: %v, %d calls", err, calls.Load())
	}

	clock := now
	var seen []string
	r, err := Resolve(context.Background(), Options{Source: SourceRole, MetadataURL: srv.URL, Now: func() time.Time { return clock },
		OnNew: func(c tcb.Credential) { seen = append(seen, c.SessionToken) }})
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != "CVM role ops-role" {
		t.Fatalf("source %q", r.Source)
	}
	first := get(t, r)
	clock = expiry.Add(-10 * time.Minute) // still valid for a while: no new fetch
	if c := get(t, r); c != first {
		t.Fatalf("refetched too early: %+v", c)
	}
	expiry = expiry.Add(2 * time.Hour)
	clock = clock.Add(6 * time.Minute) // within 5 minutes of expiry: renewed
	if c := get(t, r); c == first || c.SessionToken == "" {
		t.Fatalf("not renewed: %+v", c)
	}
	if len(seen) != 2 {
		t.Fatalf("the redactor must learn each new pair: %v", seen)
	}
}

func TestRoleErrors(t *testing.T) {
	srv, _ := metadata(t, func() int64 { return time.Now().Add(time.Hour).Unix() })
	if _, err := Resolve(context.Background(), Options{Source: SourceRole, RoleName: "other", MetadataURL: srv.URL}); err == nil || !strings.Contains(err.Error(), "not bound") {
		t.Fatalf("unbound role: %v", err)
	}
	// Unreachable: the server starts, the source says so, calls fail with the reason.
	r, err := Resolve(context.Background(), Options{Source: SourceRole, RoleName: "ops-role", MetadataURL: "http://127.0.0.1:1/"})
	if err != nil || !strings.Contains(r.Source, "first fetch failed") {
		t.Fatalf("%v %+v", err, r)
	}
	if _, err := r.Provider(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot reach the instance metadata service") {
		t.Fatalf("%v", err)
	}
}

func TestExplicitSourcesAndHalfSetEnvironment(t *testing.T) {
	if _, err := Resolve(context.Background(), Options{Source: SourceEnv, Home: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "TENCENTCLOUD_SECRETKEY") {
		t.Fatal(err)
	}
	if _, err := Resolve(context.Background(), Options{SecretID: "AKIDonly", Home: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "set together") {
		t.Fatal(err)
	}
	if _, err := Resolve(context.Background(), Options{Source: "magic"}); err == nil || !strings.Contains(err.Error(), "want auto, env, profile or role") {
		t.Fatal(err)
	}
}
