package redact

import (
	"context"
	"sync"
	"sync/atomic"
)

// A Scope holds secrets that belong to one request or one session: a
// client's credential headers, a password typed into a tool's arguments. They
// are masked in everything the scope's Redactor redacts, and never enter the
// shared list, so they cannot outlive their request or reach anyone else's
// answers. A Scope holds at most maxScopeValues values.
type Scope struct {
	base *Redactor
	view *Redactor

	mu     sync.Mutex
	set    atomic.Pointer[secretSet]
	merged atomic.Pointer[mergedSet] // base ∪ scope, cached until either changes
}

type mergedSet struct{ base, own, all *secretSet }

// NewScope returns an empty scope on top of r.
func (r *Redactor) NewScope() *Scope {
	if r.scope != nil {
		r = r.base
	}
	s := &Scope{base: r}
	s.set.Store(&secretSet{})
	s.view = &Redactor{reveal: r.reveal, scope: s, base: r}
	s.view.notSecret.Store(r.notSecret.Load())
	return s
}

// Add registers values for this scope only (the same filters as the shared
// list: too short, known non-secrets and values past the bound are skipped).
func (s *Scope) Add(values ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.set.Load()
	fresh := s.base.admissible(values, old)
	if room := maxScopeValues - len(old.values); len(fresh) > room {
		fresh = fresh[:max(room, 0)]
	}
	if len(fresh) > 0 {
		s.set.Store(mergeSets(old, buildSet(fresh)))
	}
}

// Values returns how many values the scope holds.
func (s *Scope) Values() int { return len(s.set.Load().values) }

// Redactor masks the shared secrets and this scope's. Its AddSecret and
// Register add to the scope.
func (s *Scope) Redactor() *Redactor { return s.view }

// load is the set a Redactor masks with: the shared list, plus its scope's.
func (r *Redactor) load() *secretSet {
	if r.scope == nil {
		return r.secrets.Load()
	}
	s := r.scope
	base, own := s.base.secrets.Load(), s.set.Load()
	if m := s.merged.Load(); m != nil && m.base == base && m.own == own {
		return m.all
	}
	all := mergeSets(base, own)
	s.merged.Store(&mergedSet{base, own, all})
	return all
}

type scopeKey struct{}

// WithScope carries s with a request's context.
func WithScope(ctx context.Context, s *Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// In is the redactor for ctx: its request or call scope's, which also masks
// that scope's secrets, or r itself when ctx carries no scope.
func (r *Redactor) In(ctx context.Context) *Redactor {
	if s := ScopeFrom(ctx); s != nil {
		return s.Redactor()
	}
	return r
}

// ScopeFrom returns the request's scope, or nil.
func ScopeFrom(ctx context.Context) *Scope {
	s, _ := ctx.Value(scopeKey{}).(*Scope)
	return s
}
