package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/internal/tracing"
)

// A tool call is a server span with the cloud request it made as a client
// span under it; no attribute carries an argument, an id or a secret.
func TestTracesToolCallThenCloudCall(t *testing.T) {
	const planted = "planted-trace-secret-key-0123456789"
	cfg, err := config.Parse([]string{"--sandbox", "--sandbox-secret-key", planted}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, &testenv.SyncBuffer{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	exp := tracetest.NewInMemoryExporter()
	tp := tracing.NewProvider(sdktrace.WithSyncer(exp), "test")
	a.UseTracerProvider(tp)
	c, err := client.NewInProcessClient(a.MCP)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	testenv.Initialize(t, c, "trace-test")
	req := mcp.CallToolRequest{}
	req.Params.Name = "cloudbase_describe_client"
	req.Params.Arguments = map[string]any{"Id": sandbox.DefaultEnvID}
	if res, err := c.CallTool(context.Background(), req); err != nil || res.IsError {
		t.Fatalf("%v %+v", err, res)
	}
	_ = tp.ForceFlush(context.Background())
	spans := exp.GetSpans()
	var tool, cloud *tracetest.SpanStub
	for i := range spans {
		switch {
		case spans[i].Name == "tools/call cloudbase_describe_client":
			tool = &spans[i]
		case strings.HasPrefix(spans[i].Name, "cloud ") && cloud == nil:
			cloud = &spans[i]
		}
	}
	if tool == nil || cloud == nil {
		t.Fatalf("spans: %v", spanNames(spans))
	}
	if cloud.Parent.SpanID() != tool.SpanContext.SpanID() || cloud.SpanContext.TraceID() != tool.SpanContext.TraceID() {
		t.Errorf("the cloud span is not the tool span's child")
	}
	attrs := map[string]string{}
	for _, s := range spans {
		for _, kv := range s.Attributes {
			attrs[s.Name+" "+string(kv.Key)] = kv.Value.String()
		}
	}
	if attrs["tools/call cloudbase_describe_client mcp.tool.outcome"] != "ok" || attrs[cloud.Name+" cloud.action"] != "DescribeClient" {
		t.Errorf("attributes: %v", attrs)
	}
	for k, v := range attrs {
		if strings.Contains(v, planted) || strings.Contains(v, sandbox.DefaultEnvID) {
			t.Errorf("attribute %s = %q names a secret or an id", k, v)
		}
	}
}

func spanNames(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}
