package app_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// A shared deployment: the server runs with account A's credentials; two
// users bring their own (B and C) in headers. Each session, however many run
// at once, reaches only its own environment in the sandbox.

const httpToken = "team-bearer-token-0123456789abcdef"

var accounts = []sandbox.Account{
	{SecretID: "AKIDserverOwnA", SecretKey: "server-own-secret-key-A-0123456789", EnvID: "env-a-1111"},
	{SecretID: "AKIDuserB", SecretKey: "user-b-secret-key-planted-0123456789", EnvID: "env-b-2222"},
	{SecretID: "AKIDuserC", SecretKey: "user-c-secret-key-planted-0123456789", EnvID: "env-c-3333"},
}

// sharedServer runs a sandbox holding three accounts and the whole server on
// an HTTP transport in front of it, with account A as its own credentials.
func sharedServer(t *testing.T, transportKind string, mutate ...func(*config.Config)) (url string, sb *sandbox.Server, logs *testenv.SyncBuffer) {
	t.Helper()
	_, url, sb, logs = sharedApp(t, transportKind, mutate...)
	return url, sb, logs
}

// sharedApp is sharedServer that also returns the app, for tests that look inside.
func sharedApp(t *testing.T, transportKind string, mutate ...func(*config.Config)) (a *app.App, url string, sb *sandbox.Server, logs *testenv.SyncBuffer) {
	t.Helper()
	return sharedAppArgs(t, transportKind, nil, mutate...)
}

// sharedAppArgs is sharedApp with further command-line flags.
func sharedAppArgs(t *testing.T, transportKind string, args []string, mutate ...func(*config.Config)) (a *app.App, url string, sb *sandbox.Server, logs *testenv.SyncBuffer) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{Options: []sandbox.Option{sandbox.WithAccounts(accounts...)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sbURL, sbDone, err := sb.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-sbDone })
	env := map[string]string{"TENCENTCLOUD_SECRETID": accounts[0].SecretID, "TENCENTCLOUD_SECRETKEY": accounts[0].SecretKey,
		"TENCENTCLOUD_TCB_ENVID": accounts[0].EnvID, "CLOUDOPS_MCP_HTTP_TOKEN": httpToken}
	cfg, err := config.Parse(append([]string{"--transport", transportKind, "--addr", "127.0.0.1:0", "--log-level", "debug",
		"--tcb-endpoint", sbURL, "--timeout", "10s"}, args...), func(k string) string { return env[k] }, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mutate {
		m(cfg)
	}
	logs = &testenv.SyncBuffer{}
	a, err = app.New(context.Background(), cfg, logs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	hs, err := a.ListenHTTP()
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- hs.Serve(sctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return a, hs.URL(), sb, logs
}

func dial(t *testing.T, transportKind, url string, headers map[string]string) *client.Client {
	t.Helper()
	h := map[string]string{"Authorization": "Bearer " + httpToken}
	for k, v := range headers {
		h[k] = v
	}
	var c *client.Client
	var err error
	if transportKind == "sse" {
		c, err = client.NewSSEMCPClient(url, client.WithHeaders(h))
	} else {
		c, err = client.NewStreamableHttpClient(url, transport.WithHTTPHeaders(h))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	testenv.Initialize(t, c, "serve-http-test")
	return c
}

func callTool(c *client.Client, name string, args map[string]any) (*mcp.CallToolResult, string, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		return nil, "", err
	}
	b, _ := json.Marshal(res)
	return res, string(b), nil
}

func headersFor(a sandbox.Account) map[string]string {
	return map[string]string{"X-TencentCloud-SecretId": a.SecretID, "X-TencentCloud-SecretKey": a.SecretKey, "X-CloudBase-Env-Id": a.EnvID}
}

func TestHTTPSessionsReachOnlyTheirOwnEnvironment(t *testing.T) {
	for _, kind := range []string{"http", "sse"} {
		t.Run(kind, func(t *testing.T) {
			url, sb, logs := sharedServer(t, kind)
			users := []struct {
				name    string
				headers map[string]string // nil: the server's own credentials
				acct    sandbox.Account
				device  int
			}{
				{"server's own (A)", nil, accounts[0], 11},
				{"user B", headersFor(accounts[1]), accounts[1], 22},
				{"user C", headersFor(accounts[2]), accounts[2], 33},
			}
			const rounds = 8
			var wg sync.WaitGroup
			var transcript sync.Map // every result, to search for planted secrets
			for _, u := range users {
				c := dial(t, kind, url, u.headers)
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range rounds {
						device := u.device + i // a change each round: a no-op would send nothing
						res, raw, err := callTool(c, "cloudbase_modify_client", map[string]any{"Id": u.acct.EnvID, "MaxDevice": device})
						transcript.Store(fmt.Sprint(u.name, i, "w"), raw)
						if err != nil || res.IsError {
							t.Errorf("%s: modify_client on its own env: %v %s", u.name, err, raw)
							return
						}
						res, raw, err = callTool(c, "cloudbase_describe_client", map[string]any{"Id": u.acct.EnvID})
						transcript.Store(fmt.Sprint(u.name, i, "r"), raw)
						if err != nil || res.IsError {
							t.Errorf("%s: describe_client: %v %s", u.name, err, raw)
							return
						}
						got := res.StructuredContent.(map[string]any)
						if got["Id"] != u.acct.EnvID || got["MaxDevice"] != float64(device) {
							t.Errorf("%s saw another environment's client: %v", u.name, got)
							return
						}
					}
				}()
			}
			wg.Wait()
			if n := sb.Count("ModifyClient"); n != len(users)*rounds {
				t.Errorf("sandbox ModifyClient count %d, want %d", n, len(users)*rounds)
			}

			// B's key cannot open C's environment, nor the server's: the
			// sandbox hides other accounts' environments, so this also proves
			// B's own key signed the request.
			for _, env := range []string{accounts[2].EnvID, ""} {
				h := map[string]string{"X-TencentCloud-SecretId": accounts[1].SecretID, "X-TencentCloud-SecretKey": accounts[1].SecretKey}
				if env != "" {
					h["X-CloudBase-Env-Id"] = env
				}
				res, raw, err := callTool(dial(t, kind, url, h), "cloudbase_describe_client", map[string]any{"Id": accounts[0].EnvID})
				if err != nil || !res.IsError || !strings.Contains(raw, "ResourceNotFound") {
					t.Errorf("B's key on env %q: want ResourceNotFound, got %v %s", env, err, raw)
				}
				transcript.Store("cross"+env, raw)
			}

			// No result and no log line shows a secret key, the server's or a user's.
			transcript.Range(func(_, v any) bool {
				for _, a := range accounts {
					if strings.Contains(v.(string), a.SecretKey) {
						t.Errorf("a result shows %s's SecretKey: %s", a.SecretID, v)
					}
				}
				return true
			})
			for _, a := range accounts {
				if strings.Contains(logs.String(), a.SecretKey) {
					t.Errorf("the logs show %s's SecretKey", a.SecretID)
				}
			}
			if strings.Contains(logs.String(), httpToken) {
				t.Error("the logs show the bearer token")
			}
		})
	}
}

func TestHTTPRefusesNonLoopbackAddrWithoutToken(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0"} {
		cfg, err := config.Parse([]string{"--transport", "http", "--addr", addr}, func(string) string { return "" }, &strings.Builder{})
		if err != nil {
			t.Fatal(err)
		}
		a, err := app.New(context.Background(), cfg, &strings.Builder{})
		if err != nil {
			t.Fatal(err)
		}
		// Serve (what main runs) must fail before binding anything.
		err = a.Serve(context.Background(), nil, nil)
		if err == nil || !strings.Contains(err.Error(), "--http-token") || !strings.Contains(err.Error(), "CLOUDOPS_MCP_HTTP_TOKEN") {
			t.Errorf("--addr %s without a token: %v", addr, err)
		}
		a.Close()
	}
}

func TestHTTPWrongTokenCannotConnect(t *testing.T) {
	url, sb, _ := sharedServer(t, "http")
	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer wrong"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	_, err = c.Initialize(context.Background(), init)
	if err == nil {
		t.Fatal("initialize with a wrong token succeeded")
	}
	if !errors.Is(err, transport.ErrAuthorizationRequired) {
		t.Errorf("want an unauthorized error, got %v", err)
	}
	if sb.Count("DescribeLoginConfig") != 0 {
		t.Error("a cloud call was made")
	}
}
