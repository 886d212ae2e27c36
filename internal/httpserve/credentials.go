package httpserve

import (
	"net/http"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// credentialHeaders are the registered providers' per-request credential
// headers (Options.Providers), in order.
func (s *Server) credentialHeaders() []string {
	var names []string
	for _, h := range cloud.AllHeaders(s.opts.Providers) {
		names = append(names, h.Name)
	}
	return names
}

// credentials turns a request's credential headers (each provider declares
// its own) into cloud.Overrides on the request context, so every cloud call
// made for this request (and only this one) uses them. Nothing is stored
// between requests: a session's credentials are the ones its client sends
// with each request, and can never reach another session. The secret values
// are masked for this request only (a redact.Scope on its context): they
// never join the shared list, so no caller can make other answers mask text
// of its choosing, and nothing is kept once the request ends. The headers
// are removed so nothing downstream can read them. A CORS preflight is not
// authenticated, so its headers are dropped unread.
func credentials(providers []cloud.Provider, red *redact.Redactor, next http.Handler) http.Handler {
	headers := cloud.AllHeaders(providers)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header
		if isPreflight(r) {
			for _, c := range headers {
				h.Del(c.Name)
			}
			next.ServeHTTP(w, r)
			return
		}
		var o cloud.Overrides
		var secrets []string
		for _, c := range headers {
			if v := h.Get(c.Name); v != "" {
				if o == nil {
					o = cloud.Overrides{}
				}
				o[c.Name] = v
				if c.Secret {
					secrets = append(secrets, v)
				}
			}
			h.Del(c.Name)
		}
		if o == nil {
			next.ServeHTTP(w, r)
			return
		}
		for _, p := range providers {
			if p.CheckHeaders == nil {
				continue
			}
			if err := p.CheckHeaders(o); err != nil {
				reject(w, http.StatusBadRequest, "Bad Request: "+err.Error())
				return
			}
		}
		scope := red.NewScope()
		scope.Add(secrets...)
		next.ServeHTTP(w, r.WithContext(redact.WithScope(cloud.WithOverrides(r.Context(), o), scope)))
	})
}
