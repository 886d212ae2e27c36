package tools

import (
	"context"
	"errors"
	"sync"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
)

// CallRecord lets middleware (audit log, client warnings) learn how a call
// ended without parsing result text: Define notes the handler's error here.
type CallRecord struct {
	mu  sync.Mutex
	err error
}

type callRecordKey struct{}

// WithCallRecord returns ctx carrying a fresh record for one tool call.
func WithCallRecord(ctx context.Context) (context.Context, *CallRecord) {
	r := &CallRecord{}
	return context.WithValue(ctx, callRecordKey{}, r), r
}

// noteOutcome records err (nil for success) in ctx's record, if any.
func noteOutcome(ctx context.Context, err error) {
	if r, ok := ctx.Value(callRecordKey{}).(*CallRecord); ok {
		r.mu.Lock()
		r.err = err
		r.mu.Unlock()
	}
}

// Err is the handler's error: nil on success, an *InputError, a cloud error,
// or a *cloud.DryRunError.
func (r *CallRecord) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// DryRun reports whether the call only built its request.
func (r *CallRecord) DryRun() bool {
	var dry *cloud.DryRunError
	return errors.As(r.Err(), &dry)
}

// OutcomeUnknown reports whether a change was sent and no answer came back.
func (r *CallRecord) OutcomeUnknown() bool {
	var unknown cloud.OutcomeUnknown
	return errors.As(r.Err(), &unknown)
}

// ErrRequestID is the cloud request id the call's error carries, if any.
func (r *CallRecord) ErrRequestID() string {
	var carrier cloud.RequestIDCarrier
	if errors.As(r.Err(), &carrier) {
		return carrier.CloudRequestID()
	}
	return ""
}
