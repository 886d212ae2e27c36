package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// With no network (here: hosts in the reserved .invalid domain, which never
// resolve) every cloud's tool error says what to check, at once: no retries.
func TestUnreachableCloudsSayWhatToCheck(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	env := map[string]string{"TENCENTCLOUD_SECRETID": "AKIDoffline", "TENCENTCLOUD_SECRETKEY": "offline-secret-key", "TENCENTCLOUD_TCB_ENVID": "env-1",
		"TELNYX_API_KEY": "KEYoffline"}
	cfg, err := config.Parse([]string{"--tcb-endpoint", "https://tcb.invalid", "--tcb-http-endpoint", "https://{env}.tcb-api.invalid",
		"--telnyx-endpoint", "https://api.telnyx.invalid"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	a, err := app.New(context.Background(), cfg, &logs)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c, err := client.NewInProcessClient(a.MCP)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	testenv.Initialize(t, c, "")
	for _, tc := range []struct {
		tool string
		args map[string]any
		host string
	}{
		{"cloudbase_get_login_config", nil, "tcb.invalid"},
		{"cloudbase_http_request", map[string]any{"method": "GET", "path": "/v1/ping"}, "env-1.tcb-api.invalid"},
		{"telnyx_list_billing_groups", nil, "api.telnyx.invalid"},
	} {
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = tc.tool, tc.args
		res, err := c.CallTool(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		text := res.Content[0].(mcp.TextContent).Text
		if want := "cannot reach " + tc.host + " (DNS): check network/proxy; HTTPS_PROXY is honoured"; !res.IsError || !strings.Contains(text, want) {
			t.Errorf("%s: got %q, want %q", tc.tool, text, want)
		}
		if strings.Contains(text, "no such host") || strings.Contains(text, "ClientError") {
			t.Errorf("%s: raw SDK/net text: %q", tc.tool, text)
		}
	}
	if strings.Contains(logs.String(), "retrying") {
		t.Fatalf("a DNS failure was retried:\n%s", logs.String())
	}
}
