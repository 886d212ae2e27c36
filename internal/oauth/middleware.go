package oauth

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// Wrap puts next behind access-token validation and the per-subject rate
// limit. CORS preflights pass: they carry no credentials by design.
//
//   - no or malformed token: 401, WWW-Authenticate: Bearer resource_metadata="…"
//     (where a client learns which issuer to get a token from)
//   - invalid token (signature, issuer, audience, expiry): 401 with error="invalid_token"
//   - valid but neither scope: 403 with error="insufficient_scope"
//   - over the subject's rate: 429 with Retry-After
//
// No answer says anything about the token beyond that; the reason is logged.
func (r *Resource) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodOptions && req.Header.Get("Origin") != "" && req.Header.Get("Access-Control-Request-Method") != "" {
			next.ServeHTTP(w, req)
			return
		}
		raw, ok := bearer(req.Header.Get("Authorization"))
		if !ok {
			r.challenge(w, req, http.StatusUnauthorized, "", "Unauthorized: send an OAuth access token from the issuer named in the resource metadata", "no bearer token")
			return
		}
		p, err := r.verify(req.Context(), raw)
		switch {
		case errors.Is(err, errNoScope):
			r.challenge(w, req, http.StatusForbidden, `error="insufficient_scope", scope="`+r.cfg.ReadScope+`"`,
				"Forbidden: the access token carries neither "+r.cfg.ReadScope+" nor "+r.cfg.WriteScope+" (nor a per-toolset "+r.cfg.ReadScope+":<toolset> or "+r.cfg.WriteScope+":<toolset>)", "token without a cloudops scope")
			return
		case err != nil:
			r.challenge(w, req, http.StatusUnauthorized, `error="invalid_token"`,
				"Unauthorized: the access token is invalid or expired; get a new one from the issuer", err.Error())
			return
		}
		// Nothing after this point needs the token: it never reaches a cloud.
		req.Header.Del("Authorization")
		if req.Method == http.MethodPost {
			if wait, ok := r.limits.allow(p.Issuer + "\x00" + p.Subject); !ok {
				secs := int(math.Ceil(wait.Seconds()))
				w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
				if r.cfg.OnLimited != nil {
					r.cfg.OnLimited()
				}
				r.cfg.Log.Warn().Str("sub", p.Subject).Str("iss", p.Issuer).Msg("rate limited")
				http.Error(w, fmt.Sprintf("Too Many Requests: over %d requests a minute for this subject; retry after %d s", r.cfg.RatePerMinute, max(secs, 1)), http.StatusTooManyRequests)
				return
			}
		}
		next.ServeHTTP(w, req.WithContext(WithPrincipal(req.Context(), p)))
	})
}

func (r *Resource) challenge(w http.ResponseWriter, req *http.Request, status int, params, msg, reason string) {
	r.cfg.Log.Warn().Str("remote", req.RemoteAddr).Str("method", req.Method).Str("path", req.URL.Path).
		Int("status", status).Str("reason", reason).Msg("rejected HTTP request: OAuth")
	h := `Bearer resource_metadata="` + r.metadataURL + `"`
	if params != "" {
		h += ", " + params
	}
	w.Header().Set("WWW-Authenticate", h)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
