// Package cloud holds what the cloud clients share: the per-call credential
// overrides that HTTP transports attach to a session's context.
package cloud

import "context"

// Overrides are credentials a client sent for its own session (HTTP transports
// read them from request headers). Empty fields fall back to the server's own.
type Overrides struct {
	SecretID     string
	SecretKey    string
	SessionToken string
	EnvID        string
	TelnyxAPIKey string
}

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
