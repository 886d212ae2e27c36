package tools_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Scenarios of calls that change nothing and of objects shown by several
// tools: a no-op is answered at once (changed false, no question, nothing
// sent), and a stored secret has one face — its keyed fingerprint — in every
// tool that shows it.

// extField is an integration's Ext field as a result shows it (key: the
// result's object, "" for the result itself).
func extField(out map[string]any, side, field string) string {
	m := out
	if side != "" {
		m, _ = out[side].(map[string]any)
	}
	e, _ := m["Ext"].(map[string]any)
	s, _ := e[field].(string)
	return s
}

// listedExtField is the field of one instance in cloudbase_list_user_keys.
func listedExtField(t *testing.T, out map[string]any, keyID, field string) string {
	t.Helper()
	keys, _ := out["UserKeys"].([]any)
	for _, k := range keys {
		if m, _ := k.(map[string]any); m["KeyID"] == keyID {
			return extField(m, "", field)
		}
	}
	t.Fatalf("no instance %s listed: %v", keyID, out)
	return ""
}

// "Rotate the OpenAI key of openai-prod", then the agent sends the same key
// again (a retry, or a second request of the user): the first asks once and
// changes the fingerprint, which get and list then show too; the repeat —
// typed or from a file holding the same key — asks nothing and sends nothing.
func TestScenarioSameIntegrationSecretAgain(t *testing.T) {
	a := newAgent(t)
	stored := extField(a.ok("cloudbase_get_user_key", map[string]any{"keyId": "openai-prod"}), "", "apiKey")
	if !fingerprintRE.MatchString(stored) {
		t.Fatalf("get_user_key shows the stored key as %q, want its keyed fingerprint", stored)
	}
	const key = "sk-scenario-same-key-0123456789abcdef"
	args := map[string]any{"keyId": "openai-prod", "extPatch": map[string]any{"apiKey": key}}
	res := a.ok("cloudbase_update_user_key", args)
	before, after := extField(res, "Before", "apiKey"), extField(res, "After", "apiKey")
	if res["Changed"] != true || before != stored || after == stored || !fingerprintRE.MatchString(after) {
		t.Fatalf("rotation: Changed %v, apiKey before %q (get showed %q), after %q", res["Changed"], before, stored, after)
	}
	if got := extField(a.ok("cloudbase_get_user_key", map[string]any{"keyId": "openai-prod"}), "", "apiKey"); got != after {
		t.Fatalf("get_user_key shows %q after the rotation, the update's After %q", got, after)
	}
	if got := listedExtField(t, a.ok("cloudbase_list_user_keys", nil), "openai-prod", "apiKey"); got != after {
		t.Fatalf("list_user_keys shows %q, the update's After %q", got, after)
	}
	a.done(5, 1)

	again := a.ok("cloudbase_update_user_key", args)
	if again["Changed"] != false || extField(again, "After", "apiKey") != after {
		t.Fatalf("the same key again: %v", again)
	}
	dir := a.env.App.Config.SecretsDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "openai.key"), []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile := a.ok("cloudbase_update_user_key", map[string]any{"keyId": "openai-prod", "extPatch": map[string]any{"apiKey": map[string]any{"file": "openai.key"}}})
	sameName := a.ok("cloudbase_update_user_key", map[string]any{"keyId": "openai-prod", "name": "openai-prod", "extPatch": map[string]any{"baseUrl": "https://api.openai.com/v1"}})
	if fromFile["Changed"] != false || sameName["Changed"] != false {
		t.Fatalf("no-ops: from the file %v; same name and URL %v", fromFile, sameName)
	}
	a.done(8, 1) // the repeats asked nothing
	if n := a.env.App.Sandbox.Count("UpdateUserKey"); n != 1 {
		t.Fatalf("%d UpdateUserKey calls sent, want 1", n)
	}
	if out := testenv.JSON(res) + testenv.JSON(again) + testenv.JSON(fromFile) + strings.Join(a.questions, " ") + a.env.Logs.String(); strings.Contains(out, key) {
		t.Fatal("the key came out")
	}
}

// "Replace the whole configuration of crm-basic" with what it holds already:
// nothing is asked or sent; a different password is asked about once.
func TestScenarioSameWholeExtAgain(t *testing.T) {
	a := newAgent(t)
	a.ok("cloudbase_update_user_key", map[string]any{"keyId": "crm-basic",
		"ext": `{"baseUrl":"https://crm.example.com/api","username":"svc-cloudbase","password":"crm-scenario-pass-0001"}`})
	again := a.ok("cloudbase_update_user_key", map[string]any{"keyId": "crm-basic",
		"ext": `{"username":"svc-cloudbase","password":"crm-scenario-pass-0001","baseUrl":"https://crm.example.com/api"}`})
	if again["Changed"] != false {
		t.Fatalf("the same ext again: %v", again)
	}
	q := a.done(2, 1)
	if len(q) == 1 && (!strings.Contains(q[0], "ext: the whole configuration is replaced (password: set → replaced)") || strings.Contains(q[0], "crm-scenario-pass")) {
		t.Fatalf("question: %q", q[0])
	}
	// Another user, same password: the question names only what changes.
	a.ok("cloudbase_update_user_key", map[string]any{"keyId": "crm-basic",
		"ext": `{"baseUrl":"https://crm.example.com/api","username":"svc-other","password":"crm-scenario-pass-0001"}`})
	q = a.done(3, 2)
	if len(q) == 2 && (!strings.Contains(q[1], `(username: "svc-cloudbase" → "svc-other")`) || strings.Contains(q[1], "password")) {
		t.Fatalf("question: %q", q[1])
	}
}

// "Set the session limit to what it is": nothing is sent.
func TestScenarioClientNoOp(t *testing.T) {
	a := newAgent(t)
	cur := a.ok("cloudbase_describe_client", nil)
	res := a.ok("cloudbase_modify_client", map[string]any{"MaxDevice": cur["MaxDevice"]})
	if res["Changed"] != false || a.env.App.Sandbox.Count("ModifyClient") != 0 {
		t.Fatalf("no-op: %v (%d ModifyClient sent)", res, a.env.App.Sandbox.Count("ModifyClient"))
	}
	a.done(2, 0)
}

// "Delete the integration openai-old" (there is none) and "delete the Telnyx
// secret 0000…" (none either): not found at once, naming where to look,
// without a question; deleting one that exists names it in the question.
func TestScenarioDeleteMissingIntegrationOrSecret(t *testing.T) {
	a := newAgent(t)
	a.fails("cloudbase_delete_user_key", map[string]any{"keyId": "openai-old"}, "openai-old", "cloudbase_list_user_keys")
	a.fails("telnyx_delete_integration_secret", map[string]any{"id": "00000000-0000-4000-8000-000000000000"},
		"no integration secret", "telnyx_list_integration_secrets")
	a.done(2, 0)
	a.ok("cloudbase_delete_user_key", map[string]any{"keyId": "crm-basic"})
	created := a.ok("telnyx_create_integration_secret", map[string]any{"identifier": "scenario-bearer", "type": "bearer", "token": "tnx-scenario-bearer-0a1b2c3d4e5f"})
	a.ok("telnyx_delete_integration_secret", map[string]any{"id": created["id"]})
	q := a.done(5, 2)
	if len(q) == 2 && (!strings.Contains(q[0], `Delete integration "legacy CRM" (basic_auth, keyId crm-basic)`) || !strings.Contains(q[0], "nightly-sync") ||
		!strings.Contains(q[1], `Delete Telnyx integration secret "scenario-bearer"`)) {
		t.Fatalf("questions: %q", q)
	}
}

// "Connect OpenAI as openai-face", then "rotate GitHub's client secret": each
// secret shows one fingerprint in the change's result, the read tools and
// the resources alike.
func TestScenarioOneFaceForEachSecret(t *testing.T) {
	a := newAgent(t)
	created := a.ok("cloudbase_create_user_key", map[string]any{"name": "openai-face", "keyId": "openai-face", "authTypeCode": "openai_api_key",
		"ext": `{"apiKey":"sk-face-0123456789abcdef0123","baseUrl":"https://api.openai.com/v1"}`})
	shown := extField(created, "UserKey", "apiKey")
	got := extField(a.ok("cloudbase_get_user_key", map[string]any{"keyId": "openai-face"}), "", "apiKey")
	listed := listedExtField(t, a.ok("cloudbase_list_user_keys", map[string]any{"name": "openai-face"}), "openai-face", "apiKey")
	if !fingerprintRE.MatchString(shown) || got != shown || listed != shown {
		t.Fatalf("the new key: create shows %q, get %q, list %q", shown, got, listed)
	}

	res := a.ok("cloudbase_modify_provider", map[string]any{"Id": "github", "Config": map[string]any{"ClientSecret": "scenario-face-secret-0003"}})
	after := secretOf(res["After"])
	one, _, err := a.env.Read("cloudbase://providers/github")
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := a.env.Read("cloudbase://providers")
	if err != nil {
		t.Fatal(err)
	}
	if listedFP := providerSecretMask(t, a.ok("cloudbase_get_providers", nil), "github"); listedFP != after ||
		!strings.Contains(one, `"ClientSecret":"`+after+`"`) || !strings.Contains(all, `"ClientSecret":"`+after+`"`) {
		t.Fatalf("rotated secret: After %s, get_providers %s, resources %s / %s", after, listedFP, one, all)
	}
	a.done(5, 1)
}

// "Add Okta SSO to Telnyx", said twice (a retry): the second asks nothing and
// sends nothing; the same short name with other settings names the provider
// that holds it and the tool that changes it.
func TestScenarioTelnyxSSOCreatedTwice(t *testing.T) {
	a := newAgent(t)
	args := map[string]any{"name": "Acme Okta", "short_name": "acme-twice", "settings": map[string]any{"idp_entity_id": "https://acme.okta.com/saml",
		"idp_sso_target_url": "https://acme.okta.com/sso", "idp_cert_fingerprint": oktaSettingsFingerprint}}
	first := a.ok("telnyx_create_authentication_provider", args)
	again := a.ok("telnyx_create_authentication_provider", args)
	if first["changed"] != true || again["changed"] != false || again["id"] != first["id"] || !strings.Contains(again["note"].(string), "exists already") {
		t.Fatalf("created twice: first %v, again %v", first, again)
	}
	other := map[string]any{"name": "Acme Okta", "short_name": "ACME-twice", "settings": map[string]any{"idp_entity_id": "https://other.example/saml",
		"idp_sso_target_url": "https://other.example/sso", "idp_cert_fingerprint": oktaSettingsFingerprint}}
	a.fails("telnyx_create_authentication_provider", other, "short_name: acme-twice is taken by SSO provider \"Acme Okta\"",
		"telnyx_update_authentication_provider (id "+first["id"].(string)+")")
	a.done(3, 1) // the first creation only
	if n := a.env.App.Sandbox.Count("POST /v2/authentication_providers"); n != 1 {
		t.Fatalf("%d creations sent, want 1", n)
	}
}

// "Connect OpenAI as openai-prod" when that id exists: refused before any
// secret is asked for or anything sent, naming the tool that changes it.
func TestScenarioIntegrationIDTaken(t *testing.T) {
	a := newAgent(t)
	a.fails("cloudbase_create_user_key", map[string]any{"name": "openai", "keyId": "openai-prod", "authTypeCode": "openai_api_key",
		"ext": `{"apiKey":{"ask":true},"baseUrl":"https://api.openai.com/v1"}`}, "keyId: integration openai-prod exists already", "cloudbase_update_user_key")
	a.done(1, 0)
	if n := a.env.App.Sandbox.Count("CreateUserKey"); n != 0 {
		t.Fatalf("%d CreateUserKey sent", n)
	}
}
