package cloud

import "sync"

// Clients holds the clients the registered providers opened, each under a
// typed Key declared by the client's package, so tools get their client
// typed without a field per provider in a central struct. It is safe for
// concurrent use: tests replace clients (short retries) on a running server.
type Clients struct {
	mu sync.RWMutex
	m  map[string]any
}

// Key names one client in a Clients and fixes its Go type.
type Key[T any] struct{ name string }

// NewKey declares a key; name must be unique (by convention the provider's
// name, with a suffix when a provider has several clients).
func NewKey[T any](name string) Key[T] { return Key[T]{name: name} }

// Name is the key's name.
func (k Key[T]) Name() string { return k.name }

// Get returns the client stored under k, or T's zero value (a nil client,
// which tools answer with what to configure) when there is none.
func (k Key[T]) Get(c *Clients) T {
	var zero T
	if c == nil {
		return zero
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k.name].(T)
	if !ok {
		return zero
	}
	return v
}

// Set stores v under k, replacing any client there.
func (k Key[T]) Set(c *Clients, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]any{}
	}
	c.m[k.name] = v
}
