package tools

import (
	"fmt"
	"slices"
)

// Toolset names, as --toolsets takes them.
var Toolsets = []string{ToolsetCloudBaseAuth, ToolsetCloudBaseIntegration, ToolsetCloudBaseHTTP, ToolsetTelnyx}

// All returns every tool, in a stable order. Registration rules are checked
// here so a mislabelled tool fails at start-up, not in a user's session.
func All(d *Deps) []Tool {
	var all []Tool
	all = append(all, cloudbaseAuthTools(d)...)
	all = append(all, cloudbaseIntegrationTools(d)...)
	all = append(all, cloudbaseHTTPTools(d)...)
	all = append(all, telnyxTools(d)...)
	seen := map[string]bool{}
	for _, t := range all {
		if seen[t.Spec.Name] {
			panic(fmt.Sprintf("duplicate tool name %s", t.Spec.Name))
		}
		seen[t.Spec.Name] = true
		if !slices.Contains(Toolsets, t.Spec.Toolset) {
			panic(fmt.Sprintf("tool %s: unknown toolset %s", t.Spec.Name, t.Spec.Toolset))
		}
	}
	return all
}
