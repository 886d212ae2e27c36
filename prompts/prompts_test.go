package prompts_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

var allPrompts = []string{"setup_identity_provider", "enable_login_methods", "rotate_api_key",
	"create_integration_from_template", "choose_connector_auth", "review_login_security", "setup_telnyx_sso"}

func TestPromptCatalogue(t *testing.T) {
	e := testenv.New(t)
	res, err := e.Client.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]mcp.Prompt{}
	for _, p := range res.Prompts {
		byName[p.Name] = p
	}
	for _, name := range allPrompts {
		p, ok := byName[name]
		if !ok {
			t.Errorf("%s: not listed", name)
			continue
		}
		if p.Title == "" || len(p.Description) < 20 || len(p.Description) > 300 || strings.Contains(p.Description, "\n") {
			t.Errorf("%s: title and a one-line description required: %+v", name, p)
		}
		for _, a := range p.Arguments {
			if a.Description == "" {
				t.Errorf("%s.%s: no description", name, a.Name)
			}
		}
	}
	if req := requiredArgs(byName["setup_identity_provider"]); !slices.Equal(req, []string{"providerType"}) {
		t.Errorf("setup_identity_provider required args %v", req)
	}
	if req := requiredArgs(byName["rotate_api_key"]); !slices.Equal(req, []string{"keyName"}) {
		t.Errorf("rotate_api_key required args %v", req)
	}
}

func requiredArgs(p mcp.Prompt) []string {
	var out []string
	for _, a := range p.Arguments {
		if a.Required {
			out = append(out, a.Name)
		}
	}
	return out
}

// plantedSecrets are the secrets the sandbox holds that a prompt could leak
// (provider client secrets, integration ciphertext).
func plantedSecrets(t *testing.T, e *testenv.Env) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	list, err := tcb.ClientKey.Get(e.App.Deps.Clients).GetProviders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list.Data {
		if p.Config != nil && p.Config.ClientSecret != "" {
			out = append(out, p.Config.ClientSecret)
		}
	}
	k, err := tcb.ClientKey.Get(e.App.Deps.Clients).GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: "wxpay-main", NeedPwd: true})
	if err != nil {
		t.Fatal(err)
	}
	var ext map[string]any
	_ = json.Unmarshal([]byte(k.UserKeyInfo.Ext), &ext)
	return append(out, ext["apiV3Key"].(string), ext["privateKey"].(string))
}

var toolName = regexp.MustCompile(`\b(?:cloudbase|telnyx)_[a-z_]+[a-z]\b`)

func TestPromptsRenderWithValidArguments(t *testing.T) {
	e := testenv.New(t)
	tools := map[string]bool{}
	for _, tl := range e.App.Tools {
		tools[tl.Spec.Name] = true
	}
	cases := []struct {
		name string
		args map[string]string
		// want appear in this order in the text.
		want []string
	}{
		{"setup_identity_provider", map[string]string{"providerType": "oidc", "issuer": "https://login.example.com", "providerId": "corpsso"},
			[]string{"OIDC", `Id "corpsso"`, "providers exist", `Of type OIDC: "google" (On TRUE)`, "Issuer: https://login.example.com", "cloudbase_add_provider", `"On":"FALSE"`,
				"result's After", "[redacted", "cloudbase_modify_provider", `"On":"TRUE"`}},
		// An existing provider is changed, with only the fields that differ.
		{"setup_identity_provider", map[string]string{"providerType": "OIDC", "providerId": "google", "issuer": "https://login.example.com"},
			[]string{`"google" (OIDC) already exists`, "do not add another", "Config.Issuer https://accounts.google.com", "Config.ClientSecret set",
				"Config.Issuer: https://accounts.google.com → https://login.example.com",
				`cloudbase_modify_provider {"Config":{"Issuer":"https://login.example.com"},"Id":"google"}`, "Before and After"}},
		{"setup_identity_provider", map[string]string{"providerType": "OAUTH", "authorizationEndpoint": "https://idp.example.com/auth", "tokenEndpoint": "https://idp.example.com/token"},
			[]string{"OAUTH", "AuthorizationEndpoint: https://idp.example.com/auth", "RedirectUri", "/auth/v1/callback", "cloudbase_add_provider"}},
		{"setup_identity_provider", map[string]string{"providerType": "SAML"}, []string{"SamlMetadata", "cloudbase_add_provider"}},
		{"setup_identity_provider", map[string]string{"providerType": "WX_OPEN", "displayName": "WeChat"}, []string{"AppID", "AppSecret", `"Message":"WeChat"`}},
		{"enable_login_methods", map[string]string{"enable": "email, Anonymous", "disable": "phone"},
			[]string{"read just now: phone SMS (PhoneNumberLogin) on; email (EmailLogin) on", "Change: PhoneNumberLogin: on → off; AnonymousLogin: off → on",
				"(email is already on: not sent.)", "Warning: Email login is on, but no email can be sent", "Warning: Anonymous login",
				`cloudbase_modify_login_config {"AnonymousLogin":true,"PhoneNumberLogin":false}`, "Before and After"}},
		{"rotate_api_key", map[string]string{"keyName": "server-prod"},
			[]string{`"server-prod"`, "KeyId key-", "read just now", "cloudbase_create_api_key", `"deliverTo":"server-prod-rotated.key"`,
				"explicit yes", "cloudbase_delete_api_key", `{"KeyId":"key-`, "cloudbase_describe_api_key_list"}},
		{"create_integration_from_template", map[string]string{"authTypeCode": "weixinpaydc", "name": "pay"},
			[]string{"weixinpaydc (WeChat Pay)", "apiV3Key", "secret", `No instance is named "pay" yet`,
				`cloudbase_create_user_key {"authTypeCode":"weixinpaydc","ext":"{\"apiV3Key\":{\"file\":\"pay-apiV3Key\"},\"appId\":\"<AppID>\"`, `"name":"pay"}`,
				`cloudbase_get_user_key {"keyId":`, "WithheldFields"}},
		{"create_integration_from_template", map[string]string{"authTypeCode": "openai_api_key"}, []string{"cloudbase_list_user_keys", `{"name":"<name>"}`}},
		{"create_integration_from_template", map[string]string{"authTypeCode": "openai_api_key", "name": "openai-prod"},
			[]string{`An instance named "openai-prod" exists already (KeyID openai-prod)`, "cloudbase_update_user_key", `"name":"<another name>"`}},
		{"create_integration_from_template", map[string]string{"authTypeCode": "github_oauth"}, []string{"OAuth 2.0", "https://github.com/login/oauth/authorize", "ticketId"}},
		{"choose_connector_auth", map[string]string{"system": "Our ERP exposes a REST API with an X-Api-Key header"},
			[]string{"Our ERP", "API key", "Session Auth", "OAuth V2", "Basic Auth", "Custom flow", "None",
				"OAuth V2: github_oauth", "API key: openai_api_key", "Session Auth: session_login", "Basic Auth: basic_auth",
				"Custom flow: weixinpaydc (WeChat Pay) with fields", "privateKey (password, secret", "None: no_auth",
				"Not classified", "custom_flow (Custom flow (cloud function)): declares no authMethod", "functionName",
				"create_integration_from_template", "setup_identity_provider",
				"变更授权方式为重大变更", "clears the authorization parameters", "tested again", "only before the connector is published"}},
		{"choose_connector_auth", map[string]string{"system": "Okta", "usage": "SIGN-IN"}, []string{"sign-in", "OAUTH", "SAML"}},
		{"setup_telnyx_sso", map[string]string{"shortName": "newidp", "name": "Entra", "settingsUrl": "https://login.example.com/federationmetadata.xml"},
			[]string{"2 SSO provider(s)", "- myorg:", "No provider has short_name newidp", "part of the login URL",
				"create requires settings", "settings are still required on create",
				`telnyx_create_authentication_provider {"active":false,"name":"Entra","settings":{`, `"settings_url":"https://login.example.com/federationmetadata.xml"`,
				"settings.assertion_consumer_service_url", "telnyx_update_authentication_provider", `"active":true`, "telnyx_retrieve_authentication_provider"}},
		{"setup_telnyx_sso", map[string]string{"shortName": "myorg", "name": "Okta EU"}, []string{"Provider myorg exists", "do not create another",
			`name "Okta" → "Okta EU"`, `telnyx_update_authentication_provider {"id":"`, `"name":"Okta EU"`, "before and after"}},
		{"review_login_security", nil, []string{"Findings", "MFA is off", "cloudbase_modify_login_config", "Password rotation", "MaxDevice -1",
			`cloudbase_modify_client {"Id":"` + tcb.ClientKey.Get(e.App.Deps.Clients).EnvID(context.Background()) + `","MaxDevice":5}`, "Refresh tokens live 2592000 s", "auto-registers",
			"links accounts by e-mail", `cloudbase_modify_provider {"AutoSignUpWithProviderUser":"FALSE","Id":"github"}`, "approves"}},
	}
	secrets := plantedSecrets(t, e)
	for _, c := range cases {
		text, err := e.Prompt(c.name, c.args)
		if err != nil {
			t.Errorf("%s %v: %v", c.name, c.args, err)
			continue
		}
		at := 0
		for _, w := range c.want {
			i := strings.Index(text[at:], w)
			if i < 0 {
				t.Errorf("%s %v: %q missing (or out of order) after offset %d in:\n%s", c.name, c.args, w, at, text)
				break
			}
			at += i + len(w)
		}
		for _, n := range toolName.FindAllString(text, -1) {
			if !tools[n] {
				t.Errorf("%s names a tool that does not exist: %s", c.name, n)
			}
		}
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s leaks a secret %.6s…", c.name, s)
			}
		}
	}
	if strings.Contains(e.Logs.String(), secrets[0]) {
		t.Error("a secret reached the logs")
	}
}

func TestPromptsRejectInvalidArguments(t *testing.T) {
	e := testenv.New(t)
	cases := []struct {
		name string
		args map[string]string
		want []string
	}{
		{"setup_identity_provider", nil, []string{"providerType: required"}},
		{"setup_identity_provider", map[string]string{"providerType": "LDAP"}, []string{"providerType", "must be one of", "OIDC", `"LDAP"`}},
		{"setup_identity_provider", map[string]string{"providerType": "CUSTOM"}, []string{"providerType", "must be one of"}},
		{"setup_identity_provider", map[string]string{"providerType": "OIDC", "issuer": "http://insecure.example.com"}, []string{"issuer", "https://"}},
		{"setup_identity_provider", map[string]string{"providerType": "OAUTH", "issuer": "https://a.example.com"}, []string{"issuer", "only for OIDC"}},
		{"setup_identity_provider", map[string]string{"providerType": "SAML", "tokenEndpoint": "https://a.example.com"}, []string{"tokenEndpoint", "only for OIDC and OAUTH"}},
		{"setup_identity_provider", map[string]string{"providerType": "OIDC", "providerId": "Corp_SSO"}, []string{"providerId", "2-32 lowercase"}},
		{"setup_identity_provider", map[string]string{"providerType": "OIDC", "clientSecret": "x"}, []string{"unknown argument clientSecret", "allowed"}},
		{"setup_identity_provider", map[string]string{"providerType": "OAUTH", "providerId": "google"}, []string{"providerId", `"google" is already a provider of type OIDC`, "providerType OIDC"}},
		{"setup_telnyx_sso", map[string]string{"shortName": "has space"}, []string{"shortName", "letters, digits"}},
		{"setup_telnyx_sso", map[string]string{"settingsUrl": "http://idp.example.com/meta"}, []string{"settingsUrl", "https://"}},
		{"enable_login_methods", map[string]string{"enable": "email,sms"}, []string{"enable", "phone, email, username, anonymous", `"sms"`}},
		{"enable_login_methods", map[string]string{"enable": "email", "disable": "EMAIL"}, []string{"email is in both"}},
		{"rotate_api_key", nil, []string{"keyName: required"}},
		{"rotate_api_key", map[string]string{"keyName": "no-such-key"}, []string{"keyName", "no api_key named", "server-prod"}},
		{"create_integration_from_template", map[string]string{"authTypeCode": "nope"}, []string{"authTypeCode", "no integration template", "weixinpaydc"}},
		{"create_integration_from_template", map[string]string{"authTypeCode": "has space"}, []string{"authTypeCode", "template code"}},
		{"choose_connector_auth", map[string]string{"usage": "integration"}, []string{"system: required"}},
		{"choose_connector_auth", map[string]string{"system": strings.Repeat("x", 3000)}, []string{"system", "too long"}},
		{"choose_connector_auth", map[string]string{"system": "x", "usage": "both"}, []string{"usage", "integration, sign-in"}},
		{"review_login_security", map[string]string{"clientId": "bad id!"}, []string{"clientId", "letters"}},
		{"review_login_security", map[string]string{"clientId": "nosuch"}, []string{"clientId", `no client "nosuch"`, "omit clientId"}},
	}
	for _, c := range cases {
		_, err := e.Prompt(c.name, c.args)
		if err == nil {
			t.Errorf("%s %v: rendered, want an error", c.name, c.args)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s %v: error %q lacks %q", c.name, c.args, err, w)
			}
		}
	}
	if _, err := e.Prompt("review_login_security", nil); err != nil {
		t.Fatalf("the server stopped serving prompts: %v", err)
	}
}

func TestPromptCompletions(t *testing.T) {
	e := testenv.New(t)
	cases := []struct {
		prompt, arg, value string
		want               []string
	}{
		{"setup_identity_provider", "providerType", "o", []string{"OAUTH", "OIDC"}},
		{"setup_identity_provider", "providerId", "g", []string{"github", "google"}},
		{"rotate_api_key", "keyName", "", []string{"ci-deploy", "server-prod"}},
		{"create_integration_from_template", "authTypeCode", "basic", []string{"basic_auth"}},
		{"enable_login_methods", "enable", "email,p", []string{"email,phone"}},
		{"enable_login_methods", "disable", "email, ", []string{"email,anonymous", "email,phone", "email,username"}},
		{"choose_connector_auth", "usage", "s", []string{"sign-in"}},
		{"choose_connector_auth", "system", "", []string{}},
	}
	for _, c := range cases {
		got, err := e.Complete(mcp.PromptReference{Type: "ref/prompt", Name: c.prompt}, c.arg, c.value)
		if err != nil {
			t.Errorf("%s.%s: %v", c.prompt, c.arg, err)
			continue
		}
		if !slices.Equal(got.Values, c.want) {
			t.Errorf("%s.%s %q: got %v, want %v", c.prompt, c.arg, c.value, got.Values, c.want)
		}
	}
}

func TestSecurityReviewReflectsLiveState(t *testing.T) {
	e := testenv.New(t)
	e.OK("cloudbase_modify_login_config", map[string]any{"MfaConfig": map[string]any{"On": "TRUE", "Email": "TRUE"}})
	e.OK("cloudbase_modify_client", map[string]any{"Id": tcb.ClientKey.Get(e.App.Deps.Clients).EnvID(context.Background()), "MaxDevice": 3})
	text, err := e.Prompt("review_login_security", nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "MFA is off") || strings.Contains(text, "MaxDevice -1") || !strings.Contains(text, "MFA on") ||
		!strings.Contains(text, "device limit set") || !strings.Contains(text, "Password rotation") {
		t.Fatalf("review does not follow the live state:\n%s", text)
	}
}

func TestPromptsFollowToolAvailability(t *testing.T) {
	e := testenv.New(t, func(c *config.Config) { c.ReadOnly = true })
	res, err := e.Client.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range res.Prompts {
		names = append(names, p.Name)
		needsWrite := !slices.Contains([]string{"choose_connector_auth", "review_login_security"}, p.Name)
		if marked := strings.HasPrefix(p.Description, "[read-only server"); marked != needsWrite {
			t.Errorf("%s: read-only marking %v, want %v", p.Name, marked, needsWrite)
		}
	}
	// Under --read-only every prompt stays; those that need a write say so.
	if len(names) != len(allPrompts) {
		t.Fatalf("read-only prompts: %v", names)
	}
	text, err := e.Prompt("rotate_api_key", map[string]string{"keyName": "server-prod"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text, "This server is read-only: ") || !strings.Contains(text, "cloudbase_create_api_key") {
		t.Fatalf("rotate_api_key under --read-only does not say it cannot write:\n%.300s", text)
	}
	if text, _ := e.Prompt("review_login_security", nil); strings.Contains(text, "read-only") {
		t.Fatal("a read-only procedure should carry no notice")
	}

	// A narrower --toolsets hides prompts whose tools are not there at all.
	e2 := testenv.New(t, func(c *config.Config) { c.Toolsets = []string{"cloudbase_http"} })
	res, err = e2.Client.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
	if err != nil { // no prompt left: the capability is not advertised at all
		if !strings.Contains(err.Error(), "not supported") {
			t.Fatal(err)
		}
		return
	}
	for _, p := range res.Prompts {
		if p.Name != "choose_connector_auth" {
			t.Errorf("prompt %s offered without its tools", p.Name)
		}
	}
}

// A prompt recommends {"ask":true} only to a client that can open the
// server's page; others get a file reference they can use.
func TestPromptsFitTheClientsSecretInput(t *testing.T) {
	e := testenv.New(t)
	args := map[string]string{"authTypeCode": "openai_api_key", "name": "fit"}
	page, _ := e.Connect(testenv.ClientOptions{Legacy: true, URLElicitation: true,
		Elicit: func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error) { return nil, errors.New("not asked here") }})
	withPage, err := page.Prompt("create_integration_from_template", args)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := e.Connect(testenv.ClientOptions{Legacy: true})
	without, err := plain.Prompt("create_integration_from_template", args)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(withPage, `\"apiKey\":{\"ask\":true}`) || !strings.Contains(withPage, "one-time page") {
		t.Errorf("URL-elicitation client:\n%s", withPage)
	}
	if !strings.Contains(without, `\"apiKey\":{\"file\":\"fit-apiKey\"}`) || !strings.Contains(without, `{"ask":true} does not work with this client`) {
		t.Errorf("client without URL elicitation:\n%s", without)
	}
}
