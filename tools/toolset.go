package tools

import (
	"fmt"

	"github.com/cloudops-mcp/cloudops-mcp/prompts"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// Toolset is one area of the server and the unit of --toolsets: its tools and
// the resources, resource templates, completions and prompts that go with
// them. The app registers the selected toolsets in one loop, so an area's
// resources and prompts are served exactly when its tools are.
type Toolset struct {
	Name        string
	Description string
	// Notes are facts every tool of the set shares (how its lists page),
	// said once in the server's instructions instead of in each schema.
	Notes     string
	Tools     []Tool
	Resources resources.Set // resources, URI templates and their completions
	Prompts   prompts.Set   // prompts, their completions and the tools each needs
}

// NewToolset starts an empty toolset; the Add methods fill it.
func NewToolset(name, description string) *Toolset {
	return &Toolset{Name: name, Description: description}
}

// AddTools adds tools; each must name this toolset in its Spec.
func (t *Toolset) AddTools(tools ...Tool) *Toolset {
	for _, tl := range tools {
		if tl.Spec.Toolset != t.Name {
			panic(fmt.Sprintf("tool %s says toolset %s, added to %s", tl.Spec.Name, tl.Spec.Toolset, t.Name))
		}
	}
	t.Tools = append(t.Tools, tools...)
	return t
}

// AddResources adds resources, resource templates and their completions.
func (t *Toolset) AddResources(s resources.Set) *Toolset {
	t.Resources = t.Resources.Merge(s)
	return t
}

// AddPrompts adds prompts and their completions.
func (t *Toolset) AddPrompts(s prompts.Set) *Toolset {
	t.Prompts = t.Prompts.Merge(s)
	return t
}
