package tcb_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// FuzzCheckPath: whatever path passes the guard stays on the environment's
// host and, once a server decodes and cleans it, never climbs out of its root.
func FuzzCheckPath(f *testing.F) {
	for _, s := range []string{"/weda/odata/v1/prod/todo('a''b')", "//x", "/a/../b", "/%2e%2e/", "/a%2fb", "/x?y", "/@evil.example",
		"/:8080/x", "/a/.%2e/b", "/ok/%41", `/a\b`, "/auth/v1/token/x", "/\x00"} {
		f.Add(s)
	}
	c, err := tcb.NewHTTP(tcb.HTTPConfig{EnvID: "env-1"})
	if err != nil {
		f.Fatal(err)
	}
	base, _ := c.BaseURL(context.Background())
	f.Fuzz(func(t *testing.T, p string) {
		if tcb.CheckPath(p) != nil {
			return
		}
		u, err := url.Parse(base + p)
		if err != nil {
			t.Fatalf("accepted %q but %v", p, err)
		}
		if u.Host != "env-1.ap-shanghai.tcb-api.tencentcloudapi.com" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("accepted %q, which leaves the host: %#v", p, u)
		}
		for _, seg := range strings.Split(u.Path, "/") {
			if seg == ".." || seg == "." {
				t.Fatalf("accepted %q, which decodes to a dot segment", p)
			}
		}
		if strings.HasPrefix(strings.ToLower(u.Path), "/auth/v1/token") {
			t.Fatalf("accepted the token endpoint %q", p)
		}
	})
}
