package httpserve

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/rs/zerolog"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/cloudbase"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// fixture is a Server on a free loopback port in front of a small MCP server
// with two tools: whoami (reports the credential overrides it sees, never the
// secret itself) and block (waits until the test releases it).
type fixture struct {
	t        *testing.T
	base     string // http://127.0.0.1:port
	url      string // the MCP endpoint
	logs     *syncBuffer
	red      *redact.Redactor
	srv      *Server
	cancel   context.CancelFunc
	done     chan error
	entered  chan struct{}
	release  chan struct{}
	released sync.Once
}

// The registered providers' credential headers, as the tests send them.
const (
	HeaderSecretID     = tcb.HeaderSecretID
	HeaderSecretKey    = tcb.HeaderSecretKey
	HeaderSessionToken = tcb.HeaderSessionToken
	HeaderEnvID        = tcb.HeaderEnvID
	HeaderTelnyxAPIKey = telnyx.HeaderAPIKey
)

func start(t *testing.T, o Options) *fixture {
	t.Helper()
	if o.Providers == nil {
		o.Providers = []cloud.Provider{cloudbase.Provider, telnyx.Provider}
	}
	f := &fixture{t: t, logs: &syncBuffer{}, red: redact.New(redact.Options{}), done: make(chan error, 1),
		entered: make(chan struct{}, 8), release: make(chan struct{})}
	m := server.NewMCPServer("fixture", "1", server.WithToolCapabilities(false))
	m.AddTool(mcp.NewTool("whoami"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		o := cloud.OverridesFrom(ctx)
		return mcp.NewToolResultText("id=" + o.Get(HeaderSecretID) + " env=" + o.Get(HeaderEnvID) + " key=" + yes(o.Get(HeaderSecretKey) != "") +
			" token=" + yes(o.Get(HeaderSessionToken) != "") + " telnyx=" + yes(o.Get(HeaderTelnyxAPIKey) != "")), nil
	})
	// leak tries to show the client's secrets, through the request's redactor.
	m.AddTool(mcp.NewTool("leak"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		o, red := cloud.OverridesFrom(ctx), f.red
		if s := redact.ScopeFrom(ctx); s != nil {
			red = s.Redactor()
		}
		return mcp.NewToolResultText(red.String("values: " + o.Get(HeaderSecretKey) + " " + o.Get(HeaderSessionToken) + " " + o.Get(HeaderTelnyxAPIKey))), nil
	})
	m.AddTool(mcp.NewTool("block"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		f.entered <- struct{}{}
		<-f.release
		return mcp.NewToolResultText("finished"), nil
	})
	if o.Transport == "" {
		o.Transport = "http"
	}
	o.Addr, o.Redactor, o.Log = "127.0.0.1:0", f.red, zerolog.New(f.logs).Level(zerolog.DebugLevel)
	if o.KeepAlive == 0 {
		o.KeepAlive = time.Hour // no pings in the middle of assertions
	}
	s, err := New(m, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	f.srv, f.url = s, s.URL()
	f.base = strings.TrimSuffix(strings.TrimSuffix(f.url, "/mcp"), "/sse")
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	go func() { f.done <- s.Serve(ctx) }()
	t.Cleanup(func() {
		f.unblock()
		cancel()
		if err := <-f.done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return f
}

func (f *fixture) unblock() { f.released.Do(func() { close(f.release) }) }

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// connect returns an initialized mcp-go client over the fixture's transport.
func (f *fixture) connect(transportKind string, headers map[string]string) *client.Client {
	f.t.Helper()
	var c *client.Client
	var err error
	if transportKind == "sse" {
		c, err = client.NewSSEMCPClient(f.url, client.WithHeaders(headers))
	} else {
		c, err = client.NewStreamableHttpClient(f.url, transport.WithHTTPHeaders(headers))
	}
	if err != nil {
		f.t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "httpserve-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func call(t *testing.T, c *client.Client, name string) string {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.IsError {
		t.Fatalf("%s: tool error %v", name, res.Content)
	}
	return res.Content[0].(mcp.TextContent).Text
}

type response struct {
	status int
	header http.Header
	body   string
}

// do sends one raw HTTP request on a fresh connection.
func do(t *testing.T, method, url string, header map[string]string, body io.Reader) response {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

// jsonHeaders are what a Streamable HTTP client sends with a POST.
func jsonHeaders(extra map[string]string) map[string]string {
	h := map[string]string{"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
	for k, v := range extra {
		h[k] = v
	}
	return h
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
