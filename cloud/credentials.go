// Package cloud holds what the cloud clients share: the provider registration
// (provider.go), the typed client set tools read their clients from
// (clients.go), the per-request credential overrides that HTTP transports
// attach to a call's context, errors, retries and transports.
package cloud

import "context"

// Overrides are credentials a client sent for its own session (HTTP transports
// read them from request headers), keyed by header name as the provider
// declared it (Provider.Headers); each provider reads only its own. An absent
// value falls back to the server's own.
type Overrides map[string]string

// Get is the value sent in header name ("" when none).
func (o Overrides) Get(name string) string { return o[name] }

type overridesKey struct{}

// WithOverrides returns ctx carrying o for every cloud call made under it.
func WithOverrides(ctx context.Context, o Overrides) context.Context {
	return context.WithValue(ctx, overridesKey{}, o)
}

// OverridesFrom returns the overrides attached to ctx, if any.
func OverridesFrom(ctx context.Context) Overrides {
	o, _ := ctx.Value(overridesKey{}).(Overrides)
	return o
}
