package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// --dynamic-toolsets (github-mcp-server's convention): a session starts with
// three discovery tools instead of the whole catalogue, and each toolset it
// enables joins its tools/list, announced with notifications/tools/list_changed.
//
// Every selected tool is registered once; a tool filter hides, per session,
// those of toolsets the session has not enabled. A call of a hidden tool by
// name, or getting a prompt, enables its toolset first. So enabling in one session never changes another's
// catalogue, and --toolsets, --tools and --read-only bound what can be
// enabled exactly as they bound the static catalogue. Tools named with
// --tools are listed from the start. Stateless HTTP has no session to
// remember a choice in, so the two settings refuse each other.
var dynamicToolsets = config.Register[bool](config.Setting{Name: "dynamic-toolsets", Kind: config.Bool, Group: "Safety",
	Usage: "start each session with three discovery tools (list_available_toolsets, get_toolset_tools, enable_toolset); a toolset's tools join tools/list when the session enables it (not with --stateless)"})

// The discovery tools' names, as github-mcp-server spells them.
const (
	toolListToolsets = "list_available_toolsets"
	toolGetToolset   = "get_toolset_tools"
	toolEnable       = "enable_toolset"
)

// dynamic is the per-session state of --dynamic-toolsets.
type dynamic struct {
	srv       *server.MCPServer
	sets      []*tools.Toolset // toolsets with at least one selected tool, in order
	toolsetOf map[string]string
	always    map[string]bool // named with --tools: listed from the start

	mu      sync.Mutex
	enabled map[string]map[string]bool // session id -> toolset -> enabled
}

func (a *App) newDynamic() (*dynamic, error) {
	if !dynamicToolsets.Get(a.Config) {
		return nil, nil
	}
	if a.Config.Stateless {
		return nil, &config.Error{Msg: "--dynamic-toolsets remembers each session's toolsets; --stateless keeps no session: use one or the other"}
	}
	d := &dynamic{toolsetOf: map[string]string{}, always: map[string]bool{}, enabled: map[string]map[string]bool{}}
	selected := map[string]bool{}
	for _, t := range a.Tools {
		selected[t.Spec.Name] = true
		d.toolsetOf[t.Spec.Name] = t.Spec.Toolset
	}
	for _, n := range a.Config.Tools {
		d.always[n] = true
	}
	for _, ts := range a.Toolsets {
		if slices.ContainsFunc(ts.Tools, func(t tools.Tool) bool { return selected[t.Spec.Name] }) {
			d.sets = append(d.sets, ts)
		}
	}
	return d, nil
}

// sessionID is the calling session's id; "" for a caller without one (in-process).
func sessionID(ctx context.Context) string {
	if s := server.ClientSessionFromContext(ctx); s != nil {
		return s.SessionID()
	}
	return ""
}

func (d *dynamic) isEnabled(ctx context.Context, toolset string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.enabled[sessionID(ctx)][toolset]
}

// enable turns toolsets on for the calling session, tells its client the
// tool list changed, and reports whether any was new.
func (d *dynamic) enable(ctx context.Context, toolsets ...string) bool {
	id := sessionID(ctx)
	d.mu.Lock()
	if d.enabled[id] == nil {
		d.enabled[id] = map[string]bool{}
	}
	changed := false
	for _, ts := range toolsets {
		changed = changed || !d.enabled[id][ts]
		d.enabled[id][ts] = true
	}
	d.mu.Unlock()
	if changed {
		d.notify(ctx)
	}
	return changed
}

func (d *dynamic) notify(ctx context.Context) {
	const method = "notifications/tools/list_changed"
	if id := sessionID(ctx); id != "" {
		_ = d.srv.SendNotificationToSpecificClient(id, method, nil) // a gone session needs no news
		awaitForwarded(ctx)
		return
	}
	d.srv.SendNotificationToAllClients(method, nil)
}

// awaitForwarded waits, briefly, until the session's notifications have been
// taken for delivery. mcp-go's Streamable HTTP forwarder drops a notification
// it takes after the request that sent it has finished, so a tool that
// notifies and returns at once could lose its list_changed under load.
func awaitForwarded(ctx context.Context) {
	s := server.ClientSessionFromContext(ctx)
	if s == nil {
		return
	}
	ch := s.NotificationChannel()
	for deadline := time.Now().Add(200 * time.Millisecond); len(ch) > 0 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
}

// forget drops a closed session's choices.
func (d *dynamic) forget(_ context.Context, s server.ClientSession) {
	d.mu.Lock()
	delete(d.enabled, s.SessionID())
	d.mu.Unlock()
}

// filter hides the tools of toolsets the session has not enabled; the
// discovery tools (in no toolset) always show.
func (d *dynamic) filter(ctx context.Context, list []mcp.Tool) []mcp.Tool {
	d.mu.Lock()
	on := d.enabled[sessionID(ctx)]
	d.mu.Unlock()
	out := make([]mcp.Tool, 0, len(list))
	for _, t := range list {
		ts, inSet := d.toolsetOf[t.Name]
		if !inSet || d.always[t.Name] || on[ts] {
			out = append(out, t)
		}
	}
	return out
}

func (d *dynamic) toolset(name string) (*tools.Toolset, error) {
	for _, ts := range d.sets {
		if ts.Name == name {
			return ts, nil
		}
	}
	fix := ""
	if slices.Contains(tools.ToolsetNames, name) {
		fix = fmt.Sprintf(" (only the operator adds it, by restarting with --toolsets %s)", strings.Join(append(d.names(), name), ","))
	}
	return nil, fmt.Errorf("toolset: %q is not served here%s; %s lists the ones that are: %s", name, fix, toolListToolsets, strings.Join(d.names(), ", "))
}

func (d *dynamic) names() []string {
	names := make([]string, len(d.sets))
	for i, ts := range d.sets {
		names[i] = ts.Name
	}
	return names
}

// served lists a toolset's selected tools (--tools, --read-only applied).
func (d *dynamic) served(ts *tools.Toolset) []tools.Tool {
	var out []tools.Tool
	for _, t := range ts.Tools {
		if _, ok := d.toolsetOf[t.Spec.Name]; ok {
			out = append(out, t)
		}
	}
	return out
}

// The discovery tools' results.
type (
	toolsetInfo struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Tools       int    `json:"tools"`
		Enabled     bool   `json:"enabled"`
	}
	toolInfo struct {
		Name        string `json:"name"`
		Title       string `json:"title"`
		Description string `json:"description"`
		ReadOnly    bool   `json:"readOnly"`
	}
)

// tools returns the three discovery tools.
func (d *dynamic) tools() []server.ServerTool {
	enum, _ := json.Marshal(d.names())
	var what []string
	for _, ts := range d.sets {
		what = append(what, ts.Name+": "+ts.Description)
	}
	nameArg := func(desc string) string {
		quoted, _ := json.Marshal(desc)
		return fmt.Sprintf(`{"type":"object","properties":{"toolset":{"type":"string","enum":%s,"description":%s}},"required":["toolset"],"additionalProperties":false}`, enum, quoted)
	}
	listOut := `{"type":"object","properties":{"toolsets":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"description":{"type":"string"},"tools":{"type":"integer"},"enabled":{"type":"boolean"}}}}},"required":["toolsets"]}`
	getOut := `{"type":"object","properties":{"toolset":{"type":"string"},"enabled":{"type":"boolean"},"tools":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"title":{"type":"string"},"description":{"type":"string"},"readOnly":{"type":"boolean"}}}}},"required":["toolset","enabled","tools"]}`
	enableOut := `{"type":"object","properties":{"toolset":{"type":"string"},"alreadyEnabled":{"type":"boolean"},"tools":{"type":"array","items":{"type":"string"}}},"required":["toolset","tools"]}`
	tool := func(name, title, desc, in, out string) mcp.Tool {
		t := mcp.NewTool(name, mcp.WithDescription(desc), mcp.WithRawInputSchema(json.RawMessage(in)), mcp.WithRawOutputSchema(json.RawMessage(out)),
			mcp.WithToolAnnotation(mcp.ToolAnnotation{ReadOnlyHint: mcp.ToBoolPtr(true), DestructiveHint: mcp.ToBoolPtr(false),
				OpenWorldHint: mcp.ToBoolPtr(false)}))
		t.Title = title
		t.InputSchema = mcp.ToolInputSchema{}
		return t
	}
	return []server.ServerTool{
		{Tool: tool(toolListToolsets, "List toolsets",
			"List the toolsets this server can add to your tools, whether each is enabled in this session, and how many tools it has. Start here when no listed tool fits the task.",
			`{"type":"object","properties":{},"additionalProperties":false}`, listOut),
			Handler: d.handleList},
		{Tool: tool(toolGetToolset, "Describe a toolset's tools",
			"Name, title, one-line description and read-only flag of each tool in a toolset, to decide whether to enable it. Its input schemas arrive with "+toolEnable+".",
			nameArg("Toolset name"), getOut),
			Handler: d.handleGet},
		{Tool: tool(toolEnable, "Enable a toolset",
			"Add a toolset's tools to this session's tools/list (the client is told the list changed; list tools again if yours does not refresh by itself). Enabling changes nothing in the cloud.",
			nameArg(strings.Join(what, "; ")), enableOut),
			Handler: d.handleEnable},
	}
}

func (d *dynamic) handleList(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	out := struct {
		Toolsets []toolsetInfo `json:"toolsets"`
	}{Toolsets: []toolsetInfo{}}
	for _, ts := range d.sets {
		out.Toolsets = append(out.Toolsets, toolsetInfo{Name: ts.Name, Description: ts.Description, Tools: len(d.served(ts)), Enabled: d.isEnabled(ctx, ts.Name)})
	}
	return structured(out)
}

func (d *dynamic) handleGet(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	ts, err := d.toolsetArg(req)
	if err != nil {
		return mcp.NewToolResultError(toolGetToolset + ": " + err.Error()), nil
	}
	out := struct {
		Toolset string     `json:"toolset"`
		Enabled bool       `json:"enabled"`
		Tools   []toolInfo `json:"tools"`
	}{Toolset: ts.Name, Enabled: d.isEnabled(ctx, ts.Name), Tools: []toolInfo{}}
	for _, t := range d.served(ts) {
		out.Tools = append(out.Tools, toolInfo{Name: t.Spec.Name, Title: t.Spec.Title, Description: t.Spec.Description,
			ReadOnly: tools.HintsOf(t.Tool.Annotations).ReadOnly})
	}
	return structured(out)
}

func (d *dynamic) handleEnable(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	ts, err := d.toolsetArg(req)
	if err != nil {
		return mcp.NewToolResultError(toolEnable + ": " + err.Error()), nil
	}
	out := struct {
		Toolset        string   `json:"toolset"`
		AlreadyEnabled bool     `json:"alreadyEnabled,omitempty"`
		Tools          []string `json:"tools"`
	}{Toolset: ts.Name, Tools: []string{}}
	for _, t := range d.served(ts) {
		out.Tools = append(out.Tools, t.Spec.Name)
	}
	out.AlreadyEnabled = !d.enable(ctx, ts.Name)
	return structured(out)
}

func (d *dynamic) toolsetArg(req mcp.CallToolRequest) (*tools.Toolset, error) {
	args, _ := req.Params.Arguments.(map[string]any)
	name, ok := args["toolset"].(string)
	if !ok || name == "" {
		return nil, errors.New("toolset: required, one of " + strings.Join(d.names(), ", "))
	}
	return d.toolset(name)
}

// beforeCall enables the toolset of a tool called by name before it is
// listed (the name came from a prompt, the user or an earlier session): the
// operator selected it, only the catalogue was kept short, so the call is
// served instead of ending in "tool not found".
func (d *dynamic) beforeCall(ctx context.Context, _ any, req *mcp.CallToolRequest) {
	if ts, ok := d.toolsetOf[req.Params.Name]; ok && !d.always[req.Params.Name] && !d.isEnabled(ctx, ts) {
		d.enable(ctx, ts)
	}
}

// enablePromptToolsets wraps a prompt so that getting it enables the
// toolsets of the tools its procedure calls: the steps it renders then name
// tools the session can see.
func (d *dynamic) enablePromptToolsets(p server.ServerPrompt, needs []string) server.ServerPrompt {
	var sets []string
	for _, t := range needs {
		if ts, ok := d.toolsetOf[t]; ok && !slices.Contains(sets, ts) {
			sets = append(sets, ts)
		}
	}
	if len(sets) == 0 {
		return p
	}
	next := p.Handler
	p.Handler = func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		// Enable first: mcp-go drops a notification its request forwarder
		// picks up after the handler has returned, and a prompt that reads
		// the cloud while rendering returned just after notifying.
		d.enable(ctx, sets...)
		return next(ctx, req)
	}
	return p
}

func structured(out any) (*mcp.CallToolResult, error) {
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	res := mcp.NewToolResultText(string(raw))
	res.RawStructuredContent = raw
	return res, nil
}
