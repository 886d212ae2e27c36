package tcb

import (
	"net/url"
	"path"
	"strings"
	"testing"
)

// cloudView is how a lenient server may read a path: escapes decoded (more
// than once), case folded, ;params dropped, dot segments resolved.
func cloudView(p string) string {
	for range 3 {
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
	}
	p = withoutSegmentParams(strings.ToLower(p))
	return path.Clean(p)
}

var pathGuardSeeds = []string{
	"/auth/v1/tok%65n/clientCredential", "/auth/v1/%74oken/clientCredential", "/%61uth/v1/token/clientCredential",
	"/AUTH/V1/TOKEN/clientCredential", "/auth;x/v1/token/clientCredential", "/auth/v1/token;a/clientCredential",
	"/auth/v1/token%3Bx/clientCredential", "/a/%2e%2e/auth/v1/token", "/a/%252e%252e/auth/v1/token", "/a//auth/v1/token",
	"/auth/v2/token", "/weda/odata/v1/prod/todo('x')", "/v1/functions/hello", "/auth/v1/user/me", "/%7Euser/x",
}

// TestPathGuardSeesWhatTheCloudSees: every encoding of the token endpoint is
// refused, ordinary paths pass, and unreserved escapes are sent decoded.
func TestPathGuardSeesWhatTheCloudSees(t *testing.T) {
	for _, p := range pathGuardSeeds {
		norm, err := NormalizePath(p)
		reachesToken := tokenPaths.MatchString(cloudView(p))
		if reachesToken && err == nil {
			t.Errorf("%q reaches the token endpoint (%q) yet passes", p, cloudView(p))
		}
		if err == nil && strings.Contains(norm, "%") {
			t.Errorf("%q: sent as %q, still escaped", p, norm)
		}
	}
	for _, ok := range []string{"/weda/odata/v1/prod/todo('x')", "/v1/functions/hello", "/auth/v1/user/me"} {
		if _, err := NormalizePath(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	if norm, err := NormalizePath("/%7Euser/%41b"); err != nil || norm != "/~user/Ab" {
		t.Errorf("unreserved escapes: %q %v", norm, err)
	}
}

// FuzzPathGuard: whatever passes the guard neither reaches a token endpoint
// nor leaves the API root, however a server decodes it, and is sent without
// escapes (so what was checked is what the server routes on).
func FuzzPathGuard(f *testing.F) {
	for _, s := range pathGuardSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		norm, err := NormalizePath(p)
		if err != nil {
			return
		}
		view := cloudView(p)
		if tokenPaths.MatchString(view) {
			t.Fatalf("guard passed %q, which a server may read as %q", p, view)
		}
		if strings.Contains(norm, "%") || strings.Contains(norm, "//") || !strings.HasPrefix(view, "/") {
			t.Fatalf("guard passed %q as %q (server view %q)", p, norm, view)
		}
		if again, err := NormalizePath(norm); err != nil || again != norm {
			t.Fatalf("not idempotent: %q -> %q -> %q %v", p, norm, again, err)
		}
	})
}
