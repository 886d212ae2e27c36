package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// --dynamic-toolsets end to end, through mcp-go's client on each transport:
// a session starts with the three discovery tools, enabling a toolset sends
// notifications/tools/list_changed and grows that session's tools/list only.

const initialCatalogueBudget = 8 << 10 // issue 18: the first tools/list of a dynamic session

var discoveryTools = []string{"enable_toolset", "get_toolset_tools", "list_available_toolsets"}

// dynSession is one client session that records list_changed notifications.
type dynSession struct {
	t       *testing.T
	c       *client.Client
	changed chan struct{}
	init    *mcp.InitializeResult
}

// startDynamic serves the app with --dynamic-toolsets and extra args on the
// transport and returns a function opening client sessions to it.
func startDynamic(t *testing.T, transportName string, args ...string) func() *dynSession {
	t.Helper()
	argv := append([]string{"--sandbox", "--dynamic-toolsets", "--transport", transportName, "--addr", "127.0.0.1:0"}, args...)
	cfg, err := config.Parse(argv, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait(); a.Close() })
	url := ""
	if transportName != "stdio" {
		hs, err := a.ListenHTTP()
		if err != nil {
			t.Fatal(err)
		}
		url = hs.URL()
		wg.Add(1)
		go func() { defer wg.Done(); _ = hs.Serve(ctx) }()
	}
	stdioUsed := false
	return func() *dynSession {
		t.Helper()
		var c *client.Client
		switch transportName {
		case "stdio": // the real stdio server, over pipes
			if stdioUsed {
				t.Fatal("stdio serves one session")
			}
			stdioUsed = true
			inR, inW := io.Pipe()
			outR, outW := io.Pipe()
			wg.Add(1)
			go func() { defer wg.Done(); _ = a.Serve(ctx, inR, outW); _ = outW.Close() }()
			t.Cleanup(func() { _ = inW.Close() })
			c = client.NewClient(transport.NewIO(outR, inW, io.NopCloser(strings.NewReader(""))))
		case "sse":
			c, err = client.NewSSEMCPClient(url)
		default:
			c, err = client.NewStreamableHttpClient(url, transport.WithContinuousListening())
		}
		if err != nil {
			t.Fatal(err)
		}
		s := &dynSession{t: t, c: c, changed: make(chan struct{}, 16)}
		c.OnNotification(func(n mcp.JSONRPCNotification) {
			if n.Method == "notifications/tools/list_changed" {
				s.changed <- struct{}{}
			}
		})
		cctx, ccancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer ccancel()
		if err := c.Start(context.Background()); err != nil { // the SSE stream lives as long as this context
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		req := mcp.InitializeRequest{}
		req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
		req.Params.ClientInfo = mcp.Implementation{Name: "dynamic-test", Version: "1"}
		if s.init, err = c.Initialize(cctx, req); err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func (s *dynSession) list() ([]string, int) {
	s.t.Helper()
	res, err := s.c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		s.t.Fatal(err)
	}
	raw, _ := json.Marshal(res)
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	slices.Sort(names)
	return names, len(raw)
}

func (s *dynSession) call(name string, args map[string]any) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = name, args
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.c.CallTool(ctx, req)
}

func (s *dynSession) callOK(name string, args map[string]any) map[string]any {
	s.t.Helper()
	res, err := s.call(name, args)
	if err != nil {
		s.t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		s.t.Fatalf("%s: tool error %v", name, res.Content)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(res.Content[0].(mcp.TextContent).Text), &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

func (s *dynSession) waitChanged() {
	s.t.Helper()
	select {
	case <-s.changed:
	case <-time.After(10 * time.Second):
		s.t.Fatal("no notifications/tools/list_changed within 10 s")
	}
}

func TestDynamicToolsetsOnEveryTransport(t *testing.T) {
	for _, tr := range []string{"stdio", "sse", "http"} {
		t.Run(tr, func(t *testing.T) {
			open := startDynamic(t, tr)
			s := open()
			if caps := s.init.Capabilities.Tools; caps == nil || !caps.ListChanged {
				t.Fatalf("tools capability must announce listChanged: %+v", caps)
			}
			names, size := s.list()
			if !slices.Equal(names, discoveryTools) {
				t.Fatalf("first tools/list: %v, want only %v", names, discoveryTools)
			}
			if size > initialCatalogueBudget {
				t.Fatalf("first tools/list is %d bytes, over %d", size, initialCatalogueBudget)
			}
			t.Logf("first tools/list: %d bytes", size)

			sets := s.callOK("list_available_toolsets", nil)["toolsets"].([]any)
			if len(sets) != 4 || sets[0].(map[string]any)["enabled"] != false {
				t.Fatalf("toolsets: %v", sets)
			}
			desc := s.callOK("get_toolset_tools", map[string]any{"toolset": "cloudbase_auth"})
			if tl := desc["tools"].([]any); len(tl) < 5 || desc["enabled"] != false {
				t.Fatalf("get_toolset_tools: %v", desc)
			}
			got := s.callOK("enable_toolset", map[string]any{"toolset": "cloudbase_auth"})
			s.waitChanged()
			names, _ = s.list()
			if !slices.Contains(names, "cloudbase_get_login_config") || slices.Contains(names, "telnyx_list_addresses") ||
				len(names) != len(discoveryTools)+len(got["tools"].([]any)) {
				t.Fatalf("after enabling cloudbase_auth: %v", names)
			}
			if out := s.callOK("cloudbase_get_login_config", nil); out["RequestId"] == nil {
				t.Fatalf("enabled tool: %v", out)
			}
			// Enabling again changes nothing and says so.
			if again := s.callOK("enable_toolset", map[string]any{"toolset": "cloudbase_auth"}); again["alreadyEnabled"] != true {
				t.Fatalf("second enable: %v", again)
			}
			if res, _ := s.call("enable_toolset", map[string]any{"toolset": "nope"}); res == nil || !res.IsError {
				t.Fatal("an unknown toolset was accepted")
			}

			if tr == "stdio" {
				return
			}
			// Another session's catalogue is its own.
			other := open()
			if names, _ := other.list(); !slices.Equal(names, discoveryTools) {
				t.Fatalf("a second session sees the first one's toolsets: %v", names)
			}
			select {
			case <-other.changed:
				t.Fatal("the other session was told its list changed")
			default:
			}
		})
	}
}

// --toolsets and --read-only bound what a session can enable.
func TestDynamicToolsetsRespectSelection(t *testing.T) {
	s := startDynamic(t, "http", "--toolsets", "cloudbase_auth,telnyx", "--read-only")()
	sets := s.callOK("list_available_toolsets", nil)["toolsets"].([]any)
	if len(sets) != 2 {
		t.Fatalf("toolsets: %v", sets)
	}
	if res, _ := s.call("enable_toolset", map[string]any{"toolset": "cloudbase_http"}); res == nil || !res.IsError ||
		!strings.Contains(res.Content[0].(mcp.TextContent).Text, "cloudbase_auth, telnyx") ||
		!strings.Contains(res.Content[0].(mcp.TextContent).Text, "restarting with --toolsets cloudbase_auth,telnyx,cloudbase_http") {
		t.Fatalf("a toolset outside --toolsets: %v", res)
	}
	s.callOK("enable_toolset", map[string]any{"toolset": "cloudbase_auth"})
	s.waitChanged()
	names, _ := s.list()
	if !slices.Contains(names, "cloudbase_get_login_config") || slices.Contains(names, "cloudbase_modify_login_config") {
		t.Fatalf("--read-only with a dynamic toolset: %v", names)
	}
}

// Tools named with --tools next to --toolsets are listed from the start.
func TestDynamicToolsetsListNamedToolsFromTheStart(t *testing.T) {
	s := startDynamic(t, "http", "--toolsets", "telnyx", "--tools", "cloudbase_get_login_config")()
	if names, _ := s.list(); !slices.Equal(names, append([]string{"cloudbase_get_login_config"}, discoveryTools...)) {
		t.Fatalf("first list: %v", names)
	}
}

// A tool called by name before its toolset is enabled is served, and its
// toolset joins the list: a name from a prompt or the user is no dead end.
func TestDynamicToolsetsCallByNameEnables(t *testing.T) {
	s := startDynamic(t, "http")()
	if out := s.callOK("telnyx_list_billing_groups", nil); out["data"] == nil {
		t.Fatalf("call by name: %v", out)
	}
	s.waitChanged()
	if names, _ := s.list(); !slices.Contains(names, "telnyx_create_billing_group") || slices.Contains(names, "cloudbase_get_login_config") {
		t.Fatalf("after a call by name: %v", names)
	}
}

// Getting a prompt enables the toolsets its steps call, so every tool it names is listed.
func TestDynamicToolsetsPromptEnablesItsTools(t *testing.T) {
	s := startDynamic(t, "http")()
	req := mcp.GetPromptRequest{}
	req.Params.Name = "enable_login_methods"
	req.Params.Arguments = map[string]string{"enable": "email"}
	if _, err := s.c.GetPrompt(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	s.waitChanged()
	if names, _ := s.list(); !slices.Contains(names, "cloudbase_modify_login_config") {
		t.Fatalf("after the prompt: %v", names)
	}
}

func TestDynamicToolsetsRefuseStateless(t *testing.T) {
	cfg, err := config.Parse([]string{"--sandbox", "--dynamic-toolsets", "--transport", "http", "--stateless", "--confirm-destructive=false"},
		func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, io.Discard)
	if err == nil {
		a.Close()
		t.Fatal("--dynamic-toolsets with --stateless started")
	}
	if !strings.Contains(err.Error(), "--stateless") {
		t.Fatalf("error: %v", err)
	}
}
