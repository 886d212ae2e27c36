package app

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/internal/httpserve"
)

// legacyTitles gives every tool an annotations.title for a client on a
// protocol before 2025-06-18, where that was the only place for a display
// name; newer clients read the top-level title, sent alone (45 titles
// twice were 1.5 KB of each tools/list). A caller whose version is unknown
// (no session recorded one, and no MCP-Protocol-Version header said it)
// gets both.
func legacyTitles(ctx context.Context, list []mcp.Tool) []mcp.Tool {
	v := server.RequestProtocolVersion(ctx)
	if v == "" {
		v = httpserve.ProtocolVersion(ctx) // stateless HTTP: the session never saw the initialize
	}
	if v >= mcp.ProtocolVersion20250618 { // ISO dates compare as strings
		return list
	}
	out := make([]mcp.Tool, len(list))
	for i, t := range list {
		if t.Annotations.Title == "" {
			t.Annotations.Title = t.Title // t is a copy: the registered tool keeps its own
		}
		out[i] = t
	}
	return out
}
