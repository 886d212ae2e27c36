package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
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

// secretEnv runs the server with a secrets folder, an allow-listed
// variable, a state file (to see what the cloud stored) and an audit log.
type secretEnv struct {
	*testenv.Env
	dir, state, audit string
}

func newSecretEnv(t *testing.T) *secretEnv {
	t.Helper()
	tmp := t.TempDir()
	se := &secretEnv{dir: filepath.Join(tmp, "secrets"), state: filepath.Join(tmp, "state.json"), audit: filepath.Join(tmp, "audit.log")}
	if err := os.Mkdir(se.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	se.Env = testenv.New(t, func(c *config.Config) {
		c.SecretsDir, c.SandboxState, c.AuditLog = se.dir, se.state, se.audit
		c.SecretEnv = []string{"CLOUDOPS_TEST_GH_SECRET"}
	})
	return se
}

func (se *secretEnv) file(t *testing.T, name, body string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(se.dir, name)
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

// stored reports whether the cloud (the sandbox's persisted state) holds v.
func (se *secretEnv) stored(t *testing.T, v string) bool {
	t.Helper()
	raw, err := os.ReadFile(se.state)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Contains(string(raw), v)
}

// nowhere fails if v appears in the logs or the audit log.
func (se *secretEnv) nowhere(t *testing.T, v string, also ...string) {
	t.Helper()
	audit, _ := os.ReadFile(se.audit)
	for what, text := range map[string]string{"logs": se.Logs.String(), "audit log": string(audit), "results": strings.Join(also, "\n")} {
		if strings.Contains(text, v) {
			t.Errorf("the planted secret appears in the %s", what)
		}
	}
}

func githubProvider(secret any) map[string]any {
	return map[string]any{"Id": "githuboauth", "ProviderType": "OAUTH", "Name": map[string]any{"Message": "GitHub"},
		"Config": map[string]any{"ClientId": "Iv1.abc", "ClientSecret": secret, "RedirectUri": "https://demo.example/cb", "Scope": "read:user",
			"AuthorizationEndpoint": "https://github.com/login/oauth/authorize", "TokenEndpoint": "https://github.com/login/oauth/access_token"}}
}

func TestSecretFromFileAndAllowListedVariable(t *testing.T) {
	se := newSecretEnv(t)
	const fromFile = "gh-secret-from-file-5e1f0c2a9b"
	se.file(t, "githuboauth-ClientSecret", fromFile+"\n", 0o600)
	res := se.Call("cloudbase_add_provider", githubProvider(map[string]any{"file": "githuboauth-ClientSecret"}))
	if res.IsError {
		t.Fatalf("file reference: %s", testenv.Text(res))
	}
	if !se.stored(t, fromFile) {
		t.Fatal("the provider does not hold the secret from the file")
	}
	se.nowhere(t, fromFile, testenv.JSON(res))

	const fromEnv = "gh-secret-from-env-77d04b3c1e"
	t.Setenv("CLOUDOPS_TEST_GH_SECRET", fromEnv)
	res = se.Call("cloudbase_modify_provider", map[string]any{"Id": "githuboauth", "Config": map[string]any{"ClientSecret": map[string]any{"env": "CLOUDOPS_TEST_GH_SECRET"}}})
	if res.IsError {
		t.Fatalf("env reference: %s", testenv.Text(res))
	}
	if !se.stored(t, fromEnv) {
		t.Fatal("the provider does not hold the secret from the variable")
	}
	se.nowhere(t, fromEnv, testenv.JSON(res))
}

func TestBadSecretReferencesAreFieldNamedErrorsAndSendNothing(t *testing.T) {
	se := newSecretEnv(t)
	const planted = "planted-secret-bad-refs-3c9d1e"
	se.file(t, "loose", planted, 0o644)
	se.file(t, "huge", strings.Repeat("x", 16<<10+1), 0o600)
	outside := filepath.Join(filepath.Dir(se.dir), "outside")
	if err := os.WriteFile(outside, []byte(planted), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(se.dir, "escape")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME_SECRET", planted)
	for ref, want := range map[string]string{
		`{"file":"missing"}`:    "no such file in the secrets folder",
		`{"file":"loose"}`:      "chmod 600",
		`{"file":"escape"}`:     "symbolic link",
		`{"file":"../outside"}`: "Config.ClientSecret",
		`{"file":"huge"}`:       "larger than 16 KB",
		`{"env":"HOME_SECRET"}`: "--secret-env HOME_SECRET",
		`{"ask":false}`:         "exactly one of",
		`{"value":"x"}`:         "exactly one of",
	} {
		var v any
		_ = json.Unmarshal([]byte(ref), &v)
		msg := se.Err("cloudbase_add_provider", githubProvider(v))
		if !strings.Contains(msg, "Config.ClientSecret") || !strings.Contains(msg, want) {
			t.Errorf("%s: error %q, want it to name Config.ClientSecret and say %q", ref, msg, want)
		}
		se.nowhere(t, planted, msg)
	}
	if n := se.App.Sandbox.Count("AddProvider"); n != 0 {
		t.Fatalf("a bad reference still sent %d AddProvider calls", n)
	}
}

// browserUser plays the user's browser: it opens the URL the client was
// asked to open, and submits value in the page's form.
type browserUser struct {
	mu       sync.Mutex
	value    string
	urls     []string
	messages []string
	action   mcp.ElicitationResponseAction
	t        *testing.T
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browserUser) elicit(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.urls = append(b.urls, r.Params.URL)
	b.messages = append(b.messages, r.Params.Message)
	if r.Params.Mode != mcp.ElicitationModeURL || r.Params.ElicitationID == "" {
		b.t.Errorf("elicitation %+v is not URL mode", r.Params)
	}
	if b.action != mcp.ElicitationResponseActionAccept {
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: b.action}}, nil
	}
	res, err := http.Get(r.Params.URL)
	if err != nil {
		b.t.Error(err)
		return nil, err
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRE.FindStringSubmatch(string(page))
	if m == nil {
		b.t.Errorf("page has no form: %s", page)
		return nil, io.EOF
	}
	submitPage(b.t, r.Params.URL, m[1], b.value, http.StatusOK)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}}, nil
}

// fillPage is the user's browser: it opens the page, sends value with the
// page's CSRF token and Origin, and returns the page shown after sending.
func fillPage(t *testing.T, pageURL, value string) string {
	t.Helper()
	res, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfRE.FindStringSubmatch(string(page))
	if m == nil {
		t.Fatalf("the page is no longer open: %s", page)
	}
	return submitPage(t, pageURL, m[1], value, http.StatusOK)
}

func submitPage(t *testing.T, pageURL, csrf, value string, want int) string {
	u, _ := url.Parse(pageURL)
	req, _ := http.NewRequest(http.MethodPost, pageURL, strings.NewReader(url.Values{"csrf": {csrf}, "secret": {value}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", u.Scheme+"://"+u.Host)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return ""
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != want {
		t.Errorf("submit: %d, want %d: %s", res.StatusCode, want, body)
	}
	if strings.Contains(string(body), value) {
		t.Error("the page echoed the value")
	}
	return string(body)
}

func TestAskThroughOneTimePage(t *testing.T) {
	se := newSecretEnv(t)
	const planted = "tnx-bearer-asked-9a8b7c6d5e4f"
	b := &browserUser{t: t, value: planted, action: mcp.ElicitationResponseActionAccept}
	c, msgs := se.Connect(testenv.ClientOptions{Legacy: true, URLElicitation: true, Elicit: b.elicit})
	c.SetLevel(mcp.LoggingLevelDebug)

	res := c.Call("telnyx_create_integration_secret", map[string]any{"identifier": "openai-bearer", "type": "bearer", "token": map[string]any{"ask": true}})
	if res.IsError {
		t.Fatalf("ask: %s", testenv.Text(res))
	}
	if len(b.urls) != 1 || !strings.Contains(b.messages[0], "token for Telnyx integration secret openai-bearer") {
		t.Fatalf("asked %v %v", b.urls, b.messages)
	}
	if sum := sha256.Sum256([]byte(planted)); !se.stored(t, hex.EncodeToString(sum[:])) { // the emulator keeps a digest, like Telnyx
		t.Fatal("the Telnyx secret does not hold the value entered on the page")
	}
	se.nowhere(t, planted, testenv.JSON(res), testenv.JSON(msgs.All()), strings.Join(b.messages, " "))

	// Single use: the page of a finished call refuses a second submission.
	submitPage(t, b.urls[0], "any", "second-value-1234567", http.StatusGone)

	// Errors about a field named token stay readable (log redaction takes "token: x" for a secret).
	if msg := c.Err("telnyx_create_integration_secret", map[string]any{"identifier": "env", "type": "bearer", "token": map[string]any{"env": "HOME"}}); !strings.Contains(msg, `token (secret reference): env "HOME" is not on the server's allow-list`) {
		t.Errorf("unlisted variable: %s", msg)
	}

	// The user declines to open the page: nothing is sent.
	b.action = mcp.ElicitationResponseActionDecline
	before := se.App.Sandbox.Count("POST /v2/integration_secrets")
	msg := c.Call("telnyx_create_integration_secret", map[string]any{"identifier": "declined", "type": "bearer", "token": map[string]any{"ask": true}})
	if !msg.IsError || !strings.Contains(testenv.Text(msg), "did not open the secret page") {
		t.Fatalf("declined: %s", testenv.Text(msg))
	}
	if se.App.Sandbox.Count("POST /v2/integration_secrets") != before {
		t.Fatal("a declined ask still sent the secret")
	}
}

func TestAskIntegrationFieldThroughPage(t *testing.T) {
	se := newSecretEnv(t)
	const planted = "sk-openai-asked-0f1e2d3c4b5a69788"
	b := &browserUser{t: t, value: planted, action: mcp.ElicitationResponseActionAccept}
	c, _ := se.Connect(testenv.ClientOptions{Legacy: true, URLElicitation: true, Elicit: b.elicit})
	res := c.Call("cloudbase_create_user_key", map[string]any{"name": "openai-dev", "authTypeCode": "openai_api_key",
		"ext": `{"apiKey":{"ask":true},"baseUrl":"https://api.openai.com/v1"}`})
	if res.IsError {
		t.Fatalf("create with ask: %s", testenv.Text(res))
	}
	if len(b.messages) != 1 || !strings.Contains(b.messages[0], "apiKey for integration openai-dev in env") {
		t.Fatalf("asked %v", b.messages)
	}
	if !se.stored(t, planted) {
		t.Fatal("the integration does not hold the value entered on the page")
	}
	se.nowhere(t, planted, testenv.JSON(res))
	// A reference in a field the template does not mark secret is refused.
	msg := c.Err("cloudbase_create_user_key", map[string]any{"name": "x", "authTypeCode": "openai_api_key", "ext": `{"apiKey":"k","baseUrl":{"ask":true}}`})
	if !strings.Contains(msg, "ext.baseUrl") || !strings.Contains(msg, "only taken for secret fields") {
		t.Fatalf("reference in a non-secret field: %s", msg)
	}
}

// The user opens the page but has not filled it when --secret-page-wait
// runs out: the call answers at once, naming the field and what to do — not
// "invalid arguments" after the page's 10 minutes. The page stays open; the
// same call made again, once the user has filled it, uses the value without
// a second page.
func TestAskUnansweredReturnsSoonAndTheSameCallCollectsLater(t *testing.T) {
	tmp := t.TempDir()
	state := filepath.Join(tmp, "state.json")
	e := testenv.New(t, func(c *config.Config) { c.SandboxState, c.SecretPageWait = state, 300*time.Millisecond })
	const planted = "gh-secret-typed-late-7c6b5a4d3e"
	var mu sync.Mutex
	var urls []string
	later := func(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) { // opens the page, types nothing yet
		mu.Lock()
		urls = append(urls, r.Params.URL)
		mu.Unlock()
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}}, nil
	}
	c, _ := e.Connect(testenv.ClientOptions{Legacy: true, URLElicitation: true, Elicit: later})
	args := githubProvider(map[string]any{"ask": true})

	start := time.Now()
	msg := c.Err("cloudbase_add_provider", args)
	if took := time.Since(start); took > 30*time.Second {
		t.Fatalf("the call blocked %s", took)
	}
	for _, want := range []string{"Config.ClientSecret (secret reference)", "has not entered the ClientSecret for identity provider githuboauth",
		"nothing was sent", "make this same call again"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "invalid arguments") {
		t.Errorf("labelled as a fault of the arguments: %s", msg)
	}
	if e.App.Sandbox.Count("AddProvider") != 0 || len(urls) != 1 {
		t.Fatalf("sent %d AddProvider calls, opened %d pages", e.App.Sandbox.Count("AddProvider"), len(urls))
	}

	// The user fills the page now, then the agent makes the same call again.
	fillPage(t, urls[0], planted)
	out := c.Call("cloudbase_add_provider", args)
	if out.IsError || len(urls) != 1 {
		t.Fatalf("the same call again: %s (%d pages opened)", testenv.Text(out), len(urls))
	}
	raw, _ := os.ReadFile(state)
	if !strings.Contains(string(raw), planted) || strings.Contains(testenv.JSON(out), planted) || strings.Contains(e.Logs.String(), planted) {
		t.Fatal("the value entered is not stored, or it came out")
	}
}

func TestAskWithoutURLElicitationSaysWhatToDoInstead(t *testing.T) {
	se := newSecretEnv(t)
	for name, o := range map[string]testenv.ClientOptions{
		"no elicitation": {Legacy: true},
		"form only": {Legacy: true, Elicit: func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
			t.Error("asked a form-only client")
			return nil, io.EOF
		}},
	} {
		c, _ := se.Connect(o)
		msg := c.Err("cloudbase_add_provider", githubProvider(map[string]any{"ask": true}))
		for _, want := range []string{"Config.ClientSecret", "did not declare URL-mode elicitation", filepath.Join(se.dir, "githuboauth-ClientSecret"),
			`{"file": "githuboauth-ClientSecret"}`, "--secret-env", "Never ask the user to paste"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q lacks %q", name, msg, want)
			}
		}
	}
	if n := se.App.Sandbox.Count("AddProvider"); n != 0 {
		t.Fatalf("sent %d AddProvider calls", n)
	}
}

// Over Streamable HTTP the page is served by the transport's own listener,
// without the bearer token (the one-time URL is the capability).
func TestAskOverStreamableHTTP(t *testing.T) {
	_, mcpURL, _, logs := sharedApp(t, "http")
	const planted = "sk-openai-over-http-5d4c3b2a19"
	b := &browserUser{t: t, value: planted, action: mcp.ElicitationResponseActionAccept}
	tr, err := transport.NewStreamableHTTP(mcpURL, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + httpToken}),
		transport.WithContinuousListening())
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithElicitationHandler(testElicit(b.elicit)), client.WithLegacyProtocolOnly())
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "secret-http-test", Version: "1"}
	init.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{URL: &struct{}{}}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	res, raw, err := callTool(c, "cloudbase_create_user_key", map[string]any{"name": "openai-http", "authTypeCode": "openai_api_key",
		"ext": `{"apiKey":{"ask":true}}`})
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("ask over HTTP: %s", raw)
	}
	origin := strings.TrimSuffix(mcpURL, "/mcp")
	if len(b.urls) != 1 || !strings.HasPrefix(b.urls[0], origin+"/secret-input/") {
		t.Fatalf("page %v is not on the transport's listener %s", b.urls, origin)
	}
	if strings.Contains(raw, planted) || strings.Contains(logs.String(), planted) {
		t.Fatal("the planted secret came out")
	}
}

type testElicit func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f testElicit) Elicit(_ context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(r)
}

// The instructions recommend {"ask":true} only to a client that can open the
// page, and tell one that cannot be asked to get a yes in chat.
func TestInstructionsFitTheClient(t *testing.T) {
	se := newSecretEnv(t)
	initialize := func(caps mcp.ClientCapabilities) string {
		t.Helper()
		opts := []client.ClientOption{client.WithLegacyProtocolOnly()}
		if caps.Elicitation != nil {
			opts = append(opts, client.WithElicitationHandler(testElicit(func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error) { return nil, io.EOF })))
		}
		c, err := client.NewInProcessClientWithOptions(se.App.MCP, opts...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
		init.Params.ClientInfo = mcp.Implementation{Name: "instructions-probe", Version: "1"}
		init.Params.Capabilities = caps
		res, err := c.Initialize(context.Background(), init)
		if err != nil {
			t.Fatal(err)
		}
		return res.Instructions
	}
	withURL := initialize(mcp.ClientCapabilities{Elicitation: &mcp.ElicitationCapability{Form: &struct{}{}, URL: &struct{}{}}})
	formOnly := initialize(mcp.ClientCapabilities{Elicitation: &mcp.ElicitationCapability{Form: &struct{}{}}})
	none := initialize(mcp.ClientCapabilities{})
	if !strings.Contains(withURL, `{"ask":true} makes the server ask the user on a one-time page your client opens (use this by default)`) ||
		strings.Contains(withURL, "not confirmed by the user\"\n") {
		t.Errorf("URL-elicitation client: %s", withURL)
	}
	for name, got := range map[string]string{"form only": formOnly, "none": none} {
		if strings.Contains(got, "by default") || !strings.Contains(got, `{"ask":true} does NOT work for your client`) ||
			!strings.Contains(got, "use file or env") || !strings.Contains(got, `{"file":"NAME"}`) || !strings.Contains(got, "CLOUDOPS_TEST_GH_SECRET") {
			t.Errorf("%s: ask advice: %s", name, got)
		}
	}
	if !strings.Contains(none, "Your client cannot be asked to confirm") || !strings.Contains(none, "explicit yes in chat") {
		t.Errorf("no elicitation: confirmation advice: %s", none)
	}
	if strings.Contains(formOnly, "Your client cannot be asked to confirm") {
		t.Errorf("a form-elicitation client can be asked: %s", formOnly)
	}
	// Without a session to carry a page request, ask is not offered either.
	if got := instructionsOf(t, se.Env); !strings.Contains(got, `{"ask":true} does NOT work for your client`) {
		t.Errorf("sessionless initialize: %s", got)
	}
}
