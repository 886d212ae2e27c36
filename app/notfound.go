package app

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// explainNotFound completes mcp-go's bare "not found" for a guessed tool,
// prompt or resource (rpcerr.Explainer) with what exists: the list, the
// closest names, or the tool that reads what a guessed URI names
// (cloudbase://apikeys → cloudbase_describe_api_key_list). Only names are
// said, never a value.
func (a *App) explainNotFound(kind, name string) string {
	switch kind {
	case "tool":
		var names []string
		for n := range a.MCP.ListTools() {
			if _, unserved := a.unserved[n]; !unserved {
				names = append(names, n)
			}
		}
		hint := fmt.Sprintf("No tool is named %q here; tools/list shows the %d tools served", name, len(names))
		switch {
		case a.dynamic != nil: // each session lists its enabled toolsets: no one count is right
			hint = fmt.Sprintf("No tool is named %q here; tools/list shows the tools of the toolsets this session enabled "+
				"(list_available_toolsets names the others)", name)
		case a.writeScope != "": // an OAuth caller sees the tools its token's scopes allow
			hint = fmt.Sprintf("No tool is named %q here; tools/list shows the tools your access token allows", name)
		}
		if near := closest(name, names, 3); len(near) > 0 {
			hint += "; the closest names: " + strings.Join(near, ", ")
		}
		return hint
	case "prompt":
		var names []string
		for n := range a.MCP.ListPrompts() {
			if !a.hiddenPrompts[n] {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		return fmt.Sprintf("No prompt is named %q here; the prompts are: %s", name, orNothing(names))
	case "resource":
		var uris, templates []string
		for uri := range a.MCP.ListResources() {
			if !a.hiddenResources[uri] {
				uris = append(uris, uri)
			}
		}
		for _, ts := range a.servedToolsets() {
			for _, t := range ts.Resources.Templates {
				if raw := t.Template.URITemplate.Raw(); !a.hiddenResources[raw] {
					templates = append(templates, raw)
				}
			}
		}
		slices.Sort(uris)
		slices.Sort(templates)
		hint := fmt.Sprintf("No resource has the URI %q; the resources are: %s; the templates: %s", name, orNothing(uris), orNothing(templates))
		if t := a.readerOf(name); t != "" {
			hint += ". " + t + " reads what this URI names"
		}
		return hint
	}
	return ""
}

// servedToolsets are the toolsets with a served tool.
func (a *App) servedToolsets() []*tools.Toolset {
	served := map[string]bool{}
	for _, t := range a.Tools {
		served[t.Spec.Toolset] = true
	}
	var out []*tools.Toolset
	for _, ts := range a.Toolsets {
		if served[ts.Name] {
			out = append(out, ts)
		}
	}
	return out
}

// readerOf is the served read-only tool whose name holds the last part of
// uri ("apikeys" → cloudbase_describe_api_key_list), or "".
func (a *App) readerOf(uri string) string {
	found := readersOf(uri, a.Tools)
	if len(found) > 2 {
		found = found[:2]
	}
	return strings.Join(found, " or ")
}

// readersOf are the read-only tools of list whose names hold the last part
// of uri that is not a template variable, sorted.
func readersOf(uri string, list []tools.Tool) []string {
	_, path, _ := strings.Cut(uri, "://")
	parts := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
	parts = slices.DeleteFunc(parts, func(p string) bool { return strings.Contains(p, "{") })
	if len(parts) == 0 {
		return nil
	}
	want := letters(parts[len(parts)-1])
	for _, suffix := range []string{"es", "s"} {
		if len(want) > 4 && strings.HasSuffix(want, suffix) {
			want = strings.TrimSuffix(want, suffix)
			break
		}
	}
	if len(want) < 3 {
		return nil
	}
	var found []string
	for _, t := range list {
		if t.Spec.ReadOnly && strings.Contains(letters(t.Spec.Name), want) {
			found = append(found, t.Spec.Name)
		}
	}
	slices.Sort(found)
	return found
}

// letters is s lower case without separators.
func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// closest are up to n names sharing the most words with name.
func closest(name string, names []string, n int) []string {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		words[strings.TrimSuffix(w, "s")] = true
	}
	score := map[string]int{}
	for _, c := range names {
		for _, w := range strings.Split(c, "_") {
			if words[strings.TrimSuffix(w, "s")] {
				score[c]++
			}
		}
	}
	out := slices.Collect(maps.Keys(score))
	slices.SortFunc(out, func(x, y string) int {
		if score[x] != score[y] {
			return score[y] - score[x]
		}
		return strings.Compare(x, y)
	})
	return out[:min(n, len(out))]
}

func orNothing(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
