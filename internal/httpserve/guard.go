package httpserve

import (
	"net"
	"net/http"
	"net/url"
)

// guardOrigin protects against DNS rebinding and cross-site browser calls.
//
//   - A request that arrived on a loopback connection must name a loopback
//     host: a page that rebinds its own domain to 127.0.0.1 still sends its
//     own name in Host.
//   - A request with an Origin header (only browsers send one) must come from
//     an origin in allowed ("*" allows all), or from a loopback origin over a
//     loopback connection (local tools such as the MCP Inspector).
//
// mcp-go applies the same Host rule inside its handlers; this runs first so
// that it also covers /healthz and the answers of the other middleware.
func guardOrigin(allowed []string, next http.Handler) http.Handler {
	allow := map[string]bool{}
	for _, o := range allowed {
		allow[o] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local := arrivedOnLoopback(r)
		if local && !IsLoopbackHost(r.Host) {
			reject(w, http.StatusForbidden, "Forbidden: the Host header must be a loopback name on a loopback listener (DNS rebinding protection)")
			return
		}
		if origin := r.Header.Get("Origin"); origin != "" && !allow["*"] && !allow[origin] && !(local && isLoopbackOrigin(origin)) {
			reject(w, http.StatusForbidden, "Forbidden: this Origin is not allowed (the server's --allowed-origins lists the browser origins it accepts)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func arrivedOnLoopback(r *http.Request) bool {
	a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	return ok && a != nil && IsLoopbackHost(a.String())
}

func isLoopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && IsLoopbackHost(u.Host)
}
