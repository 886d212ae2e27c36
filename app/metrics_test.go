package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// /metrics counts tool calls by outcome, cloud requests by action and the
// cloud's error code, and names no id and no secret.
func TestPrometheusMetrics(t *testing.T) {
	cfg, err := config.Parse([]string{"--sandbox", "--metrics-addr", "127.0.0.1:0"}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, &testenv.SyncBuffer{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	stop, err := a.ServeMetrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	c, err := client.NewInProcessClient(a.MCP)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "metrics-test", Version: "1"}
	if _, err := c.Initialize(context.Background(), init); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{sandbox.DefaultEnvID, sandbox.DefaultEnvID, "env-nowhere-4242"} {
		req := mcp.CallToolRequest{}
		req.Params.Name = "cloudbase_describe_client"
		req.Params.Arguments = map[string]any{"Id": id}
		if _, err := c.CallTool(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	res, err := http.Get(a.MetricsURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	text := string(body)
	for _, want := range []string{
		`cloudops_tool_calls_total{outcome="ok",tool="cloudbase_describe_client"} 2`,
		`cloudops_tool_calls_total{outcome="tool_error",tool="cloudbase_describe_client"} 1`,
		`cloudops_tool_call_duration_seconds_count{tool="cloudbase_describe_client"} 3`,
		`cloudops_cloud_requests_total{action="DescribeClient",provider="tencentcloud",result="ok"} 2`,
		`cloudops_cloud_requests_total{action="DescribeClient",provider="tencentcloud",result="ResourceNotFound`,
		`cloudops_active_sessions 1`,
		`cloudops_redactions_total `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", regexp.MustCompile(`(?m)^(# |go_|process_).*\n`).ReplaceAllString(text, ""))
	}
	for _, leak := range []string{sandbox.DefaultEnvID, "env-nowhere-4242", sandbox.DefaultSecretKey, sandbox.DefaultSecretID} {
		if strings.Contains(text, leak) {
			t.Errorf("the metrics name %q", leak)
		}
	}
}

// A metrics address other machines can reach needs the bearer token.
func TestMetricsRefuseAnOpenAddressWithoutAToken(t *testing.T) {
	cfg, err := config.Parse([]string{"--sandbox", "--metrics-addr", "0.0.0.0:0"}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, &testenv.SyncBuffer{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	if _, err := a.ServeMetrics(context.Background()); err == nil || !strings.Contains(err.Error(), "--metrics-addr") {
		t.Fatalf("ServeMetrics on 0.0.0.0 without a token: %v", err)
	}
}
