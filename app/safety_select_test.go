package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// listed returns tools/list as the client sees it, by name.
func listed(t *testing.T, e *testenv.Env) map[string]mcp.Tool {
	t.Helper()
	res, err := e.Client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]mcp.Tool{}
	for _, tl := range res.Tools {
		out[tl.Name] = tl
	}
	return out
}

func names(m map[string]mcp.Tool) []string {
	var out []string
	for n := range m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func TestToolsetsAndAllowList(t *testing.T) {
	all := listed(t, testenv.New(t))
	auth := 0
	for _, tl := range tools.All(&tools.Deps{}) {
		if _, ok := all[tl.Spec.Name]; !ok {
			t.Errorf("default (all toolsets) lacks %s", tl.Spec.Name)
		}
		if tl.Spec.Toolset == tools.ToolsetCloudBaseAuth {
			auth++
		}
	}
	if auth != 11 {
		t.Fatalf("%d cloudbase_auth tools, want 11", auth)
	}

	cases := []struct {
		name     string
		toolsets []string
		tools    []string
		want     func(tools.Tool) bool
	}{
		{"one toolset", []string{"cloudbase_auth"}, nil, func(tl tools.Tool) bool { return tl.Spec.Toolset == "cloudbase_auth" }},
		{"tools alone are an allow-list", []string{"all"}, []string{"cloudbase_get_login_config", "cloudbase_delete_api_key"},
			func(tl tools.Tool) bool {
				return tl.Spec.Name == "cloudbase_get_login_config" || tl.Spec.Name == "cloudbase_delete_api_key"
			}},
		{"tools add to named toolsets", []string{"telnyx"}, []string{"cloudbase_get_providers"},
			func(tl tools.Tool) bool {
				return tl.Spec.Toolset == "telnyx" || tl.Spec.Name == "cloudbase_get_providers"
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := testenv.New(t, func(cfg *config.Config) { cfg.Toolsets, cfg.Tools = c.toolsets, c.tools })
			got := listed(t, e)
			var want []string
			for _, tl := range tools.All(&tools.Deps{}) {
				if c.want(tl) {
					want = append(want, tl.Spec.Name)
				}
			}
			slices.Sort(want)
			if !slices.Equal(names(got), want) {
				t.Fatalf("tools/list = %v, want %v", names(got), want)
			}
			if _, ok := got["cloudbase_modify_client"]; !ok {
				// A tool left out cannot be called either; the error says why and the fix
				// (its JSON-RPC code over the transports: unserved_test.go).
				req := mcp.CallToolRequest{}
				req.Params.Name = "cloudbase_modify_client"
				req.Params.Arguments = map[string]any{"Id": "x", "MaxDevice": 1}
				if _, err := e.Client.CallTool(context.Background(), req); err == nil || !strings.Contains(err.Error(), "tool cloudbase_modify_client exists, but") {
					t.Fatalf("calling a tool that is not enabled: %v", err)
				}
				if e.App.Sandbox.Count("ModifyClient") != 0 {
					t.Fatal("a disabled tool reached the cloud")
				}
			}
		})
	}
}

func TestUnknownNamesStopStartUp(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--toolsets", "cloudbase_auth,dns"}, []string{`--toolsets: unknown toolset "dns"`, "all, cloudbase_auth, cloudbase_integration, cloudbase_http, telnyx"}},
		{[]string{"--tools", "cloudbase_get_login_config,delete_everything"}, []string{`--tools: unknown tool "delete_everything"`, "cloudbase_get_login_config", "cloudbase_delete_api_key"}},
	} {
		cfg, err := config.Parse(c.args, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		a, err := app.New(context.Background(), cfg, io.Discard)
		if err == nil {
			a.Close()
			t.Fatalf("%v: started", c.args)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q lacks %q", c.args, err, w)
			}
		}
	}
}

func TestReadOnlyHidesEveryMutatingTool(t *testing.T) {
	full := testenv.New(t)
	all := listed(t, full)
	gated := map[string]bool{} // tools that refuse every change themselves under --read-only
	for _, tl := range full.App.Tools {
		gated[tl.Spec.Name] = tl.Spec.ReadOnlyGated
	}
	e := testenv.New(t, func(c *config.Config) { c.ReadOnly = true })
	ro := listed(t, e)
	if len(ro) == 0 {
		t.Fatal("read-only lists no tools")
	}
	for name, tl := range all {
		readOnly := tl.Annotations.ReadOnlyHint != nil && *tl.Annotations.ReadOnlyHint
		if _, listed := ro[name]; listed != (readOnly || gated[name]) {
			t.Errorf("%s (readOnlyHint %v, gated %v): listed under --read-only = %v", name, readOnly, gated[name], listed)
		}
	}
	if _, ok := ro["cloudbase_http_request"]; ok {
		msg := e.Err("cloudbase_http_request", map[string]any{"method": "DELETE", "path": "/v1/model/prod/todo/records"})
		if !strings.Contains(msg, "only GET") {
			t.Errorf("a non-GET HTTP API request under --read-only: %s", msg)
		}
	}
	for name, tl := range ro {
		if tl.Annotations.ReadOnlyHint == nil || !*tl.Annotations.ReadOnlyHint {
			t.Errorf("%s is listed under --read-only without readOnlyHint", name)
		}
	}
	// Reads still work; no write action ever reached the sandbox.
	e.OK("cloudbase_get_login_config", nil)
	for _, action := range []string{"ModifyLoginConfig", "ModifyClient", "AddProvider", "ModifyProvider", "DeleteProvider", "CreateApiKey", "DeleteApiKey"} {
		if n := e.App.Sandbox.Count(action); n != 0 {
			t.Errorf("%s reached the cloud %d times", action, n)
		}
	}
	if !strings.Contains(instructionsOf(t, e), "READ-ONLY") {
		t.Fatal("instructions do not say read-only")
	}
}

// instructionsOf performs a legacy initialize and returns the instructions.
func instructionsOf(t *testing.T, e *testenv.Env) string {
	t.Helper()
	raw := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"probe","version":"1"}}}`
	resp := e.App.MCP.HandleMessage(context.Background(), []byte(raw))
	b, _ := json.Marshal(resp)
	var r struct {
		Result struct {
			Instructions string `json:"instructions"`
			Capabilities struct {
				Logging *struct{} `json:"logging"`
			} `json:"capabilities"`
		} `json:"result"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Result.Instructions == "" {
		t.Fatalf("initialize: %s", b)
	}
	if r.Result.Capabilities.Logging == nil {
		t.Fatalf("logging capability not advertised: %s", b)
	}
	return r.Result.Instructions
}

func TestInstructionsSummariseLimits(t *testing.T) {
	e := testenv.New(t, func(c *config.Config) { c.Toolsets = []string{"cloudbase_auth"} })
	got := instructionsOf(t, e)
	for _, want := range []string{"demo-7f3a9c", "ap-shanghai", "offline sandbox", "Enabled toolsets: cloudbase_auth (11)", "confirm", "deliverTo"} {
		if !strings.Contains(got, want) {
			t.Errorf("instructions lack %q: %s", want, got)
		}
	}
	if strings.Contains(got, "READ-ONLY") || strings.Contains(got, "DRY RUN") {
		t.Errorf("instructions claim a mode that is off: %s", got)
	}
	if strings.Contains(got, "page_number") {
		t.Errorf("instructions carry the notes of a toolset not served: %s", got)
	}
	dry := instructionsOf(t, testenv.New(t, func(c *config.Config) { c.DryRun = true }))
	if !strings.Contains(dry, "DRY RUN") {
		t.Errorf("dry-run instructions: %s", dry)
	}
	only := testenv.New(t, func(c *config.Config) { c.Toolsets = []string{"telnyx"} })
	want := "No tools are enabled"
	if n := len(listed(t, only)); n > 0 {
		want = fmt.Sprintf("Enabled toolsets: telnyx (%d).", n)
	}
	got = instructionsOf(t, only)
	if !strings.Contains(got, want) {
		t.Errorf("instructions with only telnyx lack %q: %s", want, got)
	}
	// The paging arguments of the Telnyx lists are described there, once, not in each schema.
	if len(listed(t, only)) > 0 && !strings.Contains(got, "all:true reads the pages from page_number on") {
		t.Errorf("instructions with telnyx lack its paging note: %s", got)
	}
}

// A toolset's resources and prompts are served exactly when one of its tools is.
func TestToolsetsSelectResourcesAndPrompts(t *testing.T) {
	e := testenv.New(t, func(cfg *config.Config) { cfg.Toolsets = []string{"telnyx", "cloudbase_integration"} })
	ctx := context.Background()
	res, err := e.Client.ListResources(ctx, mcp.ListResourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, r := range res.Resources {
		uris = append(uris, r.URI)
	}
	slices.Sort(uris)
	if want := []string{"cloudbase://templates", "telnyx://authentication_providers"}; !slices.Equal(uris, want) {
		t.Errorf("resources %v, want %v (cloudbase_auth's providers resource must not be served)", uris, want)
	}
	prm, err := e.Client.ListPrompts(ctx, mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range prm.Prompts {
		got = append(got, p.Name)
	}
	slices.Sort(got)
	if want := []string{"choose_connector_auth", "create_integration_from_template", "setup_telnyx_sso"}; !slices.Equal(got, want) {
		t.Errorf("prompts %v, want %v", got, want)
	}
	if _, _, err := e.Read("cloudbase://providers"); err == nil {
		t.Error("cloudbase://providers readable without the cloudbase_auth toolset")
	}
}
