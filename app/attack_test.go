package app_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Regression tests for the weaknesses found by attacking the server from
// outside (issue 12). Each test names its class; see docs/security.md.

// Class 1: nothing unauthenticated reaches shared state. CORS preflights pass
// without the token; their credential headers used to be added, for good, to
// the process-wide redaction list, so anyone who could reach the port could
// make every later answer mask the env id, and grow the list without bound.
func TestUnauthenticatedPreflightsTouchNoSharedState(t *testing.T) {
	for _, kind := range []string{"http", "sse"} {
		t.Run(kind, func(t *testing.T) {
			a, url, _, _ := sharedApp(t, kind)
			before := a.Redactor.Secrets()
			n := 100 // CLOUDOPS_ATTACK_PREFLIGHTS=10000 measures the figure in docs/security.md
			if v, err := strconv.Atoi(os.Getenv("CLOUDOPS_ATTACK_PREFLIGHTS")); err == nil && v > 0 {
				n = v
			}
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			rss0 := rssMB()
			big := strings.Repeat("Q", 60<<10)
			for i := range n {
				req, _ := http.NewRequest(http.MethodOptions, url, nil)
				req.Header.Set("Origin", "http://localhost")
				req.Header.Set("Access-Control-Request-Method", "POST")
				req.Header.Set("X-TencentCloud-SecretId", "AKIDattacker")
				req.Header.Set("X-TencentCloud-SecretKey", accounts[0].EnvID) // would blank out the env id
				req.Header.Set("X-TencentCloud-SessionToken", "ap-guangzhou")
				req.Header.Set("X-Telnyx-Api-Key", big+strconv.Itoa(i)) // a new value each time
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			runtime.GC()
			runtime.ReadMemStats(&m1)
			if after := a.Redactor.Secrets(); after != before {
				t.Fatalf("%d unauthenticated preflights changed the shared redaction list: %d -> %d values", n, before, after)
			}
			t.Logf("%d preflights with 60 KB credential headers: heap %+.1f MB, RSS %+.1f MB (%.1f -> %.1f, client and server in one process), redaction list %d -> %d values",
				n, float64(int64(m1.HeapInuse)-int64(m0.HeapInuse))/(1<<20), rssMB()-rss0, rss0, rssMB(), before, a.Redactor.Secrets())

			// An authenticated client with its own credentials: masked for its
			// requests only; the shared list still does not grow, and the env
			// id stays readable for everybody.
			c := dial(t, kind, url, headersFor(accounts[1]))
			_, raw, err := callTool(c, "cloudbase_describe_client", map[string]any{"Id": accounts[1].EnvID})
			if err != nil || !strings.Contains(raw, accounts[1].EnvID) || strings.Contains(raw, accounts[1].SecretKey) {
				t.Fatalf("authenticated call with its own credentials: %v %s", err, raw)
			}
			if after := a.Redactor.Secrets(); after != before {
				t.Fatalf("per-request credentials joined the shared redaction list: %d -> %d values", before, after)
			}
			_, raw, err = callTool(dial(t, kind, url, nil), "cloudbase_describe_client", map[string]any{"Id": accounts[0].EnvID})
			if err != nil || !strings.Contains(raw, `"Id":"`+accounts[0].EnvID) {
				t.Fatalf("the env id is no longer readable: %v %s", err, raw)
			}
		})
	}
}

// rssMB is this process's resident set in MB (Linux /proc; 0 elsewhere).
func rssMB() float64 {
	raw, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// rawPost sends one JSON-RPC body with the bearer token (or another) and returns the answer.
func rawPost(t *testing.T, url, token, sessionID, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	if sessionID != "" {
		req.Header.Set("Mcp-Session-Id", sessionID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func initBody(name string) string {
	return `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},` +
		`"clientInfo":{"name":"` + name + `","version":"1"}}}`
}

// Class 5: bounded resources. Sessions are capped (503 + Retry-After when
// full, a slot freed when one ends), an initialize may not park a huge client
// info, short bearer tokens are refused, and wrong tokens are rate-limited per
// address.
func TestSessionsTokensAndGuessesAreBounded(t *testing.T) {
	_, url, _, _ := sharedAppArgs(t, "http", []string{"--max-sessions", "3"})
	var ids []string
	for i := range 3 {
		resp := rawPost(t, url, httpToken, "", initBody(fmt.Sprint("client-", i)))
		if resp.StatusCode != 200 || resp.Header.Get("Mcp-Session-Id") == "" {
			t.Fatalf("initialize %d: %d", i, resp.StatusCode)
		}
		ids = append(ids, resp.Header.Get("Mcp-Session-Id"))
	}
	full := rawPost(t, url, httpToken, "", initBody("one-too-many"))
	if full.StatusCode != http.StatusServiceUnavailable || full.Header.Get("Retry-After") == "" {
		t.Fatalf("4th session with --max-sessions 3: %d, Retry-After %q; want 503 with Retry-After", full.StatusCode, full.Header.Get("Retry-After"))
	}
	// The sessions already open keep working; ending one frees a slot.
	if resp := rawPost(t, url, httpToken, ids[0], `{"jsonrpc":"2.0","id":2,"method":"ping"}`); resp.StatusCode != 200 {
		t.Fatalf("an open session stopped working when the server was full: %d", resp.StatusCode)
	}
	del, _ := http.NewRequest(http.MethodDelete, url, nil)
	del.Header.Set("Authorization", "Bearer "+httpToken)
	del.Header.Set("Mcp-Session-Id", ids[0])
	if resp, err := http.DefaultClient.Do(del); err != nil || resp.StatusCode >= 300 {
		t.Fatalf("DELETE session: %v %v", err, resp)
	}
	if resp := rawPost(t, url, httpToken, "", initBody("after-delete")); resp.StatusCode != 200 {
		t.Fatalf("initialize after a session ended: %d", resp.StatusCode)
	}
	if resp := rawPost(t, url, httpToken, ids[1], initBody(strings.Repeat("N", 900<<10))); resp.StatusCode != 400 {
		t.Fatalf("initialize with a 900 KB clientInfo.name: %d, want 400", resp.StatusCode)
	}

	// Wrong tokens: after 20 from one address, 429 even for the right one, until the window ends.
	var last *http.Response
	for range 21 {
		last = rawPost(t, url, "wrong-token-guess-0123456789abcdef", ids[1], `{"jsonrpc":"2.0","id":3,"method":"ping"}`)
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("21st wrong token: %d, want 429 with Retry-After", last.StatusCode)
	}

	// A one-character token is refused at start, with how to make a good one.
	short := testenv.New(t, func(c *config.Config) { c.Transport, c.Addr, c.HTTPToken = "http", "127.0.0.1:0", "x" })
	if _, err := short.App.ListenHTTP(); err == nil || !strings.Contains(err.Error(), "openssl rand -hex 32") || !strings.Contains(err.Error(), "32") {
		t.Fatalf("--http-token x: %v", err)
	}
}

// Class 5 on the legacy SSE transport: --max-sessions counts open event
// streams; one more gets 503 + Retry-After (a real client cannot connect), the
// open sessions keep working, closing one frees its slot, and an initialize
// may not park a huge client info there either.
func TestSSESessionsAreCapped(t *testing.T) {
	_, url, _, _ := sharedAppArgs(t, "sse", []string{"--max-sessions", "2"})
	first, second := dial(t, "sse", url, nil), dial(t, "sse", url, nil)
	full := sseGet(t, url)
	if full.StatusCode != http.StatusServiceUnavailable || full.Header.Get("Retry-After") == "" {
		t.Fatalf("3rd SSE stream with --max-sessions 2: %d, Retry-After %q; want 503 with Retry-After", full.StatusCode, full.Header.Get("Retry-After"))
	}
	third, err := client.NewSSEMCPClient(url, client.WithHeaders(map[string]string{"Authorization": "Bearer " + httpToken}))
	if err != nil {
		t.Fatal(err)
	}
	if err := third.Start(context.Background()); err == nil {
		_ = third.Close()
		t.Fatal("a 3rd SSE client connected with --max-sessions 2")
	}
	if _, raw, err := callTool(second, "cloudbase_describe_client", map[string]any{"Id": accounts[0].EnvID}); err != nil || !strings.Contains(raw, accounts[0].EnvID) {
		t.Fatalf("an open SSE session stopped working when the server was full: %v %s", err, raw)
	}
	endpoint := second.GetTransport().(*transport.SSE).GetEndpoint().String() // /message?sessionId=…
	if resp := rawPost(t, endpoint, httpToken, "", initBody(strings.Repeat("N", 900<<10))); resp.StatusCode != 400 {
		t.Fatalf("initialize with a 900 KB clientInfo.name over SSE: %d, want 400", resp.StatusCode)
	}
	_ = first.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp := sseGet(t, url)
		if resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed SSE session never freed its slot: still %d", resp.StatusCode)
		}
	}
}

// sseGet opens an SSE stream, reads its status, and closes it.
func sseGet(t *testing.T, url string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+httpToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// Class 4: the raw-request guard matches what the cloud will see: the token
// endpoint is refused however its path is encoded, cased or decorated.
func TestHTTPRequestGuardSeesThroughEncodings(t *testing.T) {
	e := testenv.New(t)
	for _, p := range []string{"/auth/v1/tok%65n/clientCredential", "/%61uth/v1/token/clientCredential", "/AUTH/V1/TOKEN/clientCredential",
		"/auth;x/v1/token/clientCredential", "/auth/v1/token%3Bx/clientCredential", "/x/%2e%2e/auth/v1/token/clientCredential"} {
		for _, method := range []string{"GET", "POST"} {
			msg := e.Err("cloudbase_http_request", map[string]any{"method": method, "path": p})
			if !strings.Contains(msg, "path") {
				t.Errorf("%s %s: error %q does not name the path", method, p, msg)
			}
		}
	}
	if n := e.App.Sandbox.Count("http:token"); n != 0 {
		t.Errorf("the token endpoint was reached %d times", n)
	}
}

// Class 7: session ids are bearer-like: audit lines carry a short hash.
func TestAuditLinesCarryNoSessionID(t *testing.T) {
	auditFile := filepath.Join(t.TempDir(), "audit.jsonl")
	_, url, _, _ := sharedApp(t, "http", func(c *config.Config) { c.AuditLog = auditFile })
	resp := rawPost(t, url, httpToken, "", initBody("audit-client"))
	sid := resp.Header.Get("Mcp-Session-Id")
	if sid == "" {
		t.Fatal("no session id")
	}
	rawPost(t, url, httpToken, sid, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	rawPost(t, url, httpToken, sid, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"cloudbase_modify_client","arguments":{"Id":"`+
		accounts[0].EnvID+`","MaxDevice":5}}}`)
	raw, _ := os.ReadFile(auditFile)
	if !strings.Contains(string(raw), `"session":"`) {
		t.Fatalf("no audit line with a session: %s", raw)
	}
	if strings.Contains(string(raw), sid) || strings.Contains(string(raw), strings.TrimPrefix(sid, "mcp-session-")) {
		t.Fatalf("the audit log holds the session id: %s", raw)
	}
}

// Class 3: an accepted confirmation cannot be replayed. The state is single
// use, and the effect is recomputed: accept a delete of provider X, recreate
// X, re-send the same answer: the user is asked again and X stays.
func TestConfirmationCannotBeReplayed(t *testing.T) {
	e := testenv.New(t)
	yes := map[string]any{"confirm": map[string]any{"action": "accept", "content": map[string]any{"confirm": true}}}
	del := map[string]any{"Id": "github"}
	first := rawCall(t, e, "cloudbase_delete_provider", del, nil)
	state, _ := first["requestState"].(string)
	if first["resultType"] != "input_required" || state == "" {
		t.Fatalf("first call: %v", first)
	}
	if res := rawCall(t, e, "cloudbase_delete_provider", del, map[string]any{"inputResponses": yes, "requestState": state}); res["isError"] == true ||
		e.App.Sandbox.Count("DeleteProvider") != 1 {
		t.Fatalf("the genuine answer was not taken: %v", res)
	}
	e.OK("cloudbase_add_provider", oauthProvider("github"))
	replay := rawCall(t, e, "cloudbase_delete_provider", del, map[string]any{"inputResponses": yes, "requestState": state})
	if replay["resultType"] != "input_required" || e.App.Sandbox.Count("DeleteProvider") != 1 {
		t.Fatalf("a replayed confirmation deleted the recreated provider: %v (deletes %d)", replay, e.App.Sandbox.Count("DeleteProvider"))
	}

	// A fresh question, then the target changes before the answer: what the
	// user saw is no longer what would happen, so they are asked again.
	q := rawCall(t, e, "cloudbase_delete_provider", del, nil)
	e.OK("cloudbase_modify_provider", map[string]any{"Id": "github", "Name": map[string]any{"Message": "Renamed meanwhile"}})
	stale := rawCall(t, e, "cloudbase_delete_provider", del, map[string]any{"inputResponses": yes, "requestState": q["requestState"]})
	if stale["resultType"] != "input_required" || !strings.Contains(testenv.JSON(stale["inputRequests"]), "Renamed meanwhile") ||
		e.App.Sandbox.Count("DeleteProvider") != 1 {
		t.Fatalf("an answer to a stale question was taken: %v", stale)
	}
}

// Class 3: with --stateless, a client on the initialize-era protocol cannot
// be asked (what it declared at initialize is not remembered); its
// destructive calls are refused rather than run unasked.
func TestStatelessRefusesUnconfirmableDestructiveCalls(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "state.key")
	if err := os.WriteFile(keyFile, []byte("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, url, sb, _ := sharedAppArgs(t, "http", []string{"--stateless", "--state-key-file", keyFile})
	u := &user{}
	u.answer(mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true})
	tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + httpToken}))
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithElicitationHandler(elicitor(u.elicit)), client.WithLegacyProtocolOnly())
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "legacy", Version: "1"}
	if _, err := c.Initialize(context.Background(), init); err != nil {
		t.Fatal(err)
	}
	res, raw, err := callTool(c, "cloudbase_delete_provider", map[string]any{"Id": "github"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || !strings.Contains(raw, "stateless") || sb.Count("DeleteProvider") != 0 {
		t.Fatalf("a destructive call on a stateless server, client unaskable: %s (deletes %d)", raw, sb.Count("DeleteProvider"))
	}
}

type elicitor func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f elicitor) Elicit(_ context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(r)
}

// Class 6: cloud data is cached per credential. A session with wrong
// credentials used to be served the template codes another session's
// credentials had fetched (in an error listing the known codes).
func TestTemplateCacheIsPerCredential(t *testing.T) {
	_, url, _, _ := sharedApp(t, "http")
	owner := dial(t, "http", url, nil)
	if res, raw, err := callTool(owner, "cloudbase_list_templates", nil); err != nil || res.IsError || !strings.Contains(raw, "weixinpaydc") {
		t.Fatalf("owner lists templates: %v %s", err, raw)
	}
	// Warm the cache the way an error path reads it.
	_, _, _ = callTool(owner, "cloudbase_create_user_key", map[string]any{"name": "x", "authTypeCode": "nosuch"})
	wrong := dial(t, "http", url, map[string]string{"X-TencentCloud-SecretId": accounts[0].SecretID,
		"X-TencentCloud-SecretKey": "wrong-secret-key-0123456789abcdef", "X-CloudBase-Env-Id": accounts[0].EnvID})
	_, raw, err := callTool(wrong, "cloudbase_create_user_key", map[string]any{"name": "x", "authTypeCode": "nosuch"})
	if err != nil || strings.Contains(raw, "weixinpaydc") || strings.Contains(raw, "openai_api_key") {
		t.Fatalf("wrong credentials were served another session's templates: %v %s", err, raw)
	}
}

// Class 6: --toolsets restricts resources, templates, prompts and
// completions too: with telnyx only, nothing under cloudbase:// is listed or readable.
func TestToolsetsRestrictResourcesAndPrompts(t *testing.T) {
	e := testenv.New(t, func(c *config.Config) { c.Toolsets = []string{"telnyx"} })
	ctx := context.Background()
	res, err := e.Client.ListResources(ctx, mcp.ListResourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tpls, err := e.Client.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	prompts, _ := e.Client.ListPrompts(ctx, mcp.ListPromptsRequest{})
	listed := testenv.JSON(res) + testenv.JSON(tpls) + testenv.JSON(prompts)
	if strings.Contains(listed, "cloudbase://") || strings.Contains(listed, "cloudbase_") {
		t.Fatalf("--toolsets telnyx lists CloudBase resources or prompts: %s", listed)
	}
	for _, uri := range []string{"cloudbase://templates", "cloudbase://providers", "cloudbase://datamodels"} {
		if text, _, err := e.Read(uri); err == nil {
			t.Fatalf("%s readable under --toolsets telnyx: %.200s", uri, text)
		}
	}
}
