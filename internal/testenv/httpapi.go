package testenv

import (
	"context"
	"github.com/mark3labs/mcp-go/mcp"
)

// Helpers for the CloudBase HTTP API tests.

// HTTPTokens are the HTTP API access tokens the sandbox issued for the server's environment.
func (e *Env) HTTPTokens() []string {
	return e.App.Sandbox.IssuedAccessTokens(e.App.Sandbox.Credentials()["env-id"])
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
