package app

import (
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/prompts"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// registerResourcesAndPrompts adds the MCP resources, resource templates,
// prompts and their completions, and wires resource-change notifications:
// tools report changes through Deps.Changed, the notifier tells the sessions
// that subscribed to the affected URIs.
//
// The capabilities are options of the server, which already exists here: they
// are applied to it directly, before it serves, so app.go stays unchanged.
func (a *App) registerResourcesAndPrompts(s *server.MCPServer) {
	res := a.resourceSets()
	prm := a.promptSets()

	server.WithResourceCapabilities(true, true)(s) // subscribe + listChanged
	server.WithCompletions()(s)
	server.WithResourceCompletionProvider(resources.Completer(res...))(s)
	server.WithPromptCompletionProvider(prompts.Completer(prm...))(s)
	a.Deps.Changed = resources.NewNotifier(s).Changed

	for _, set := range res {
		s.AddResources(set.Resources...)
		s.AddResourceTemplates(set.Templates...)
	}
	for _, set := range prm {
		if len(set.Prompts) > 0 {
			s.AddPrompts(set.Prompts...)
		}
	}
}

// resourceSets lists every area's resources; other areas append theirs here.
func (a *App) resourceSets() []resources.Set {
	return []resources.Set{resources.CloudBase(a.tcbClient, a.Redactor)}
}

// promptSets lists every area's prompts. A prompt whose tools are not
// selected (--toolsets, --tools) is not offered; one that needs a write tool
// --read-only withheld stays, and its text says which steps cannot run here.
func (a *App) promptSets() []prompts.Set {
	have := map[string]bool{}
	for _, t := range a.Tools {
		have[t.Spec.Name] = true
	}
	available := func(name string) bool { return have[name] || a.safety.withheld[name] }
	readOnly := func(name string) bool { return a.safety.withheld[name] }
	return []prompts.Set{prompts.CloudBase(a.tcbClient, a.Redactor).Only(available).MarkReadOnly(readOnly)}
}

// tcbClient is the current CloudBase client (tests may swap Deps.TCB).
func (a *App) tcbClient() *tcb.Client { return a.Deps.TCB }
