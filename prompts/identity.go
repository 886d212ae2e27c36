package prompts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
	"github.com/cloudops-mcp/cloudops-mcp/review"
)

// identityProviderTypes are the provider types set up with a protocol
// configuration (CUSTOM and EMAIL are configured with cloudbase_modify_provider).
var identityProviderTypes = slices.DeleteFunc(slices.Clone(tcb.ProviderTypes), func(t string) bool { return t == "CUSTOM" || t == "EMAIL" })

var providerIDRe = lazyre.New(tcb.ProviderIDPattern)

func (p cbPrompts) completeProviderID(ctx context.Context, prefix string) ([]string, error) {
	list, err := p.c().GetProviders(ctx)
	if err != nil {
		return nil, errors.New(cloudMessage(err))
	}
	var ids []string
	for _, pr := range list.Data {
		ids = append(ids, pr.Id)
	}
	return resources.WithPrefix(ids, prefix), nil
}

func (p cbPrompts) setupIdentityProvider() Spec {
	return Spec{Name: "setup_identity_provider", Title: "Set up an identity provider",
		Description: "Add or change an OIDC, OAuth, SAML or WeChat sign-in provider: read current providers, add or modify, verify; the client secret is never echoed.",
		Args: []Arg{
			{Name: "providerType", Description: "OIDC, OAUTH, SAML or a WeChat kind (WX_OPEN, WX_MP, WX_MICRO_APP, WX_WORK_INTERNAL, …)", Required: true,
				Check: oneOf(identityProviderTypes...), Complete: values(identityProviderTypes...)},
			{Name: "providerId", Description: "Provider Id: 2-32 lowercase letters/digits (an existing one is modified)",
				Check: matching(providerIDRe, "2-32 lowercase letters or digits"), Complete: p.completeProviderID},
			{Name: "displayName", Description: "Name shown on the sign-in page", Check: maxLen(256)},
			{Name: "issuer", Description: "OIDC issuer URL (https); endpoints are discovered from it", Check: httpsURL},
			{Name: "authorizationEndpoint", Description: "OAuth/OIDC authorization URL (https), when there is no issuer", Check: httpsURL},
			{Name: "tokenEndpoint", Description: "OAuth/OIDC token URL (https), when there is no issuer", Check: httpsURL},
		},
		Validate: func(a map[string]string) error {
			typ := a["providerType"]
			if a["issuer"] != "" && typ != "OIDC" {
				return fmt.Errorf("issuer: only for OIDC providers (providerType is %s)", typ)
			}
			for _, f := range []string{"authorizationEndpoint", "tokenEndpoint"} {
				if a[f] != "" && typ != "OIDC" && typ != "OAUTH" {
					return fmt.Errorf("%s: only for OIDC and OAUTH providers (providerType is %s)", f, typ)
				}
			}
			return nil
		},
		Needs:  []string{"cloudbase_get_providers", "cloudbase_add_provider", "cloudbase_modify_provider"},
		Render: p.renderSetupIdentityProvider,
	}
}

func (p cbPrompts) renderSetupIdentityProvider(ctx context.Context, a map[string]string) (string, error) {
	typ, id := a["providerType"], a["providerId"]
	idText, idArg := "", id
	if id != "" {
		idText = fmt.Sprintf(" with Id %q", id)
	} else {
		idArg = "<2-32 lowercase letters/digits, e.g. " + strings.ToLower(strings.ReplaceAll(typ, "_", "")) + ">"
	}
	name := a["displayName"]
	if name == "" {
		name = "<display name>"
	}
	var t text
	t.line(fmt.Sprintf("Set up an identity provider of type %s%s for CloudBase environment %s, so users can sign in through it.", typ, idText, p.env(ctx)))
	t.blank()
	t.line(secretRules)
	t.line("Change nothing before the user has confirmed a summary of the settings (the secret shown only as \"provided\").")
	t.blank()
	t.line("1. Read the current providers: ", call("cloudbase_get_providers", nil), ".")
	if id != "" {
		t.line(fmt.Sprintf("   If a provider with Id %q exists, this is a change: in step 3 use cloudbase_modify_provider with only the fields that differ, not cloudbase_add_provider.", id))
	} else {
		t.line("   If a provider of type " + typ + " already points at the same issuer, endpoints or client, change that one with cloudbase_modify_provider instead of adding a duplicate.")
	}
	t.line("   An environment holds at most 20 providers: if 20 exist, stop and ask the user which one to delete first.")
	t.line("2. Collect the settings, asking the user for each one still missing:")
	cfg := map[string]any{}
	switch {
	case typ == "OIDC":
		if a["issuer"] != "" {
			t.line("   - Issuer: ", a["issuer"], " (given); AuthorizationEndpoint, TokenEndpoint and JwksUri are discovered from it.")
			cfg["Issuer"] = a["issuer"]
		} else {
			t.line("   - Issuer (preferred: endpoints are discovered from it), or else AuthorizationEndpoint, TokenEndpoint and JwksUri.")
		}
		t.line("   - ClientId registered at the IdP for this app (its client secret is not asked here: see step 3).")
		t.line("   - Scope: must contain openid, e.g. \"openid email profile\".")
		cfg["Scope"] = "openid email profile"
	case typ == "OAUTH":
		t.line("   - ClientId registered at the provider for this app (its client secret is not asked here: see step 3).")
		t.line("   - Scope, AuthorizationEndpoint, TokenEndpoint (all required), and UserinfoEndpoint to read the profile.")
		t.line("   - ResponseParametersMap when the profile fields are not standard (e.g. {\"Sub\":\"id\",\"Name\":\"login\"}).")
		cfg["Scope"] = "<scopes>"
	case typ == "SAML":
		t.line("   - SamlMetadata: the IdP's metadata XML (at most 10 KB; it holds only public certificates).")
		t.line("   - The IdP in turn needs this environment's SAML ACS URL and entity id, shown in the CloudBase console.")
		cfg["SamlMetadata"] = "<IdP metadata XML>"
	default:
		t.line("   - ClientId: the AppID of the WeChat (", typ, ") application; Config.ClientSecret: its AppSecret.")
		t.line("   - WeChat's OAuth is not standard: set RequestParametersMap {\"ClientId\":\"appid\",\"ClientSecret\":\"secret\"} if the console does not.")
	}
	for _, f := range []string{"authorizationEndpoint", "tokenEndpoint"} {
		if v := a[f]; v != "" {
			key := strings.ToUpper(f[:1]) + f[1:]
			t.line("   - ", key, ": ", v, " (given).")
			cfg[key] = v
		}
	}
	if typ == "OIDC" || typ == "OAUTH" {
		t.line("   - RedirectUri: the callback registered at the IdP; for this environment normally ", p.callbackURL(ctx), " (it must match exactly).")
		cfg["RedirectUri"] = p.callbackURL(ctx)
	}
	if typ != "SAML" {
		cfg["ClientId"] = "<client id>"
		cfg["ClientSecret"] = map[string]any{"ask": true}
	}
	args := map[string]any{"Id": idArg, "ProviderType": typ, "Name": map[string]any{"Message": name}, "Config": cfg, "On": "FALSE"}
	t.line("3. Show the user the settings and get a yes. Then call:")
	t.line("   ", call("cloudbase_add_provider", args))
	if typ != "SAML" {
		t.line("   Config.ClientSecret {\"ask\":true} makes the server ask the user for the secret on a one-time page; it never enters this conversation.")
		t.line("   The tool names any required field still missing: ask for it and call again.")
	}
	t.line("   It is added switched off (On FALSE) so nobody signs in through it before it is verified.")
	t.line("   Check AutoSignUpWithProviderUser afterwards: TRUE registers anyone who signs in there. If only existing users may sign in this way, ",
		call("cloudbase_modify_provider", map[string]any{"Id": idArg, "AutoSignUpWithProviderUser": "FALSE"}), ".")
	t.line("4. Verify: call cloudbase_get_providers again and check the entry with this Id: ProviderType is ", typ,
		"; Config holds the settings from step 2")
	if typ != "SAML" {
		t.line("   and Config.ClientSecret shows as [redacted…] (empty means no secret was stored: set it with cloudbase_modify_provider);")
	}
	if typ == "OIDC" || typ == "OAUTH" {
		t.line("   RedirectUri is exactly the callback registered at the IdP.")
	}
	t.line("   If a check fails, fix that field with cloudbase_modify_provider and verify again.")
	t.line("5. Ask the user to try a sign-in, then enable it: ", call("cloudbase_modify_provider", map[string]any{"Id": idArg, "On": "TRUE"}),
		", and confirm with cloudbase_get_providers that On is TRUE.")
	t.line("6. Report the provider as a short table (Id, type, name, issuer or endpoints, redirect URI, on/off, auto sign-up), without any secret.")
	return t.String(), nil
}

// loginMethods maps the prompt's method names to the login config switches.
var loginMethods = []struct{ name, field, label string }{
	{"phone", "PhoneNumberLogin", "phone SMS"},
	{"email", "EmailLogin", "email"},
	{"username", "UserNameLogin", "username/password"},
	{"anonymous", "AnonymousLogin", "anonymous"},
}

func loginMethodNames() []string {
	out := make([]string, len(loginMethods))
	for i, m := range loginMethods {
		out[i] = m.name
	}
	return out
}

func (p cbPrompts) enableLoginMethods() Spec {
	names := loginMethodNames()
	return Spec{Name: "enable_login_methods", Title: "Enable or disable login methods",
		Description: "Turn the named login methods (phone, email, username, anonymous) on or off, change nothing else, then show before and after.",
		Args: []Arg{
			{Name: "enable", Description: "Methods to turn on, comma-separated: phone, email, username, anonymous", Check: listOf(names...), Complete: listValues(names...)},
			{Name: "disable", Description: "Methods to turn off, comma-separated: phone, email, username, anonymous", Check: listOf(names...), Complete: listValues(names...)},
		},
		Validate: func(a map[string]string) error {
			if a["enable"] == "" && a["disable"] == "" {
				return errors.New("enable, disable: give at least one method to enable or disable")
			}
			for _, m := range strings.Split(a["enable"], ",") {
				if m != "" && strings.Contains(","+a["disable"]+",", ","+m+",") {
					return fmt.Errorf("enable, disable: %s is in both", m)
				}
			}
			return nil
		},
		Needs:  []string{"cloudbase_get_login_config", "cloudbase_modify_login_config", "cloudbase_get_providers"},
		Render: p.renderEnableLoginMethods,
	}
}

func (p cbPrompts) renderEnableLoginMethods(ctx context.Context, a map[string]string) (string, error) {
	change := map[string]any{}
	var on, off []string
	for _, m := range loginMethods {
		if strings.Contains(","+a["enable"]+",", ","+m.name+",") {
			change[m.field], on = true, append(on, m.label+" ("+m.field+")")
		}
		if strings.Contains(","+a["disable"]+",", ","+m.name+",") {
			change[m.field], off = false, append(off, m.label+" ("+m.field+")")
		}
	}
	var t text
	what := []string{}
	if len(on) > 0 {
		what = append(what, "turn ON "+strings.Join(on, ", "))
	}
	if len(off) > 0 {
		what = append(what, "turn OFF "+strings.Join(off, ", "))
	}
	t.line("In CloudBase environment ", p.env(ctx), ", ", strings.Join(what, " and "), ". Every other login setting must stay exactly as it is.")
	t.blank()
	t.line("1. Read the current policy: ", call("cloudbase_get_login_config", nil),
		". Note the four switches PhoneNumberLogin, EmailLogin, UserNameLogin, AnonymousLogin: this is \"before\".")
	t.line("2. Check before changing anything:")
	t.line("   - A method already in the wanted state needs no change; if all are, say so and stop.")
	if len(off) > 0 {
		t.line("   - If every switch would be off afterwards, also call cloudbase_get_providers: with no provider On TRUE either, nobody could sign in. Then stop and ask the user.")
	}
	if change["PhoneNumberLogin"] == true {
		t.line("   - Phone login sends SMS codes: check SmsVerificationConfig is set and SmsDayLimit is not -1 (unlimited SMS can be abused for cost).")
	}
	if change["EmailLogin"] == true {
		t.line("   - Email login needs a sender: in cloudbase_get_providers the email provider must be On TRUE or have an SmtpConfig; otherwise say so.")
	}
	if change["AnonymousLogin"] == true {
		t.line("   - Anonymous login lets anyone get a session: confirm with the user that the security rules keep anonymous users to public data.")
	}
	t.line("3. Call exactly ", call("cloudbase_modify_login_config", change), ". Pass no other field: omitted fields keep their value.")
	t.line("4. The result holds Before and After. Show a table of the four switches (method, before, after) and check that only the named methods changed; if anything else changed, report it at once.")
	t.line("5. Confirm with ", call("cloudbase_get_login_config", nil), " that the stored policy equals After.")
	return t.String(), nil
}

// clientIDRe accepts a client id; the env id names the default client.
var clientIDRe = lazyre.New(`^[A-Za-z0-9_.-]{1,128}$`)

func (p cbPrompts) reviewLoginSecurity() Spec {
	return Spec{Name: "review_login_security", Title: "Review login security",
		Description: "Read the login policy, the app client and the identity providers, report weak settings (MFA, password rotation, devices, token lifetimes, auto sign-up) with the exact fixes.",
		Args: []Arg{{Name: "clientId", Description: "Client to review (default: the environment's default client, the env id)",
			Check: matching(clientIDRe, "1-128 letters, digits, . _ or -")}},
		Needs:  []string{"cloudbase_get_login_config", "cloudbase_describe_client", "cloudbase_get_providers"},
		Render: p.renderReviewLoginSecurity,
	}
}

func (p cbPrompts) renderReviewLoginSecurity(ctx context.Context, a map[string]string) (string, error) {
	client := a["clientId"]
	if client == "" {
		client = p.env(ctx)
	}
	reads := []string{call("cloudbase_get_login_config", nil), call("cloudbase_describe_client", map[string]any{"Id": client}), call("cloudbase_get_providers", nil)}
	var t text
	t.line("Review the sign-in security of CloudBase environment ", p.env(ctx), " and report weak settings with the exact changes that fix them.")
	t.blank()
	rep, err := review.LoginSecurity(ctx, p.c(), client)
	if err != nil {
		t.line("The configuration could not be read just now (", cloudMessage(err), "). Read it yourself: ", strings.Join(reads, "; "), ".")
		t.line("Then check each rule:")
		for _, r := range review.LoginSecurityRules {
			t.line("- ", r)
		}
	} else {
		t.line("Read live just now with ", strings.Join(reads, "; "), ".")
		if len(rep.Findings) == 0 {
			t.line("No weak setting found.")
		} else {
			t.line(fmt.Sprintf("Findings (%d):", len(rep.Findings)))
			for i, f := range rep.Findings {
				t.line(fmt.Sprintf("%d. [%s] %s", i+1, f.Severity, f.Problem))
				t.line("   Fix: ", call(f.Fix.Tool, f.Fix.Args), f.Fix.Note)
			}
		}
		if len(rep.Passed) > 0 {
			t.line("Passed: ", strings.Join(rep.Passed, "; "), ".")
		}
	}
	t.blank()
	t.line("What to do:")
	t.line("1. Re-read the three sources with the calls above, so every finding is checked against the current state.")
	t.line("2. Present the findings as a table: setting, current value, risk, fix. Explain each risk in one sentence. Never show a secret.")
	t.line("3. Apply a fix only after the user approves it: one call per finding, with exactly the arguments shown (omitted fields keep their values).")
	t.line("4. After applying, re-read and show before/after for every changed setting.")
	return t.String(), nil
}

func orText(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
