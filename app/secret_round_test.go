package app_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// roundUser is the user behind a client on protocol 2026-07-28: it answers
// the confirmation form (yes, counted) and fills the secret pages it is
// asked to open (browserUser).
type roundUser struct {
	page      *browserUser
	mu        sync.Mutex
	confirms  int
	questions []string
}

func (u *roundUser) elicit(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	if r.Params.Mode == mcp.ElicitationModeURL {
		return u.page.elicit(r)
	}
	u.mu.Lock()
	u.confirms++
	u.questions = append(u.questions, r.Params.Message)
	u.mu.Unlock()
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept,
		Content: map[string]any{"confirm": true}}}, nil
}

// On protocol 2026-07-28 {"ask":true} works the multi round-trip way: the
// call answers with the page to open, the client makes it again, and the
// value is collected then. No request waits in between.
func TestAskOnProtocol20260728(t *testing.T) {
	se := newSecretEnv(t)
	const planted = "gh-secret-modern-round-4b3a2c1d0e"
	u := &roundUser{page: &browserUser{t: t, value: planted, action: mcp.ElicitationResponseActionAccept}}
	c, msgs := se.Connect(testenv.ClientOptions{URLElicitation: true, Elicit: u.elicit})

	res := c.Call("cloudbase_add_provider", githubProvider(map[string]any{"ask": true}))
	if res.IsError {
		t.Fatalf("ask on 2026-07-28: %s", testenv.Text(res))
	}
	if len(u.page.urls) != 1 || !strings.Contains(u.page.messages[0], "ClientSecret for identity provider githuboauth") {
		t.Fatalf("pages asked: %v %v", u.page.urls, u.page.messages)
	}
	if !se.stored(t, planted) || se.App.Sandbox.Count("AddProvider") != 1 {
		t.Fatal("the provider does not hold the value entered on the page")
	}
	se.nowhere(t, planted, testenv.JSON(res), testenv.JSON(msgs.All()), strings.Join(u.page.messages, " "))
	submitPage(t, u.page.urls[0], "any", "second-value-1234567", http.StatusGone) // used once

	// A destructive change with a secret: asked to confirm once, then the
	// page; the yes travels with the page's state, sealed and single use.
	const second = "gh-secret-modern-rotated-9f8e7d6c"
	u.page.value = second
	res = c.Call("cloudbase_modify_provider", map[string]any{"Id": "githuboauth", "Config": map[string]any{"ClientSecret": map[string]any{"ask": true}}})
	if res.IsError {
		t.Fatalf("destructive call with a secret: %s", testenv.Text(res))
	}
	if u.confirms != 1 || len(u.page.urls) != 2 {
		t.Fatalf("confirmations asked %d (want 1), pages %d (want 2)", u.confirms, len(u.page.urls))
	}
	if !se.stored(t, second) || se.App.Sandbox.Count("ModifyProvider") != 1 {
		t.Fatal("the change did not apply the value entered on the page")
	}
	se.nowhere(t, second, testenv.JSON(res), testenv.JSON(msgs.All()))

	// The user declines to open the page: nothing is sent.
	u.page.action = mcp.ElicitationResponseActionDecline
	msg := c.Err("cloudbase_modify_provider", map[string]any{"Id": "githuboauth", "Config": map[string]any{"ClientSecret": map[string]any{"ask": true}}})
	if !strings.Contains(msg, "Config.ClientSecret (secret reference): the user did not open the secret page") {
		t.Fatalf("declined page: %s", msg)
	}
	if se.App.Sandbox.Count("ModifyProvider") != 1 {
		t.Fatal("a declined page still sent the change")
	}
}

// A --stateless server over Streamable HTTP: a client on 2026-07-28 (the
// SDK's own multi round-trip loop) is asked on a page; a client on an older
// protocol cannot be (nothing carries the pending page between its
// requests), and is told why and what to do instead, with nothing sent.
func TestStatelessAskNeedsProtocol20260728(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "state.key")
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("6d", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, mcpURL, sb, logs := sharedAppArgs(t, "http", []string{"--stateless", "--state-key-file", keyFile})
	const planted = "gh-secret-stateless-http-3e2d1c0b9a"
	for _, legacy := range []bool{false, true} {
		b := &browserUser{t: t, value: planted, action: mcp.ElicitationResponseActionAccept}
		u := &roundUser{page: b}
		tr, err := transport.NewStreamableHTTP(mcpURL, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + httpToken}))
		if err != nil {
			t.Fatal(err)
		}
		opts := []client.ClientOption{client.WithElicitationHandler(testElicit(u.elicit))}
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
		if legacy {
			opts = append(opts, client.WithLegacyProtocolOnly())
			init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
		}
		c := client.NewClient(tr, opts...)
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		init.Params.ClientInfo = mcp.Implementation{Name: "stateless-ask", Version: "1"}
		init.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{Form: &struct{}{}, URL: &struct{}{}}
		if _, err := c.Initialize(context.Background(), init); err != nil {
			t.Fatal(err)
		}
		args := githubProvider(map[string]any{"ask": true})
		if legacy {
			args["Id"] = "githublegacy"
		}
		res, raw, err := callTool(c, "cloudbase_add_provider", args)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw, planted) || strings.Contains(logs.String(), planted) {
			t.Fatal("the planted secret came out")
		}
		if !legacy {
			if res.IsError || len(b.urls) != 1 || sb.Count("AddProvider") != 1 {
				t.Fatalf("2026-07-28 on --stateless: %s (pages %d, AddProvider %d)", raw, len(b.urls), sb.Count("AddProvider"))
			}
			continue
		}
		for _, want := range []string{"Config.ClientSecret (secret reference)", "runs --stateless", mcp.LATEST_PROTOCOL_VERSION, `{"file":`, "nothing was changed"} {
			if msg := testenv.Text(res); !strings.Contains(msg, want) {
				t.Errorf("legacy client on --stateless: %s lacks %q", msg, want)
			}
		}
		if !res.IsError || len(b.urls) != 0 || sb.Count("AddProvider") != 1 {
			t.Fatalf("legacy client on --stateless was asked or sent: %s", raw)
		}
	}
}

// Two pages in one call, the second filled late: the call made again finds
// one page empty after --secret-page-wait and asks only for that one again
// (the same page), taking neither value until both are in; then both reach
// the cloud.
func TestAskTwoPagesOneLate(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	e := testenv.New(t, func(c *config.Config) { c.SandboxState, c.SecretPageWait = state, 300*time.Millisecond })
	const apiKey, pem = "apiv3-key-planted-5a4b3c2d1e0f", "pem-planted-private-key-9e8d7c6b"
	var mu sync.Mutex
	var asked []string
	seen := map[string]int{}
	b := &browserUser{t: t, action: mcp.ElicitationResponseActionAccept}
	elicit := func(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, r.Params.URL)
		seen[r.Params.URL]++
		switch {
		case strings.Contains(r.Params.Message, "apiV3Key"):
			b.value = apiKey
		case seen[r.Params.URL] == 1: // the private key: opened, typed only when asked again
			return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}}, nil
		default:
			b.value = pem
		}
		return b.elicit(r)
	}
	c, _ := e.Connect(testenv.ClientOptions{URLElicitation: true, Elicit: elicit})
	res := c.Call("cloudbase_create_user_key", map[string]any{"name": "wxpay", "authTypeCode": "weixinpaydc",
		"ext": `{"appId":"wx1","mchId":"m1","serialNo":"s1","apiV3Key":{"ask":true},"privateKey":{"ask":true}}`})
	if res.IsError {
		t.Fatalf("two pages: %s", testenv.Text(res))
	}
	if len(asked) != 3 || len(seen) != 2 {
		t.Fatalf("pages asked %v, want both then the late one again", asked)
	}
	raw, _ := os.ReadFile(state)
	for _, v := range []string{apiKey, pem} {
		if !strings.Contains(string(raw), v) || strings.Contains(testenv.JSON(res), v) || strings.Contains(e.Logs.String(), v) {
			t.Fatal("a value entered is not stored, or it came out")
		}
	}
}
