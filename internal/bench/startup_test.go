package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// BenchmarkStartup is what a cold start does after package init: build the
// server from flags and environment (no sandbox), initialize, list the tools.
func BenchmarkStartup(b *testing.B) {
	env := map[string]string{"TENCENTCLOUD_SECRETID": sandbox.DefaultSecretID, "TENCENTCLOUD_SECRETKEY": sandbox.DefaultSecretKey,
		"TELNYX_API_KEY": sandbox.DefaultTelnyxAPIKey}
	args := []string{"--tcb-endpoint", "http://127.0.0.1:1", "--telnyx-endpoint", "http://127.0.0.1:1", "--env-id", sandbox.DefaultEnvID}
	ctx := context.Background()
	initialize := json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"b","version":"1"}}}`)
	list := json.RawMessage(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	b.ReportAllocs()
	for b.Loop() {
		cfg, err := config.Parse(args, func(k string) string { return env[k] }, &bytes.Buffer{})
		if err != nil {
			b.Fatal(err)
		}
		a, err := app.New(ctx, cfg, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		a.MCP.HandleMessage(ctx, initialize)
		if _, err := json.Marshal(a.MCP.HandleMessage(ctx, list)); err != nil {
			b.Fatal(err)
		}
		a.Close()
	}
}
