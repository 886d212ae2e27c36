package tools

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// toolsets are the areas, one line each, in the order --toolsets, the
// instructions and tools/list show them. Each area's file declares its name
// and builds its toolset.
var toolsets = []struct {
	name  string
	build func(*Deps) *Toolset
}{
	{ToolsetCloudBaseAuth, cloudbaseAuthToolset},
	{ToolsetCloudBaseIntegration, cloudbaseIntegrationToolset},
	{ToolsetCloudBaseHTTP, cloudbaseHTTPToolset},
	{ToolsetTelnyx, telnyxToolset},
}

// ToolsetNames are the toolsets, in order, as --toolsets takes them.
var ToolsetNames = func() []string {
	names := make([]string, len(toolsets))
	for i, ts := range toolsets {
		names[i] = ts.name
	}
	return names
}()

func init() {
	config.SetUsage("toolsets", "toolsets to serve: all, "+strings.Join(ToolsetNames, ", "))
}

// Toolsets returns every toolset, in a stable order. Registration rules are
// checked here so a mislabelled tool fails at start-up, not in a user's session.
func Toolsets(d *Deps) []*Toolset {
	sets := make([]*Toolset, len(toolsets))
	seen := map[string]bool{}
	for i, entry := range toolsets {
		ts := entry.build(d)
		sets[i] = ts
		if ts.Name != entry.name {
			panic(fmt.Sprintf("toolset %s is listed as %s", ts.Name, entry.name))
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
