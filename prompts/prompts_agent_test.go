package prompts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// renderings are argument sets that between them reach every branch of
// every prompt (add and change, no-op and change, live and given values).
var renderings = []struct {
	name string
	args map[string]string
}{
	{"setup_identity_provider", map[string]string{"providerType": "OIDC", "providerId": "corpsso", "issuer": "https://login.example.com"}},
	{"setup_identity_provider", map[string]string{"providerType": "OAUTH", "authorizationEndpoint": "https://idp.example.com/a", "tokenEndpoint": "https://idp.example.com/t"}},
	{"setup_identity_provider", map[string]string{"providerType": "SAML"}},
	{"setup_identity_provider", map[string]string{"providerType": "WX_OPEN"}},
	{"setup_identity_provider", map[string]string{"providerType": "OIDC", "providerId": "google", "issuer": "https://login.example.com", "displayName": "Corp"}},
	{"setup_identity_provider", map[string]string{"providerType": "OAUTH", "providerId": "github"}},
	{"enable_login_methods", nil},
	{"enable_login_methods", map[string]string{"enable": "email"}},
	{"enable_login_methods", map[string]string{"enable": "anonymous,phone", "disable": "username"}},
	{"enable_login_methods", map[string]string{"disable": "phone,email,username"}},
	{"rotate_api_key", map[string]string{"keyName": "server-prod"}},
	{"review_login_security", nil},
	{"create_integration_from_template", map[string]string{"authTypeCode": "weixinpaydc"}},
	{"create_integration_from_template", map[string]string{"authTypeCode": "github_oauth", "name": "gh"}},
	{"create_integration_from_template", map[string]string{"authTypeCode": "openai_api_key", "name": "openai-prod"}},
	{"create_integration_from_template", map[string]string{"authTypeCode": "basic_auth"}},
	{"choose_connector_auth", map[string]string{"system": "WeChat Pay"}},
	{"choose_connector_auth", map[string]string{"system": "Okta", "usage": "sign-in"}},
	{"setup_telnyx_sso", nil},
	{"setup_telnyx_sso", map[string]string{"shortName": "newidp", "settingsUrl": "https://idp.example.com/metadata.xml"}},
	{"setup_telnyx_sso", map[string]string{"shortName": "myorg", "name": "Okta EU"}},
}

// Every prompt whose arguments are all optional renders without any: it
// shows what exists now and asks, instead of failing.
func TestPromptsWithOptionalArgumentsRenderBare(t *testing.T) {
	e := testenv.New(t)
	res, err := e.Client.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	bare := 0
	for _, p := range res.Prompts {
		if slices.ContainsFunc(p.Arguments, func(a mcp.PromptArgument) bool { return a.Required }) {
			continue
		}
		bare++
		text, err := e.Prompt(p.Name, nil)
		if err != nil {
			t.Errorf("%s with no arguments: %v", p.Name, err)
			continue
		}
		if !strings.Contains(strings.ToLower(text), "read live just now") && !strings.Contains(text, "read just now") && !strings.Contains(text, "Read just now") {
			t.Errorf("%s with no arguments does not show the current state:\n%s", p.Name, text)
		}
	}
	if bare < 3 { // enable_login_methods, review_login_security, setup_telnyx_sso
		t.Fatalf("only %d prompts with optional arguments", bare)
	}
}

// schemaIndex holds each tool's input and output schema as a client sees them.
type schemaIndex map[string]struct{ in, out map[string]any }

func schemas(t *testing.T, e *testenv.Env) schemaIndex {
	t.Helper()
	res, err := e.Client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	idx := schemaIndex{}
	for _, tool := range res.Tools {
		raw, _ := json.Marshal(tool)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		in, _ := m["inputSchema"].(map[string]any)
		out, _ := m["outputSchema"].(map[string]any)
		idx[tool.Name] = struct{ in, out map[string]any }{in, out}
	}
	return idx
}

// branches resolves $ref and lists the alternatives (anyOf, oneOf, allOf) of s.
func branches(root, s map[string]any) []map[string]any {
	if ref, ok := s["$ref"].(string); ok {
		cur := any(root)
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := cur.(map[string]any)
			cur = m[part]
		}
		if r, ok := cur.(map[string]any); ok {
			return branches(root, r)
		}
		return nil
	}
	out := []map[string]any{s}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		list, _ := s[k].([]any)
		for _, b := range list {
			if bm, ok := b.(map[string]any); ok {
				out = append(out, branches(root, bm)...)
			}
		}
	}
	return out
}

// property is the schema of name inside s, or nil when s does not declare it.
func property(root, s map[string]any, name string) map[string]any {
	for _, b := range branches(root, s) {
		if props, ok := b["properties"].(map[string]any); ok {
			if p, ok := props[name].(map[string]any); ok {
				return p
			}
		}
		if items, ok := b["items"].(map[string]any); ok {
			if p := property(root, items, name); p != nil {
				return p
			}
		}
	}
	return nil
}

// hasPath reports whether path resolves in s or in an object nested in s
// (at most depth levels down: list items, Before/After).
func hasPath(root, s map[string]any, path []string, depth int) bool {
	cur := s
	for _, p := range path {
		if opaque(root, cur) {
			return true // the schema outlines no deeper: TestRotateAPIKeyAsTheAgent checks a real result
		}
		if cur = property(root, cur, p); cur == nil {
			break
		}
	}
	if cur != nil {
		return true
	}
	if depth == 0 {
		return false
	}
	for _, b := range branches(root, s) {
		for _, k := range []string{"properties"} {
			props, _ := b[k].(map[string]any)
			for _, p := range props {
				if pm, ok := p.(map[string]any); ok && hasPath(root, pm, path, depth-1) {
					return true
				}
			}
		}
		if items, ok := b["items"].(map[string]any); ok && hasPath(root, items, path, depth-1) {
			return true
		}
	}
	return false
}

// opaque reports whether s is an object whose fields the schema does not
// list (output schemas outline a result only down to its list items).
func opaque(root, s map[string]any) bool {
	for _, b := range branches(root, s) {
		if _, ok := b["properties"]; ok {
			return false
		}
		if _, ok := b["items"]; ok {
			return false
		}
	}
	typ, _ := s["type"].(string)
	return typ == "object"
}

// checkArgs reports every key of v (recursively) that s does not declare.
func checkArgs(root, s map[string]any, v any, path string) []string {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var bad []string
	for k, sub := range obj {
		p := property(root, s, k)
		if p == nil {
			bad = append(bad, path+k)
			continue
		}
		bad = append(bad, checkArgs(root, p, sub, path+k+".")...)
	}
	return bad
}

var (
	callRe   = regexp.MustCompile(`\b((?:cloudbase|telnyx)_[a-z_]+[a-z]) \{`)
	nameRe   = regexp.MustCompile(`\b(?:cloudbase|telnyx)_[a-z_]+[a-z]\b`)
	dottedRe = regexp.MustCompile(`\b([A-Za-z][A-Za-z_]*)((?:\.[A-Za-z][A-Za-z_]*)+)\b`)
)

// Every tool a prompt names exists; every call it spells out passes only
// fields the tool's input schema declares, spelled the same; every dotted
// field it mentions (Delivered.path, Config.ClientSecret) is in the input or
// output schema of a tool the prompt names.
func TestPromptTextNamesRealToolsAndFields(t *testing.T) {
	e := testenv.New(t)
	idx := schemas(t, e)
	prompts := map[string]bool{}
	for _, n := range allPrompts {
		prompts[n] = true
	}
	calls := 0
	for _, r := range renderings {
		text, err := e.Prompt(r.name, r.args)
		if err != nil {
			t.Errorf("%s %v: %v", r.name, r.args, err)
			continue
		}
		what := fmt.Sprintf("%s %v", r.name, r.args)
		named := map[string]bool{}
		for _, n := range nameRe.FindAllString(text, -1) {
			if _, ok := idx[n]; !ok && !prompts[n] {
				t.Errorf("%s names a tool that does not exist: %s", what, n)
			}
			named[n] = true
		}
		for _, m := range callRe.FindAllStringSubmatchIndex(text, -1) {
			tool := text[m[2]:m[3]]
			var args map[string]any
			if err := json.NewDecoder(strings.NewReader(text[m[1]-1:])).Decode(&args); err != nil {
				t.Errorf("%s: the call of %s is not JSON: %v", what, tool, err)
				continue
			}
			calls++
			in := idx[tool].in
			for _, bad := range checkArgs(in, in, args, "") {
				t.Errorf("%s tells the agent to pass %s to %s, which its input schema does not declare", what, bad, tool)
			}
		}
		for _, m := range dottedRe.FindAllStringSubmatch(text, -1) {
			path := append([]string{m[1]}, strings.Split(strings.TrimPrefix(m[2], "."), ".")...)
			found, relevant := false, false
			for tool := range named {
				for _, s := range []map[string]any{idx[tool].in, idx[tool].out} {
					if s == nil {
						continue
					}
					relevant = relevant || hasPath(s, s, path[:1], 4)
					found = found || hasPath(s, s, path, 4)
				}
			}
			if relevant && !found {
				t.Errorf("%s mentions %s, which no schema of the tools it names spells that way", what, m[0])
			}
		}
	}
	if calls < 20 {
		t.Fatalf("only %d tool calls checked", calls)
	}
}

// The prompts follow the live state: what exists is changed, not added;
// a request that changes nothing says so; a fixed problem stops being warned about.
func TestPromptsFollowLiveState(t *testing.T) {
	e := testenv.New(t)
	render := renderer(t, e)

	// Email login is on and the EMAIL provider is off: a warning with the fix, which the agent applies.
	text := render("enable_login_methods", map[string]string{"enable": "email"})
	if !strings.Contains(text, "Nothing to change") || strings.Contains(text, "cloudbase_modify_login_config {") ||
		!strings.Contains(text, "no email can be sent") {
		t.Fatalf("no-op with a broken sender:\n%s", text)
	}
	fix := regexp.MustCompile(`cloudbase_modify_provider (\{.*?\}\}?)[ .]`).FindStringSubmatch(text)
	if fix == nil {
		t.Fatalf("no fix to apply in:\n%s", text)
	}
	var args map[string]any
	if err := json.Unmarshal([]byte(fix[1]), &args); err != nil {
		t.Fatal(err)
	}
	e.OK("cloudbase_modify_provider", args)
	if text := render("enable_login_methods", nil); strings.Contains(text, "no email can be sent") || strings.Contains(text, "cloudbase_modify_login_config {\"") {
		t.Fatalf("after the fix the sender is still reported broken, or a change is proposed without one asked:\n%s", text)
	}

	// Turning everything off with no provider on is stopped.
	for _, id := range []string{"google", "github", "wxopen", "email"} {
		e.OK("cloudbase_modify_provider", map[string]any{"Id": id, "On": "FALSE"})
	}
	if text := render("enable_login_methods", map[string]string{"disable": "phone,email,username"}); !strings.Contains(text, "nobody could sign in") {
		t.Fatalf("locking everyone out is not stopped:\n%s", text)
	}

	// A provider added through the add call the prompt gives is changed afterwards, not added again.
	text = render("setup_identity_provider", map[string]string{"providerType": "OIDC", "providerId": "corpsso", "issuer": "https://login.example.com"})
	if !strings.Contains(text, "cloudbase_add_provider {") {
		t.Fatalf("a new provider is not added:\n%s", text)
	}
	added := e.OK("cloudbase_add_provider", map[string]any{"Id": "corpsso", "ProviderType": "OIDC", "Name": map[string]any{"Message": "Corp"},
		"Config": map[string]any{"Issuer": "https://login.example.com", "ClientId": "corp-client", "Scope": "openid"}, "On": "FALSE"})
	if after, _ := added["After"].(map[string]any); after["ProviderType"] != "OIDC" { // the prompt verifies from After
		t.Fatalf("add_provider's result has no After to verify from: %v", added)
	}
	text = render("setup_identity_provider", map[string]string{"providerType": "OIDC", "providerId": "corpsso", "issuer": "https://login2.example.com"})
	if strings.Contains(text, "cloudbase_add_provider") || !strings.Contains(text, `cloudbase_modify_provider {"Config":{"Issuer":"https://login2.example.com"},"Id":"corpsso"}`) ||
		!strings.Contains(text, "Config.ClientId corp-client") || !strings.Contains(text, "switched off") {
		t.Fatalf("an existing provider is not modified:\n%s", text)
	}
	if text := render("setup_identity_provider", map[string]string{"providerType": "OIDC", "providerId": "corpsso", "issuer": "https://login.example.com"}); !strings.Contains(text, "Nothing to change was given") {
		t.Fatalf("an equal issuer is proposed as a change:\n%s", text)
	}

	// Telnyx: a provider created with the prompt's call is updated afterwards.
	text = render("setup_telnyx_sso", map[string]string{"shortName": "corp", "name": "Corp IdP"})
	if !strings.Contains(text, "telnyx_create_authentication_provider {") {
		t.Fatalf("no create call:\n%s", text)
	}
	created := e.OK("telnyx_create_authentication_provider", map[string]any{"name": "Corp IdP", "short_name": "corp", "active": false,
		"settings": map[string]any{"idp_entity_id": "https://idp.example.com/e", "idp_sso_target_url": "https://idp.example.com/sso",
			"idp_cert_fingerprint": "13:38:C7:BB:C9:FF:4A:70:38:3A:E3:D9:5C:CD:DB:2E:50:1E:80:A7"}})
	text = render("setup_telnyx_sso", map[string]string{"shortName": "corp"})
	if strings.Contains(text, "telnyx_create_authentication_provider {") || !strings.Contains(text, fmt.Sprint(created["id"])) ||
		!strings.Contains(text, "telnyx_update_authentication_provider {") {
		t.Fatalf("an existing Telnyx provider is not updated:\n%s", text)
	}
}

// No prompt shows a secret: provider client secrets, an SMTP password, a
// Telnyx integration secret and integration ciphertext are planted, then
// every prompt is rendered in every branch.
func TestNoSecretInAnyPrompt(t *testing.T) {
	e := testenv.New(t)
	ctx := context.Background()
	planted := plantedSecrets(t, e)
	clientSecret := "planted-client-secret-9f8e7d6c5b4a"
	smtpPassword := "planted-smtp-password-1a2b3c4d5e"
	telnyxToken := "planted-telnyx-token-0c9d8e7f6a5b"
	if _, err := tcb.ClientKey.Get(e.App.Deps.Clients).ModifyProvider(ctx, &tcb.ModifyProviderRequest{Id: "google", Config: &tcb.ProviderConfig{ClientSecret: clientSecret}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tcb.ClientKey.Get(e.App.Deps.Clients).ModifyProvider(ctx, &tcb.ModifyProviderRequest{Id: "email", On: "TRUE", EmailConfig: &tcb.EmailConfig{SmtpConfig: &tcb.SmtpConfig{
		SenderAddress: "noreply@example.com", ServerHost: "smtp.example.com", ServerPort: 465, AccountUsername: "noreply", AccountPassword: smtpPassword}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := telnyx.ClientKey.Get(e.App.Deps.Clients).CreateIntegrationSecret(ctx, &telnyx.CreateIntegrationSecretParams{Identifier: "planted", Type: "bearer", Token: telnyxToken}); err != nil {
		t.Fatal(err)
	}
	planted = append(planted, clientSecret, smtpPassword, telnyxToken)
	for _, r := range renderings {
		text, err := e.Prompt(r.name, r.args)
		if err != nil {
			t.Errorf("%s %v: %v", r.name, r.args, err)
			continue
		}
		for _, s := range planted {
			if strings.Contains(text, s) {
				t.Errorf("%s %v shows a planted secret %.8s…", r.name, r.args, s)
			}
		}
	}
	// The bad-argument answers too.
	_, err := e.Prompt("setup_identity_provider", map[string]string{"providerType": "OAUTH", "providerId": "google"})
	for _, s := range planted {
		if err == nil || strings.Contains(err.Error(), s) {
			t.Errorf("error %v shows a secret or is missing", err)
		}
	}
	for _, s := range planted {
		if strings.Contains(e.Logs.String(), s) {
			t.Errorf("a planted secret %.8s… reached the logs", s)
		}
	}
}

// callsIn returns the tool calls a prompt spells out, in order.
func callsIn(t *testing.T, text string) []struct {
	tool string
	args map[string]any
} {
	t.Helper()
	var out []struct {
		tool string
		args map[string]any
	}
	for _, m := range callRe.FindAllStringSubmatchIndex(text, -1) {
		var args map[string]any
		if err := json.NewDecoder(strings.NewReader(text[m[1]-1:])).Decode(&args); err != nil {
			t.Fatalf("call of %s is not JSON: %v", text[m[2]:m[3]], err)
		}
		out = append(out, struct {
			tool string
			args map[string]any
		}{text[m[2]:m[3]], args})
	}
	return out
}

// Play the agent through rotate_api_key: make the calls it gives, and find
// the result fields where it says they are.
func TestRotateAPIKeyAsTheAgent(t *testing.T) {
	e := testenv.New(t)
	text, err := e.Prompt("rotate_api_key", map[string]string{"keyName": "server-prod"})
	if err != nil {
		t.Fatal(err)
	}
	byTool := map[string]map[string]any{}
	for _, c := range callsIn(t, text) {
		byTool[c.tool] = c.args
	}
	created := e.OK("cloudbase_create_api_key", byTool["cloudbase_create_api_key"])
	if !strings.Contains(text, "Delivered.path") || !strings.Contains(text, "Delivered.fingerprint") {
		t.Fatalf("the prompt no longer says where the delivery is reported:\n%s", text)
	}
	delivered, _ := created["Delivered"].(map[string]any)
	if delivered["path"] == nil || delivered["path"] == "" || delivered["fingerprint"] == nil || delivered["fingerprint"] == "" {
		t.Fatalf("Delivered.path / Delivered.fingerprint not in the result: %v", created)
	}
	if _, ok := created["ApiKey"].(string); ok && created["ApiKey"] != "" && !strings.Contains(fmt.Sprint(created["ApiKey"]), "redacted") {
		t.Fatalf("the token came back into the conversation: %v", created)
	}
	del := byTool["cloudbase_delete_api_key"]
	if strings.HasPrefix(fmt.Sprint(del["KeyId"]), "<") {
		t.Fatalf("the delete call has a placeholder though the key is known: %v", del)
	}
	e.OK("cloudbase_delete_api_key", del)
	list := e.OK("cloudbase_describe_api_key_list", byTool["cloudbase_describe_api_key_list"])
	names := testenv.JSON(list)
	if strings.Contains(names, fmt.Sprint(del["KeyId"])) || !strings.Contains(names, "server-prod-rotated") {
		t.Fatalf("after the rotation: %s", names)
	}
}

// The connector rules are about integrations: a sign-in choice does not carry them.
func TestConnectorRulesOnlyForIntegrations(t *testing.T) {
	e := testenv.New(t)
	for usage, want := range map[string]bool{"sign-in": false, "integration": true, "": true} {
		text, err := e.Prompt("choose_connector_auth", map[string]string{"system": "Okta", "usage": usage})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(text, "变更授权方式为重大变更"); got != want {
			t.Errorf("usage %q: connector rules shown %v, want %v", usage, got, want)
		}
	}
}

// Play the agent: make the calls the prompts give, exactly as given (the
// user's values filled in where a placeholder stands), and re-render: the
// calls are accepted and the prompt then sees the state it asked for.
func TestPromptCallsWorkAsGiven(t *testing.T) {
	e := testenv.New(t)
	render := renderer(t, e)

	// review_login_security: every fix as given, then nothing is left to fix.
	text := render("review_login_security", nil)
	fixes := 0
	for _, c := range callsIn(t, text) {
		if c.tool == "cloudbase_get_login_config" || c.tool == "cloudbase_describe_client" || c.tool == "cloudbase_get_providers" {
			continue
		}
		e.OK(c.tool, c.args)
		fixes++
	}
	if fixes < 5 {
		t.Fatalf("only %d fixes in:\n%s", fixes, text)
	}
	if text := render("review_login_security", nil); !strings.Contains(text, "No weak setting found") {
		t.Fatalf("after every fix as given, findings remain:\n%s", text)
	}

	// enable_login_methods: the change as given, then nothing to change.
	args := map[string]string{"enable": "anonymous", "disable": "username"}
	for _, c := range callsIn(t, render("enable_login_methods", args)) {
		e.OK(c.tool, c.args)
	}
	if text := render("enable_login_methods", args); !strings.Contains(text, "Nothing to change") {
		t.Fatalf("after the change as given:\n%s", text)
	}

	// create_integration_from_template: the create call with the user's
	// values, the secret as the file reference the prompt names (this client
	// cannot open the server's page), then the verify call.
	if err := os.MkdirAll(e.App.Config.SecretsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.App.Config.SecretsDir, "agent-openai-apiKey"), []byte("sk-planted-agent-value-0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	calls := callsIn(t, render("create_integration_from_template", map[string]string{"authTypeCode": "openai_api_key", "name": "agent-openai"}))
	var created map[string]any
	for _, c := range calls {
		switch c.tool {
		case "cloudbase_create_user_key":
			c.args["ext"] = strings.ReplaceAll(c.args["ext"].(string), "<Base URL>", "https://api.example.com/v1")
			created = e.OK(c.tool, c.args)
		case "cloudbase_get_user_key":
			c.args["keyId"] = created["KeyID"]
			got := e.OK(c.tool, c.args)
			if !strings.Contains(testenv.JSON(got["WithheldFields"]), "apiKey") || strings.Contains(testenv.JSON(got), "sk-planted") {
				t.Fatalf("the instance created as the prompt says: %v", got)
			}
		}
	}
	if created == nil {
		t.Fatal("no create call")
	}

	// setup_telnyx_sso: switch an inactive provider on with the call given.
	for _, c := range callsIn(t, render("setup_telnyx_sso", map[string]string{"shortName": "myorg-staging"})) {
		if c.tool == "telnyx_update_authentication_provider" {
			c.args["active"] = true
			delete(c.args, "name") // the placeholder: the user wants it on, nothing else
			if res := e.OK(c.tool, c.args); res["changed"] != true {
				t.Fatalf("update as given: %v", res)
			}
		}
	}
	if text := render("setup_telnyx_sso", nil); !strings.Contains(text, `"Azure AD (staging)", active true`) {
		t.Fatalf("after switching it on:\n%s", text)
	}
}

// renderer gets a prompt's text from e, failing t when it cannot be rendered.
func renderer(t *testing.T, e *testenv.Env) func(name string, args map[string]string) string {
	return func(name string, args map[string]string) string {
		t.Helper()
		text, err := e.Prompt(name, args)
		if err != nil {
			t.Fatalf("%s %v: %v", name, args, err)
		}
		return text
	}
}
