package cloud

import (
	"context"
	"fmt"
)

// Dry run is decided per call by the tool layer and honoured by every cloud
// client at the one place a mutating request would leave the process, so
// reads still run and the request shown is exactly the one that would be sent.

type dryRunKey struct{}

// WithDryRun marks ctx so that mutating cloud requests are built but not sent.
func WithDryRun(ctx context.Context) context.Context {
	return context.WithValue(ctx, dryRunKey{}, true)
}

// IsDryRun reports whether ctx is marked for dry run.
func IsDryRun(ctx context.Context) bool {
	v, _ := ctx.Value(dryRunKey{}).(bool)
	return v
}

// DryRunError carries the request a mutating call would have sent. Clients
// return it instead of sending; the tool layer renders it as the result.
type DryRunError struct {
	Service string // "tcb", "tcb-http", "telnyx"
	// Request is the exact request: for tcb {action, region, body}; for HTTP
	// APIs {method, url, body}. Credentials are never part of it.
	Request any
}

func (e *DryRunError) Error() string {
	return fmt.Sprintf("dry run: %s request not sent", e.Service)
}
