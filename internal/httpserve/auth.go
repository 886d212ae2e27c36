package httpserve

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"

	"github.com/rs/zerolog"
)

// requireToken lets through only requests carrying "Authorization: Bearer
// <token>". Both sides are hashed first so the comparison takes the same time
// whatever the length or content of the guess. The answer to a wrong or
// missing token says nothing about the token. CORS preflights carry no
// credentials by design and pass: they only ask which headers are allowed.
func requireToken(token string, log zerolog.Logger, next http.Handler) http.Handler {
	if token == "" {
		return next
	}
	want := sha256.Sum256([]byte(token))
	failed := newFailedAuth()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isPreflight(r) {
			next.ServeHTTP(w, r)
			return
		}
		addr := clientAddr(r)
		if wait := failed.blocked(addr); wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			reject(w, http.StatusTooManyRequests, "Too Many Requests: too many wrong bearer tokens from this address; wait and retry")
			return
		}
		got, ok := bearer(r.Header.Get("Authorization"))
		sum := sha256.Sum256([]byte(got))
		if subtle.ConstantTimeCompare(sum[:], want[:]) != 1 || !ok {
			failed.fail(addr)
			log.Warn().Str("remote", r.RemoteAddr).Str("method", r.Method).Str("path", r.URL.Path).
				Msg("rejected HTTP request: missing or wrong bearer token")
			w.Header().Set("WWW-Authenticate", `Bearer realm="cloudops-mcp"`)
			reject(w, http.StatusUnauthorized, "Unauthorized: send the server's bearer token in the Authorization header")
			return
		}
		// Nothing after this point needs the token; keep it out of reach.
		r.Header.Del("Authorization")
		next.ServeHTTP(w, r)
	})
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}
