package tcb

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

// MaxPathLen bounds a request path.
const MaxPathLen = 1024

// pathChars are RFC 3986 path characters (pchar and '/'): enough for every
// CloudBase API, including OData keys like todo('id'); nothing that could end
// the path (?, #), change the host (\) or hide in whitespace.
var pathChars = lazyre.New(`^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$`)

// tokenPaths mint tokens: the server manages the one it uses and never lets a
// caller obtain another one.
var tokenPaths = lazyre.New(`(?i)^/auth/v[0-9]+/token(/|$)`)

// CheckPath refuses a path that could leave the environment's host or API
// root: a scheme or host, '..' or '.' segments (also percent-encoded), encoded
// slashes, a query or fragment (the query goes separately), and the token
// endpoints.
func CheckPath(p string) error {
	bad := func(format string, a ...any) error {
		return &RequestError{Field: "path", Problem: fmt.Sprintf(format, a...)}
	}
	switch {
	case p == "":
		return bad("required")
	case len(p) > MaxPathLen:
		return bad("too long: %d characters, at most %d", len(p), MaxPathLen)
	case strings.Contains(p, "://"):
		return bad("must be a path on the environment's HTTP API host, not a URL (got %q)", clip(p))
	case !strings.HasPrefix(p, "/"):
		return bad("must start with / (a path on the environment's HTTP API host, got %q)", clip(p))
	case strings.HasPrefix(p, "//"):
		return bad("must not start with // (that names another host, got %q)", clip(p))
	case strings.ContainsAny(p, "?#"):
		return bad("must not contain ? or # (pass query parameters in query, got %q)", clip(p))
	case !pathChars.MatchString(p):
		return bad("contains characters not allowed in a URL path (spaces, quotes, backslashes, non-ASCII, got %q)", clip(p))
	}
	lower := strings.ToLower(p)
	for _, enc := range []string{"%2e", "%2f", "%5c", "%25", "%00"} {
		if strings.Contains(lower, enc) {
			return bad("must not contain the encoded character %s (got %q)", enc, clip(p))
		}
	}
	if _, err := url.PathUnescape(p); err != nil {
		return bad("has an invalid %%-escape (got %q)", clip(p))
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return bad("must not contain . or .. segments (got %q)", clip(p))
		}
	}
	if tokenPaths.MatchString(p) {
		return bad("the token endpoints are not callable: the server manages its access token and never exposes it")
	}
	return nil
}

// checkEnvParams refuses a query parameter or top-level body field naming an
// environment other than the one the call goes to.
func checkEnvParams(env string, query map[string]string, body json.RawMessage) error {
	for k, v := range query {
		if isEnvKey(k) && v != env {
			return &RequestError{Field: "query." + k, Problem: fmt.Sprintf("names environment %q, but this server acts on %q only", clip(v), env)}
		}
	}
	var fields map[string]json.RawMessage
	if len(body) > 0 && json.Unmarshal(body, &fields) == nil {
		for k, raw := range fields {
			var v string
			if isEnvKey(k) && json.Unmarshal(raw, &v) == nil && v != env {
				return &RequestError{Field: "body." + k, Problem: fmt.Sprintf("names environment %q, but this server acts on %q only", clip(v), env)}
			}
		}
	}
	return nil
}

func isEnvKey(k string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
	return n == "envid"
}

// sameHost is the last guard: the final URL must be on the base URL's host.
func sameHost(base, target string) error {
	b, err1 := url.Parse(base)
	t, err2 := url.Parse(target)
	if err1 != nil || err2 != nil || b.Host != t.Host || b.Scheme != t.Scheme || t.User != nil {
		return &RequestError{Field: "path", Problem: "does not stay on the environment's HTTP API host"}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
