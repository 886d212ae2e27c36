package tools_test

import (
	"strings"
	"testing"
)

// "Add Okta SSO to Telnyx" (trial 4, N2): the question that creates an SSO
// provider names every setting the user approves, the certificate
// fingerprint whole and its algorithm (also when it follows from the
// fingerprint's length), as the update question does. A sha1 fingerprint
// is called a weaker check, on create and on update (N7).
func TestScenarioTelnyxSSOCreateQuestionNamesEverySetting(t *testing.T) {
	a := newAgent(t)
	fp256 := hexPairs(32, "A7")
	created := a.ok("telnyx_create_authentication_provider", map[string]any{"name": "Trial Okta", "short_name": "trial-okta", "active": true,
		"settings": map[string]any{"idp_entity_id": "http://www.okta.com/exkT4", "idp_sso_target_url": "https://trial.okta.com/app/x/sso/saml",
			"idp_cert_fingerprint": fp256}})
	q := a.done(1, 1)
	for _, want := range []string{`Create SSO provider "Trial Okta" (short name trial-okta)`,
		`settings.idp_entity_id: "http://www.okta.com/exkT4"`, `settings.idp_sso_target_url: "https://trial.okta.com/app/x/sso/saml"`,
		`settings.idp_cert_fingerprint: "` + fp256 + `"`, `settings.idp_cert_fingerprint_algorithm: "sha256" (from the fingerprint's length)`,
		`active: true`} {
		if len(q) == 1 && !strings.Contains(q[0], want) {
			t.Errorf("create question lacks %q: %q", want, q[0])
		}
	}
	if len(q) == 1 && (strings.Contains(q[0], "redacted") || strings.Contains(q[0], "weaker")) {
		t.Errorf("create question: %q", q[0])
	}
	// sha1 given outright: shown, and called weaker.
	fp1 := hexPairs(20, "3F")
	a.ok("telnyx_create_authentication_provider", map[string]any{"name": "Legacy IdP", "short_name": "legacy-idp",
		"settings": map[string]any{"idp_entity_id": "https://legacy.example/saml", "idp_sso_target_url": "https://legacy.example/sso",
			"idp_cert_fingerprint": fp1, "idp_cert_fingerprint_algorithm": "sha1"}})
	q = a.done(2, 2)
	if len(q) == 2 && (!strings.Contains(q[1], `settings.idp_cert_fingerprint: "`+fp1+`"`) ||
		!strings.Contains(q[1], `settings.idp_cert_fingerprint_algorithm: "sha1" (a weaker check than sha256)`)) {
		t.Errorf("sha1 create question: %q", q[1])
	}
	// Moving the first provider from sha256 to sha1: the question says it weakens the check.
	id, _ := created["id"].(string)
	a.ok("telnyx_update_authentication_provider", map[string]any{"id": id, "settings": map[string]any{"idp_cert_fingerprint": fp1}})
	q = a.done(3, 3)
	if len(q) == 3 && !strings.Contains(q[2], `settings.idp_cert_fingerprint_algorithm: "sha256" → "sha1" (a weaker check than sha256)`) {
		t.Errorf("downgrade question: %q", q[2])
	}
	// And back up to sha256: no such note.
	a.ok("telnyx_update_authentication_provider", map[string]any{"id": id, "settings": map[string]any{"idp_cert_fingerprint": fp256}})
	q = a.done(4, 4)
	if len(q) == 4 && strings.Contains(q[3], "weaker") {
		t.Errorf("upgrade question: %q", q[3])
	}
}

// "Add Okta SSO to Telnyx" without saying active (trial 5, P2): the
// provider is created inactive, and the question says so instead of
// promising that users can then sign in; active: false reads the same way,
// active: true promises the sign-in it gives.
func TestScenarioTelnyxSSOCreateInactiveSaysSo(t *testing.T) {
	a := newAgent(t)
	settings := func(n string) map[string]any {
		return map[string]any{"idp_entity_id": "http://www.okta.com/exkT5" + n, "idp_sso_target_url": "https://trial5.okta.com/app/x/sso/saml",
			"idp_cert_fingerprint": hexPairs(32, "D2")}
	}
	unsaid := a.ok("telnyx_create_authentication_provider", map[string]any{"name": "Trial5 Okta", "short_name": "trial5-okta", "settings": settings("a")})
	off := a.ok("telnyx_create_authentication_provider", map[string]any{"name": "Trial5 Off", "short_name": "trial5-off", "active": false, "settings": settings("b")})
	on := a.ok("telnyx_create_authentication_provider", map[string]any{"name": "Trial5 On", "short_name": "trial5-on", "active": true, "settings": settings("c")})
	q := a.done(3, 3)
	if unsaid["active"] != false || off["active"] != false || on["active"] != true {
		t.Fatalf("active: not given %v, false %v, true %v", unsaid["active"], off["active"], on["active"])
	}
	for i, want := range [][]string{
		{"only once it is turned on", "active: not given, so it is created inactive (nobody can sign in through it until it is updated with active: true)"},
		{"only once it is turned on", "active: false"},
		{"users can then sign in through the IdP these settings name", "active: true"},
	} {
		for _, w := range want {
			if len(q) == 3 && !strings.Contains(q[i], w) {
				t.Errorf("question %d lacks %q: %q", i, w, q[i])
			}
		}
	}
	if len(q) == 3 && (strings.Contains(q[0], "users can then sign in") || strings.Contains(q[1], "users can then sign in")) {
		t.Errorf("an inactive provider promised sign-in: %q", q[:2])
	}
}
