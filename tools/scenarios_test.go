package tools_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Agent scenarios: the product's acceptance tests for AI agents. Each is a
// task an agent is given, done through an MCP client against the sandbox the
// way an agent would, with a budget of tool calls, the questions the user is
// asked (none for a no-op or a missing target), and no hint that names a tool
// the catalogue lacks.

// agent is an MCP client whose user answers every question with yes, and
// which keeps count of calls and questions.
type agent struct {
	t     *testing.T
	env   *testenv.Env
	known map[string]bool

	mu        sync.Mutex
	calls     int
	questions []string
	// files answers a question for a file name (deliverTo); "" declines it.
	files string
}

func newAgent(t *testing.T) *agent {
	base := testenv.New(t)
	base.FastRetries()
	a := &agent{t: t, known: knownNames(t)}
	a.env, _ = base.Connect(testenv.ClientOptions{Name: "agent", Elicit: func(r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		a.mu.Lock()
		a.questions = append(a.questions, r.Params.Message)
		file := a.files
		a.mu.Unlock()
		if props, _ := r.Params.RequestedSchema.(map[string]any)["properties"].(map[string]any); props["deliverTo"] != nil {
			if file == "" {
				return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}, nil
			}
			return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
				Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"deliverTo": file}}}, nil
		}
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
			Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": true}}}, nil
	}})
	return a
}

// do calls a tool and returns its result text and structured content; every
// tool name the text mentions must exist.
func (a *agent) do(tool string, args map[string]any) (text string, out map[string]any, isErr bool) {
	a.t.Helper()
	a.calls++
	res := a.env.Call(tool, args)
	text = testenv.Text(res)
	for _, name := range toolNameRE.FindAllString(text, -1) {
		if !a.known[name] {
			a.t.Errorf("%s: the answer names %s, which does not exist: %s", tool, name, text)
		}
	}
	if vagueHint.MatchString(text) {
		a.t.Errorf("%s: dead-end hint: %s", tool, text)
	}
	out, _ = res.StructuredContent.(map[string]any)
	return text, out, res.IsError
}

func (a *agent) ok(tool string, args map[string]any) map[string]any {
	a.t.Helper()
	text, out, isErr := a.do(tool, args)
	if isErr {
		a.t.Fatalf("%s(%v): %s", tool, args, text)
	}
	return out
}

func (a *agent) fails(tool string, args map[string]any, want ...string) string {
	a.t.Helper()
	text, _, isErr := a.do(tool, args)
	if !isErr {
		a.t.Fatalf("%s(%v) succeeded, want an error: %s", tool, args, text)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			a.t.Errorf("%s(%v): %q lacks %q", tool, args, text, w)
		}
	}
	return text
}

// done checks the task's budget of calls and questions.
func (a *agent) done(maxCalls, questions int) []string {
	a.t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.calls > maxCalls {
		a.t.Errorf("%d tool calls, budget %d", a.calls, maxCalls)
	}
	if len(a.questions) != questions {
		a.t.Errorf("the user was asked %d times, want %d: %q", len(a.questions), questions, a.questions)
	}
	return a.questions
}

// "Show me the paid orders": discover the model and its fields, then query.
func TestScenarioPaidOrders(t *testing.T) {
	a := newAgent(t)
	models := a.ok("cloudbase_list_data_models", nil)
	if !strings.Contains(testenv.JSON(models), `"name":"orders"`) || !strings.Contains(testenv.JSON(models), `"name":"status"`) {
		t.Fatalf("orders model or its status field not listed: %v", models)
	}
	paid := a.ok("cloudbase_query_records", map[string]any{"datasource": "orders", "filter": "status eq 'paid'", "count": true})
	if paid["total"] != float64(2) {
		t.Fatalf("paid orders: %v", paid)
	}
	a.done(2, 0)
}

// A wrong model or field name is answered with the names that exist, so the
// next call is right.
func TestScenarioWrongModelAndField(t *testing.T) {
	a := newAgent(t)
	a.fails("cloudbase_query_records", map[string]any{"datasource": "order", "filter": "status eq 'paid'"}, "orders, sys_user, todo")
	a.fails("cloudbase_query_records", map[string]any{"datasource": "orders", "filter": "state eq 'paid'"}, "The fields of orders are", "status")
	a.ok("cloudbase_query_records", map[string]any{"datasource": "orders", "filter": "status eq 'paid'"})
	a.done(3, 0)
}

// "Turn email login on" when it is on already: nothing is asked, nothing sent.
func TestScenarioLoginNoOp(t *testing.T) {
	a := newAgent(t)
	cur := a.ok("cloudbase_get_login_config", nil)
	res := a.ok("cloudbase_modify_login_config", map[string]any{"EmailLogin": cur["EmailLogin"], "PhoneNumberLogin": cur["PhoneNumberLogin"]})
	if res["Changed"] != false || a.env.App.Sandbox.Count("ModifyLoginConfig") != 0 {
		t.Fatalf("no-op: %v", res)
	}
	a.done(2, 0)
}

// "Turn anonymous login on": one question naming the change and the env.
func TestScenarioLoginChange(t *testing.T) {
	a := newAgent(t)
	cur := a.ok("cloudbase_get_login_config", nil)
	on := cur["AnonymousLogin"] != true
	res := a.ok("cloudbase_modify_login_config", map[string]any{"AnonymousLogin": on})
	if res["Changed"] != true || res["Before"].(map[string]any)["AnonymousLogin"] == res["After"].(map[string]any)["AnonymousLogin"] {
		t.Fatalf("change: %v", res)
	}
	q := a.done(2, 1)
	if len(q) == 1 && !strings.Contains(q[0], "anonymous login for env demo-") {
		t.Fatalf("question: %q", q[0])
	}
}

// "Delete the azuread provider" (there is none): not found at once, with the
// ids that exist, and no question.
func TestScenarioMissingProvider(t *testing.T) {
	a := newAgent(t)
	a.fails("cloudbase_delete_provider", map[string]any{"Id": "azuread"}, `no identity provider "azuread"`, "the providers are: ", "github")
	a.fails("cloudbase_modify_provider", map[string]any{"Id": "azuread", "On": "FALSE"}, `no identity provider "azuread"`, "cloudbase_add_provider")
	a.done(2, 0)
}

// "Rotate GitHub's client secret": the question says the secret is replaced,
// never shows it, and the result has before and after. The secret's keyed
// fingerprint changes with the rotation and stays put when the same value is
// sent again, so the agent can tell what happened without seeing either value.
func TestScenarioRotateProviderSecret(t *testing.T) {
	a := newAgent(t)
	fpBefore := providerSecretMask(t, a.ok("cloudbase_get_providers", nil), "github")
	res := a.ok("cloudbase_modify_provider", map[string]any{"Id": "github", "Config": map[string]any{"ClientSecret": "scenario-secret-value-0001"}})
	if res["Changed"] != true || res["Before"] == nil || res["After"] == nil || strings.Contains(testenv.JSON(res), "scenario-secret-value") {
		t.Fatalf("rotate: %v", res)
	}
	before, after := secretOf(res["Before"]), secretOf(res["After"])
	if before != fpBefore || after == before || !fingerprintRE.MatchString(after) {
		t.Fatalf("fingerprints: listed %s, before %s, after %s: want before = listed, after a new fingerprint", fpBefore, before, after)
	}
	q := a.done(2, 1)
	if len(q) == 1 && (!strings.Contains(q[0], "Config.ClientSecret: set → replaced") || strings.Contains(q[0], "scenario-secret-value")) {
		t.Fatalf("question: %q", q[0])
	}
	// The same value again changes nothing: the fingerprint is kept.
	again := a.ok("cloudbase_modify_provider", map[string]any{"Id": "github", "Config": map[string]any{"ClientSecret": "scenario-secret-value-0001"}})
	if got := providerSecretMask(t, a.ok("cloudbase_get_providers", nil), "github"); got != after || strings.Contains(testenv.JSON(again), "scenario-secret-value") {
		t.Fatalf("unchanged secret: listed %s, want %s; result %v", got, after, again)
	}
	if again["Changed"] != false || len(a.questions) != 1 {
		t.Fatalf("the same secret again: %v, %d questions (want no new one)", again, len(a.questions))
	}
	a.done(4, 1) // the same secret again asked nothing
}

// "Set GitHub's client secret from the file gh.txt": the reference is checked
// before the user is asked to confirm (a missing file, an ask this client
// cannot answer: no question, nothing sent, the alternative named); the
// question says where the secret comes from, and the same file again asks
// nothing and changes nothing.
func TestScenarioSecretReferenceCheckedBeforeTheQuestion(t *testing.T) {
	a := newAgent(t)
	fromFile := map[string]any{"Id": "github", "Config": map[string]any{"ClientSecret": map[string]any{"file": "gh.txt"}}}
	a.fails("cloudbase_modify_provider", fromFile, `file "gh.txt"`, "umask 077", "nothing was asked")
	a.fails("cloudbase_modify_provider", map[string]any{"Id": "github", "Config": map[string]any{"ClientSecret": map[string]any{"ask": true}}},
		"cannot ask the user for it here", `{"file": "github-ClientSecret"}`, "nothing was asked")
	if n := a.env.App.Sandbox.Count("ModifyProvider"); n != 0 {
		t.Fatalf("%d ModifyProvider calls sent", n)
	}
	a.done(2, 0)

	const planted = "scenario-file-secret-0002"
	dir := a.env.App.Config.SecretsDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gh.txt"), []byte(planted), 0o600); err != nil {
		t.Fatal(err)
	}
	res := a.ok("cloudbase_modify_provider", fromFile)
	q := a.done(3, 1)
	if res["Changed"] != true || len(q) != 1 || !strings.Contains(q[0], "Config.ClientSecret: set → replaced (from file gh.txt)") {
		t.Fatalf("from a file: question %q, result %v", q, res)
	}
	again := a.ok("cloudbase_modify_provider", fromFile)
	if again["Changed"] != false {
		t.Fatalf("the same file again: %v", again)
	}
	a.done(4, 1)
	if out := testenv.JSON(res) + testenv.JSON(again) + strings.Join(q, " ") + a.env.Logs.String(); strings.Contains(out, planted) {
		t.Fatal("the secret came out")
	}
}

var fingerprintRE = regexp.MustCompile(`^\[redacted: fp [0-9a-f]{8}\]$`)

func secretOf(v any) string {
	p, _ := v.(map[string]any)
	c, _ := p["Config"].(map[string]any)
	s, _ := c["ClientSecret"].(string)
	return s
}

// providerSecretMask is the mask get_providers shows for a provider's secret.
func providerSecretMask(t *testing.T, out map[string]any, id string) string {
	t.Helper()
	list, _ := out["Data"].([]any)
	for _, p := range list {
		if m, _ := p.(map[string]any); m["Id"] == id {
			if s := secretOf(m); fingerprintRE.MatchString(s) {
				return s
			}
			t.Fatalf("provider %s: ClientSecret %v is not a fingerprint mask", id, m["Config"])
		}
	}
	t.Fatalf("no provider %s in %v", id, out)
	return ""
}

// "Mint a server key": the agent leaves out deliverTo; the user is asked
// which file gets the key, and the key goes there. Then revoke it by name.
func TestScenarioMintKey(t *testing.T) {
	a := newAgent(t)
	a.files = "ci-deploy.key"
	res := a.ok("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "ci deploy"})
	del, _ := res["Delivered"].(map[string]any)
	if del == nil || !strings.HasSuffix(del["path"].(string), "ci-deploy.key") || del["fingerprint"] == nil {
		t.Fatalf("delivered: %v", res)
	}
	// Revoke it by name: one question naming the key.
	a.ok("cloudbase_delete_api_key", map[string]any{"KeyName": "ci deploy"})
	q := a.done(2, 2)
	if len(q) == 2 && (!strings.Contains(q[0], "shown only once") || !strings.Contains(q[1], `Revoke API key "ci deploy"`)) {
		t.Fatalf("questions: %q", q)
	}
	a.fails("cloudbase_delete_api_key", map[string]any{"KeyName": "ci deploy"}, `no API key "ci deploy"`, "already revoked")
}

// The user declines to choose a file: no key is minted, and the result says so.
func TestScenarioMintKeyDeclined(t *testing.T) {
	a := newAgent(t)
	res := a.ok("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "ci deploy"})
	if res["declined"] != true || !strings.Contains(res["declinedChange"].(string), "no API key was created") {
		t.Fatalf("declined: %v", res)
	}
	if n := a.env.App.Sandbox.Count("CreateApiKey"); n != 0 {
		t.Fatalf("a key was minted nobody can see (%d)", n)
	}
	a.done(1, 1)
}

// A client that cannot be asked gets the one-line fix, and no key is spent.
func TestScenarioMintKeyWithoutElicitation(t *testing.T) {
	e := testenv.New(t)
	msg := e.Err("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "ci deploy"})
	if !strings.Contains(msg, "deliverTo: required") || !strings.Contains(msg, `"ci-deploy.key"`) || e.App.Sandbox.Count("CreateApiKey") != 0 {
		t.Fatalf("refusal: %s (%d keys minted)", msg, e.App.Sandbox.Count("CreateApiKey"))
	}
	res := e.OK("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "ci deploy", "deliverTo": "ci-deploy.key"})
	if res["Delivered"] == nil {
		t.Fatalf("with the fix: %v", res)
	}
}

// Out-of-range values are refused naming the field, the rule and the value.
func TestScenarioOutOfRange(t *testing.T) {
	a := newAgent(t)
	a.fails("cloudbase_modify_client", map[string]any{"MaxDevice": 80}, "MaxDevice: must be between -1 and 50", "80")
	res := a.ok("cloudbase_modify_client", map[string]any{"MaxDevice": 50}) // Id defaults to the env id
	if res["After"].(map[string]any)["MaxDevice"] != float64(50) {
		t.Fatalf("modify: %v", res)
	}
	a.done(2, 0)
}

// "Add Okta SSO to Telnyx": creating an SSO provider is asked about, naming
// the IdP that will be trusted.
func TestScenarioTelnyxSSO(t *testing.T) {
	a := newAgent(t)
	created := a.ok("telnyx_create_authentication_provider", map[string]any{"name": "Acme Okta", "short_name": "acme-okta",
		"settings": map[string]any{"idp_entity_id": "https://acme.okta.com/saml", "idp_sso_target_url": "https://acme.okta.com/sso",
			"idp_cert_fingerprint": oktaSettingsFingerprint}})
	id, _ := created["id"].(string)
	same := a.ok("telnyx_update_authentication_provider", map[string]any{"id": id, "name": "Acme Okta"})
	if same["changed"] != false {
		t.Fatalf("no-op update: %v", same)
	}
	q := a.done(2, 1)
	if len(q) == 1 && !strings.Contains(q[0], `users can sign in through the IdP these settings name only once it is turned on: settings.idp_entity_id: "https://acme.okta.com/saml"`) {
		t.Fatalf("question: %q", q[0])
	}
	a.fails("telnyx_delete_authentication_provider", map[string]any{"id": "00000000-0000-4000-8000-000000000000"}, "telnyx_list_authentication_providers")
	if n := len(a.questions); n != 1 {
		t.Fatalf("asked about a missing provider (%d questions)", n)
	}
}

// "Set the client secret of provider azuread" (there is none) with the secret
// asked through a page: the missing provider is reported at once, before any
// page is opened or question asked.
func TestScenarioSecretForMissingObject(t *testing.T) {
	a := newAgent(t)
	a.fails("cloudbase_modify_provider", map[string]any{"Id": "azuread", "Config": map[string]any{"ClientSecret": map[string]any{"ask": true}}},
		`no identity provider "azuread"`, "cloudbase_add_provider")
	a.fails("cloudbase_update_user_key", map[string]any{"keyId": "no-such-key", "extPatch": map[string]any{"apiKey": map[string]any{"ask": true}}},
		"no-such-key")
	a.fails("cloudbase_add_provider", map[string]any{"Id": "google", "ProviderType": "OIDC", "Name": map[string]any{"Message": "Google"},
		"Config": map[string]any{"Issuer": "https://accounts.google.com", "ClientId": "cid", "ClientSecret": map[string]any{"ask": true}}},
		"google exists already", "cloudbase_modify_provider")
	a.done(3, 0)
}

// A secret typed into the call works, but the result warns that it passed
// through the conversation and names the references to use next time,
// without repeating the value. A reference gets no warning.
func TestScenarioTypedSecretWarns(t *testing.T) {
	a := newAgent(t)
	const typed = "typed-in-chat-secret-0001"
	text, out, isErr := a.do("cloudbase_modify_provider", map[string]any{"Id": "github", "Config": map[string]any{"ClientSecret": typed}})
	w, _ := out["warnings"].([]any)
	if isErr || len(w) != 1 || !strings.Contains(w[0].(string), "Config.ClientSecret was typed into the call") ||
		!strings.Contains(text, `{"ask":true}`) || !strings.Contains(text, `{"env":"VAR"}`) || strings.Contains(text, typed) {
		t.Fatalf("typed secret: %s", text)
	}
	text, out, isErr = a.do("cloudbase_create_user_key", map[string]any{"name": "openai-typed", "authTypeCode": "openai_api_key",
		"ext": `{"apiKey":"sk-typed-0123456789abcdef","baseUrl":"https://api.openai.com/v1"}`})
	if w, _ := out["warnings"].([]any); isErr || len(w) != 1 || !strings.Contains(w[0].(string), "ext.apiKey was typed") || strings.Contains(text, "sk-typed-0123") {
		t.Fatalf("typed Ext secret: %s", text)
	}
	_, out, _ = a.do("cloudbase_modify_provider", map[string]any{"Id": "github", "On": "TRUE"})
	if out["warnings"] != nil {
		t.Fatalf("warned without a typed secret: %v", out)
	}
}

// "Connect OpenAI as openai-prod" when an integration of that name exists:
// the cloud allows a second one (KeyID is what is unique), so it is created,
// and the result warns, naming the existing one, what it serves, and how to
// undo or change.
func TestScenarioDuplicateIntegrationNameWarns(t *testing.T) {
	a := newAgent(t)
	out := a.ok("cloudbase_create_user_key", map[string]any{"name": "openai-prod", "authTypeCode": "no_auth"})
	w, _ := out["warnings"].([]any)
	if len(w) != 1 || !strings.Contains(w[0].(string), `Another integration is named "openai-prod" already: KeyID openai-prod (openai_api_key, bound to ai-assistant)`) ||
		!strings.Contains(w[0].(string), "cloudbase_delete_user_key (KeyID "+out["KeyID"].(string)+")") {
		t.Fatalf("duplicate name: %v", out)
	}
	if out = a.ok("cloudbase_create_user_key", map[string]any{"name": "openai-staging", "authTypeCode": "no_auth"}); out["warnings"] != nil {
		t.Fatalf("warned about a new name: %v", out)
	}
}

// "Allow 203.0.113.7 in Telnyx" when it is allowed already: the wanted state
// holds, so the answer is the existing entry, changed false, with a note
// naming the list tool — not an error asking to fix a field.
func TestScenarioTelnyxIPAllowedTwice(t *testing.T) {
	a := newAgent(t)
	first := a.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": "203.0.113.7"})
	again := a.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": "203.0.113.7"})
	note, _ := again["note"].(string)
	if first["changed"] != true || again["changed"] != false || again["id"] != first["id"] ||
		!strings.Contains(note, "203.0.113.7 is already allowed") || !strings.Contains(note, "telnyx_list_access_ip_addresses") {
		t.Fatalf("allowed twice: first %v, again %v", first, again)
	}
	list := a.ok("telnyx_list_access_ip_addresses", map[string]any{"ip_address": "203.0.113.7"})
	if d, _ := list["data"].([]any); len(d) != 1 {
		t.Fatalf("the existing entry is not found by the list the note names: %v", list)
	}
	a.done(3, 0)
}

// "Store the OpenAI bearer as openai-bearer" when that identifier exists: a
// Telnyx "already been taken" says the value is taken and how to find the
// existing record, not "fix the named field".
func TestScenarioTelnyxIdentifierTaken(t *testing.T) {
	a := newAgent(t)
	args := map[string]any{"identifier": "openai-bearer-taken", "type": "bearer", "token": "tnx-bearer-taken-0a1b2c3d4e5f6a7b"}
	a.ok("telnyx_create_integration_secret", args)
	msg := a.fails("telnyx_create_integration_secret", args, "identifier has already been taken", "A record with this identifier exists already",
		"look it up instead of creating it again", "telnyx_list_integration_secrets")
	if strings.Contains(msg, "Fix the named field") || strings.Contains(msg, "tnx-bearer-taken") {
		t.Fatalf("taken identifier: %s", msg)
	}
	a.done(2, 0)
}

// "Put the new WeChat Pay API v3 key from the file pay.key into wxpay-main":
// the reference inside extPatch is checked before the question, and the
// question names the instance and each patched field, the secret only as
// replaced and where it comes from.
func TestScenarioPatchIntegrationSecretFromFile(t *testing.T) {
	a := newAgent(t)
	args := map[string]any{"keyId": "wxpay-main", "extPatch": map[string]any{"apiV3Key": map[string]any{"file": "pay.key"}, "mchId": "1900000999"}}
	a.fails("cloudbase_update_user_key", args, `file "pay.key"`, "nothing was asked")
	a.done(1, 0)
	const planted = "scenario-apiv3-key-0123456789abcdef"
	dir := a.env.App.Config.SecretsDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pay.key"), []byte(planted), 0o600); err != nil {
		t.Fatal(err)
	}
	res := a.ok("cloudbase_update_user_key", args)
	q := a.done(2, 1)
	if len(q) != 1 || !strings.Contains(q[0], `Update integration "wxpay-main" (weixinpaydc, keyId wxpay-main)`) ||
		!strings.Contains(q[0], "apiV3Key: set → replaced (from file pay.key)") || !strings.Contains(q[0], `mchId: "`) ||
		strings.Contains(q[0], "extPatch=(") {
		t.Fatalf("question %q", q)
	}
	if out := testenv.JSON(res) + strings.Join(q, " ") + a.env.Logs.String(); strings.Contains(out, planted) {
		t.Fatal("the secret came out")
	}
}

// "Rotate the OpenAI key of openai-prod": Before and After show the stored
// key the same way (keyed fingerprints), so the rotation is visible.
func TestScenarioRotateIntegrationKeyComparable(t *testing.T) {
	a := newAgent(t)
	res := a.ok("cloudbase_update_user_key", map[string]any{"keyId": "openai-prod", "extPatch": map[string]any{"apiKey": "sk-scenario-rotated-0123456789abcdef"}})
	ext := func(side string) string {
		m, _ := res[side].(map[string]any)
		e, _ := m["Ext"].(map[string]any)
		s, _ := e["apiKey"].(string)
		return s
	}
	before, after := ext("Before"), ext("After")
	if !fingerprintRE.MatchString(before) || !fingerprintRE.MatchString(after) || before == after {
		t.Fatalf("apiKey before %q, after %q: want two different keyed fingerprints", before, after)
	}
	if strings.Contains(testenv.JSON(res), "sk-scenario-rotated") {
		t.Fatal("the key came out")
	}
}

// "Turn email login on" with no working sender: the change is made and the
// result warns, naming the fix call; with the sender fixed, no warning.
func TestScenarioEmailLoginWithoutSenderWarns(t *testing.T) {
	a := newAgent(t)
	a.ok("cloudbase_modify_login_config", map[string]any{"EmailLogin": false})
	on := a.ok("cloudbase_modify_login_config", map[string]any{"EmailLogin": true})
	w := testenv.JSON(on["warnings"])
	if on["Changed"] != true || !strings.Contains(w, "Email login is on, but no email can be sent") || !strings.Contains(w, "cloudbase_modify_provider") {
		t.Fatalf("email on without a sender: %v", on)
	}
	a.ok("cloudbase_modify_provider", map[string]any{"Id": "email", "ProviderType": "EMAIL", "On": "TRUE", "EmailConfig": map[string]any{"On": "TRUE"}})
	a.ok("cloudbase_modify_login_config", map[string]any{"EmailLogin": false})
	if again := a.ok("cloudbase_modify_login_config", map[string]any{"EmailLogin": true}); again["warnings"] != nil {
		t.Fatalf("warned with a working sender: %v", again)
	}
}
