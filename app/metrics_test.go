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
	"github.com/cloudops-mcp/cloudops-mcp/internal/testidp"
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
	testenv.Initialize(t, c, "metrics-test")
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

// With OAuth, /metrics is behind the same access-token check as MCP: on an
// open address it starts, refuses a scrape without a token (401 naming the
// resource metadata) and serves one with a valid token.
func TestMetricsBehindOAuth(t *testing.T) {
	resource := "https://mcp.example.com/mcp"
	idp := testidp.New(t, testidp.Options{Clients: []testidp.Client{
		{ID: "prometheus", Secret: "prometheus-secret", Scopes: []string{"cloudops:read"}, Audience: []string{resource}},
		{ID: "other", Secret: "other-secret", Scopes: []string{"cloudops:read"}, Audience: []string{"https://elsewhere.example.com"}},
	}})
	cfg, err := config.Parse([]string{"--sandbox", "--transport", "http", "--metrics-addr", "0.0.0.0:0",
		"--oauth-issuer", idp.Issuer, "--oauth-resource", resource}, func(string) string { return "" }, &bytes.Buffer{})
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
		t.Fatalf("metrics on 0.0.0.0 with OAuth: %v", err)
	}
	t.Cleanup(stop)
	u := strings.Replace(a.MetricsURL, "0.0.0.0", "127.0.0.1", 1)
	u = strings.Replace(u, "[::]", "127.0.0.1", 1)
	scrape := func(token string) int {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == 200 && !strings.Contains(string(body), "cloudops_") {
			t.Errorf("metrics body: %.200s", body)
		}
		return res.StatusCode
	}
	if got := scrape(""); got != http.StatusUnauthorized {
		t.Errorf("scrape without a token: %d, want 401", got)
	}
	if got := scrape(idp.Token("other")); got != http.StatusUnauthorized {
		t.Errorf("scrape with another audience's token: %d, want 401", got)
	}
	if got := scrape(idp.Token("prometheus")); got != http.StatusOK {
		t.Errorf("scrape with a valid token: %d, want 200", got)
	}
}
