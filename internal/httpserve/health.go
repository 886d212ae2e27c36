package httpserve

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
)

// health answers GET /healthz without authentication: ready while serving,
// 503 once shutdown began so a load balancer stops sending new work. It says
// nothing else about the server.
func health(draining *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		status, code := "ready", http.StatusOK
		if draining.Load() {
			status, code = "shutting down", http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]string{"status": status})
	})
}
