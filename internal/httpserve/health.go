package httpserve

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
)

// Probes for orchestrators and load balancers. Neither needs a token and
// neither says anything about the server beyond one word.
//
//   - GET /healthz (liveness): 200 {"status":"alive"} while the process serves
//     HTTP at all; a failing liveness probe means "restart me".
//   - GET /readyz (readiness): 200 {"status":"ready"} while the listener is up
//     and the server takes new work; 503 {"status":"draining"} from the
//     moment SIGTERM arrives, so a load balancer stops sending new sessions
//     while in-flight calls finish.
func probe(ok func() bool, up, down string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		status, code := up, http.StatusOK
		if !ok() {
			status, code = down, http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(map[string]string{"status": status})
	})
}

func liveness() http.Handler {
	return probe(func() bool { return true }, "alive", "")
}

func readiness(unready *atomic.Bool) http.Handler {
	return probe(func() bool { return !unready.Load() }, "ready", "draining")
}
