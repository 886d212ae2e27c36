package httpserve

import (
	"net/http"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// Headers a client may send to use its own cloud credentials instead of the server's.
const (
	HeaderSecretID     = "X-TencentCloud-SecretId"
	HeaderSecretKey    = "X-TencentCloud-SecretKey"
	HeaderSessionToken = "X-TencentCloud-SessionToken"
	HeaderEnvID        = "X-CloudBase-Env-Id"
	HeaderTelnyxAPIKey = "X-Telnyx-Api-Key"
)

var credentialHeaders = []string{HeaderSecretID, HeaderSecretKey, HeaderSessionToken, HeaderEnvID, HeaderTelnyxAPIKey}

// credentials turns a request's credential headers into cloud.Overrides on the
// request context, so every cloud call made for this request (and only this
// one) signs with them. Nothing is stored between requests: a session's
// credentials are the ones its client sends with each request, and can never
// reach another session. The secret values are masked for this request only
// (a redact.Scope on its context): they never join the shared list, so no
// caller can make other answers mask text of its choosing, and nothing is
// kept once the request ends. The headers are removed so nothing downstream
// can read them. A CORS preflight is not authenticated, so its headers are
// dropped unread.
func credentials(red *redact.Redactor, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header
		if isPreflight(r) {
			for _, name := range credentialHeaders {
				h.Del(name)
			}
			next.ServeHTTP(w, r)
			return
		}
		o := cloud.Overrides{SecretID: h.Get(HeaderSecretID), SecretKey: h.Get(HeaderSecretKey),
			SessionToken: h.Get(HeaderSessionToken), EnvID: h.Get(HeaderEnvID), TelnyxAPIKey: h.Get(HeaderTelnyxAPIKey)}
		for _, name := range credentialHeaders {
			h.Del(name)
		}
		if (o.SecretID == "") != (o.SecretKey == "") {
			reject(w, http.StatusBadRequest, "Bad Request: send "+HeaderSecretID+" and "+HeaderSecretKey+" together")
			return
		}
		if o.SessionToken != "" && o.SecretID == "" {
			reject(w, http.StatusBadRequest, "Bad Request: "+HeaderSessionToken+" needs "+HeaderSecretID+" and "+HeaderSecretKey)
			return
		}
		if o != (cloud.Overrides{}) {
			scope := red.NewScope()
			scope.Add(o.SecretKey, o.SessionToken, o.TelnyxAPIKey)
			r = r.WithContext(redact.WithScope(cloud.WithOverrides(r.Context(), o), scope))
		}
		next.ServeHTTP(w, r)
	})
}
