// Package testenv runs the whole server against the in-process sandbox for
// end-to-end tests: a real MCP client, the real cloud clients and signing,
// real HTTP to the emulator. It also captures every log line.
//
// It is for tests only, though its files are not _test.go files: Go shares
// no _test.go code between packages, and the end-to-end tests of tools,
// resources, prompts and app all use it. The depguard rule in
// .golangci.yml keeps every non-test file from importing it.
package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// Env is a running server with a connected client.
type Env struct {
	t      testing.TB
	App    *app.App
	Client *client.Client
	Logs   *SyncBuffer
}

// New starts the server on the sandbox with default flags, after applying
// opts to the config, and connects an initialized in-process MCP client.
func New(t testing.TB, opts ...func(*config.Config)) *Env {
	t.Helper()
	cfg, err := config.Parse([]string{"--sandbox", "--log-level", "debug"}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.SecretsDir = filepath.Join(t.TempDir(), "secrets") // deliverTo never writes into the user's folder
	for _, o := range opts {
		o(cfg)
	}
	logs := &SyncBuffer{}
	a, err := app.New(context.Background(), cfg, logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	c, err := client.NewInProcessClient(a.MCP)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "testenv", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return &Env{t: t, App: a, Client: c, Logs: logs}
}

// Call calls a tool and returns its result; a protocol error fails the test.
func (e *Env) Call(name string, args any) *mcp.CallToolResult {
	e.t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := e.Client.CallTool(context.Background(), req)
	if err != nil {
		e.t.Fatalf("%s: protocol error: %v", name, err)
	}
	return res
}

// OK calls a tool that must succeed and returns its structured content.
func (e *Env) OK(name string, args any) map[string]any {
	e.t.Helper()
	res := e.Call(name, args)
	if res.IsError {
		e.t.Fatalf("%s(%v): unexpected tool error: %s", name, args, Text(res))
	}
	m, ok := res.StructuredContent.(map[string]any)
	if !ok {
		e.t.Fatalf("%s: structured content is %T, want an object", name, res.StructuredContent)
	}
	return m
}

// Err calls a tool that must fail with a tool error and returns the error text.
func (e *Env) Err(name string, args any) string {
	e.t.Helper()
	res := e.Call(name, args)
	if !res.IsError {
		e.t.Fatalf("%s(%v): succeeded, want a tool error; got %s", name, args, Text(res))
	}
	return Text(res)
}

// Text joins a result's text contents.
func Text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if t, ok := mcp.AsTextContent(c); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// JSON renders v for "contains" assertions over whole results.
func JSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// SyncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
