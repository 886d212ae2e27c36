package tools_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// storedExt reads an instance's Ext as the cloud stores it (ciphertext
// included), bypassing the tools: the ground truth secrets are checked against.
func storedExt(t *testing.T, e *testenv.Env, keyID string) map[string]any {
	t.Helper()
	res, err := tcb.ClientKey.Get(e.App.Deps.Clients).GetOneUserKey(context.Background(), &tcb.GetOneUserKeyRequest{KeyID: keyID, NeedPwd: true})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(res.UserKeyInfo.Ext), &m); err != nil {
		t.Fatalf("%s: stored Ext is not JSON: %v", keyID, err)
	}
	return m
}

// seen collects everything a client or a log could see, to prove secrets absent.
type seen struct{ parts []string }

func (s *seen) add(res any) { s.parts = append(s.parts, testenv.JSON(res)) }

func (s *seen) call(e *testenv.Env, tool string, args any) map[string]any {
	res := e.Call(tool, args)
	s.add(res)
	m, _ := res.StructuredContent.(map[string]any)
	if res.IsError {
		return map[string]any{"error": testenv.Text(res)}
	}
	return m
}

func (s *seen) mustNotContain(t *testing.T, e *testenv.Env, secrets ...string) {
	t.Helper()
	all := strings.Join(s.parts, "\n") + "\n" + e.Logs.String()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(all, sec) {
			t.Errorf("secret %.10s… came out", sec)
		}
	}
}

// randomToken is a fresh token-shaped value. The "Tk0" prefix guarantees the
// upper case, lower case and digit that make it token-shaped: a bare base64
// string sometimes has no digit and no '+' or '/', and then is not.
func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "Tk0" + base64.StdEncoding.EncodeToString(b)
}

func TestListTemplatesParsesFields(t *testing.T) {
	e := testenv.New(t)
	res := e.OK("cloudbase_list_templates", nil)
	if res["TotalCount"].(float64) < 6 || res["RequestId"] == "" {
		t.Fatalf("list: %v", res)
	}
	byCode := map[string]map[string]any{}
	for _, tpl := range res["Templates"].([]any) {
		m := tpl.(map[string]any)
		byCode[m["AuthTypeCode"].(string)] = m
	}
	wx := byCode["weixinpaydc"]
	secrets := map[string]bool{}
	for _, f := range wx["Fields"].([]any) {
		fm := f.(map[string]any)
		secrets[fm["name"].(string)] = fm["secret"].(bool)
	}
	if !secrets["apiV3Key"] || !secrets["privateKey"] || secrets["appId"] || secrets["mchId"] {
		t.Fatalf("secret flags: %v", secrets)
	}
	if byCode["github_oauth"]["AuthURL"] == nil || len(byCode["no_auth"]["Fields"].([]any)) != 0 {
		t.Fatalf("oauth/none templates: %v / %v", byCode["github_oauth"], byCode["no_auth"])
	}
	page := e.OK("cloudbase_list_templates", map[string]any{"offset": 1, "limit": 2})
	if len(page["Templates"].([]any)) != 2 || page["TotalCount"] != res["TotalCount"] {
		t.Fatalf("paging: %v", page)
	}
	one := e.OK("cloudbase_list_templates", map[string]any{"authTypeCode": "basic_auth"})
	if one["TotalCount"] != float64(1) {
		t.Fatalf("filter: %v", one)
	}
}

func TestUserKeyReadsWithholdSecrets(t *testing.T) {
	e := testenv.New(t)
	wx := storedExt(t, e, "wxpay-main")
	legacy := storedExt(t, e, "sms-legacy")
	planted := []string{wx["apiV3Key"].(string), wx["privateKey"].(string), legacy["appKey"].(string),
		storedExt(t, e, "openai-prod")["apiKey"].(string), storedExt(t, e, "crm-basic")["password"].(string)}
	var s seen

	list := s.call(e, "cloudbase_list_user_keys", nil)
	keys := map[string]map[string]any{}
	for _, k := range list["UserKeys"].([]any) {
		m := k.(map[string]any)
		keys[m["KeyID"].(string)] = m
	}
	if len(keys) < 5 || keys["openai-prod"]["BindServiceList"] == nil {
		t.Fatalf("list: %v", list)
	}
	for _, needPwd := range []bool{false, true} {
		got := s.call(e, "cloudbase_get_user_key", map[string]any{"keyId": "wxpay-main", "needPwd": needPwd})
		ext := got["Ext"].(map[string]any)
		// Non-secret fields stay readable; the template's password fields are withheld.
		if ext["appId"] != "wx0demo0appid" || ext["mchId"] != "1900000109" || ext["serialNo"] == nil {
			t.Fatalf("needPwd=%v: non-secret fields lost: %v", needPwd, ext)
		}
		if w := got["WithheldFields"]; !slices.Equal(toStrings(w), []string{"apiV3Key", "privateKey"}) {
			t.Fatalf("needPwd=%v: withheld %v", needPwd, w)
		}
		if needPwd && got["Note"] == nil {
			t.Fatalf("needPwd=true should say the ciphertext was withheld: %v", got)
		}
	}
	// Without a template (retired) the key-looking value is still withheld; plain ones are not.
	sms := s.call(e, "cloudbase_get_user_key", map[string]any{"keyId": "sms-legacy", "needPwd": true})
	ext := sms["Ext"].(map[string]any)
	if ext["signName"] != "Demo" || ext["sdkAppId"] != "1400000000" || !slices.Contains(toStrings(sms["WithheldFields"]), "appKey") {
		t.Fatalf("no-template redaction: %v", sms)
	}
	s.mustNotContain(t, e, planted...)
	if !strings.Contains(strings.Join(s.parts, ""), "[redacted") {
		t.Fatal("nothing was redacted: the test did not exercise redaction")
	}
	if msg := e.Err("cloudbase_get_user_key", map[string]any{"keyId": "nope"}); !strings.Contains(msg, "ResourceNotFound") || !strings.Contains(msg, "RequestId") {
		t.Fatalf("unknown key: %s", msg)
	}
}

func TestExtRedactionWithAndWithoutTemplate(t *testing.T) {
	e := testenv.New(t)
	apiKey, undeclaredToken, signing, nestedKey, listed := "sk-"+randomToken(), randomToken(), randomToken(), randomToken(), randomToken()
	ext := map[string]any{"apiKey": apiKey, "baseUrl": "https://api.example.com/v1",
		"orgToken": undeclaredToken, "webhookValue": signing, "note": "hello world",
		"extra": map[string]any{"region": "eu-west", "signingKey": nestedKey, "values": []any{listed, "plain"}}}
	raw, _ := json.Marshal(ext)
	var s seen
	created := s.call(e, "cloudbase_create_user_key", map[string]any{"name": "mixed", "keyId": "mixed-1",
		"authTypeCode": "openai_api_key", "ext": string(raw)})
	uk, _ := created["UserKey"].(map[string]any)
	if uk == nil {
		t.Fatalf("create did not read the instance back: %v", created)
	}
	got := uk["Ext"].(map[string]any)
	// Declared password field by the template; undeclared ones by name (orgToken, extra.signingKey) and by shape.
	want := []string{"apiKey", "extra.signingKey", "extra.values.0", "orgToken", "webhookValue"}
	if w := toStrings(uk["WithheldFields"]); !slices.Equal(w, want) {
		t.Fatalf("withheld %v, want %v", w, want)
	}
	extra := got["extra"].(map[string]any)
	if got["baseUrl"] != "https://api.example.com/v1" || got["note"] != "hello world" || extra["region"] != "eu-west" ||
		extra["values"].([]any)[1] != "plain" {
		t.Fatalf("plain fields: %v", got)
	}
	s.call(e, "cloudbase_list_user_keys", map[string]any{"name": "mixed"})
	s.mustNotContain(t, e, apiKey, undeclaredToken, signing, nestedKey, listed)
}

func TestRevealSecretsShowsExt(t *testing.T) {
	e := testenv.New(t, func(c *configT) { c.RevealSecrets = true })
	stored := storedExt(t, e, "wxpay-main")
	got := e.OK("cloudbase_get_user_key", map[string]any{"keyId": "wxpay-main", "needPwd": true})
	if got["Ext"].(map[string]any)["apiV3Key"] != stored["apiV3Key"] || got["WithheldFields"] != nil || got["Note"] != nil {
		t.Fatalf("--reveal-secrets should show the ciphertext: %v", got)
	}
}

func TestCreateUserKeyChecksTemplateBeforeSending(t *testing.T) {
	e := testenv.New(t)
	sent := func() int { return e.App.Sandbox.Count("CreateUserKey") }
	msg := e.Err("cloudbase_create_user_key", map[string]any{"name": "crm", "authTypeCode": "basic_auth",
		"ext": `{"baseUrl":"https://crm.example.com"}`})
	for _, want := range []string{"ext", "basic_auth", "requires", "username", "password", "nothing was sent"} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing-fields error lacks %q: %s", want, msg)
		}
	}
	msg = e.Err("cloudbase_create_user_key", map[string]any{"name": "x", "authTypeCode": "no_such_template"})
	if !strings.Contains(msg, "authTypeCode") || !strings.Contains(msg, "no_such_template") || !strings.Contains(msg, "basic_auth") {
		t.Errorf("unknown template: %s", msg)
	}
	if sent() != 0 {
		t.Fatalf("%d invalid creates reached the cloud", sent())
	}
	password := "pw-" + randomToken()
	var s seen
	res := s.call(e, "cloudbase_create_user_key", map[string]any{"name": "crm", "authTypeCode": "basic_auth",
		"ext": `{"baseUrl":"https://crm.example.com","username":"svc","password":"` + password + `"}`, "description": "CRM"})
	if res["CreateResult"] != float64(0) || res["KeyID"] == "" || res["RequestId"] == "" || sent() != 1 {
		t.Fatalf("create: %v (sent %d)", res, sent())
	}
	// The generated KeyID was found by name and the instance read back.
	uk := res["UserKey"].(map[string]any)
	if uk["Description"] != "CRM" || !slices.Equal(toStrings(uk["WithheldFields"]), []string{"password"}) {
		t.Fatalf("read back: %v", uk)
	}
	if storedExt(t, e, res["KeyID"].(string))["password"] != password {
		t.Fatal("ext was not stored as given")
	}
	// A template with no fields needs no ext.
	e.OK("cloudbase_create_user_key", map[string]any{"name": "public", "authTypeCode": "no_auth", "keyId": "public-1"})
	s.mustNotContain(t, e, password)
}

func TestUpdateExtPatchKeepsStoredSecrets(t *testing.T) {
	e := testenv.New(t)
	before := storedExt(t, e, "wxpay-main")
	var s seen
	res := s.call(e, "cloudbase_update_user_key", map[string]any{"keyId": "wxpay-main", "extPatch": map[string]any{"mchId": "1900000999"}})
	if res["UpdateResult"] != float64(0) || !slices.Equal(toStrings(res["PatchedExtFields"]), []string{"mchId"}) {
		t.Fatalf("update: %v", res)
	}
	after := storedExt(t, e, "wxpay-main")
	if after["mchId"] != "1900000999" || after["apiV3Key"] != before["apiV3Key"] || after["privateKey"] != before["privateKey"] ||
		after["appId"] != before["appId"] {
		t.Fatalf("patch lost or changed stored values:\nbefore %v\nafter  %v", before, after)
	}
	uk := res["After"].(map[string]any)
	if b, _ := res["Before"].(map[string]any); b == nil || b["Ext"].(map[string]any)["mchId"] == "1900000999" {
		t.Fatalf("before: %v", res["Before"])
	}
	for _, k := range []string{"apiV3Key", "privateKey"} {
		if v, _ := before[k].(string); v != "" && strings.Contains(testenv.JSON(res), v) {
			t.Fatalf("the stored %s came out in the result", k)
		}
	}
	if uk["Ext"].(map[string]any)["mchId"] != "1900000999" {
		t.Fatalf("read back: %v", uk)
	}

	// A new secret through extPatch: stored, never shown; null removes an optional field.
	newKey := "sk-" + randomToken()
	e.OK("cloudbase_create_user_key", map[string]any{"name": "ai", "keyId": "ai-1", "authTypeCode": "openai_api_key",
		"ext": `{"apiKey":"sk-old-value-123456","baseUrl":"https://a.example.com"}`})
	s.call(e, "cloudbase_update_user_key", map[string]any{"keyId": "ai-1", "extPatch": map[string]any{"apiKey": newKey, "baseUrl": nil}})
	if got := storedExt(t, e, "ai-1"); got["apiKey"] != newKey || got["baseUrl"] != nil {
		t.Fatalf("stored after patch: %v", got)
	}
	// Emptying a required field is refused before sending.
	writes := e.App.Sandbox.Count("UpdateUserKey")
	msg := e.Err("cloudbase_update_user_key", map[string]any{"keyId": "wxpay-main", "extPatch": map[string]any{"apiV3Key": nil}})
	if !strings.Contains(msg, "requires") || !strings.Contains(msg, "apiV3Key") || e.App.Sandbox.Count("UpdateUserKey") != writes {
		t.Fatalf("emptying a required field: %s", msg)
	}
	// Writing back a masked value would destroy the secret: refused.
	msg = e.Err("cloudbase_update_user_key", map[string]any{"keyId": "wxpay-main", "ext": `{"appId":"a","mchId":"b","serialNo":"c","apiV3Key":"******","privateKey":"[redacted: 44 chars, …abcd]"}`})
	if !strings.Contains(msg, "masked placeholders") || !strings.Contains(msg, "extPatch") || e.App.Sandbox.Count("UpdateUserKey") != writes {
		t.Fatalf("masked ext: %s", msg)
	}
	if storedExt(t, e, "wxpay-main")["apiV3Key"] != before["apiV3Key"] {
		t.Fatal("the stored secret changed")
	}
	s.mustNotContain(t, e, before["apiV3Key"].(string), before["privateKey"].(string), newKey)
}

func TestUpdateAndDeleteUserKey(t *testing.T) {
	e := testenv.New(t)
	res := e.OK("cloudbase_update_user_key", map[string]any{"keyId": "crm-basic", "name": "CRM", "description": "nightly sync"})
	uk := res["After"].(map[string]any)
	if uk["Name"] != "CRM" || uk["Description"] != "nightly sync" || uk["Ext"].(map[string]any)["username"] != "svc-cloudbase" {
		t.Fatalf("update: %v", res)
	}
	// A whole new ext replaces the stored one.
	e.OK("cloudbase_update_user_key", map[string]any{"keyId": "crm-basic",
		"ext": `{"baseUrl":"https://crm2.example.com","username":"u2","password":"pw-new-123456"}`})
	if got := storedExt(t, e, "crm-basic"); got["username"] != "u2" || got["password"] != "pw-new-123456" {
		t.Fatalf("replaced ext: %v", got)
	}
	del := e.OK("cloudbase_delete_user_key", map[string]any{"keyId": "crm-basic"})
	if del["Deleted"] != true || del["DeleteResult"] != float64(0) || del["AuthTypeCode"] != "basic_auth" || del["RequestId"] == "" {
		t.Fatalf("delete: %v", del)
	}
	msg := e.Err("cloudbase_delete_user_key", map[string]any{"keyId": "crm-basic"})
	if !strings.Contains(msg, "ResourceNotFound") || !strings.Contains(msg, "RequestId") {
		t.Fatalf("second delete: %s", msg)
	}
	if msg := e.Err("cloudbase_update_user_key", map[string]any{"keyId": "crm-basic", "name": "x"}); !strings.Contains(msg, "ResourceNotFound") {
		t.Fatalf("update of a deleted key: %s", msg)
	}
}

func TestIntegrationDryRunShowsRequestWithoutSecrets(t *testing.T) {
	e := testenv.New(t, func(c *configT) { c.DryRun = true })
	before := storedExt(t, e, "wxpay-main")
	password := "pw-" + randomToken()
	var s seen
	res := s.call(e, "cloudbase_update_user_key", map[string]any{"keyId": "wxpay-main", "extPatch": map[string]any{"mchId": "1"}})
	req, _ := res["request"].(map[string]any)
	if res["dryRun"] != true || req == nil {
		t.Fatalf("dry run: %v", res)
	}
	body := req["body"].(map[string]any)
	if body["KeyID"] != "wxpay-main" || !strings.Contains(body["Ext"].(string), `"mchId":"1"`) {
		t.Fatalf("dry-run request: %v", body)
	}
	s.call(e, "cloudbase_create_user_key", map[string]any{"name": "n", "authTypeCode": "basic_auth",
		"ext": `{"baseUrl":"https://x.example.com","username":"u","password":"` + password + `"}`})
	s.call(e, "cloudbase_delete_user_key", map[string]any{"keyId": "wxpay-main"})
	if n := e.App.Sandbox.Count("UpdateUserKey") + e.App.Sandbox.Count("CreateUserKey") + e.App.Sandbox.Count("DeleteUserKey"); n != 0 {
		t.Fatalf("%d changes were sent under --dry-run", n)
	}
	s.mustNotContain(t, e, before["apiV3Key"].(string), before["privateKey"].(string), password)
}

// integrationBadInputs: per tool, bad inputs and the words the error must contain (field and rule).
var integrationBadInputs = map[string][]badInput{
	"cloudbase_list_templates": {
		{"limit too big", map[string]any{"limit": 101}, []string{"limit", "between 1 and 100"}},
		{"limit zero", map[string]any{"limit": 0}, []string{"limit", "between 1 and 100"}},
		{"negative offset", map[string]any{"offset": -1}, []string{"offset", "at least 0"}},
		{"wrong type", map[string]any{"offset": "1"}, []string{"offset", "must be integer"}},
		{"wire name", map[string]any{"AuthTypeCode": "x"}, []string{"AuthTypeCode", "unknown field", "authTypeCode"}},
	},
	"cloudbase_list_user_keys": {
		{"limit too big", map[string]any{"limit": 1000}, []string{"limit", "between 1 and 100"}},
		{"1 MB name", map[string]any{"name": huge}, []string{"name", "too long"}},
	},
	"cloudbase_get_user_key": {
		{"missing keyId", map[string]any{}, []string{"keyId: required"}},
		{"empty keyId", map[string]any{"keyId": ""}, []string{"keyId", "too short"}},
		{"needPwd not boolean", map[string]any{"keyId": "a", "needPwd": "yes"}, []string{"needPwd", "must be boolean"}},
		{"wire name", map[string]any{"KeyID": "a"}, []string{"KeyID", "unknown field"}},
	},
	"cloudbase_create_user_key": {
		{"missing name", map[string]any{"authTypeCode": "no_auth"}, []string{"name: required"}},
		{"missing authTypeCode", map[string]any{"name": "x"}, []string{"authTypeCode: required"}},
		{"ext not JSON", map[string]any{"name": "x", "authTypeCode": "no_auth", "ext": "user=a"}, []string{"ext", "JSON object string"}},
		{"ext an array", map[string]any{"name": "x", "authTypeCode": "no_auth", "ext": "[1]"}, []string{"ext", "JSON object string"}},
		{"ext as object", map[string]any{"name": "x", "authTypeCode": "no_auth", "ext": map[string]any{"a": 1}}, []string{"ext", "must be string"}},
		{"masked ext value", map[string]any{"name": "x", "authTypeCode": "basic_auth", "ext": `{"password":"******"}`}, []string{"ext", "masked placeholders"}},
		{"runtimeConfig not object", map[string]any{"name": "x", "authTypeCode": "no_auth", "runtimeConfig": "a"}, []string{"runtimeConfig", "must be object"}},
		{"1 MB ext", map[string]any{"name": "x", "authTypeCode": "no_auth", "ext": huge}, []string{"ext", "too long"}},
	},
	"cloudbase_update_user_key": {
		{"missing keyId", map[string]any{"name": "x"}, []string{"keyId: required"}},
		{"nothing to change", map[string]any{"keyId": "a"}, []string{"at least one of"}},
		{"ext and extPatch", map[string]any{"keyId": "a", "ext": "{}", "extPatch": map[string]any{"a": 1}}, []string{"ext, extPatch", "not both"}},
		{"empty extPatch", map[string]any{"keyId": "a", "extPatch": map[string]any{}}, []string{"extPatch", "at least one field"}},
		{"extPatch not object", map[string]any{"keyId": "a", "extPatch": "a=1"}, []string{"extPatch", "must be object"}},
		{"masked extPatch", map[string]any{"keyId": "a", "extPatch": map[string]any{"apiKey": "[redacted: 40 chars, …abcd]"}}, []string{"extPatch", "masked placeholders"}},
	},
	"cloudbase_delete_user_key": {
		{"missing keyId", map[string]any{}, []string{"keyId: required"}},
		{"business is not a delete parameter", map[string]any{"keyId": "a", "business": "integration"}, []string{"business", "unknown field"}},
	},
}

func TestIntegrationBadInputs(t *testing.T) {
	e := testenv.New(t)
	actions := []string{"GetUserKeyTemplateList", "GetUserKeyList", "GetOneUserKey", "CreateUserKey", "UpdateUserKey", "DeleteUserKey"}
	counts := func() (n int) {
		for _, a := range actions {
			n += e.App.Sandbox.Count(a)
		}
		return n
	}
	before := counts()
	for tool, cases := range integrationBadInputs {
		for _, c := range cases {
			msg := e.Err(tool, c.args)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%s / %s: error %q lacks %q", tool, c.name, msg, w)
				}
			}
		}
	}
	if n := counts() - before; n != 0 {
		t.Errorf("%d requests reached the cloud for invalid input", n)
	}
	// The server keeps serving.
	e.OK("cloudbase_list_templates", map[string]any{"limit": 1})
}

func TestIntegrationToolAnnotations(t *testing.T) {
	e := testenv.New(t)
	want := map[string][3]bool{ // read-only, destructive, idempotent
		"cloudbase_list_templates":  {true, false, false}, // destructive, idempotent: no meaning when read-only
		"cloudbase_list_user_keys":  {true, false, false},
		"cloudbase_get_user_key":    {true, false, false},
		"cloudbase_create_user_key": {false, false, false},
		"cloudbase_update_user_key": {false, true, true},
		"cloudbase_delete_user_key": {false, true, true},
	}
	found := 0
	for _, tl := range e.App.Tools {
		w, ok := want[tl.Spec.Name]
		if !ok {
			continue
		}
		found++
		a := tools.HintsOf(tl.Tool.Annotations)
		if a.ReadOnly != w[0] || a.Destructive != w[1] || a.Idempotent != w[2] {
			t.Errorf("%s: annotations %v/%v/%v, want %v", tl.Spec.Name, a.ReadOnly, a.Destructive, a.Idempotent, w)
		}
	}
	if found != len(want) {
		t.Fatalf("found %d of the %d integration tools", found, len(want))
	}
}

func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// create_user_key without keyId returns the new id even when names repeat
// (the cloud answers only CreateResult).
func TestCreateUserKeyReturnsTheGeneratedIDWhenNamesRepeat(t *testing.T) {
	e := testenv.New(t)
	var ids []string
	for range 3 {
		res := e.OK("cloudbase_create_user_key", map[string]any{"name": "same-name", "authTypeCode": "no_auth"})
		id, _ := res["KeyID"].(string)
		uk, _ := res["UserKey"].(map[string]any)
		if id == "" || uk == nil || uk["KeyID"] != id {
			t.Fatalf("create #%d: no generated KeyID: %v", len(ids)+1, res)
		}
		if slices.Contains(ids, id) {
			t.Fatalf("KeyID %s returned twice", id)
		}
		ids = append(ids, id)
	}
}

// Changing the authorization method replaces the configuration: the full ext
// for the new template is required and checked; nothing of the old one stays.
func TestUpdateUserKeyChangingAuthTypeNeedsTheFullExt(t *testing.T) {
	e := testenv.New(t)
	sent := func() int { return e.App.Sandbox.Count("UpdateUserKey") }
	for name, args := range map[string]map[string]any{
		"no ext":   {"keyId": "openai-prod", "authTypeCode": "basic_auth"},
		"extPatch": {"keyId": "openai-prod", "authTypeCode": "basic_auth", "extPatch": map[string]any{"username": "svc"}},
	} {
		msg := e.Err("cloudbase_update_user_key", args)
		for _, want := range []string{"changing authTypeCode from openai_api_key to basic_auth", "full ext", "username (required)", "nothing was sent"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q lacks %q", name, msg, want)
			}
		}
	}
	msg := e.Err("cloudbase_update_user_key", map[string]any{"keyId": "openai-prod", "authTypeCode": "basic_auth",
		"ext": `{"baseUrl":"https://crm.example.com","username":"svc"}`})
	if !strings.Contains(msg, "basic_auth requires password") {
		t.Fatalf("validated against the new template: %s", msg)
	}
	msg = e.Err("cloudbase_update_user_key", map[string]any{"keyId": "openai-prod", "authTypeCode": "basic_auth",
		"ext": `{"baseUrl":"https://crm.example.com","username":"svc","password":"pw-123456","apiKey":"sk-old"}`})
	if !strings.Contains(msg, "apiKey") || !strings.Contains(msg, "replaced template openai_api_key") {
		t.Fatalf("old template's fields under the new one: %s", msg)
	}
	if sent() != 0 {
		t.Fatalf("%d refused updates were sent", sent())
	}
	res := e.OK("cloudbase_update_user_key", map[string]any{"keyId": "openai-prod", "authTypeCode": "basic_auth",
		"ext": `{"baseUrl":"https://crm.example.com","username":"svc","password":"pw-123456"}`})
	uk := res["After"].(map[string]any)
	ext := uk["Ext"].(map[string]any)
	if uk["AuthTypeCode"] != "basic_auth" || ext["username"] != "svc" || ext["apiKey"] != nil || sent() != 1 {
		t.Fatalf("switched instance: %v", res)
	}
	// The same template again: extPatch is fine.
	e.OK("cloudbase_update_user_key", map[string]any{"keyId": "openai-prod", "authTypeCode": "basic_auth", "extPatch": map[string]any{"username": "svc2"}})
}

// A template's Ext is kept whole: keys the field parser does not know
// (placeholder, rows, a top-level docUrl) reach the model, in the tool and the resource.
func TestTemplateExtIsKeptWhole(t *testing.T) {
	e := testenv.New(t)
	res := e.OK("cloudbase_list_templates", map[string]any{"authTypeCode": "custom_flow"})
	tpl := res["Templates"].([]any)[0].(map[string]any)
	ext, _ := tpl["Ext"].(map[string]any)
	if ext == nil || ext["docUrl"] != "https://docs.cloudbase.net/integration/custom-flow" {
		t.Fatalf("top-level Ext keys dropped: %v", tpl)
	}
	fields := ext["fields"].([]any)
	if fields[0].(map[string]any)["placeholder"] != "auth-flow" || fields[1].(map[string]any)["rows"] != float64(6) {
		t.Fatalf("field keys dropped: %v", fields)
	}
	if f := tpl["Fields"].([]any)[0].(map[string]any); f["placeholder"] != "auth-flow" {
		t.Fatalf("parsed field without its placeholder: %v", f)
	}
	text, _, err := e.Read("cloudbase://templates/custom_flow")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, `"docUrl"`) || !strings.Contains(text, `"rows"`) || !strings.Contains(text, `"placeholder":"auth-flow"`) {
		t.Fatalf("resource drops Ext keys: %s", text)
	}
}

// A template reads the same through the tool and the resource: the same
// field names with the same casing (the cloud's: name, label, type, required)
// and the same values, for every template.
func TestTemplateFieldsSameInToolAndResource(t *testing.T) {
	e := testenv.New(t)
	res := e.OK("cloudbase_list_templates", nil)
	for _, tpl := range res["Templates"].([]any) {
		viaTool := tpl.(map[string]any)
		code := viaTool["AuthTypeCode"].(string)
		text, _, err := e.Read("cloudbase://templates/" + code)
		if err != nil {
			t.Fatal(err)
		}
		var viaResource map[string]any
		if err := json.Unmarshal([]byte(text), &viaResource); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"AuthTypeCode", "AuthTypeName", "Fields", "Ext", "ExtProblem"} {
			if a, b := testenv.JSON(viaTool[key]), testenv.JSON(viaResource[key]); a != b {
				t.Errorf("%s: %s differs:\n tool     %s\n resource %s", code, key, a, b)
			}
		}
	}
}
