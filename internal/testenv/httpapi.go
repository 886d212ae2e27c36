package testenv

import (
	"context"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// Helpers for the CloudBase HTTP API tests.

// FastHTTPRetries swaps the CloudBase HTTP API client for one configured as
// the app configures it, with millisecond backoffs. Call it before the first
// tool call (the new client starts without a cached token).
func (e *Env) FastHTTPRetries() {
	e.t.Helper()
	cfg := e.App.HTTPAPIConfig()
	cfg.Retry = tcb.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}
	c, err := tcb.NewHTTP(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.App.Deps.HTTPAPI = c
}

// HTTPTokens are the HTTP API access tokens the sandbox issued for the server's environment.
func (e *Env) HTTPTokens() []string {
	return e.App.Sandbox.IssuedAccessTokens(e.App.Config.EnvID)
}

// CallAs calls a tool under ctx (e.g. carrying session overrides); a protocol error fails the test.
func (e *Env) CallAs(ctx context.Context, name string, args any) *mcp.CallToolResult {
	e.t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := e.Client.CallTool(ctx, req)
	if err != nil {
		e.t.Fatalf("%s: protocol error: %v", name, err)
	}
	return res
}
