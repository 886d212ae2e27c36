package sandbox

import "time"

// IntegrationState holds integration templates and user keys (instances).
// Filled in by the integration issue.
type IntegrationState struct{}

func seedIntegration(now time.Time) *IntegrationState { return &IntegrationState{} }

func (s *Server) registerIntegration() {}
