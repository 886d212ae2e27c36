package cloud

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
