package testenv

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// ClientOptions describe a further client of the same server: what it
// supports and which protocol era it speaks.
type ClientOptions struct {
	// Name is the clientInfo name (default "testenv-client").
	Name string
	// Elicit answers elicitation requests; nil means the client does not
	// declare elicitation at all.
	Elicit func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error)
	// Legacy uses the initialize handshake (protocol 2025-11-25) instead of
	// per-request metadata, so elicitation arrives as elicitation/create and
	// the log level is set with logging/setLevel.
	Legacy bool
	// URLElicitation declares URL-mode elicitation too (capabilities.elicitation.url).
	URLElicitation bool
}

// Connect opens another initialized client on e's server. The returned Env
// shares the server, sandbox and logs; Messages collects the log
// notifications (notifications/message) this client receives.
func (e *Env) Connect(o ClientOptions) (*Env, *Messages) {
	e.t.Helper()
	var opts []client.ClientOption
	if o.Elicit != nil {
		opts = append(opts, client.WithElicitationHandler(elicitFunc(o.Elicit)))
	}
	if o.Legacy {
		opts = append(opts, client.WithLegacyProtocolOnly())
	}
	c, err := client.NewInProcessClientWithOptions(e.App.MCP, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { _ = c.Close() })
	msgs := &Messages{}
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == string(mcp.MethodNotificationMessage) {
			msgs.add(n)
		}
	})
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		e.t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if o.Legacy {
		init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	}
	init.Params.ClientInfo = mcp.Implementation{Name: or(o.Name, "testenv-client"), Version: "1"}
	if o.URLElicitation {
		init.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{Form: &struct{}{}, URL: &struct{}{}}
	}
	if _, err := c.Initialize(ctx, init); err != nil {
		e.t.Fatal(err)
	}
	return &Env{t: e.t, App: e.App, Client: c, Logs: e.Logs}, msgs
}

// SetLevel asks the server for log notifications at level and above.
func (e *Env) SetLevel(level mcp.LoggingLevel) {
	e.t.Helper()
	req := mcp.SetLevelRequest{}
	req.Params.Level = level
	if err := e.Client.SetLevel(context.Background(), req); err != nil {
		e.t.Fatal(err)
	}
}

type elicitFunc func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f elicitFunc) Elicit(_ context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(r)
}

// Messages are the log notifications a client received.
type Messages struct {
	mu   sync.Mutex
	list []mcp.JSONRPCNotification
}

func (m *Messages) add(n mcp.JSONRPCNotification) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.list = append(m.list, n)
}

// All returns the notifications received so far, each as its params
// ({"level","logger","data"}) decoded from JSON as a remote client sees them.
func (m *Messages) All() []map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]map[string]any, 0, len(m.list))
	for _, n := range m.list {
		var p map[string]any
		b, _ := json.Marshal(n.Params.AdditionalFields)
		_ = json.Unmarshal(b, &p)
		out = append(out, p)
	}
	return out
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Initialize starts c and runs the initialize handshake on the latest
// protocol as clientInfo name ("" leaves clientInfo empty); closing c stays
// with the caller.
func Initialize(t testing.TB, c *client.Client, name string) {
	t.Helper()
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if name != "" {
		init.Params.ClientInfo = mcp.Implementation{Name: name, Version: "1"}
	}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
}
