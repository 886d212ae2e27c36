package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// Server is the whole product built in-process on the sandbox and served over
// Streamable HTTP on loopback, as `cloudops-mcp --sandbox --transport http` is.
type Server struct {
	App  *app.App
	URL  string
	stop func()
}

// StartServer builds and serves it. Logs keep their default level (info: one
// line per call) but go to io.Discard, so the cost of formatting and
// redacting them is measured and the cost of a terminal is not.
func StartServer(extraArgs ...string) (*Server, error) {
	args := append([]string{"--sandbox", "--transport", "http", "--addr", "127.0.0.1:0"}, extraArgs...)
	cfg, err := config.Parse(args, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		return nil, err
	}
	a, err := app.New(context.Background(), cfg, io.Discard)
	if err != nil {
		return nil, err
	}
	hs, err := a.ListenHTTP()
	if err != nil {
		a.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ctx) }()
	return &Server{App: a, URL: hs.URL(), stop: func() { cancel(); <-done; a.Close() }}, nil
}

// Close shuts the server and its sandbox down.
func (s *Server) Close() { s.stop() }

// NewSession connects one MCP client over Streamable HTTP with its own
// connection pool, as a separate client process would have, and initializes it.
func NewSession(ctx context.Context, url string) (*client.Client, error) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}}
	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPBasicClient(hc))
	if err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "cloudops-bench", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("initialize: %w", err)
	}
	return c, nil
}

// CallTool calls name with args; a tool error is returned as an error too.
func CallTool(ctx context.Context, c *client.Client, name string, args any) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	return c.CallTool(ctx, req)
}
