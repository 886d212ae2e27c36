package tools_test

import (
	"strings"
	"testing"
)

// "Allow 2001:db8::1 in Telnyx" when it is allowed already, spelled another
// way (leading zeros, upper case, an IPv4-mapped form of an IPv4 address):
// the same address, so changed false and nothing sent, not a 422.
func TestScenarioTelnyxIPAllowedInAnotherSpelling(t *testing.T) {
	a := newAgent(t)
	v6 := a.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": "2001:db8::1"})
	v4 := a.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": "198.51.100.23"})
	sent := a.env.App.Sandbox.Count("POST /v2/access_ip_address")
	for _, c := range []struct{ spelled, id string }{
		{"2001:0DB8:0000:0:0::1", v6["id"].(string)},
		{"2001:DB8::0001", v6["id"].(string)},
		{"::ffff:198.51.100.23", v4["id"].(string)},
	} {
		again := a.ok("telnyx_create_access_ip_address", map[string]any{"ip_address": c.spelled})
		note, _ := again["note"].(string)
		if again["changed"] != false || again["id"] != c.id || !strings.Contains(note, "already allowed") || !strings.Contains(note, "telnyx_list_access_ip_addresses") {
			t.Fatalf("%s: %v", c.spelled, again)
		}
	}
	if n := a.env.App.Sandbox.Count("POST /v2/access_ip_address"); n != sent {
		t.Fatalf("%d creates sent for addresses already allowed", n-sent)
	}
	if list := a.ok("telnyx_list_access_ip_addresses", map[string]any{"ip_address": "2001:0DB8:0:0::1"}); len(list["data"].([]any)) != 1 {
		t.Fatalf("listing by another spelling: %v", list)
	}
	a.fails("telnyx_create_access_ip_address", map[string]any{"ip_address": "203.0.113.0/24"}, "ip_address: must be a valid IPv4 address or IPv6 address", `"203.0.113.0/24"`)
	a.done(7, 0)
}

// "Point the Okta SSO at this certificate" when it trusts it already, the
// fingerprint spelled another way (lower case, no colons): the same bytes,
// so nothing is asked and nothing sent.
func TestScenarioTelnyxSSOFingerprintInAnotherSpelling(t *testing.T) {
	a := newAgent(t)
	settings := map[string]any{"idp_entity_id": "https://acme.okta.com/saml", "idp_sso_target_url": "https://acme.okta.com/sso",
		"idp_cert_fingerprint": oktaSettingsFingerprint}
	created := a.ok("telnyx_create_authentication_provider", map[string]any{"name": "Acme Okta", "short_name": "acme-okta-fp", "settings": settings})
	respelled := map[string]any{"idp_entity_id": settings["idp_entity_id"], "idp_sso_target_url": settings["idp_sso_target_url"],
		"idp_cert_fingerprint": strings.ToLower(strings.ReplaceAll(oktaSettingsFingerprint, ":", ""))}
	same := a.ok("telnyx_update_authentication_provider", map[string]any{"id": created["id"], "settings": respelled})
	if same["changed"] != false || a.env.App.Sandbox.Count("PATCH /v2/authentication_providers/{id}") != 0 {
		t.Fatalf("the same certificate respelled: %v", same)
	}
	a.done(2, 1) // the creation only
}
