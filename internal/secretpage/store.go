package secretpage

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Pending is one secret the server waits for. It names what the value is
// for; it never holds the value.
type Pending struct {
	ID      string    // in the URL: 128 bits from crypto/rand, base64url
	CSRF    string    // per-page token the form must post back
	Session string    // MCP session that asked (a hash, never the raw id)
	Call    string    // the exact tool call that waits (session + request id)
	Purpose string    // shown to the user: "ClientSecret for identity provider github in env demo-7f3a9c"
	Expires time.Time // after this the page refuses
}

// Why a page refuses. The messages are shown to the user.
var (
	ErrUnknown = errors.New("this link is not valid: it was never issued, or the tool call that asked has ended")
	ErrUsed    = errors.New("this link was already used: each link accepts one value; ask your assistant to start again")
	ErrExpired = errors.New("this link has expired: ask your assistant to start again for a new one")
)

// Store keeps pending requests and hands a submitted value to the call that
// waits for it. It is an interface so that replicas behind a load balancer
// can share one (the page may be served by another replica than the one
// whose tool call waits).
type Store interface {
	// Add registers p; its call then Waits for the value.
	Add(p Pending) error
	// Lookup returns a request that can still be answered.
	Lookup(id string, now time.Time) (Pending, error)
	// Fulfil hands value to the waiting call, once: a second call fails with ErrUsed.
	Fulfil(id string, now time.Time, value string) error
	// Wait blocks until the value arrives, ctx ends or the request expires.
	Wait(ctx context.Context, id string) (string, error)
	// Remove forgets id (the call ended); later submissions are refused.
	Remove(id string)
	// Filled blocks until a value was submitted for id (without taking it),
	// ctx ends or the request expires.
	Filled(ctx context.Context, id string) error
	// Peek returns the value submitted for id without taking it
	// (ErrNotYet: none yet).
	Peek(id string) (string, error)
	// Binding is the call a pending request belongs to (Pending.Call),
	// while it is pending (also once answered, until Remove).
	Binding(id string) (call string, ok bool)
	// Len is how many requests are pending (the loopback listener closes when idle).
	Len() int
}

// MemoryStore is the in-process Store.
type MemoryStore struct {
	mu      sync.Mutex
	pending map[string]*entry
	gone    map[string]gone // ids answered, expired or abandoned: why a later visit is refused
}

type gone struct {
	why   error
	until time.Time
}

// goneFor is how long a finished id is remembered, so that a late visit says
// "used" or "expired" rather than "unknown".
const goneFor = 30 * time.Minute

type entry struct {
	p      Pending
	value  chan string   // buffered 1: Fulfil never blocks
	filled chan struct{} // closed by Fulfil
}

// NewMemoryStore returns an empty in-process store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{pending: map[string]*entry{}, gone: map[string]gone{}}
}

func (s *MemoryStore) Add(p Pending) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.pending[p.ID]; dup {
		return errors.New("secretpage: duplicate id")
	}
	s.pending[p.ID] = &entry{p: p, value: make(chan string, 1), filled: make(chan struct{})}
	return nil
}

func (s *MemoryStore) Lookup(id string, now time.Time) (Pending, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookupLocked(id, now)
}

func (s *MemoryStore) lookupLocked(id string, now time.Time) (Pending, error) {
	s.sweepLocked(now)
	if g, ok := s.gone[id]; ok {
		return Pending{}, g.why
	}
	e, ok := s.pending[id]
	if !ok {
		return Pending{}, ErrUnknown
	}
	if !now.Before(e.p.Expires) {
		return Pending{}, ErrExpired
	}
	return e.p, nil
}

func (s *MemoryStore) Fulfil(id string, now time.Time, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.lookupLocked(id, now); err != nil {
		return err
	}
	// The entry stays until its call has collected the value (Wait, then
	// Remove); "gone" already refuses any further submission.
	s.gone[id] = gone{why: ErrUsed, until: now.Add(goneFor)}
	s.pending[id].value <- value
	close(s.pending[id].filled)
	return nil
}

func (s *MemoryStore) Filled(ctx context.Context, id string) error {
	s.mu.Lock()
	e, ok := s.pending[id]
	s.mu.Unlock()
	if !ok {
		return ErrUnknown
	}
	select { // a value already there wins over a context already done
	case <-e.filled:
		return nil
	default:
	}
	timer := time.NewTimer(time.Until(e.p.Expires))
	defer timer.Stop()
	select {
	case <-e.filled:
		return nil
	case <-timer.C:
		return ErrExpired
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *MemoryStore) Peek(id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.pending[id]
	if !ok {
		return "", ErrUnknown
	}
	select {
	case v := <-e.value:
		e.value <- v // buffered 1, and only Fulfil (once) or a taker empties it
		return v, nil
	default:
		return "", ErrNotYet
	}
}

func (s *MemoryStore) Wait(ctx context.Context, id string) (string, error) {
	s.mu.Lock()
	e, ok := s.pending[id]
	s.mu.Unlock()
	if !ok {
		return "", ErrUnknown
	}
	select { // a value already there wins over a context already done
	case v := <-e.value:
		return v, nil
	default:
	}
	timer := time.NewTimer(time.Until(e.p.Expires))
	defer timer.Stop()
	select {
	case v := <-e.value:
		return v, nil
	case <-timer.C:
		return "", ErrExpired
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (s *MemoryStore) Remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.pending[id]; ok {
		delete(s.pending, id)
		if _, answered := s.gone[id]; !answered {
			why := ErrUnknown
			if now := time.Now(); !now.Before(e.p.Expires) {
				why = ErrExpired
			}
			s.gone[id] = gone{why: why, until: time.Now().Add(goneFor)}
		}
		// A value fulfilled but never collected is dropped with its entry.
		select {
		case <-e.value:
		default:
		}
	}
}

func (s *MemoryStore) Binding(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.pending[id]
	if !ok {
		return "", false
	}
	return e.p.Call, true
}

func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// sweepLocked forgets finished ids after goneFor (a visit after that is
// "unknown", which refuses just the same) so the map stays bounded.
func (s *MemoryStore) sweepLocked(now time.Time) {
	for id, g := range s.gone {
		if now.After(g.until) {
			delete(s.gone, id)
		}
	}
}
