package prompts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// Telnyx returns the Telnyx prompts; they read the SSO providers live through c.
func Telnyx(c func() *telnyx.Client, r *redact.Redactor) Set {
	p := telnyxPrompts{c: c}
	return build(r, p.setupSSO())
}

type telnyxPrompts struct{ c func() *telnyx.Client }

// maxSSOProviders bounds how many providers the prompt reads.
const maxSSOProviders = 500

func (p telnyxPrompts) providers(ctx context.Context) ([]telnyx.AuthenticationProvider, error) {
	c := p.c()
	if c == nil {
		return nil, errors.New("no Telnyx client is configured")
	}
	w, err := telnyx.Walk(ctx, telnyx.PageParams{Size: telnyx.MaxPageSize}, maxSSOProviders,
		func(ctx context.Context, pp telnyx.PageParams) (*telnyx.Page[telnyx.AuthenticationProvider], error) {
			return c.ListAuthenticationProviders(ctx, nil, pp)
		}, nil)
	if err != nil {
		return nil, err
	}
	return w.Items, nil
}

func (p telnyxPrompts) completeShortName(ctx context.Context, prefix string) ([]string, error) {
	list, err := p.providers(ctx)
	if err != nil {
		return nil, errors.New(cloudMessage(err))
	}
	var names []string
	for _, ap := range list {
		names = append(names, ap.ShortName)
	}
	return resources.WithPrefix(names, prefix), nil
}

// shortNameRe is the create tool's rule for short_name.
var shortNameRe = lazyre.New(`^[A-Za-z0-9_-]{1,64}$`)

func (p telnyxPrompts) setupSSO() Spec {
	return Spec{Name: "setup_telnyx_sso", Title: "Set up Telnyx single sign-on",
		Description: "Add or change a SAML single sign-on provider for the Telnyx portal from the live list: create it, give the IdP the service provider values, then switch it on.",
		Args: []Arg{
			{Name: "shortName", Description: "short_name of the provider: unique, URL-friendly, part of the login URL (an existing one is changed)",
				Check: matching(shortNameRe, "1-64 letters, digits, _ or -"), Complete: p.completeShortName},
			{Name: "name", Description: "Display name, e.g. Okta", Check: maxLen(255)},
			{Name: "settingsUrl", Description: "URL of the IdP's SAML metadata file (https), to fill the settings from", Check: httpsURL},
		},
		Needs: []string{"telnyx_list_authentication_providers", "telnyx_create_authentication_provider",
			"telnyx_retrieve_authentication_provider", "telnyx_update_authentication_provider"},
		Render: p.renderSetupSSO,
	}
}

func ssoSummary(ap telnyx.AuthenticationProvider) string {
	active := "unknown"
	if ap.Active != nil {
		active = fmt.Sprint(*ap.Active)
	}
	parts := []string{fmt.Sprintf("id %s", ap.ID), fmt.Sprintf("name %q", ap.Name), "active " + active}
	if s := ap.Settings; s != nil {
		for _, f := range []struct{ k, v string }{{"idp_entity_id", s.IdpEntityID}, {"idp_sso_target_url", s.IdpSSOTargetURL},
			{"idp_cert_fingerprint_algorithm", s.IdpCertFingerprintAlgorithm}, {"service_provider_login_url", s.ServiceProviderLoginURL}} {
			if f.v != "" {
				parts = append(parts, "settings."+f.k+" "+f.v)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// idpSettings is the settings object the create and update tools take, with
// placeholders; create needs the three idp_* fields, update only those that change.
func idpSettings() map[string]any {
	return map[string]any{"idp_entity_id": "<IdP entity ID>", "idp_sso_target_url": "<IdP SSO URL>",
		"idp_cert_fingerprint": "<IdP certificate fingerprint>", "idp_cert_fingerprint_algorithm": "<sha1|sha256|sha384|sha512>"}
}

func (p telnyxPrompts) renderSetupSSO(ctx context.Context, a map[string]string) (string, error) {
	list, err := p.providers(ctx)
	var t text
	t.line("Set up single sign-on (SAML) for the Telnyx portal. An SSO provider decides who can sign in to the Telnyx account, ",
		"so creating or changing one needs the user's yes. ", askOnce)
	t.line("No value here is secret: the IdP's entity ID, SSO URL and certificate fingerprint are public.")
	t.blank()
	if err != nil {
		t.line("The providers could not be read just now (", cloudMessage(err), "). Read them first: ",
			call("telnyx_list_authentication_providers", map[string]any{"all": true}), ".")
		t.blank()
	}
	var existing *telnyx.AuthenticationProvider
	if err == nil {
		if len(list) == 0 {
			t.line("Read just now: the account has no SSO provider yet.")
		} else {
			t.line(fmt.Sprintf("Read just now (as telnyx_list_authentication_providers returns them): %d SSO provider(s):", len(list)))
			for i, ap := range list {
				t.line("- ", ap.ShortName, ": ", ssoSummary(ap))
				if a["shortName"] != "" && ap.ShortName == a["shortName"] {
					existing = &list[i]
				}
			}
		}
		t.blank()
	}
	switch {
	case existing != nil:
		p.renderUpdateSSO(&t, a, *existing)
	case a["shortName"] == "" && err == nil && len(list) > 0:
		t.line("No shortName was given. Ask the user whether to change one of the providers above (render this prompt again with its shortName) ",
			"or to add a new one (render it with the new shortName), and stop here until they answer.")
	default:
		p.renderCreateSSO(&t, a)
	}
	return t.String(), nil
}

func (p telnyxPrompts) renderCreateSSO(t *text, a map[string]string) {
	short := orText(a["shortName"], "<short name: letters, digits, _ or -, unique>")
	args := map[string]any{"name": orText(a["name"], "<display name, e.g. Okta>"), "short_name": short, "active": false}
	if a["shortName"] != "" {
		t.line("No provider has short_name ", short, ": add it.")
	} else {
		t.line("Add a new SSO provider.")
	}
	t.line("1. Collect from the user (the IdP administrator has them): the display name; a short_name, which must be unique and URL-friendly, ",
		"as it's going to be part of the login URL; and the three SAML settings settings.idp_entity_id, settings.idp_sso_target_url and ",
		"settings.idp_cert_fingerprint (plus settings.idp_cert_fingerprint_algorithm): create requires settings. ",
		"The IdP metadata URL (settings_url) may be sent as well, but where settings are given Telnyx uses them instead.")
	if a["settingsUrl"] != "" {
		args["settings_url"] = a["settingsUrl"]
		t.line("   The metadata URL was given: settings_url ", a["settingsUrl"], "; settings are still required on create, and the values given there win.")
	}
	args["settings"] = idpSettings()
	t.line("2. Create it switched off: ", call("telnyx_create_authentication_provider", args))
	t.line("   The tool asks the user to confirm, because it changes who can sign in. Fill the placeholders with the user's values; never invent them.")
	t.line("3. The result holds the values the IdP needs: settings.assertion_consumer_service_url and settings.service_provider_entity_id. ",
		"Give them to the user to enter at the IdP, with settings.name_identifier_format, which must be the same on both sides. ",
		"Users will sign in at settings.service_provider_login_url.")
	t.line("4. When the user says the IdP side is configured, switch it on: ",
		call("telnyx_update_authentication_provider", map[string]any{"id": "<id from step 2>", "active": true}), ".")
	t.line("5. Verify: ", call("telnyx_retrieve_authentication_provider", map[string]any{"id": "<id>"}),
		" shows active true and the settings given; report the provider as a short table (name, short_name, active, IdP entity ID, login URL).")
}

func (p telnyxPrompts) renderUpdateSSO(t *text, a map[string]string, ap telnyx.AuthenticationProvider) {
	args := map[string]any{"id": ap.ID}
	var changes []string
	if n := a["name"]; n != "" && n != ap.Name {
		args["name"] = n
		changes = append(changes, fmt.Sprintf("name %q → %q", ap.Name, n))
	}
	if u := a["settingsUrl"]; u != "" {
		args["settings_url"] = u
		changes = append(changes, "settings refilled from the metadata at "+u)
	}
	if len(changes) == 0 {
		args["name"] = "<new display name, or other fields that change>"
	}
	t.line("Provider ", ap.ShortName, " exists (id ", ap.ID, "): change it with telnyx_update_authentication_provider; do not create another.")
	if len(changes) > 0 {
		t.line("1. The arguments given change: ", strings.Join(changes, "; "), ". Ask the user whether anything else should change.")
	} else {
		t.line("1. Nothing to change was given: show the user the provider above and ask what to change (name, short_name, active, or the SAML settings). If nothing, stop here.")
	}
	t.line("2. Call telnyx_update_authentication_provider with id and only what changes (inside settings too: fields left out keep their value), e.g.:")
	t.line("   ", call("telnyx_update_authentication_provider", args))
	t.line("   Changing short_name changes the login URL; setting active false stops sign-in through it. A call that changes nothing answers changed false without asking.")
	t.line("3. The result holds before and after: show each changed field as before → after and check nothing else changed.")
}
