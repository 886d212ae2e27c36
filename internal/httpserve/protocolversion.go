package httpserve

import (
	"context"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"
)

type protocolVersionKey struct{}

// ProtocolVersion is the MCP-Protocol-Version header of the HTTP request ctx
// serves: what a client on 2025-06-18 or later sends after initialize. It is
// "" outside an HTTP request and for older clients. It tells a stateless
// server, whose sessions last one request and so never saw the initialize,
// which protocol the client speaks.
func ProtocolVersion(ctx context.Context) string {
	v, _ := ctx.Value(protocolVersionKey{}).(string)
	return v
}

// withProtocolVersion puts the request's MCP-Protocol-Version on its context.
func withProtocolVersion(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get(mcp.HeaderProtocolVersion); v != "" {
			r = r.WithContext(context.WithValue(r.Context(), protocolVersionKey{}, v))
		}
		next.ServeHTTP(w, r)
	})
}
