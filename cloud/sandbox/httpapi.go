package sandbox

import (
	"net/http"
	"time"
)

// RecordsState holds data-model records for the HTTP API emulation.
// Filled in by the HTTP API issue.
type RecordsState struct{}

func seedRecords(now time.Time) *RecordsState { return &RecordsState{} }

func (s *Server) routeHTTPAPI(mux *http.ServeMux) {}
