package httpserve

import (
	"crypto/sha256"
	"net/http"
	"sync"

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
// reach another session. The secret values are registered with the redactor
// so they cannot appear in a result, an error or a log line, and the headers
// are removed so nothing downstream can read them.
func credentials(red *redact.Redactor, next http.Handler) http.Handler {
	var registered sync.Map // sha256 of values already given to the redactor
	register := func(vals ...string) {
		for _, v := range vals {
			if v == "" {
				continue
			}
			if _, seen := registered.LoadOrStore(sha256.Sum256([]byte(v)), true); !seen {
				red.AddSecret(v)
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header
		o := cloud.Overrides{SecretID: h.Get(HeaderSecretID), SecretKey: h.Get(HeaderSecretKey),
			SessionToken: h.Get(HeaderSessionToken), EnvID: h.Get(HeaderEnvID), TelnyxAPIKey: h.Get(HeaderTelnyxAPIKey)}
		for _, name := range credentialHeaders {
			h.Del(name)
		}
		register(o.SecretKey, o.SessionToken, o.TelnyxAPIKey)
		if (o.SecretID == "") != (o.SecretKey == "") {
			reject(w, http.StatusBadRequest, "Bad Request: send "+HeaderSecretID+" and "+HeaderSecretKey+" together")
			return
		}
		if o.SessionToken != "" && o.SecretID == "" {
			reject(w, http.StatusBadRequest, "Bad Request: "+HeaderSessionToken+" needs "+HeaderSecretID+" and "+HeaderSecretKey)
			return
		}
		if o != (cloud.Overrides{}) {
			r = r.WithContext(cloud.WithOverrides(r.Context(), o))
		}
		next.ServeHTTP(w, r)
	})
}
