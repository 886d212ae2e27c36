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
// root, or reach the token endpoints, as the cloud will read it: see NormalizePath.
func CheckPath(p string) error {
	_, err := NormalizePath(p)
	return err
}

// NormalizePath returns p as it is sent, or why it is refused. Guards match
// what the cloud will see, so escapes are settled first: %XX of an unreserved
// character (letters, digits, - . _ ~) is decoded, and any other escape is
// refused, since a server may decode it into a separator or a dot. Then a
// scheme or host, empty, '.' or '..' segments, a query or fragment (the query
// goes separately), and the token endpoints (in any case, with or without
// ;parameters on a segment) are refused.
func NormalizePath(p string) (string, error) {
	bad := func(format string, a ...any) error {
		return &RequestError{Field: "path", Problem: fmt.Sprintf(format, a...)}
	}
	switch {
	case p == "":
		return "", bad("required")
	case len(p) > MaxPathLen:
		return "", bad("too long: %d characters, at most %d", len(p), MaxPathLen)
	case strings.Contains(p, "://"):
		return "", bad("must be a path on the environment's HTTP API host, not a URL (got %q)", clip(p))
	case !strings.HasPrefix(p, "/"):
		return "", bad("must start with / (a path on the environment's HTTP API host, got %q)", clip(p))
	case strings.HasPrefix(p, "//"):
		return "", bad("must not start with // (that names another host, got %q)", clip(p))
	case strings.ContainsAny(p, "?#"):
		return "", bad("must not contain ? or # (pass query parameters in query, got %q)", clip(p))
	case !pathChars.MatchString(p):
		return "", bad("contains characters not allowed in a URL path (spaces, quotes, backslashes, non-ASCII, got %q)", clip(p))
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			b.WriteByte(p[i])
			continue
		}
		if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
			return "", bad("has an invalid %%-escape (got %q)", clip(p))
		}
		c := unhex(p[i+1])<<4 | unhex(p[i+2])
		if !isUnreserved(c) {
			return "", bad("must not percent-encode %q (%%%s): only letters, digits and -._~ may be encoded, and they need not be (got %q)",
				string(rune(c)), strings.ToUpper(p[i+1:i+3]), clip(p))
		}
		b.WriteByte(c)
		i += 2
	}
	norm := b.String()
	segs := strings.Split(norm, "/")
	for i, seg := range segs[1:] {
		if seg == ".." || seg == "." {
			return "", bad("must not contain . or .. segments (got %q)", clip(p))
		}
		if seg == "" && i < len(segs)-2 {
			return "", bad("must not contain empty segments (//) (got %q)", clip(p))
		}
	}
	if tokenPaths.MatchString(withoutSegmentParams(norm)) {
		return "", bad("the token endpoints are not callable: the server manages its access token and never exposes it")
	}
	return norm, nil
}

// withoutSegmentParams drops ";params" from each segment, which some servers
// ignore when routing (/auth;x/v1/token reaches /auth/v1/token there).
func withoutSegmentParams(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if k := strings.IndexByte(s, ';'); k >= 0 {
			segs[i] = s[:k]
		}
	}
	return strings.Join(segs, "/")
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
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
