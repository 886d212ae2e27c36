package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testidp"
)

// The whole server signed in through a real OpenID provider: a read-scope
// token sees and may call only the tools that change nothing, a write-scope
// token may change things and the audit log names its subject and issuer;
// no token gets 401 pointing at the resource metadata. The token never
// reaches the cloud (the sandbox sees only the server's own signature).
func TestOAuthScopesDecideTheCatalogue(t *testing.T) {
	sb, err := sandbox.New(sandbox.Config{Options: []sandbox.Option{sandbox.WithAccounts(accounts[0])}})
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	sbURL, sbDone, err := sb.Listen(sctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-sbDone })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	resource := "http://" + addr + "/mcp"
	idp := testidp.New(t, testidp.Options{Clients: []testidp.Client{
		{ID: "reader", Secret: "reader-secret", Scopes: []string{"cloudops:read"}, Audience: []string{resource}},
		{ID: "writer", Secret: "writer-secret", Scopes: []string{"cloudops:read", "cloudops:write"}, Audience: []string{resource}},
		{ID: "telnyx-admin", Secret: "telnyx-admin-secret", Scopes: []string{"cloudops:write:telnyx", "cloudops:read:cloudbase_auth"}, Audience: []string{resource}},
	}})
	auditFile := filepath.Join(t.TempDir(), "audit.jsonl")
	env := map[string]string{"TENCENTCLOUD_SECRETID": accounts[0].SecretID, "TENCENTCLOUD_SECRETKEY": accounts[0].SecretKey,
		"TENCENTCLOUD_TCB_ENVID": accounts[0].EnvID}
	cfg, err := config.Parse([]string{"--transport", "http", "--addr", addr, "--tcb-endpoint", sbURL,
		"--oauth-issuer", idp.Issuer, "--oauth-resource", resource, "--audit-log", auditFile},
		func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	logs := &testenv.SyncBuffer{}
	a, err := app.New(context.Background(), cfg, logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	hs, err := a.ListenHTTP()
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	hctx, stop := context.WithCancel(context.Background())
	go func() { served <- hs.Serve(hctx) }()
	t.Cleanup(func() { stop(); <-served })

	connect := func(token string) *client.Client {
		c, err := client.NewStreamableHttpClient(resource, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		testenv.Initialize(t, c, "oauth-test")
		return c
	}
	names := func(c *client.Client) []string {
		res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tl := range res.Tools {
			out = append(out, tl.Name)
		}
		return out
	}
	modify := map[string]any{"Id": accounts[0].EnvID, "MaxDevice": 7}

	readToken, writeToken := idp.Token("reader"), idp.Token("writer")
	reader, writer := connect(readToken), connect(writeToken)
	readList, writeList := names(reader), names(writer)
	if !slices.Contains(readList, "cloudbase_describe_client") || slices.Contains(readList, "cloudbase_modify_client") {
		t.Errorf("read scope catalogue: %v", readList)
	}
	if !slices.Contains(writeList, "cloudbase_modify_client") || len(writeList) <= len(readList) {
		t.Errorf("write scope catalogue (%d tools) vs read (%d)", len(writeList), len(readList))
	}
	// A guessed name: the answer counts no tools the caller's list lacks (trial 4, N4).
	if _, _, err := callTool(reader, "no_such_tool", nil); err == nil || !strings.Contains(err.Error(), "the tools your access token allows") {
		t.Errorf("unknown tool, read scope: %v", err)
	} else if m := toolCountRE.FindStringSubmatch(err.Error()); m != nil {
		t.Errorf("the answer says %s tools, the read-scope list has %d: %v", m[1], len(readList), err)
	}
	res, raw, err := callTool(reader, "cloudbase_describe_client", map[string]any{"Id": accounts[0].EnvID})
	if err != nil || res.IsError {
		t.Errorf("read scope, read tool: %v %s", err, raw)
	}
	// A tool not listed to the caller, called by name anyway: refused, naming the scope it needs.
	res, raw, err = callTool(reader, "cloudbase_modify_client", modify)
	if err != nil || !res.IsError || !strings.Contains(raw, "your access token does not carry cloudops:write") {
		t.Errorf("read scope called a write tool: %v %s", err, raw)
	}
	if n := sb.Count("ModifyClient"); n != 0 {
		t.Fatalf("a read-scope token changed something: %d ModifyClient", n)
	}
	// Per-toolset scopes: every telnyx tool, the read tools of cloudbase_auth, nothing else.
	scoped := connect(idp.Token("telnyx-admin"))
	var telnyxTools int
	for _, n := range names(scoped) {
		switch {
		case strings.HasPrefix(n, "telnyx_"):
			telnyxTools++
		case n == "cloudbase_modify_client" || !strings.HasPrefix(n, "cloudbase_") || !slices.Contains(readList, n):
			t.Errorf("toolset-scoped token lists %s", n)
		}
	}
	if want := countPrefix(writeList, "telnyx_"); telnyxTools != want || want == 0 {
		t.Errorf("toolset-scoped token lists %d telnyx tools, want all %d", telnyxTools, want)
	}
	if res, raw, err := callTool(scoped, "cloudbase_describe_client", map[string]any{"Id": accounts[0].EnvID}); err != nil || res.IsError {
		t.Errorf("cloudops:read:cloudbase_auth, read tool: %v %s", err, raw)
	}
	if res, raw, err := callTool(scoped, "cloudbase_modify_client", modify); err != nil || !res.IsError || !strings.Contains(raw, "cloudops:write:cloudbase_auth") {
		t.Errorf("cloudops:read:cloudbase_auth called a write tool: %v %s", err, raw)
	}
	if res, raw, err := callTool(scoped, "cloudbase_list_user_keys", nil); err != nil || !res.IsError || !strings.Contains(raw, "cloudops:read:cloudbase_integration") {
		t.Errorf("a token without any cloudbase_integration scope called its read tool: %v %s", err, raw)
	}
	if n := sb.Count("GetUserKeyList"); n != 0 {
		t.Fatalf("a refused read reached the cloud: %d GetUserKeyList", n)
	}
	if n := sb.Count("ModifyClient"); n != 0 {
		t.Fatalf("a toolset read scope changed something: %d ModifyClient", n)
	}
	res, raw, err = callTool(writer, "cloudbase_modify_client", modify)
	if err != nil || res.IsError || sb.Count("ModifyClient") != 1 {
		t.Fatalf("write scope, write tool: %v %s", err, raw)
	}
	line, _ := os.ReadFile(auditFile)
	if want := fmt.Sprintf(`"sub":"service:writer","iss":%q`, idp.Issuer); !strings.Contains(string(line), want) {
		t.Errorf("audit line does not name the caller (%s): %s", want, line)
	}

	// No token: 401 pointing at the metadata, which names the issuer.
	r, err := http.Post(resource, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	md := "http://" + addr + "/.well-known/oauth-protected-resource/mcp"
	if r.StatusCode != 401 || r.Header.Get("WWW-Authenticate") != `Bearer resource_metadata="`+md+`"` {
		t.Errorf("no token: %d %q", r.StatusCode, r.Header.Get("WWW-Authenticate"))
	}
	m, err := http.Get(md)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(m.Body)
	m.Body.Close()
	if m.StatusCode != 200 || !strings.Contains(buf.String(), idp.Issuer) {
		t.Errorf("metadata: %d %s", m.StatusCode, buf.String())
	}
	for _, tok := range []string{readToken, writeToken} {
		if strings.Contains(logs.String(), tok) || strings.Contains(string(line), tok) {
			t.Error("an access token reached the logs or the audit log")
		}
	}
}

func countPrefix(names []string, prefix string) int {
	n := 0
	for _, s := range names {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}
