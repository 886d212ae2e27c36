package secretin

import (
	"context"
	"errors"
	"sync"
)

// On protocol 2026-07-28 a server asks for input by answering a call with
// "input required" and the client makes the same call again with the
// answers (multi round-trip requests): nothing waits in between, and the
// call made again may reach another replica. So an ask there does not wait
// for the page: the Asker adds the page to the call's Round and returns
// ErrInputRequired; the tool answers with the pages to open and a state the
// client carries back, from which the Asker, on the call made again,
// collects the value.

// ErrInputRequired: the user is asked on a page; the client makes the same
// call again once it is opened. Not a failure of the call.
var ErrInputRequired = errors.New("the user is asked on a one-time page; the same call is made again with the answer")

// PageAsk is one URL-mode elicitation to send with the call's answer.
type PageAsk struct {
	Key           string // the input request's id, unique in the call
	ElicitationID string
	URL           string
	Message       string
}

// Round is one call of a multi round-trip exchange, as far as secrets go.
type Round struct {
	State   string            // the server's state, as the client carried it back ("" on the first call)
	Answers map[string]string // input request id → the user's action (accept, decline, cancel)
	// Fingerprint names the call (tool and exact arguments); a page answers
	// only its own call. Computed on first use: most calls ask nothing.
	Fingerprint func() string

	// Filled is the Asker's note of which of the call's pages hold a value
	// (it takes none until all do); made on the round's first ask.
	Filled     map[string]bool
	FilledOnce sync.Once

	mu    sync.Mutex
	asks  []PageAsk
	carry []string
}

// Call is the call's fingerprint.
func (r *Round) Call() string { return r.Fingerprint() }

// Ask adds a page to open; ref is the sealed state that finds it again.
func (r *Round) Ask(a PageAsk, ref string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asks = append(r.asks, a)
	r.carry = append(r.carry, ref)
}

// Keep carries ref to the next round without asking again (a page already
// filled, waiting for the call's other pages).
func (r *Round) Keep(ref string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.carry = append(r.carry, ref)
}

// Asked returns the pages to open and the refs to carry, in order.
func (r *Round) Asked() ([]PageAsk, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]PageAsk(nil), r.asks...), append([]string(nil), r.carry...)
}

type roundKey struct{}

// WithRound attaches a call's round to ctx.
func WithRound(ctx context.Context, r *Round) context.Context {
	return context.WithValue(ctx, roundKey{}, r)
}

// RoundFrom returns the call's round, or nil outside a multi round-trip call.
func RoundFrom(ctx context.Context) *Round {
	r, _ := ctx.Value(roundKey{}).(*Round)
	return r
}
