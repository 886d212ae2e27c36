// Package resources defines the MCP resources: read-only JSON views of cloud
// state, read live through the cloud clients and redacted like tool results.
// Each area contributes a Set (resources, URI templates and the completions
// of their arguments); the app registers every Set on the server.
package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// MIMEJSON is the type of every resource this package serves.
const MIMEJSON = "application/json"

// CompleteFunc lists the values an argument can take that start with prefix.
type CompleteFunc func(ctx context.Context, prefix string) ([]string, error)

// Set is one area's resources, resource templates and argument completions.
type Set struct {
	Resources []server.ServerResource
	Templates []server.ServerResourceTemplate
	// Complete maps a URI template and one of its arguments to a completer.
	Complete map[string]map[string]CompleteFunc
}

// Merge returns s with o's resources, templates and completions added.
func (s Set) Merge(o Set) Set {
	out := Set{Resources: slices.Concat(s.Resources, o.Resources), Templates: slices.Concat(s.Templates, o.Templates),
		Complete: map[string]map[string]CompleteFunc{}}
	for _, m := range []map[string]map[string]CompleteFunc{s.Complete, o.Complete} {
		for uri, args := range m {
			out.Complete[uri] = args
		}
	}
	return out
}

// maxCompletions is the protocol's limit on values in one completion answer.
const maxCompletions = 100

// Completer answers completion/complete for the URI templates of sets.
func Completer(sets ...Set) server.ResourceCompletionProvider {
	c := completer{}
	for _, s := range sets {
		for uri, args := range s.Complete {
			c[uri] = args
		}
	}
	return c
}

type completer map[string]map[string]CompleteFunc

func (c completer) CompleteResourceArgument(ctx context.Context, uri string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	fn := c[uri][arg.Name]
	if fn == nil {
		return &mcp.Completion{Values: []string{}}, nil
	}
	values, err := fn(ctx, arg.Value)
	if err != nil {
		return nil, err
	}
	return Completion(values), nil
}

// Completion caps values at the protocol limit and says how many there were.
func Completion(values []string) *mcp.Completion {
	out := &mcp.Completion{Values: values, Total: len(values)}
	if len(values) > maxCompletions {
		out.Values, out.HasMore = values[:maxCompletions], true
	}
	if out.Values == nil {
		out.Values = []string{}
	}
	return out
}

// WithPrefix keeps the values starting with prefix (case-insensitive), sorted.
func WithPrefix(values []string, prefix string) []string {
	p := strings.ToLower(prefix)
	var out []string
	for _, v := range values {
		if strings.HasPrefix(strings.ToLower(v), p) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// jsonContents renders v as one redacted application/json text content.
func jsonContents(r *redact.Redactor, uri string, v any) ([]mcp.ResourceContents, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", uri, err)
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: MIMEJSON, Text: string(r.JSON(raw))}}, nil
}

// cloudError is a read failure as the client sees it: cloud code, message,
// request id and hint, redacted.
func cloudError(r *redact.Redactor, uri string, err error) error {
	return errors.New(r.String("reading " + uri + ": " + cloud.ErrorMessage(err)))
}

// argument returns a URI template variable of a read request.
func argument(req mcp.ReadResourceRequest, name string) string {
	switch v := req.Params.Arguments[name].(type) {
	case string:
		return v
	case []string:
		if len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
