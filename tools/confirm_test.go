package tools_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

type thingInput struct {
	ID     string `json:"id"`
	APIKey string `json:"api_key,omitempty"`
}

func thing(d *tools.Deps, summarize func(context.Context, map[string]any) (string, error)) tools.Tool {
	return tools.Define(d, tools.Spec{Name: "telnyx_delete_thing", Title: "Delete a thing", Description: "Deletes a thing.",
		Toolset: tools.ToolsetTelnyx, Destructive: true, Summarize: summarize},
		func(context.Context, *thingInput) (*struct{}, error) { return &struct{}{}, nil })
}

func TestSummaryFallbacks(t *testing.T) {
	const secret = "KEY0123456789ABCDEF_abcdefghijklmnop"
	r := redact.New(redact.Options{})
	r.AddSecret(secret)
	d := &tools.Deps{Redactor: r}
	ctx := context.Background()
	args := map[string]any{"id": "abc", "api_key": secret, "nested": map[string]any{"x": 1}}

	if got := d.Summary(ctx, thing(d, nil), args); got != `Delete a thing: api_key=[redacted], id="abc", nested=(…)` {
		t.Fatalf("generic summary: %q", got)
	}
	if got := d.Summary(ctx, thing(d, func(context.Context, map[string]any) (string, error) { return "", nil }), args); got != "" {
		t.Fatalf("a tool that needs no confirmation got %q", got)
	}
	failing := thing(d, func(context.Context, map[string]any) (string, error) {
		return "", errors.New("read failed with token " + secret)
	})
	got := d.Summary(ctx, failing, args)
	if !strings.HasPrefix(got, "Delete a thing: ") || !strings.Contains(got, "current state unavailable: read failed") || strings.Contains(got, secret) {
		t.Fatalf("summary when the state read fails: %q", got)
	}
	own := thing(d, func(_ context.Context, a map[string]any) (string, error) {
		return "Delete thing " + a["id"].(string), nil
	})
	if got := d.Summary(ctx, own, args); got != "Delete thing abc" {
		t.Fatalf("Spec.Summarize ignored: %q", got)
	}
}
