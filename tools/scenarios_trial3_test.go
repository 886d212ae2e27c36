package tools_test

import (
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Scenarios from agent trial 3 (/work/notes/s3/trial.md): each failed on the
// build the trial played against.

// hexPairs is n bytes of b as colon-separated upper-case hex pairs.
func hexPairs(n int, b string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = b
	}
	return strings.Join(parts, ":")
}

// "Point the sha256 Okta SSO at the new certificate" giving only the new
// fingerprint: the stored settings are kept (the algorithm is not reset to
// sha1), the question names the full new fingerprint, and a fingerprint
// that does not fit the algorithm is refused before anything is asked.
func TestScenarioTelnyxSSOFingerprintOnly(t *testing.T) {
	a := newAgent(t)
	old256, new256 := hexPairs(32, "AB"), hexPairs(32, "CD")
	created := a.ok("telnyx_create_authentication_provider", map[string]any{"name": "Okta 256", "short_name": "okta-256",
		"settings": map[string]any{"idp_entity_id": "https://okta256.example/saml", "idp_sso_target_url": "https://okta256.example/sso",
			"idp_cert_fingerprint": old256}}) // the algorithm follows from the length
	id, _ := created["id"].(string)
	if s, _ := created["settings"].(map[string]any); s["idp_cert_fingerprint_algorithm"] != "sha256" {
		t.Fatalf("a 32-byte fingerprint created as %v", created["settings"])
	}
	res := a.ok("telnyx_update_authentication_provider", map[string]any{"id": id, "settings": map[string]any{"idp_cert_fingerprint": new256}})
	after, _ := res["after"].(map[string]any)
	s, _ := after["settings"].(map[string]any)
	if res["changed"] != true || s["idp_cert_fingerprint"] != new256 || s["idp_cert_fingerprint_algorithm"] != "sha256" ||
		s["idp_entity_id"] != "https://okta256.example/saml" {
		t.Fatalf("fingerprint-only update: %v", res)
	}
	q := a.done(2, 2)
	if len(q) == 2 && (!strings.Contains(q[1], `settings.idp_cert_fingerprint: "`+old256+`" → "`+new256+`"`) ||
		strings.Contains(q[1], "algorithm")) {
		t.Fatalf("question: %q", q[1])
	}
	// A sha1 fingerprint for the sha256 provider: the algorithm change is named.
	sha1 := hexPairs(20, "EF")
	res = a.ok("telnyx_update_authentication_provider", map[string]any{"id": id, "settings": map[string]any{"idp_cert_fingerprint": sha1}})
	q = a.done(3, 3)
	if len(q) == 3 && !strings.Contains(q[2], `settings.idp_cert_fingerprint_algorithm: "sha256" → "sha1"`) || res["changed"] != true {
		t.Fatalf("algorithm change not named: %q (%v)", q, res)
	}
	// A fingerprint that does not fit the algorithm given: refused, nothing asked.
	a.fails("telnyx_update_authentication_provider", map[string]any{"id": id, "settings": map[string]any{
		"idp_cert_fingerprint": new256, "idp_cert_fingerprint_algorithm": "sha1"}}, "32 bytes is a sha256 fingerprint", `idp_cert_fingerprint_algorithm "sha256"`)
	// Only the algorithm, not fitting the stored fingerprint: refused, nothing asked.
	a.fails("telnyx_update_authentication_provider", map[string]any{"id": id, "settings": map[string]any{"idp_cert_fingerprint_algorithm": "sha512"}},
		"20 bytes is a sha1 fingerprint", sha1)
	a.done(5, 3)
}

// "Turn on email login" when it is on already but no email can be sent: no
// question, nothing sent, and the same warning a change gets.
func TestScenarioEmailLoginAlreadyOnWithoutSenderWarns(t *testing.T) {
	a := newAgent(t)
	cur := a.ok("cloudbase_get_login_config", nil)
	if cur["EmailLogin"] != true {
		t.Fatalf("the sandbox should start with email login on: %v", cur)
	}
	res := a.ok("cloudbase_modify_login_config", map[string]any{"EmailLogin": true, "PhoneNumberLogin": cur["PhoneNumberLogin"]})
	w := testenv.JSON(res["warnings"])
	if res["Changed"] != false || !strings.Contains(w, "Email login is on, but no email can be sent") || !strings.Contains(w, "cloudbase_modify_provider") {
		t.Fatalf("already on without a sender: %v", res)
	}
	a.done(2, 0)
}

// "Mint a deploy key named ci-deploy" when a key of that name exists: no
// slot is spent and no file asked for; the answer names the existing key
// and both ways on. A free name then works, and revoking by it is
// unambiguous.
func TestScenarioMintKeyNameTaken(t *testing.T) {
	a := newAgent(t)
	a.files = "ci-deploy-2.key"
	keys := a.ok("cloudbase_describe_api_key_list", nil)
	var existing string
	for _, k := range keys["Data"].([]any) {
		if m := k.(map[string]any); m["Name"] == "ci-deploy" {
			existing = m["KeyId"].(string)
		}
	}
	if existing == "" {
		t.Fatalf("the sandbox should hold a key named ci-deploy: %v", keys)
	}
	a.fails("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "ci-deploy"},
		`KeyName: "ci-deploy" is taken by API key `+existing, "nothing was created", `"ci-deploy-2"`, `cloudbase_delete_api_key {"KeyId":"`+existing+`"}`)
	a.fails("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "ci-deploy", "deliverTo": "x.key"}, "is taken by API key "+existing)
	if n := a.env.App.Sandbox.Count("CreateApiKey"); n != 0 {
		t.Fatalf("%d keys created under a taken name", n)
	}
	a.done(3, 0) // not even the file was asked for
	a.ok("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "ci-deploy-2"})
	a.ok("cloudbase_delete_api_key", map[string]any{"KeyName": "ci-deploy-2"})
	a.done(5, 2) // the file, then the revocation
}

// "Allow 2001:db8::1 as Home VPN" when it is allowed as "office": nothing
// changes, and the note says the description was not applied and how to
// change it (Telnyx has no update for an entry).
func TestScenarioTelnyxIPAllowedWithAnotherDescription(t *testing.T) {
	a := newAgent(t)
	first := a.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": "2001:db8::1", "description": "office"})
	again := a.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": "2001:db8:0::1", "description": "Home VPN"})
	note, _ := again["note"].(string)
	if again["changed"] != false || again["description"] != "office" ||
		!strings.Contains(note, `The description given, "Home VPN", was NOT applied: the entry keeps "office"`) ||
		!strings.Contains(note, "telnyx_delete_access_ip_address (id "+first["id"].(string)+")") {
		t.Fatalf("another description: %v", again)
	}
	if same := a.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": "2001:db8::1", "description": "office"}); strings.Contains(same["note"].(string), "NOT applied") {
		t.Fatalf("the same description: %v", same)
	}
	a.done(3, 0)
}

// "Add GitHub login" when provider github exists: the answer is that it
// exists and which tool changes it, not a list of Config fields to gather.
func TestScenarioAddExistingProviderSaysSoFirst(t *testing.T) {
	a := newAgent(t)
	msg := a.fails("cloudbase_add_provider", map[string]any{"Id": "github", "Name": map[string]any{"Message": "GitHub"}, "ProviderType": "OAUTH"},
		"provider github exists already", "cloudbase_modify_provider")
	if strings.Contains(msg, "Config.ClientId") {
		t.Fatalf("asked for fields of a provider that exists: %s", msg)
	}
	a.done(1, 0)
}

// Smaller answers from trial 3: a no-op update carries no empty RequestId;
// a question that turns a method on says how many will be on, not "remain".
func TestScenarioTrial3Wording(t *testing.T) {
	a := newAgent(t)
	same := a.ok("cloudbase_update_user_key", map[string]any{"keyId": "openai-prod", "name": "openai-prod"})
	if _, has := same["RequestId"]; same["Changed"] != false || has {
		t.Fatalf("no-op update: %v", same)
	}
	cur := a.ok("cloudbase_get_login_config", nil)
	if cur["AnonymousLogin"] == true {
		t.Skip("the sandbox starts with anonymous login on")
	}
	a.ok("cloudbase_modify_login_config", map[string]any{"AnonymousLogin": true})
	q := a.done(3, 1)
	if len(q) == 1 && (!strings.Contains(q[0], "login methods will be on") || strings.Contains(q[0], "remain")) {
		t.Fatalf("question: %q", q[0])
	}
}

// "Which IPs are allowed from 192.0.2.0?" when none is: the list says 0
// results, not nothing.
func TestScenarioTelnyxEmptyListSaysZero(t *testing.T) {
	a := newAgent(t)
	list := a.ok("telnyx_list_access_ip_addresses", map[string]any{"ip_address": "192.0.2.99"})
	meta, _ := list["meta"].(map[string]any)
	if d, _ := list["data"].([]any); len(d) != 0 || meta["total_results"] != float64(0) {
		t.Fatalf("empty list: %v", list)
	}
	a.done(1, 0)
}
