package httpserve

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// initSession opens a raw Streamable HTTP session and returns its headers.
func initSession(t *testing.T, f *fixture) map[string]string {
	t.Helper()
	r := do(t, "POST", f.url, jsonHeaders(nil), strings.NewReader(initBody))
	sid := r.header.Get("Mcp-Session-Id")
	if r.status != 200 || sid == "" {
		t.Fatalf("initialize: %d session=%q %s", r.status, sid, r.body)
	}
	return jsonHeaders(map[string]string{"Mcp-Session-Id": sid, "Mcp-Protocol-Version": "2025-06-18"})
}

func rpcError(t *testing.T, body string) (code int, msg string) {
	t.Helper()
	var m struct {
		Error *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil || m.Error == nil {
		t.Fatalf("want a JSON-RPC error, got %q (%v)", body, err)
	}
	return m.Error.Code, m.Error.Message
}

func TestOversizedBodyIs413AndServerKeepsServing(t *testing.T) {
	f := start(t, Options{MaxBodyBytes: 4096})
	h := initSession(t, f)
	big := `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"whoami","arguments":{"pad":"` + strings.Repeat("x", 5000) + `"}}}`
	// With a Content-Length: refused before reading.
	r := do(t, "POST", f.url, h, strings.NewReader(big))
	if r.status != 413 {
		t.Fatalf("status %d, want 413: %s", r.status, r.body)
	}
	if _, msg := rpcError(t, r.body); !strings.Contains(msg, "4096") {
		t.Errorf("413 message %q does not state the limit", msg)
	}
	// Chunked (no Content-Length): refused after reading one byte past the limit.
	r = do(t, "POST", f.url, h, io.MultiReader(strings.NewReader(big)))
	if r.status != 413 {
		t.Fatalf("chunked: status %d, want 413", r.status)
	}
	// A body exactly at the limit passes.
	fit := `{"jsonrpc":"2.0","id":8,"method":"ping"}`
	fit = fit[:len(fit)-1] + strings.Repeat(" ", 4096-len(fit)) + "}"
	if r := do(t, "POST", f.url, h, strings.NewReader(fit)); r.status != 200 {
		t.Errorf("body of exactly the limit: status %d: %s", r.status, r.body)
	}
	c := f.connect("http", nil)
	if got := call(t, c, "whoami"); !strings.HasPrefix(got, "id=") {
		t.Errorf("after 413: whoami = %q", got)
	}
}

func TestMalformedJSONRPCAndUnknownMethods(t *testing.T) {
	f := start(t, Options{})
	h := initSession(t, f)
	for _, c := range []struct {
		name, body string
		code       int
	}{
		{"not JSON", `{"jsonrpc":"2.0","id":1,"method":`, -32700},
		{"unknown method", `{"jsonrpc":"2.0","id":2,"method":"no/such/method"}`, -32601},
		{"tools/call of an unknown tool", `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"nope"}}`, -32602},
	} {
		r := do(t, "POST", f.url, h, strings.NewReader(c.body))
		if code, msg := rpcError(t, r.body); code != c.code {
			t.Errorf("%s: code %d (%s), want %d", c.name, code, msg, c.code)
		}
	}
	// Still serving, on the same session and on a new one.
	r := do(t, "POST", f.url, h, strings.NewReader(`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"whoami"}}`))
	if r.status != 200 || !strings.Contains(r.body, "id=") {
		t.Errorf("after bad requests: %d %s", r.status, r.body)
	}
	call(t, f.connect("http", nil), "whoami")
}

func TestUnknownSessionIs404AndDeletedSessionIsGone(t *testing.T) {
	f := start(t, Options{})
	h := initSession(t, f)
	ping := `{"jsonrpc":"2.0","id":9,"method":"ping"}`
	if r := do(t, "POST", f.url, h, strings.NewReader(ping)); r.status != 200 {
		t.Fatalf("ping in session: %d %s", r.status, r.body)
	}
	forged := jsonHeaders(map[string]string{"Mcp-Session-Id": "mcp-session-00000000000000000000000000000000", "Mcp-Protocol-Version": "2025-06-18"})
	if r := do(t, "POST", f.url, forged, strings.NewReader(ping)); r.status != 404 {
		t.Errorf("unknown session: status %d, want 404", r.status)
	}
	if r := do(t, "DELETE", f.url, h, nil); r.status != 200 {
		t.Fatalf("DELETE session: %d %s", r.status, r.body)
	}
	if r := do(t, "POST", f.url, h, strings.NewReader(ping)); r.status != 404 {
		t.Errorf("deleted session: status %d, want 404", r.status)
	}
}

func TestStatelessNeedsNoSession(t *testing.T) {
	f := start(t, Options{Stateless: true})
	r := do(t, "POST", f.url, jsonHeaders(nil), strings.NewReader(initBody))
	if r.status != 200 || r.header.Get("Mcp-Session-Id") != "" {
		t.Fatalf("stateless initialize: %d session=%q", r.status, r.header.Get("Mcp-Session-Id"))
	}
	// Any replica can answer any request: no session header at all.
	r = do(t, "POST", f.url, jsonHeaders(map[string]string{"Mcp-Protocol-Version": "2025-06-18"}),
		strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"whoami"}}`))
	if r.status != 200 || !strings.Contains(r.body, "id=") {
		t.Errorf("stateless call: %d %s", r.status, r.body)
	}
}

// A client that announces a body and never sends it gets 408 once ReadTimeout
// passes, instead of holding the connection.
func TestSlowBodyIs408(t *testing.T) {
	f := start(t, Options{ReadTimeout: 50 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestTimeout {
		t.Errorf("status %d, want 408", res.StatusCode)
	}
}
