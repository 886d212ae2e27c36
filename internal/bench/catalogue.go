package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
)

// Catalogue is the size of tools/list as a client receives it: the JSON-RPC
// response bytes with every toolset enabled, split per toolset, and the same
// without output schemas (what a client that ignores them could be sent).
type Catalogue struct {
	Tools       int
	TotalBytes  int // the whole JSON-RPC response, to a client on protocol 2025-06-18 or later
	NoOutput    int // the same response without outputSchema
	LegacyBytes int // the whole response to a client on 2025-03-26 (tools carry annotations.title too)
	PerToolset  []ToolsetSize
	Parts       Parts
}

// Parts splits the tools' bytes by what they are, each member counted as
// `"key":value,` in the compact JSON: what a trim would have to take from.
type Parts struct {
	Names, Titles, Descriptions, Annotations int
	Input                                    int // inputSchema, whole
	InputDescriptions                        int // of Input: every "description" string in it
	Output                                   int // outputSchema
}

// member is the bytes a tool's member takes: "key":value and a comma.
func member(key string, v any) int {
	raw, _ := json.Marshal(v)
	return len(key) + 4 + len(raw)
}

// descriptionBytes counts the "description":"..." members inside a schema.
func descriptionBytes(node any) int {
	n := 0
	switch v := node.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "description" {
				n += member(k, s)
				continue
			}
			n += descriptionBytes(x)
		}
	case []any:
		for _, x := range v {
			n += descriptionBytes(x)
		}
	}
	return n
}

func (p *Parts) add(t map[string]any) {
	p.Names += member("name", t["name"])
	if v, ok := t["title"]; ok {
		p.Titles += member("title", v)
	}
	if v, ok := t["description"]; ok {
		p.Descriptions += member("description", v)
	}
	if v, ok := t["annotations"]; ok {
		p.Annotations += member("annotations", v)
	}
	if v, ok := t["inputSchema"]; ok {
		p.Input += member("inputSchema", v)
		p.InputDescriptions += descriptionBytes(v)
	}
	if v, ok := t["outputSchema"]; ok {
		p.Output += member("outputSchema", v)
	}
}

// session is the measuring client's session: tools/list is shaped by the
// protocol version the client negotiated.
type session struct{ version string }

func (session) Initialize()                                         {}
func (session) Initialized() bool                                   { return true }
func (session) NotificationChannel() chan<- mcp.JSONRPCNotification { return nil }
func (session) SessionID() string                                   { return "bench-catalogue" }
func (s session) ProtocolVersion() string                           { return s.version }

// ToolsetSize is one toolset's share: the bytes of its tools' entries.
type ToolsetSize struct {
	Name            string
	Tools           int
	Bytes, NoOutput int
}

// catalogueTarget is issue 18's: tools/list with every toolset ≤ 40 KB.
const catalogueTarget = 40 << 10

// MeasureCatalogue asks a's MCP server for tools/list (all pages) as a
// client on the latest protocol that has an initialize handshake, and the
// total again as one on 2025-03-26.
func MeasureCatalogue(a *app.App) (*Catalogue, error) {
	c, err := measure(a, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	if err != nil {
		return nil, err
	}
	old, err := measure(a, mcp.ProtocolVersion20250326)
	if err != nil {
		return nil, err
	}
	c.LegacyBytes = old.TotalBytes
	return c, nil
}

func measure(a *app.App, version string) (*Catalogue, error) {
	ctx := a.MCP.WithContext(context.Background(), session{version})
	toolset := map[string]string{}
	for _, t := range a.Tools {
		toolset[t.Spec.Name] = t.Spec.Toolset
	}
	c := &Catalogue{}
	per := map[string]*ToolsetSize{}
	cursor := ""
	for page := 1; ; page++ {
		params := "{}"
		if cursor != "" {
			params = fmt.Sprintf(`{"cursor":%q}`, cursor)
		}
		msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/list","params":%s}`, page, params)
		raw, err := json.Marshal(a.MCP.HandleMessage(ctx, json.RawMessage(msg)))
		if err != nil {
			return nil, err
		}
		var resp struct {
			Result struct {
				Tools      []map[string]any `json:"tools"`
				NextCursor string           `json:"nextCursor"`
			} `json:"result"`
		}
		if err := json.Unmarshal(raw, &resp); err != nil {
			return nil, err
		}
		c.TotalBytes += len(raw)
		full := len(raw)
		for _, t := range resp.Result.Tools {
			name, _ := t["name"].(string)
			c.Parts.add(t)
			withOut, _ := json.Marshal(t)
			delete(t, "outputSchema")
			without, _ := json.Marshal(t)
			full -= len(withOut) - len(without)
			ts := toolset[name]
			if per[ts] == nil {
				per[ts] = &ToolsetSize{Name: ts}
			}
			per[ts].Tools++
			per[ts].Bytes += len(withOut)
			per[ts].NoOutput += len(without)
			c.Tools++
		}
		c.NoOutput += full
		if cursor = resp.Result.NextCursor; cursor == "" {
			break
		}
	}
	for _, p := range per {
		c.PerToolset = append(c.PerToolset, *p)
	}
	sort.Slice(c.PerToolset, func(i, j int) bool { return c.PerToolset[i].Name < c.PerToolset[j].Name })
	return c, nil
}

// dynamicTarget is issue 18's: a --dynamic-toolsets session's first tools/list ≤ 8 KB.
const dynamicTarget = 8 << 10

// DynamicMarkdown renders c, measured with --dynamic-toolsets, against its target.
func (c *Catalogue) DynamicMarkdown() string {
	return fmt.Sprintf("With --dynamic-toolsets, a session's first tools/list: %.1f KB for %d tools (target ≤ 8 KB: %s).\n",
		float64(c.TotalBytes)/1024, c.Tools, verdict(c.TotalBytes <= dynamicTarget))
}

// Markdown renders the sizes against the target.
func (c *Catalogue) Markdown() string {
	var b strings.Builder
	kb := func(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) }
	b.WriteString("| toolset | tools | bytes | without output schemas |\n|---|---|---|---|\n")
	for _, p := range c.PerToolset {
		fmt.Fprintf(&b, "| %s | %d | %s | %s |\n", p.Name, p.Tools, kb(p.Bytes), kb(p.NoOutput))
	}
	fmt.Fprintf(&b, "| **all (whole tools/list response)** | **%d** | **%s** | **%s** |\n\n", c.Tools, kb(c.TotalBytes), kb(c.NoOutput))
	fmt.Fprintf(&b, "To a client on protocol 2025-03-26 (tools carry annotations.title too): %s.\n\n", kb(c.LegacyBytes))
	p := c.Parts
	fmt.Fprintf(&b, "By part: input schemas %s (%s structure — types, ranges, enums, patterns, required — and %s descriptions), "+
		"output schemas %s, tool descriptions %s, annotations %s, titles %s, names %s.\n",
		kb(p.Input), kb(p.Input-p.InputDescriptions), kb(p.InputDescriptions), kb(p.Output), kb(p.Descriptions), kb(p.Annotations), kb(p.Titles), kb(p.Names))
	b.WriteString("\n")
	over := ""
	if c.TotalBytes > catalogueTarget {
		over = fmt.Sprintf("; %s over", kb(c.TotalBytes-catalogueTarget))
	}
	fmt.Fprintf(&b, "Target: total ≤ 40 KB with every tool enabled: %s (%s for %d tools, %.0f bytes per tool%s).\n",
		verdict(c.TotalBytes <= catalogueTarget), kb(c.TotalBytes), c.Tools, float64(c.TotalBytes)/float64(max(c.Tools, 1)), over)
	return b.String()
}
