package tools_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// TestEveryToolSchemaCompiles: input schemas compile on a tool's first call
// (start-up stays fast), so this compiles them all, calling each handler with
// arguments that fail validation before any client is used. A schema that
// does not compile panics here instead of in a user's session.
func TestEveryToolSchemaCompiles(t *testing.T) {
	all := tools.All(&tools.Deps{Redactor: redact.New(redact.Options{})})
	for _, tool := range all {
		req := mcp.CallToolRequest{}
		req.Params.Name = tool.Spec.Name
		req.Params.Arguments = "not an object"
		res, err := tool.Handler(context.Background(), req)
		if err != nil || res == nil || !res.IsError {
			t.Fatalf("%s: want a tool error for non-object arguments, got %v %v", tool.Spec.Name, res, err)
		}
		if text := res.Content[0].(mcp.TextContent).Text; !strings.Contains(text, "arguments: must be object") {
			t.Errorf("%s: %s", tool.Spec.Name, text)
		}
	}
}
