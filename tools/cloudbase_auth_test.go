package tools_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

const env = sandbox.DefaultEnvID

func TestLoginConfigReadAndPartialModify(t *testing.T) {
	e := testenv.New(t)
	before := e.OK("cloudbase_get_login_config", nil)
	if before["EmailLogin"] != true || before["AnonymousLogin"] != false || before["RequestId"] == "" {
		t.Fatalf("unexpected seed config: %v", before)
	}
	// Only AnonymousLogin is passed: no other method may be switched off by omission.
	res := e.OK("cloudbase_modify_login_config", map[string]any{"AnonymousLogin": true})
	after := res["After"].(map[string]any)
	for _, k := range []string{"PhoneNumberLogin", "EmailLogin", "UserNameLogin"} {
		if after[k] != before[k] {
			t.Errorf("%s changed from %v to %v though it was not passed", k, before[k], after[k])
		}
	}
	if after["AnonymousLogin"] != true || res["Before"].(map[string]any)["AnonymousLogin"] != false {
		t.Fatalf("before/after do not show the change: %v", res)
	}
	if got := e.OK("cloudbase_get_login_config", nil); got["AnonymousLogin"] != true {
		t.Fatalf("change not persisted: %v", got)
	}
	// Nested objects replace only when given.
	e.OK("cloudbase_modify_login_config", map[string]any{"MfaConfig": map[string]any{"On": "TRUE", "Sms": "TRUE"}})
	got := e.OK("cloudbase_get_login_config", nil)
	if got["MfaConfig"].(map[string]any)["On"] != "TRUE" || got["SmsVerificationConfig"] == nil || got["AnonymousLogin"] != true {
		t.Fatalf("MFA change lost other settings: %v", got)
	}
	if msg := e.Err("cloudbase_modify_login_config", map[string]any{}); !strings.Contains(msg, "at least one") {
		t.Fatalf("empty change: %s", msg)
	}
}

func TestClientDescribeAndModify(t *testing.T) {
	e := testenv.New(t)
	c := e.OK("cloudbase_describe_client", map[string]any{"Id": env})
	if c["Id"] != env || c["MaxDevice"] == nil {
		t.Fatalf("describe: %v", c)
	}
	res := e.OK("cloudbase_modify_client", map[string]any{"Id": env, "MaxDevice": 5, "AccessTokenExpiresIn": 3600})
	after := res["After"].(map[string]any)
	if res["Before"].(map[string]any)["MaxDevice"] == float64(5) || res["Changed"] != true {
		t.Fatalf("before: %v", res)
	}
	if after["MaxDevice"] != float64(5) || after["AccessTokenExpiresIn"] != float64(3600) || after["RefreshTokenExpiresIn"] != float64(2592000) {
		t.Fatalf("modify: %v", res)
	}
	// Cross-field rule against the stored refresh lifetime, checked before any write.
	e.OK("cloudbase_modify_client", map[string]any{"Id": env, "RefreshTokenExpiresIn": 7200, "AccessTokenExpiresIn": 1800})
	writes := e.App.Sandbox.Count("ModifyClient")
	msg := e.Err("cloudbase_modify_client", map[string]any{"Id": env, "AccessTokenExpiresIn": 7200})
	if !strings.Contains(msg, "AccessTokenExpiresIn: must be less than RefreshTokenExpiresIn") {
		t.Fatalf("cross-field: %s", msg)
	}
	if e.App.Sandbox.Count("ModifyClient") != writes {
		t.Fatal("an invalid change reached the cloud")
	}
	if msg := e.Err("cloudbase_describe_client", map[string]any{"Id": "nope"}); !strings.Contains(msg, "ResourceNotFound") || !strings.Contains(msg, "RequestId") {
		t.Fatalf("unknown client: %s", msg)
	}
}

func TestProvidersLifecycle(t *testing.T) {
	e := testenv.New(t)
	list := e.OK("cloudbase_get_providers", nil)
	data := list["Data"].([]any)
	ids := map[string]map[string]any{}
	for _, p := range data {
		m := p.(map[string]any)
		ids[m["Id"].(string)] = m
	}
	for _, id := range []string{"google", "github", "custom", "email"} {
		if ids[id] == nil {
			t.Fatalf("provider %s missing from %v", id, testenv.JSON(list))
		}
	}
	if ids["custom"]["On"] != "FALSE" || ids["email"]["On"] != "FALSE" {
		t.Fatal("CUSTOM/EMAIL defaults must be listed disabled")
	}
	secret := ids["github"]["Config"].(map[string]any)["ClientSecret"].(string)
	if !strings.HasPrefix(secret, "[redacted") {
		t.Fatalf("client secret shown: %q", secret)
	}

	add := map[string]any{"Id": "myoidc", "ProviderType": "OIDC", "Name": map[string]any{"Message": "My OIDC"},
		"Config": map[string]any{"Issuer": "https://id.example.com", "ClientId": "cid", "ClientSecret": "planted-oidc-secret-value-0001"}}
	res := e.OK("cloudbase_add_provider", add)
	if res["RequestId"] == "" || res["After"].(map[string]any)["Id"] != "myoidc" || res["Before"] != nil {
		t.Fatalf("add: %v", res)
	}
	if strings.Contains(testenv.JSON(res), "planted-oidc-secret") {
		t.Fatal("add echoed the client secret")
	}
	msg := e.Err("cloudbase_add_provider", add)
	if !strings.Contains(msg, "ResourceInUse") || !strings.Contains(msg, "RequestId: ") || !strings.Contains(msg, "change it with cloudbase_modify_provider") {
		t.Fatalf("duplicate id: %s", msg)
	}

	// Incremental modify keeps the stored secret and other config fields.
	res = e.OK("cloudbase_modify_provider", map[string]any{"Id": "myoidc", "On": "FALSE", "Config": map[string]any{"Scope": "openid email"}})
	p := res["After"].(map[string]any)
	if res["Before"].(map[string]any)["On"] != "TRUE" || res["Changed"] != true {
		t.Fatalf("modify before: %v", res)
	}
	cfg := p["Config"].(map[string]any)
	if p["On"] != "FALSE" || cfg["Scope"] != "openid email" || cfg["Issuer"] != "https://id.example.com" || !strings.HasPrefix(cfg["ClientSecret"].(string), "[redacted") {
		t.Fatalf("modify: %v", p)
	}
	// EMAIL is created on first modify, with a valid template.
	res = e.OK("cloudbase_modify_provider", map[string]any{"Id": "email", "On": "TRUE", "EmailConfig": map[string]any{
		"On": "FALSE", "SmtpConfig": map[string]any{"SenderAddress": "no-reply@example.com", "ServerHost": "smtp.example.com",
			"ServerPort": 465, "AccountUsername": "no-reply", "AccountPassword": "planted-smtp-password-0002", "SecurityMode": "SSL"},
		"TemplateConfig": map[string]any{"RegisterSignIn": map[string]any{"EnUS": "<p>Code: {{.VerificationCode}}</p>"}}}})
	if res["After"].(map[string]any)["On"] != "TRUE" || strings.Contains(testenv.JSON(res), "planted-smtp-password") {
		t.Fatalf("email provider: %v", res)
	}
	e.OK("cloudbase_delete_provider", map[string]any{"Id": "myoidc"})
	if msg := e.Err("cloudbase_delete_provider", map[string]any{"Id": "myoidc"}); !strings.Contains(msg, `no identity provider "myoidc"`) {
		t.Fatalf("second delete: %s", msg)
	}
	if strings.Contains(e.Logs.String(), "planted-") {
		t.Fatal("a planted secret reached the logs")
	}
}

func TestProviderLimitOfTwenty(t *testing.T) {
	e := testenv.New(t)
	n := len(e.OK("cloudbase_get_providers", nil)["Data"].([]any)) - 2 // minus the CUSTOM/EMAIL placeholders
	for i := n; i < 20; i++ {
		e.OK("cloudbase_add_provider", map[string]any{"Id": "p" + string(rune('a'+i)), "ProviderType": "CUSTOM", "Name": map[string]any{"Message": "x"}})
	}
	msg := e.Err("cloudbase_add_provider", map[string]any{"Id": "toomany", "ProviderType": "CUSTOM", "Name": map[string]any{"Message": "x"}})
	if !strings.Contains(msg, "LimitExceeded") {
		t.Fatalf("21st provider: %s", msg)
	}
}

func TestAPIKeys(t *testing.T) {
	e := testenv.New(t)
	// Without deliverTo nobody could ever see the key: refused before a slot is spent, with the fix.
	if msg := e.Err("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "server prod 2"}); !strings.Contains(msg, `deliverTo: required`) ||
		!strings.Contains(msg, `"deliverTo": "server-prod-2.key"`) || e.App.Sandbox.Count("CreateApiKey") != 0 {
		t.Fatalf("no deliverTo: %s", msg)
	}
	res := e.OK("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "server-prod-2", "ExpireIn": 86400, "deliverTo": "server-prod-2.key"})
	id, _ := res["KeyId"].(string)
	if id == "" || res["ApiKey"] != nil || res["Note"] == "" || res["ExpireAt"] == "" || res["Delivered"] == nil {
		t.Fatalf("create: %v", res)
	}
	list := e.OK("cloudbase_describe_api_key_list", map[string]any{"KeyType": "api_key", "PageNumber": 1, "PageSize": 10})
	if list["Total"] != float64(3) || !strings.Contains(testenv.JSON(list), id) {
		t.Fatalf("list: %v", list)
	}
	for _, k := range list["Data"].([]any) {
		if v := k.(map[string]any)["ApiKey"].(string); strings.Count(v, ".") == 2 {
			t.Fatalf("a token shaped like a JWT came out of the list: %q", v)
		}
	}
	// Limits: 5 api_key, one publish_key.
	for i := 0; i < 2; i++ {
		e.OK("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "deliverTo": fmt.Sprintf("k%d.key", i)})
	}
	if msg := e.Err("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "deliverTo": "k6.key"}); !strings.Contains(msg, "LimitExceeded") {
		t.Fatalf("6th key: %s", msg)
	}
	if msg := e.Err("cloudbase_create_api_key", map[string]any{"KeyType": "publish_key"}); !strings.Contains(msg, "LimitExceeded") {
		t.Fatalf("2nd publish_key: %s", msg)
	}
	e.OK("cloudbase_delete_api_key", map[string]any{"KeyId": id})
	// A key that does not exist is not found, said at once, with the keys that do exist.
	if msg := e.Err("cloudbase_delete_api_key", map[string]any{"KeyId": id}); !strings.Contains(msg, "no API key") || !strings.Contains(msg, "server-prod") {
		t.Fatalf("second delete: %s", msg)
	}
	del := e.OK("cloudbase_delete_api_key", map[string]any{"KeyName": "server-prod"})
	if del["Deleted"] != true || del["Id"] == "" {
		t.Fatalf("delete by name: %v", del)
	}
	if strings.Contains(testenv.JSON(e.OK("cloudbase_describe_api_key_list", nil)), id) {
		t.Fatal("deleted key still listed")
	}
}

func TestCreateAPIKeyRevealSecrets(t *testing.T) {
	e := testenv.New(t, func(c *configT) { c.RevealSecrets = true })
	res := e.OK("cloudbase_create_api_key", map[string]any{"KeyType": "api_key"})
	if strings.Count(res["ApiKey"].(string), ".") != 2 || res["Note"] != nil {
		t.Fatalf("--reveal-secrets should show the new key once: %v", res)
	}
	// The server's own SecretKey stays hidden even then.
	if strings.Contains(e.Logs.String(), sandbox.DefaultSecretKey) {
		t.Fatal("own SecretKey in logs")
	}
}

// The API replaces a sub-object whole; the tool promises "applies your
// fields", so a partial sub-object is merged field by field over the stored
// one, and the cross-field rules are checked on the merged result.
func TestLoginConfigSubObjectsMergeFieldByField(t *testing.T) {
	e := testenv.New(t)
	e.OK("cloudbase_modify_login_config", map[string]any{"MfaConfig": map[string]any{"Sms": "TRUE", "RequiredBindPhone": "TRUE"}})
	res := e.OK("cloudbase_modify_login_config", map[string]any{"MfaConfig": map[string]any{"On": "TRUE"}})
	mfa := res["After"].(map[string]any)["MfaConfig"].(map[string]any)
	if mfa["On"] != "TRUE" || mfa["Sms"] != "TRUE" || mfa["Email"] != "FALSE" || mfa["RequiredBindPhone"] != "TRUE" {
		t.Fatalf(`{"MfaConfig":{"On":"TRUE"}} must keep the stored Sms, Email, RequiredBindPhone: %v`, mfa)
	}
	sms := e.OK("cloudbase_modify_login_config", map[string]any{"SmsVerificationConfig": map[string]any{"SmsDayLimit": 50}})
	if c := sms["After"].(map[string]any)["SmsVerificationConfig"].(map[string]any); c["Type"] != "default" || c["SmsDayLimit"] != float64(50) {
		t.Fatalf("SmsVerificationConfig merge: %v", c)
	}

	// Periodic rotation with no period: refused before anything is sent.
	writes := e.App.Sandbox.Count("ModifyLoginConfig")
	msg := e.Err("cloudbase_modify_login_config", map[string]any{"PwdUpdateStrategy": map[string]any{"PeriodUpdate": true}})
	if !strings.Contains(msg, "PwdUpdateStrategy") || !strings.Contains(msg, "PeriodValue") || !strings.Contains(msg, "PeriodType") {
		t.Fatalf("rotation without a period: %s", msg)
	}
	if e.App.Sandbox.Count("ModifyLoginConfig") != writes {
		t.Fatal("an invalid merged policy was sent")
	}
	e.OK("cloudbase_modify_login_config", map[string]any{"PwdUpdateStrategy": map[string]any{"PeriodUpdate": true, "PeriodValue": 3, "PeriodType": "MONTH"}})
	// {"PeriodUpdate":true} alone keeps the stored period; FirstLoginUpdate alone keeps all of it.
	res = e.OK("cloudbase_modify_login_config", map[string]any{"PwdUpdateStrategy": map[string]any{"FirstLoginUpdate": true}})
	pwd := res["After"].(map[string]any)["PwdUpdateStrategy"].(map[string]any)
	if pwd["PeriodUpdate"] != true || pwd["PeriodValue"] != float64(3) || pwd["PeriodType"] != "MONTH" || pwd["FirstLoginUpdate"] != true {
		t.Fatalf("PwdUpdateStrategy merge: %v", pwd)
	}
	got := e.OK("cloudbase_get_login_config", nil)
	if testenv.JSON(got["PwdUpdateStrategy"]) != testenv.JSON(pwd) || testenv.JSON(got["MfaConfig"]) != testenv.JSON(mfa) {
		t.Fatalf("stored config differs from the result: %v", got)
	}
}

// Seed rules of addProvider: OIDC scopes include openid; without Id the
// generated one is returned; an Issuer alone is enough, discovery fills the endpoints.
func TestAddProviderSeedRules(t *testing.T) {
	e := testenv.New(t)
	oidc := func(cfg map[string]any) map[string]any {
		return map[string]any{"ProviderType": "OIDC", "Name": map[string]any{"Message": "Corp SSO"}, "Config": cfg}
	}
	writes := e.App.Sandbox.Count("AddProvider")
	msg := e.Err("cloudbase_add_provider", oidc(map[string]any{"Issuer": "https://sso.example.com", "ClientId": "c",
		"ClientSecret": "s", "RedirectUri": "https://example.com/cb", "Scope": "email profile"}))
	if !strings.Contains(msg, "Config.Scope") || !strings.Contains(msg, "openid") {
		t.Fatalf("OIDC scope without openid: %s", msg)
	}
	if e.App.Sandbox.Count("AddProvider") != writes {
		t.Fatal("refused input reached the cloud")
	}
	// Without Id: the generated one comes back, with the discovered endpoints.
	res := e.OK("cloudbase_add_provider", oidc(map[string]any{"Issuer": "https://sso.example.com", "ClientId": "c",
		"ClientSecret": "s", "RedirectUri": "https://example.com/cb"}))
	id, _ := res["Id"].(string)
	after, _ := res["After"].(map[string]any)
	if id == "" || after == nil || after["Id"] != id {
		t.Fatalf("the generated Id is not returned: %v", res)
	}
	cfg := after["Config"].(map[string]any)
	if cfg["AuthorizationEndpoint"] != "https://sso.example.com/authorize" || cfg["JwksUri"] != "https://sso.example.com/.well-known/jwks.json" ||
		!strings.Contains(cfg["Scope"].(string), "openid") {
		t.Fatalf("Issuer discovery did not fill the endpoints: %v", cfg)
	}
	// Two more without Id, same name: each gets its own id back.
	a := e.OK("cloudbase_add_provider", map[string]any{"ProviderType": "CUSTOM", "Name": map[string]any{"Message": "dup"}})["Id"]
	b := e.OK("cloudbase_add_provider", map[string]any{"ProviderType": "CUSTOM", "Name": map[string]any{"Message": "dup"}})["Id"]
	if a == nil || b == nil || a == b || a == "" {
		t.Fatalf("generated ids: %v %v", a, b)
	}
}
