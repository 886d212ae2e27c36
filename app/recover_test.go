package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// A panicking tool answers with a JSON-RPC error that carries no detail, the
// server keeps serving, and the logged panic value is redacted.
func TestPanicIsContainedAndRedacted(t *testing.T) {
	e := testenv.New(t)
	secret := "own-key-planted-in-a-panic-0123"
	e.App.Redactor.AddSecret(secret)
	e.App.MCP.AddTool(mcp.NewTool("boom_tool", mcp.WithDescription("panics")),
		func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) { panic("lost " + secret) })
	req := mcp.CallToolRequest{}
	req.Params.Name = "boom_tool"
	_, err := e.Client.CallTool(context.Background(), req)
	if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "lost") {
		t.Fatalf("panic answer: %v", err)
	}
	if !strings.Contains(e.Logs.String(), "tool panicked") || strings.Contains(e.Logs.String(), secret) {
		t.Fatal("the panic must be logged, redacted")
	}
	e.OK("cloudbase_get_login_config", nil)
}
