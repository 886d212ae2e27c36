package app

import (
	"context"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
)

// openClients has every registered provider build its clients into
// a.Deps.Clients. retry, when not zero, replaces the waits of every retry
// policy (tests: milliseconds).
func (a *App) openClients(ctx context.Context, retry cloud.RetryPolicy) error {
	env := &cloud.Env{
		Config: a.Config, Clients: a.Deps.Clients, Redactor: a.Redactor, Log: a.Log,
		Transport: a.cloudTransport,
		OnRetry:   a.retryHook,
		OnToken:   a.mintedTokens.add,
		Retry:     retry,
	}
	if a.Sandbox != nil {
		env.Sandbox = &cloud.Sandbox{URL: a.SandboxURL, Credentials: a.Sandbox.Credentials()}
	}
	for _, p := range Providers {
		if err := p.Open(ctx, env); err != nil {
			return err
		}
	}
	return nil
}

// ReopenClients rebuilds every provider's clients as start-up did, with
// retry replacing the waits of their retry policies, so tests of retried
// failures stay fast. Call it before the first tool call.
func (a *App) ReopenClients(retry cloud.RetryPolicy) error {
	return a.openClients(context.Background(), retry)
}

// scope is what a call of toolset's tools acts on, from the provider that
// owns the toolset ("" when it does not say).
func (a *App) scope(ctx context.Context, toolset string) string {
	for _, p := range Providers {
		for _, ts := range p.Toolsets {
			if ts == toolset && p.Scope != nil {
				return p.Scope(ctx, a.Deps.Clients)
			}
		}
	}
	return ""
}
