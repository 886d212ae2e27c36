package cloud

import (
	"errors"
	"strings"
)

// Every cloud client's errors answer two questions the tool layer, the audit
// log and client warnings ask, through these interfaces rather than through
// each client's concrete types.

// OutcomeUnknown is implemented by errors meaning a change was sent but no
// usable answer came back: it was not re-sent and may or may not have applied.
type OutcomeUnknown interface {
	error
	OutcomeUnknown()
}

// RequestIDCarrier is implemented by error answers that carry the cloud's request id.
type RequestIDCarrier interface {
	error
	CloudRequestID() string
}

// Hinter is implemented by error answers that know what the user can do about
// them ("check TELNYX_API_KEY", "fix the named field").
type Hinter interface {
	error
	Hint() string
}

// NotFounder is implemented by errors that say the object a call named does
// not exist (CloudBase ResourceNotFound*, a Telnyx 404).
type NotFounder interface {
	error
	NotFound() bool
}

// IsNotFound reports whether err, or an error it wraps, says the object a
// call named does not exist.
func IsNotFound(err error) bool {
	var nf NotFounder
	return errors.As(err, &nf) && nf.NotFound()
}

// ErrorMessage renders a failure for a person, the one rendering that tool
// errors, resource read errors and prompt texts share: the error's own text
// (each client's errors name the service, the operation, and the cloud's
// code, message and request id), then its hint unless the text already holds
// it. Callers redact the result.
func ErrorMessage(err error) string {
	msg := err.Error()
	var h Hinter
	if errors.As(err, &h) {
		if hint := h.Hint(); hint != "" && !strings.Contains(msg, hint) {
			msg += ". " + hint
		}
	}
	return msg
}
