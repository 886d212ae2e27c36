package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/internal/rpcerr"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// A tool the operator's selection leaves out (--toolsets, --tools,
// --read-only) is never listed, but an agent may still know its name: from a
// prompt, the documentation, another server's catalogue, an earlier session.
// A call of one is answered with why it is not served here and the exact
// fix, as the JSON-RPC error an unknown tool gets (-32602 Invalid params, the
// specification's code and mcp-go's), instead of a bare "tool not found".
//
// Each such tool is registered with a handler that returns that error, and
// dropped from every tools/list answer by an AfterListTools hook: a tool
// filter would also refuse the call before the handler could explain.

// unservedTools says, for each tool of the catalogue the selection leaves
// out, why and what the operator changes to serve it ("it belongs to …").
func (a *App) unservedTools(all []tools.Tool) map[string]string {
	served := map[string]bool{}
	for _, t := range a.Tools {
		served[t.Spec.Name] = true
	}
	cfg := a.Config
	named := cfg.Tools
	var sets []string
	for _, s := range cfg.Toolsets {
		if s != "all" {
			sets = append(sets, s)
		}
	}
	onlyNamed := len(named) > 0 && len(sets) == 0
	out := map[string]string{}
	for _, t := range all {
		n := t.Spec.Name
		if served[n] {
			continue
		}
		// A tool that changes things stays out under --read-only whatever
		// else selects it: the fix then names both flags.
		roWhy, roFix := "", ""
		if cfg.ReadOnly && t.Mutating(true) {
			roWhy = ", and it changes things while this server runs with --read-only"
			roFix = "without --read-only (env CLOUDOPS_MCP_READ_ONLY), and "
		}
		var why string
		switch {
		case a.safety.withheld[n]:
			why = "it changes things, and this server runs with --read-only, which serves only tools that change nothing. " +
				"Only the operator can allow it, by restarting the server without --read-only (env CLOUDOPS_MCP_READ_ONLY)"
		case onlyNamed:
			why = fmt.Sprintf("this server serves only the tools named with --tools (%s)%s. The operator adds it by restarting %swith "+
				"--tools %s (env CLOUDOPS_MCP_TOOLS)", strings.Join(named, ","), roWhy, roFix, strings.Join(append(slices.Clone(named), n), ","))
		case roFix != "":
			// "without --read-only" holds for both choices: said once, before them (--tools alone still leaves it out).
			why = fmt.Sprintf("it belongs to toolset %s, and this server serves only --toolsets %s%s. The operator adds it by restarting %s"+
				"with either --toolsets %s (env CLOUDOPS_MCP_TOOLSETS) or --tools %s (this tool alone); --tools alone under --read-only does not serve it",
				t.Spec.Toolset, strings.Join(sets, ","), roWhy, roFix, strings.Join(append(slices.Clone(sets), t.Spec.Toolset), ","), n)
		default:
			why = fmt.Sprintf("it belongs to toolset %s, and this server serves only --toolsets %s. The operator adds it by restarting with "+
				"--toolsets %s (env CLOUDOPS_MCP_TOOLSETS), or with --tools %s for this tool alone",
				t.Spec.Toolset, strings.Join(sets, ","), strings.Join(append(slices.Clone(sets), t.Spec.Toolset), ","), n)
		}
		out[n] = why
	}
	return out
}

// unservedServerTools are the handlers that answer a call of an unserved tool.
func (a *App) unservedServerTools() []server.ServerTool {
	out := make([]server.ServerTool, 0, len(a.unserved))
	for _, name := range slices.Sorted(maps.Keys(a.unserved)) {
		msg := fmt.Sprintf("tool %s exists, but %s. Tell the user; meanwhile use the tools tools/list shows", name, a.unserved[name])
		out = append(out, server.ServerTool{Tool: mcp.NewTool(name, mcp.WithDescription("Not served here.")),
			Handler: func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				return nil, rpcerr.NotServed(msg)
			}})
	}
	return out
}

// unservedPrompt is a prompt the selection leaves out (a tool it calls is
// not served), registered to answer why and the fix; never listed.
func (a *App) unservedPrompt(p mcp.Prompt, tool string) server.ServerPrompt {
	msg := fmt.Sprintf("prompt %s exists, but its steps call %s, which is not served here: %s", p.Name, tool, a.unserved[tool])
	a.hiddenPrompts[p.Name] = true
	return server.ServerPrompt{Prompt: mcp.NewPrompt(p.Name, mcp.WithPromptDescription("Not served here.")),
		Handler: func(context.Context, mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			return nil, rpcerr.NotServed(msg)
		}}
}

// unservedResources registers the resources and resource templates of a
// toolset none of whose tools is served, each answering a read with why and
// the fix (as resource not found: it is not here); never listed.
func (a *App) unservedResources(s *server.MCPServer, ts *tools.Toolset) {
	// Serving any tool of the toolset serves its resources: the advice is
	// that of the read tool that reads what the URI names, whose fix needs
	// no write tool (and so no change to --read-only).
	readers := slices.DeleteFunc(slices.Clone(ts.Tools), func(t tools.Tool) bool { return !t.Spec.ReadOnly || a.unserved[t.Spec.Name] == "" })
	if len(readers) == 0 {
		readers = slices.DeleteFunc(slices.Clone(ts.Tools), func(t tools.Tool) bool { return a.unserved[t.Spec.Name] == "" })
	}
	if len(readers) == 0 {
		return
	}
	reader := func(uri string) string {
		if found := readersOf(uri, readers); len(found) > 0 {
			return found[0]
		}
		return readers[0].Spec.Name
	}
	add := func(uri string, addTo func(server.ResourceHandlerFunc)) {
		a.hiddenResources[uri] = true
		t := reader(uri)
		why := fmt.Sprintf("its toolset's tools are not (%s, which reads it: %s)", t, a.unserved[t])
		addTo(func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			return nil, rpcerr.ResourceNotFound(ctx, fmt.Sprintf("%s exists, but is not served here: %s", req.Params.URI, why))
		})
	}
	for _, r := range ts.Resources.Resources {
		add(r.Resource.URI, func(h server.ResourceHandlerFunc) { s.AddResource(mcp.NewResource(r.Resource.URI, r.Resource.Name), h) })
	}
	for _, r := range ts.Resources.Templates {
		add(r.Template.URITemplate.Raw(), func(h server.ResourceHandlerFunc) {
			s.AddResourceTemplate(mcp.NewResourceTemplate(r.Template.URITemplate.Raw(), r.Template.Name), server.ResourceTemplateHandlerFunc(h))
		})
	}
}

// listedResources and listedTemplates drop the unserved resources from the lists.
func (a *App) listedResources(_ context.Context, _ any, _ *mcp.ListResourcesRequest, res *mcp.ListResourcesResult) {
	if len(a.hiddenResources) > 0 {
		res.Resources = slices.DeleteFunc(res.Resources, func(r mcp.Resource) bool { return a.hiddenResources[r.URI] })
	}
}

func (a *App) listedTemplates(_ context.Context, _ any, _ *mcp.ListResourceTemplatesRequest, res *mcp.ListResourceTemplatesResult) {
	if len(a.hiddenResources) > 0 {
		res.ResourceTemplates = slices.DeleteFunc(res.ResourceTemplates, func(r mcp.ResourceTemplate) bool {
			return a.hiddenResources[r.URITemplate.Raw()]
		})
	}
}

// listedPrompts drops the unserved prompts from a prompts/list answer.
func (a *App) listedPrompts(_ context.Context, _ any, _ *mcp.ListPromptsRequest, res *mcp.ListPromptsResult) {
	if len(a.hiddenPrompts) > 0 {
		res.Prompts = slices.DeleteFunc(res.Prompts, func(p mcp.Prompt) bool { return a.hiddenPrompts[p.Name] })
	}
}

// listed drops from a tools/list answer what the caller may not see: the
// unserved tools, and for an OAuth caller the tools its scopes do not allow
// (a call of one is refused by the guard, naming the scope it needs).
func (a *App) listed(ctx context.Context, _ any, _ *mcp.ListToolsRequest, res *mcp.ListToolsResult) {
	if len(a.unserved) > 0 {
		res.Tools = slices.DeleteFunc(res.Tools, func(t mcp.Tool) bool { _, gone := a.unserved[t.Name]; return gone })
	}
	res.Tools = a.scopeFilter(ctx, res.Tools)
}

// unservedToolsets names the toolsets the selection left out whole (not
// those --read-only only trimmed), for the instructions.
func (a *App) unservedToolsets(served map[string]int) []string {
	var out []string
	for _, ts := range a.Toolsets {
		if served[ts.Name] == 0 && slices.ContainsFunc(ts.Tools, func(t tools.Tool) bool { return a.unserved[t.Spec.Name] != "" && !a.safety.withheld[t.Spec.Name] }) {
			out = append(out, ts.Name)
		}
	}
	return out
}
