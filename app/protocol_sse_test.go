package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Protocol abuse over the legacy SSE transport: requests are POSTed to the
// session's message URL and answered on the event stream; what cannot be
// accepted is refused on the POST itself. The server keeps serving and the
// planted SecretKey never appears.

type ssePeer struct {
	t       *testing.T
	app     *app.App
	base    string // scheme://host
	message string // the session's message URL
	events  chan map[string]any
	seen    *testenv.SyncBuffer // every byte the server sent
	logs    *testenv.SyncBuffer
}

func startSSE(t *testing.T) *ssePeer {
	t.Helper()
	a, url, logs := serveTransport(t, "sse")
	p := &ssePeer{t: t, app: a, base: strings.TrimSuffix(url, "/sse"), events: make(chan map[string]any, 64),
		seen: &testenv.SyncBuffer{}, logs: logs}
	sctx, stopStream := context.WithCancel(context.Background())
	t.Cleanup(stopStream) // runs before serveTransport's cleanup: the stream closes first
	req, _ := http.NewRequestWithContext(sctx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("open the event stream: %v %v", err, resp)
	}
	endpoint := make(chan string, 1)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(io.TeeReader(resp.Body, p.seen))
		sc.Buffer(nil, 32<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "endpoint":
				endpoint <- strings.TrimPrefix(line, "data: ")
			case strings.HasPrefix(line, "data: ") && event == "message":
				var m map[string]any
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m) == nil && m["id"] != nil {
					p.events <- m
				}
			}
		}
	}()
	select {
	case ep := <-endpoint:
		if strings.HasPrefix(ep, "http") {
			p.message = ep
		} else {
			p.message = p.base + ep
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no endpoint event on the stream")
	}
	return p
}

// post sends body to url and returns the status and the body of the POST's own answer.
func (p *ssePeer) post(url string, body io.Reader) (int, string) {
	p.t.Helper()
	resp, err := http.Post(url, "application/json", body)
	if err != nil {
		p.t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	_, _ = p.seen.Write(raw)
	return resp.StatusCode, string(raw)
}

// call posts a request and returns its answer from the stream.
func (p *ssePeer) call(body string) map[string]any {
	p.t.Helper()
	if status, text := p.post(p.message, strings.NewReader(body)); status != http.StatusAccepted {
		p.t.Fatalf("POST %.80s: HTTP %d %s", body, status, text)
	}
	select {
	case m := <-p.events:
		return m
	case <-time.After(30 * time.Second):
		p.t.Fatalf("no answer on the stream to %.80s", body)
		return nil
	}
}

func TestSSEProtocolAbuse(t *testing.T) {
	p := startSSE(t)
	createCall := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"cloudbase_create_api_key","arguments":{"KeyType":"api_key"}}}`

	// Without a session or with a forged one: refused on the POST, nothing runs.
	for what, url := range map[string]string{"no session": p.base + "/message", "forged session": p.base + "/message?sessionId=forged-0000"} {
		if status, _ := p.post(url, strings.NewReader(createCall)); status < 400 {
			t.Errorf("%s: HTTP %d, want a 4xx", what, status)
		}
	}
	if n := p.app.Sandbox.Count("CreateApiKey"); n != 0 {
		t.Fatalf("a call without a valid session reached the cloud (%d)", n)
	}

	wantResult(t, "initialize", p.call(initLine), "init")
	if status, _ := p.post(p.message, strings.NewReader(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)); status != http.StatusAccepted {
		t.Errorf("notification: HTTP %d", status)
	}
	ping := func(id int) {
		t.Helper()
		wantResult(t, "ping", p.call(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping"}`, id)), id)
	}
	ping(2)

	// What is not JSON is refused on the POST with a parse error.
	for _, body := range []string{`{"jsonrpc":"2.0","id":10,"method":"tools/li`, `hello there`} {
		status, text := p.post(p.message, strings.NewReader(body))
		var m map[string]any
		_ = json.Unmarshal([]byte(text), &m)
		if status != http.StatusBadRequest || m == nil {
			t.Fatalf("%q: HTTP %d %s", body, status, text)
		}
		wantError(t, "not JSON: "+body, m, nil, parseError)
	}
	ping(3)

	for i, c := range []struct {
		what, body string
		id         any
		codes      []float64
	}{
		{"unknown method", `{"jsonrpc":"2.0","id":14,"method":"tools/explode"}`, 14, []float64{methodNotFound}},
		{"wrong jsonrpc version", `{"jsonrpc":"1.0","id":12,"method":"ping"}`, 12, []float64{invalidRequest}},
		{"params of wrong type", `{"jsonrpc":"2.0","id":16,"method":"tools/call","params":"x"}`, 16, []float64{invalidParams, invalidRequest}},
		{"tool name of wrong type", `{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":123}}`, 17, []float64{invalidParams, invalidRequest}},
		{"unknown tool", `{"jsonrpc":"2.0","id":19,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}`, 19, []float64{invalidParams}},
	} {
		wantError(t, c.what, p.call(c.body), c.id, c.codes...)
		ping(100 + i)
	}

	// A 10 MB body is refused before it is read (the default limit is 1 MB).
	huge := `{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"cloudbase_describe_client","arguments":{"Id":"` + strings.Repeat("A", 10<<20) + `"}}}`
	if status, _ := p.post(p.message, strings.NewReader(huge)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("10 MB body: HTTP %d, want 413", status)
	}
	ping(300)

	r := wantResult(t, "tool call", p.call(`{"jsonrpc":"2.0","id":31,"method":"tools/call","params":{"name":"cloudbase_get_login_config","arguments":{}}}`), 31)
	if r["isError"] == true {
		t.Fatalf("a valid call failed after the abuse: %v", r)
	}
	for name, s := range map[string]string{"stream and answers": p.seen.String(), "logs": p.logs.String()} {
		if strings.Contains(s, plantedKey) {
			t.Fatalf("the SecretKey leaked into the %s", name)
		}
	}
}
