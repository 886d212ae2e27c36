package app_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// "Turn off anonymous login" on a server the operator limited: the agent
// knows the tool's name (a prompt, the docs, another session) though
// tools/list does not show it. One call answers why it is not served and the
// exact fix, with the JSON-RPC code of an unknown tool (-32602), and the
// server keeps serving. Over stdio against the built binary, and over HTTP
// with --dynamic-toolsets; an unserved tool is never listed.
func TestScenarioUnservedToolSaysWhyAndTheFix(t *testing.T) {
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(transport.NewStdio(bin, nil, "--sandbox", "--sandbox-secret-key", plantedKey,
		"--toolsets", "cloudbase_auth,telnyx", "--read-only"))
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "unserved-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	calls := 0
	call := func(name string, args map[string]any) (*mcp.CallToolResult, error) {
		calls++
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = name, args
		return c.CallTool(ctx, req)
	}
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range list.Tools {
		names = append(names, tl.Name)
	}
	if !slices.Contains(names, "cloudbase_get_login_config") || slices.Contains(names, "cloudbase_modify_login_config") ||
		slices.Contains(names, "cloudbase_list_user_keys") {
		t.Fatalf("tools/list with --toolsets cloudbase_auth,telnyx --read-only: %v", names)
	}
	_, err = call("cloudbase_modify_login_config", map[string]any{"AnonymousLogin": false})
	wantUnserved(t, err, "tool cloudbase_modify_login_config exists, but it changes things", "--read-only", "restarting the server without --read-only")
	_, err = call("cloudbase_list_user_keys", nil)
	wantUnserved(t, err, "tool cloudbase_list_user_keys exists, but it belongs to toolset cloudbase_integration", "toolset cloudbase_integration",
		"--toolsets cloudbase_auth,telnyx,cloudbase_integration", "--tools cloudbase_list_user_keys")
	// A prompt whose steps call an unserved tool is not listed, and a get by name says why.
	plist, err := c.ListPrompts(ctx, mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range plist.Prompts {
		if p.Name == "create_integration_from_template" {
			t.Fatalf("prompts/list offers a prompt whose tools are not served: %v", plist.Prompts)
		}
	}
	preq := mcp.GetPromptRequest{}
	preq.Params.Name = "create_integration_from_template"
	_, err = c.GetPrompt(ctx, preq)
	wantUnserved(t, err, "prompt create_integration_from_template exists, but its steps call cloudbase_", "toolset cloudbase_integration", "--toolsets cloudbase_auth,telnyx,cloudbase_integration")
	// So does a resource of a toolset not served: not listed, and a read says why.
	rlist, err := c.ListResources(ctx, mcp.ListResourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tlist, err := c.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rlist.Resources {
		if strings.HasPrefix(r.URI, "cloudbase://templates") || strings.HasPrefix(r.URI, "cloudbase://datamodels") {
			t.Fatalf("resources/list offers %s, whose toolset is not served", r.URI)
		}
	}
	for _, r := range tlist.ResourceTemplates {
		if strings.HasPrefix(r.URITemplate.Raw(), "cloudbase://templates") {
			t.Fatalf("resources/templates/list offers %s, whose toolset is not served", r.URITemplate.Raw())
		}
	}
	rreq := mcp.ReadResourceRequest{}
	rreq.Params.URI = "cloudbase://templates/weixinpaydc"
	_, err = c.ReadResource(ctx, rreq)
	if !errors.Is(err, mcp.ErrResourceNotFound) && !errors.Is(err, mcp.ErrInvalidParams) {
		t.Fatalf("reading a resource not served: %v", err)
	}
	if !strings.Contains(err.Error(), "cloudbase://templates/weixinpaydc exists, but is not served here") ||
		!strings.Contains(err.Error(), "--toolsets cloudbase_auth,telnyx,cloudbase_integration") {
		t.Errorf("reading a resource not served: %v", err)
	}
	_, err = call("no_such_tool", nil)
	if !errors.Is(err, mcp.ErrInvalidParams) {
		t.Fatalf("unknown tool: %v", err)
	}
	if res, err := call("cloudbase_get_login_config", nil); err != nil || res.IsError {
		t.Fatalf("still serving: %v %v", err, res)
	}
	if calls > 4 {
		t.Errorf("%d calls, budget 4", calls)
	}

	// --dynamic-toolsets over HTTP: a selected tool called by name is served
	// (its toolset is enabled); one outside --toolsets or --tools says which flag.
	s := startDynamic(t, "http", "--toolsets", "telnyx", "--tools", "cloudbase_get_login_config")()
	_, err = s.call("cloudbase_describe_client", nil)
	wantUnserved(t, err, "tool cloudbase_describe_client exists, but", "toolset cloudbase_auth", "--toolsets telnyx,cloudbase_auth")
	if out := s.callOK("telnyx_list_billing_groups", nil); out["data"] == nil {
		t.Fatalf("a served tool by name: %v", out)
	}
	s.waitChanged()
	if names, _ := s.list(); slices.Contains(names, "cloudbase_describe_client") || !slices.Contains(names, "telnyx_list_billing_groups") {
		t.Fatalf("dynamic tools/list: %v", names)
	}

	// --tools alone: the fix names the tool list.
	only := startDynamic(t, "http", "--tools", "cloudbase_get_login_config")()
	_, err = only.call("cloudbase_describe_client", nil)
	wantUnserved(t, err, "only the tools named with --tools (cloudbase_get_login_config)", "--tools cloudbase_get_login_config,cloudbase_describe_client")
}

func wantUnserved(t *testing.T, err error, words ...string) {
	t.Helper()
	if !errors.Is(err, mcp.ErrInvalidParams) {
		t.Fatalf("want JSON-RPC -32602 Invalid params, got %v", err)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q does not say %q", err, w)
		}
	}
}
