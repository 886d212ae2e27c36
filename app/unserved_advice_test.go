package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// On a server started with --read-only --toolsets cloudbase_auth (trial 4,
// N5 and #11), the fix each refusal names is one that would really serve
// the thing asked for: a Telnyx write tool needs --read-only dropped as well
// as its toolset added, a Telnyx read tool only the toolset, and a Telnyx
// resource is explained by the tool that reads it (not by
// telnyx_list_access_ip_addresses, whose --tools alone would not serve it).
func TestUnservedAdviceNamesEveryFlag(t *testing.T) {
	e := testenv.New(t, func(c *config.Config) { c.ReadOnly, c.Toolsets = true, []string{"cloudbase_auth"} })
	call := func(name string) error {
		req := mcp.CallToolRequest{}
		req.Params.Name = name
		_, err := e.Client.CallTool(context.Background(), req)
		return err
	}
	// "without --read-only" holds for --toolsets and --tools alike (trial 5, P3): said once, before both.
	write := call("telnyx_create_access_ip_address")
	says(t, write, "tool telnyx_create_access_ip_address exists, but it belongs to toolset telnyx",
		"it changes things while this server runs with --read-only",
		"restarting without --read-only (env CLOUDOPS_MCP_READ_ONLY), and with either --toolsets cloudbase_auth,telnyx (env CLOUDOPS_MCP_TOOLSETS) "+
			"or --tools telnyx_create_access_ip_address (this tool alone); --tools alone under --read-only does not serve it")
	if strings.Contains(write.Error(), "or with --tools") {
		t.Errorf("--tools reads as an alternative to dropping --read-only: %v", write)
	}
	err := call("telnyx_list_access_ip_addresses")
	says(t, err, "--toolsets cloudbase_auth,telnyx", "--tools telnyx_list_access_ip_addresses")
	if strings.Contains(err.Error(), "without --read-only") {
		t.Errorf("a read tool is told to drop --read-only: %v", err)
	}
	for _, uri := range []string{"telnyx://authentication_providers", "telnyx://authentication_providers/00000000-0000-4000-8000-000000000000"} {
		_, _, err := e.Read(uri)
		if err == nil || !strings.Contains(err.Error(), "--toolsets cloudbase_auth,telnyx") || !strings.Contains(err.Error(), "--tools telnyx_") ||
			!strings.Contains(err.Error(), "authentication_provider") || strings.Contains(err.Error(), "access_ip") || strings.Contains(err.Error(), "without --read-only") {
			t.Errorf("reading %s: %v", uri, err)
		}
	}
}

// says checks an error's text (the in-process client skips the JSON-RPC
// code rewriting the transports do: TestScenarioUnservedToolSaysWhyAndTheFix
// checks the code).
func says(t *testing.T, err error, words ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", words)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q does not say %q", err, w)
		}
	}
}
