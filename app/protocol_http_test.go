package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Protocol abuse over Streamable HTTP, against the whole product on the
// sandbox: each malformed or unexpected request gets the HTTP status and
// JSON-RPC answer the specs prescribe, and the server keeps serving. The
// planted SecretKey never appears in an answer or a log line.

type httpPeer struct {
	t    *testing.T
	app  *app.App
	url  string
	logs *testenv.SyncBuffer
	seen strings.Builder // every body the server sent, for the leak check
}

func startHTTP(t *testing.T) *httpPeer {
	t.Helper()
	a, url, logs := serveTransport(t, "http")
	return &httpPeer{t: t, app: a, url: url, logs: logs}
}

// serveTransport runs the whole server (sandbox, planted own key) on the
// given HTTP transport until the test ends; it returns the app, its URL and
// every log line.
func serveTransport(t *testing.T, transport string) (*app.App, string, *testenv.SyncBuffer) {
	t.Helper()
	cfg, err := config.Parse([]string{"--sandbox", "--sandbox-secret-key", plantedKey, "--transport", transport, "--addr", "127.0.0.1:0"},
		func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	logs := &testenv.SyncBuffer{}
	a, err := app.New(context.Background(), cfg, logs)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := a.ListenHTTP()
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = hs.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done; a.Close() })
	return a, hs.URL(), logs
}

type httpAnswer struct {
	status  int
	header  http.Header
	body    string
	message map[string]any // the JSON-RPC message, from a JSON body or the first SSE event
}

func (p *httpPeer) do(method string, headers map[string]string, body io.Reader) httpAnswer {
	p.t.Helper()
	req, err := http.NewRequest(method, p.url, body)
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	p.seen.Write(raw)
	a := httpAnswer{status: resp.StatusCode, header: resp.Header, body: string(raw)}
	text := a.body
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		text = ""
		sc := bufio.NewScanner(strings.NewReader(a.body))
		sc.Buffer(nil, 32<<20)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				text = d
				break
			}
		}
	}
	_ = json.Unmarshal([]byte(text), &a.message)
	return a
}

func (p *httpPeer) post(headers map[string]string, body string) httpAnswer {
	p.t.Helper()
	return p.do(http.MethodPost, headers, strings.NewReader(body))
}

// wantRPCError checks a JSON-RPC error answer's id and code.
func (a httpAnswer) wantRPCError(t *testing.T, what string, id any, codes ...float64) {
	t.Helper()
	if a.message == nil {
		t.Fatalf("%s: HTTP %d without a JSON-RPC message: %.300s", what, a.status, a.body)
	}
	wantError(t, what, a.message, id, codes...)
}

func TestHTTPProtocolAbuse(t *testing.T) {
	p := startHTTP(t)
	noSession := map[string]string{"Mcp-Protocol-Version": "2025-06-18"}

	// Before initialize: a request without a session is refused, not served.
	// The spec says SHOULD 400; mcp-go answers 404 (which also makes a client
	// initialize), so either passes; what must hold is that nothing ran.
	a := p.post(noSession, `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	if a.status != http.StatusBadRequest && a.status != http.StatusNotFound {
		t.Errorf("tools/list before initialize: HTTP %d, want 400 (or 404): %.200s", a.status, a.body)
	}
	a = p.post(noSession, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"cloudbase_create_api_key","arguments":{"KeyType":"api_key"}}}`)
	if a.status != http.StatusBadRequest && a.status != http.StatusNotFound {
		t.Errorf("tools/call before initialize: HTTP %d, want 400 (or 404): %.200s", a.status, a.body)
	}
	if n := p.app.Sandbox.Count("CreateApiKey"); n != 0 {
		t.Fatalf("a call without a session reached the cloud (%d)", n)
	}

	// An unknown or forged session is 404, so the client starts a new one.
	forged := map[string]string{"Mcp-Session-Id": "mcp-session-00000000000000000000000000000000", "Mcp-Protocol-Version": "2025-06-18"}
	if a := p.post(forged, `{"jsonrpc":"2.0","id":3,"method":"ping"}`); a.status != http.StatusNotFound {
		t.Errorf("forged session: HTTP %d, want 404", a.status)
	}

	init := p.post(nil, initLine)
	sid := init.header.Get("Mcp-Session-Id")
	if init.status != http.StatusOK || sid == "" {
		t.Fatalf("initialize: HTTP %d, session %q: %.300s", init.status, sid, init.body)
	}
	h := map[string]string{"Mcp-Session-Id": sid, "Mcp-Protocol-Version": "2025-06-18"}
	if a := p.post(h, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); a.status != http.StatusAccepted {
		t.Errorf("notification: HTTP %d, want 202", a.status)
	}
	ping := func(id int) {
		t.Helper()
		a := p.post(h, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping"}`, id))
		if a.status != http.StatusOK || a.message == nil || a.message["result"] == nil {
			t.Fatalf("ping %d: HTTP %d %.200s", id, a.status, a.body)
		}
	}
	ping(4)

	for i, c := range []struct {
		what, body string
		id         any
		codes      []float64
	}{
		{"truncated JSON", `{"jsonrpc":"2.0","id":10,"method":"tools/li`, nil, []float64{parseError}},
		{"not JSON", `hello there`, nil, []float64{parseError}},
		{"a bare number", `42`, nil, []float64{parseError, invalidRequest}},
		{"a batch (removed in MCP 2025-06-18)", `[{"jsonrpc":"2.0","id":11,"method":"ping"}]`, nil, []float64{parseError, invalidRequest}},
		{"wrong jsonrpc version", `{"jsonrpc":"1.0","id":12,"method":"ping"}`, 12, []float64{invalidRequest}},
		{"unknown method", `{"jsonrpc":"2.0","id":14,"method":"tools/explode"}`, 14, []float64{methodNotFound}},
		{"params of wrong type", `{"jsonrpc":"2.0","id":16,"method":"tools/call","params":"cloudbase_get_login_config"}`, 16, []float64{invalidParams, invalidRequest}},
		{"tool name of wrong type", `{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":123}}`, 17, []float64{invalidParams, invalidRequest}},
		{"unknown tool", `{"jsonrpc":"2.0","id":19,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}`, 19, []float64{invalidParams}},
	} {
		a := p.post(h, c.body)
		if c.id == nil && a.status < 400 {
			t.Errorf("%s: HTTP %d; a message the server cannot accept must get an HTTP error status", c.what, a.status)
		}
		a.wantRPCError(t, c.what, c.id, c.codes...)
		ping(100 + i)
	}

	// Arguments of the wrong type are the tool's business: an isError result naming the field.
	a = p.post(h, `{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"cloudbase_describe_api_key_list","arguments":{"PageSize":"ten"}}}`)
	if r, _ := a.message["result"].(map[string]any); r == nil || r["isError"] != true || !strings.Contains(fmt.Sprint(r["content"]), "PageSize") {
		t.Errorf("wrong argument type: HTTP %d %.300s", a.status, a.body)
	}

	// A 10 MB body is refused with 413 before it is read (the default limit is 1 MB), with and without Content-Length.
	huge := `{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"cloudbase_describe_client","arguments":{"Id":"` + strings.Repeat("A", 10<<20) + `"}}}`
	if a := p.post(h, huge); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("10 MB body: HTTP %d, want 413", a.status)
	}
	if a := p.do(http.MethodPost, h, io.MultiReader(strings.NewReader(huge))); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("10 MB chunked body: HTTP %d, want 413", a.status)
	}
	ping(300)

	// Still serving real work, on this session and through a fresh client.
	list := p.post(h, `{"jsonrpc":"2.0","id":30,"method":"tools/list"}`)
	if r, _ := list.message["result"].(map[string]any); r == nil || len(r["tools"].([]any)) == 0 {
		t.Fatalf("tools/list after the abuse: %.300s", list.body)
	}
	call := p.post(h, `{"jsonrpc":"2.0","id":31,"method":"tools/call","params":{"name":"cloudbase_get_login_config","arguments":{}}}`)
	if r, _ := call.message["result"].(map[string]any); r == nil || r["isError"] == true {
		t.Fatalf("a valid call failed after the abuse: %.300s", call.body)
	}
	if a := p.do(http.MethodDelete, h, nil); a.status != http.StatusOK {
		t.Errorf("DELETE session: HTTP %d", a.status)
	}
	if a := p.post(h, `{"jsonrpc":"2.0","id":32,"method":"ping"}`); a.status != http.StatusNotFound {
		t.Errorf("ended session: HTTP %d, want 404", a.status)
	}
	for name, s := range map[string]string{"answers": p.seen.String(), "logs": p.logs.String()} {
		if strings.Contains(s, plantedKey) {
			t.Fatalf("the SecretKey leaked into the %s", name)
		}
	}
}

// TestHTTPCancellationStopsWork cancels a create from an MCP client over
// Streamable HTTP while the cloud is slow: the client gets its cancellation,
// the server stops the call (the sandbox sees the request abandoned and never
// runs it), and after shutdown no goroutine is left behind.
func TestHTTPCancellationStopsWork(t *testing.T) {
	run := func() {
		t.Run("server", func(t *testing.T) {
			p := startHTTP(t)
			sb := p.app.Sandbox
			sb.SetFaults(sandbox.Faults{Latency: time.Minute, Match: sandbox.MatchTCBAction("CreateApiKey")})
			c, err := client.NewStreamableHttpClient(p.url)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := context.Background()
			testenv.Initialize(t, c, "cancel")
			callCtx, cancel := context.WithCancel(ctx)
			errc := make(chan error, 1)
			go func() {
				req := mcp.CallToolRequest{}
				req.Params.Name = "cloudbase_create_api_key"
				req.Params.Arguments = map[string]any{"KeyType": "publish_key", "KeyName": "slow"}
				_, err := c.CallTool(callCtx, req)
				errc <- err
			}()
			testenv.Eventually(t, "the create to reach the slow sandbox", func() bool { return sb.Count("fault:"+sandbox.FaultDelayed) == 1 })
			cancel()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled call returned %v, want context.Canceled", err)
			}
			testenv.Eventually(t, "the server to abandon the cloud request", func() bool { return sb.Count("fault:"+sandbox.FaultDropped) == 1 })
			if n := sb.Count("CreateApiKey"); n != 0 {
				t.Fatalf("the cancelled create ran %d times", n)
			}
			sb.SetFaults(sandbox.Faults{})
			req := mcp.CallToolRequest{}
			req.Params.Name = "cloudbase_get_login_config"
			if res, err := c.CallTool(ctx, req); err != nil || res.IsError {
				t.Fatalf("after the cancellation: %v %v", err, res)
			}
		})
	}
	run() // warm up: lazily started runtime and library goroutines are not leaks
	baseline := runtime.NumGoroutine()
	run()
	testenv.NoGoroutineLeak(t, baseline)
}
