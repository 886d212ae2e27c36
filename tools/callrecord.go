package tools

import (
	"context"
	"errors"
	"reflect"
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
// Every cloud client names that error type OutcomeUnknownError.
func (r *CallRecord) OutcomeUnknown() bool {
	found := false
	walkErrors(r.Err(), func(e error) bool {
		t := reflect.TypeOf(e)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		found = t.Name() == "OutcomeUnknownError"
		return !found
	})
	return found
}

// ErrRequestID is the cloud request id the call's error carries: the
// RequestID string field every cloud client's API error type has.
func (r *CallRecord) ErrRequestID() string {
	id := ""
	walkErrors(r.Err(), func(e error) bool {
		v := reflect.ValueOf(e)
		for v.Kind() == reflect.Pointer && !v.IsNil() {
			v = v.Elem()
		}
		if v.Kind() == reflect.Struct {
			if f := v.FieldByName("RequestID"); f.IsValid() && f.Kind() == reflect.String {
				id = f.String()
			}
		}
		return id == ""
	})
	return id
}

// walkErrors calls fn on err and everything it wraps until fn returns false.
func walkErrors(err error, fn func(error) bool) bool {
	if err == nil {
		return true
	}
	if !fn(err) {
		return false
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return walkErrors(u.Unwrap(), fn)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if !walkErrors(e, fn) {
				return false
			}
		}
	}
	return true
}
