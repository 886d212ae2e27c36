package tools

import (
	"fmt"
	"slices"
)

// ToolsetNames are the toolsets, in order, as --toolsets takes them.
var ToolsetNames = []string{ToolsetCloudBaseAuth, ToolsetCloudBaseIntegration, ToolsetCloudBaseHTTP, ToolsetTelnyx}

// Toolsets returns every toolset, in a stable order. Registration rules are
// checked here so a mislabelled tool fails at start-up, not in a user's session.
func Toolsets(d *Deps) []*Toolset {
	sets := []*Toolset{cloudbaseAuthToolset(d), cloudbaseIntegrationToolset(d), cloudbaseHTTPToolset(d), telnyxToolset(d)}
	seen := map[string]bool{}
	for i, ts := range sets {
		if ts.Name != ToolsetNames[i] {
			panic(fmt.Sprintf("toolset %s is not listed as ToolsetNames[%d]", ts.Name, i))
		}
		for _, t := range ts.Tools {
			if seen[t.Spec.Name] {
				panic(fmt.Sprintf("duplicate tool name %s", t.Spec.Name))
			}
			seen[t.Spec.Name] = true
		}
	}
	return sets
}

// All returns every tool of every toolset, in a stable order.
func All(d *Deps) []Tool {
	var all []Tool
	for _, ts := range Toolsets(d) {
		all = slices.Concat(all, ts.Tools)
	}
	return all
}
