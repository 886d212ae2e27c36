package sandbox

import (
	"net/http"
	"time"
)

// TelnyxState holds the Telnyx account emulation. Filled in by the Telnyx issue.
type TelnyxState struct{}

func seedTelnyx(now time.Time) *TelnyxState { return &TelnyxState{} }

func (s *Server) routeTelnyx(mux *http.ServeMux) {}
