package app

import (
	"slices"

	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/prompts"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// register adds the selected tools and, for each toolset with at least one
// tool served, its resources, resource templates, prompts and completions.
// Tools report the resources a change touched through Deps.Changed; the
// notifier tells the sessions subscribed to them.
//
// A prompt whose tools are not all selected (--toolsets, --tools) is not
// offered; one that needs a write tool --read-only withheld stays, and its
// text says which steps cannot run here.
func (a *App) register(s *server.MCPServer) {
	served := map[string]bool{}
	for _, t := range a.Tools {
		s.AddTool(t.Tool, t.Handler)
		served[t.Spec.Name] = true
	}
	if len(a.unserved) > 0 { // answered with why and the fix, never listed (unserved.go)
		s.AddTools(a.unservedServerTools()...)
	}
	if a.dynamic != nil {
		a.dynamic.srv = s
		s.AddTools(a.dynamic.tools()...)
	}
	available := func(name string) bool { return served[name] || a.safety.withheld[name] }
	withheld := func(name string) bool { return a.safety.withheld[name] }

	server.WithResourceCapabilities(true, true)(s) // subscribe + listChanged
	server.WithCompletions()(s)
	a.Deps.Changed = resources.NewNotifier(s).Changed

	var res []resources.Set
	var prm []prompts.Set
	a.hiddenPrompts, a.hiddenResources = map[string]bool{}, map[string]bool{}
	for _, ts := range a.Toolsets {
		// A prompt not offered (a tool it calls is not served) still answers
		// a get by name, with why and the fix (unserved.go).
		for _, sp := range ts.Prompts.Prompts {
			for _, t := range ts.Prompts.Needs[sp.Prompt.Name] {
				if !available(t) && a.unserved[t] != "" {
					up := a.unservedPrompt(sp.Prompt, t)
					s.AddPrompt(up.Prompt, up.Handler)
					break
				}
			}
		}
		if !slices.ContainsFunc(ts.Tools, func(t tools.Tool) bool { return served[t.Spec.Name] }) {
			a.unservedResources(s, ts)
			continue
		}
		s.AddResources(ts.Resources.Resources...)
		s.AddResourceTemplates(ts.Resources.Templates...)
		res = append(res, ts.Resources)
		p := ts.Prompts.Only(available).MarkReadOnly(withheld)
		if a.dynamic != nil {
			for i, sp := range p.Prompts {
				p.Prompts[i] = a.dynamic.enablePromptToolsets(sp, p.Needs[sp.Prompt.Name])
			}
		}
		if len(p.Prompts) > 0 {
			s.AddPrompts(p.Prompts...)
		}
		prm = append(prm, p)
	}
	// The server has one completion provider of each kind: it answers for every served toolset.
	server.WithResourceCompletionProvider(resources.Completer(res...))(s)
	server.WithPromptCompletionProvider(prompts.Completer(prm...))(s)
}
