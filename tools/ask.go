package tools

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Some arguments are the user's to choose and have no safe default: where a
// new API key is delivered. When a call lacks one, the user is asked through
// a form (MCP elicitation) and the call goes on with the answer; a client
// that cannot ask gets Refusal, the one-line fix. Nothing is created first.

// Question is one missing argument to ask the user for (Spec.Ask).
type Question struct {
	Field       string // the argument, e.g. "deliverTo"
	Message     string // the form's message: what is asked and why
	Title       string // the field's label
	Description string // the field's help
	Default     string // a suggested value
	Declined    string // what did not happen when the user declines, e.g. "no API key was created"
	Refusal     error  // the error for a client that cannot be asked
}

// askMissing fills q.Field from the user's answer to an earlier question, or
// returns the result to send now: the question, or a declined result.
func askMissing(ctx context.Context, req mcp.CallToolRequest, q *Question, args map[string]any) (map[string]any, *mcp.CallToolResult, error) {
	if ans := server.ElicitationResponse(req.Params.InputResponses, q.Field); ans != nil {
		content, _ := ans.Content.(map[string]any)
		v, _ := content[q.Field].(string)
		if ans.Action != mcp.ElicitationResponseActionAccept || strings.TrimSpace(v) == "" {
			out := map[string]any{"declined": true, "declinedChange": "The user gave no " + q.Field + ", so " + q.Declined + "."}
			text, _ := json.Marshal(out)
			return nil, mcp.NewToolResultStructured(out, string(text)), nil
		}
		return withField(args, q.Field, strings.TrimSpace(v)), nil, nil
	}
	if !CanElicitForm(ctx) {
		return nil, nil, q.Refusal
	}
	prop := map[string]any{"type": "string", "title": q.Title, "description": q.Description}
	if q.Default != "" {
		prop["default"] = q.Default
	}
	return nil, server.NewInputRequestBuilder("").Elicit(q.Field, mcp.ElicitationParams{
		Message: q.Message,
		RequestedSchema: map[string]any{
			"type":       "object",
			"properties": map[string]any{q.Field: prop},
			"required":   []string{q.Field},
		},
	}).ToolResult(), nil
}

// CanElicitForm reports whether the client declared form elicitation, per
// request on protocol 2026-07-28 and later, per session before.
func CanElicitForm(ctx context.Context) bool {
	var caps *mcp.ClientCapabilities
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		caps = info.ClientCapabilities
	} else {
		sess := server.ClientSessionFromContext(ctx)
		if _, ok := sess.(server.SessionWithElicitation); !ok {
			return false
		}
		if ci, ok := sess.(server.SessionWithClientInfo); ok {
			c := ci.GetClientCapabilities()
			caps = &c
		}
	}
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	return caps.Elicitation.Form != nil || caps.Elicitation.URL == nil // {} means form
}

// withField is a copy of args with field set to v.
func withField(args map[string]any, field string, v any) map[string]any {
	out := make(map[string]any, len(args)+1)
	for k, x := range args {
		out[k] = x
	}
	out[field] = v
	return out
}
