package secretin

import (
	"context"
	"errors"
	"sync"
)

// A change whose secret is asked on a page is confirmed once the value is
// known: the question then compares it with the stored one (the same value
// again is no change and asks nothing), and a page left for later does not
// mean the same question twice. So the guard takes the value before it asks
// (Take), and the tool's own resolve gets it from the call's holder
// (WithTaken) instead of asking again. On protocol 2026-07-28 the value is
// only read (Peeking): the call comes back after the user's yes and takes it
// from the page then.

type takenKey struct{}
type peekKey struct{}

// taken holds values taken for a call before its handler runs.
type taken struct {
	mu sync.Mutex
	v  map[string]string
}

// WithTaken gives a call a holder for values taken before its handler.
func WithTaken(ctx context.Context) context.Context {
	return context.WithValue(ctx, takenKey{}, &taken{v: map[string]string{}})
}

// Peeking marks a context whose asks on protocol 2026-07-28 read a filled
// page's value without taking it.
func Peeking(ctx context.Context) context.Context { return context.WithValue(ctx, peekKey{}, true) }

// IsPeeking reports whether ctx is Peeking.
func IsPeeking(ctx context.Context) bool { return ctx.Value(peekKey{}) != nil }

func holderKey(p Purpose) string { return p.Tool + "\x00" + p.Field }

// heldFor returns, once, the value taken earlier in this call for p.
func heldFor(ctx context.Context, p Purpose) (string, bool) {
	h, _ := ctx.Value(takenKey{}).(*taken)
	if h == nil {
		return "", false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.v[holderKey(p)]
	delete(h.v, holderKey(p))
	return v, ok
}

// Take is Check that puts an ask to the user now: before a change is
// confirmed, its value must be known. Before protocol 2026-07-28 the page is
// opened and waited for, and the value is held for the call's handler; on
// 2026-07-28 (a Round in ctx, Peeking) the page is issued (ErrInputRequired)
// or its value read, left on the page for the handler to take.
func (r *Resolver) Take(ctx context.Context, ref Ref, p Purpose) (string, bool, error) {
	if !ref.Ask {
		return r.Check(ctx, ref, p)
	}
	if _, _, err := r.Check(ctx, ref, p); err != nil {
		return "", false, err
	}
	v, err := r.ask(ctx, p)
	if err != nil {
		if errors.Is(err, ErrInputRequired) {
			return "", false, ErrInputRequired
		}
		return "", false, err
	}
	if RoundFrom(ctx) == nil {
		if h, _ := ctx.Value(takenKey{}).(*taken); h != nil {
			h.mu.Lock()
			h.v[holderKey(p)] = v
			h.mu.Unlock()
		}
	}
	return v, true, nil
}
