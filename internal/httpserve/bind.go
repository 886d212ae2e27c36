package httpserve

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// CheckBind refuses to serve an address reachable from other machines without
// a bearer token, unless the operator said their own proxy authenticates
// (allowUnauthenticated); then it returns a warning to log.
func CheckBind(addr, token string, allowUnauthenticated bool) (warning string, err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: want host:port (e.g. 127.0.0.1:8080): %w", addr, err)
	}
	if token != "" || IsLoopbackHost(host) {
		return "", nil
	}
	if allowUnauthenticated {
		return fmt.Sprintf("serving on %s WITHOUT authentication because of --allow-unauthenticated. "+
			"Anyone who can reach it can use this server's cloud credentials unless your proxy authenticates", addr), nil
	}
	// Worded so that the log redaction (which masks "token: x" and "TOKEN=x") leaves it readable.
	return "", fmt.Errorf("refusing to serve on %s without a bearer token, as other machines can reach it. "+
		"Set one with --http-token or the CLOUDOPS_MCP_HTTP_TOKEN variable (generate one with: openssl rand -hex 32), "+
		"bind to 127.0.0.1, or pass --allow-unauthenticated if your own proxy authenticates", addr)
}

// CheckToken refuses a bearer token short enough to guess.
func CheckToken(token string) error {
	if token != "" && len(token) < MinTokenLen {
		return fmt.Errorf("the bearer token (--http-token / CLOUDOPS_MCP_HTTP_TOKEN) has %d characters; use at least %d, "+
			"random, so it cannot be guessed (generate one with: openssl rand -hex 32)", len(token), MinTokenLen)
	}
	return nil
}

// IsLoopbackHost reports whether host (a name, IP, [IPv6] or host:port) is
// loopback. An empty host means every interface, so it is not.
func IsLoopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
