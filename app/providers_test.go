package app

import (
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// Every toolset is owned by exactly one registered provider (its Scope and
// clients come from there), and no two providers claim a header.
func TestProvidersOwnEveryToolsetOnce(t *testing.T) {
	owner := map[string]string{}
	headers := map[string]string{}
	for _, p := range Providers {
		if p.Name == "" || p.Open == nil {
			t.Errorf("provider %q lacks a name or Open", p.Name)
		}
		for _, ts := range p.Toolsets {
			if o, dup := owner[ts]; dup {
				t.Errorf("toolset %s claimed by %s and %s", ts, o, p.Name)
			}
			owner[ts] = p.Name
		}
		for _, h := range p.Headers {
			if o, dup := headers[h.Name]; dup {
				t.Errorf("header %s declared by %s and %s", h.Name, o, p.Name)
			}
			headers[h.Name] = p.Name
		}
	}
	for _, ts := range tools.ToolsetNames {
		if owner[ts] == "" {
			t.Errorf("toolset %s belongs to no registered provider", ts)
		}
		delete(owner, ts)
	}
	for ts, p := range owner {
		t.Errorf("provider %s claims toolset %s, which tools does not define", p, ts)
	}
}
