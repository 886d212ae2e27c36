package prompts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
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
	list, err := p.c().GetProviders(ctx)
	var live []tcb.Provider
	if err == nil {
		live = list.Data
	}
	for i, pr := range live {
		if pr.Id != id || id == "" {
			continue
		}
		if pr.ProviderType != typ {
			return "", badArg("providerId: %q is already a provider of type %s, not %s; give another providerId to add a %s provider, or providerType %s to change this one",
				id, pr.ProviderType, typ, typ, pr.ProviderType)
		}
		return p.renderModifyProvider(ctx, a, live[i]), nil
	}
	return p.renderAddProvider(ctx, a, live, err), nil
}

// providerSummary describes a provider without any secret: the client
// secret is only said to be set or not.
func providerSummary(pr tcb.Provider) []string {
	out := []string{"ProviderType " + pr.ProviderType, "On " + orText(pr.On, "(unset)")}
	if pr.Name != nil && pr.Name.Message != "" {
		out = append(out, fmt.Sprintf("Name.Message %q", pr.Name.Message))
	}
	if c := pr.Config; c != nil {
		for _, f := range []struct{ k, v string }{{"Issuer", c.Issuer}, {"ClientId", c.ClientId}, {"Scope", c.Scope},
			{"AuthorizationEndpoint", c.AuthorizationEndpoint}, {"TokenEndpoint", c.TokenEndpoint}, {"UserinfoEndpoint", c.UserinfoEndpoint},
			{"RedirectUri", c.RedirectUri}} {
			if f.v != "" {
				out = append(out, "Config."+f.k+" "+f.v)
			}
		}
		if c.SamlMetadata != "" {
			out = append(out, fmt.Sprintf("Config.SamlMetadata set (%d bytes)", len(c.SamlMetadata)))
		}
		if pr.ProviderType != "SAML" {
			set := "not set"
			if c.ClientSecret != "" {
				set = "set"
			}
			out = append(out, "Config.ClientSecret "+set)
		}
	}
	out = append(out, "AutoSignUpWithProviderUser "+orText(pr.AutoSignUpWithProviderUser, "(unset)"))
	return out
}

// renderModifyProvider guides a change to a provider that exists: only the
// fields that differ are sent.
func (p cbPrompts) renderModifyProvider(ctx context.Context, a map[string]string, pr tcb.Provider) string {
	id, typ := pr.Id, pr.ProviderType
	cfg, args := map[string]any{}, map[string]any{"Id": id}
	var given []string
	cur := tcb.ProviderConfig{}
	if pr.Config != nil {
		cur = *pr.Config
	}
	for _, f := range []struct{ arg, key, now string }{{"issuer", "Issuer", cur.Issuer},
		{"authorizationEndpoint", "AuthorizationEndpoint", cur.AuthorizationEndpoint}, {"tokenEndpoint", "TokenEndpoint", cur.TokenEndpoint}} {
		if v := a[f.arg]; v != "" && v != f.now {
			cfg[f.key] = v
			given = append(given, "Config."+f.key+": "+orText(f.now, "(unset)")+" → "+v)
		}
	}
	if len(cfg) > 0 {
		args["Config"] = cfg
	}
	if n := a["displayName"]; n != "" && (pr.Name == nil || pr.Name.Message != n) {
		args["Name"] = map[string]any{"Message": n}
		old := ""
		if pr.Name != nil {
			old = pr.Name.Message
		}
		given = append(given, "Name.Message: "+orText(old, "(unset)")+" → "+n)
	}
	var t text
	t.line(fmt.Sprintf("Identity provider %q (%s) already exists in CloudBase environment %s: change it with cloudbase_modify_provider; do not add another.", id, typ, p.env(ctx)))
	t.blank()
	t.line(secretWayOf(ctx).rules())
	t.line(askOnce)
	t.blank()
	t.line("Its current settings, read just now: ", strings.Join(providerSummary(pr), "; "), ".")
	t.blank()
	switch {
	case len(given) > 0:
		t.line("1. The arguments given change: ", strings.Join(given, "; "), ". Ask the user whether anything else should change.")
	default:
		t.line("1. Nothing to change was given (or it equals the current value): show the user the settings above and ask what to change. If nothing, stop here.")
	}
	if typ != "SAML" {
		w, file := secretWayOf(ctx), strings.ToLower(pr.Id)+"-client-secret"
		t.line("   To replace the client secret, add Config.ClientSecret ", w.refText(file), ": ", w.how(file), ".")
	}
	t.line("2. Call cloudbase_modify_provider with Id and only the fields that change (omitted fields keep their value), e.g.:")
	t.line("   ", call("cloudbase_modify_provider", args))
	t.line("   A call that changes nothing answers Changed false without asking anyone.")
	t.line("3. The result holds Before and After: show each changed field as before → after (secrets only as set/replaced), and check nothing else changed.")
	if pr.On != "TRUE" {
		t.line("4. It is switched off (On ", orText(pr.On, "unset"), "): once the user has tried a sign-in, enable it with ",
			call("cloudbase_modify_provider", map[string]any{"Id": id, "On": "TRUE"}), ".")
	} else {
		t.line("4. It is On: users sign in through it now, so a wrong Issuer, endpoint or ClientId locks them out. Ask the user to try a sign-in right after the change.")
	}
	return t.String()
}

// renderAddProvider guides adding a provider, from the live list when it could be read.
func (p cbPrompts) renderAddProvider(ctx context.Context, a map[string]string, live []tcb.Provider, listErr error) string {
	typ, id := a["providerType"], a["providerId"]
	taken := map[string]bool{}
	var sameType []string
	for _, pr := range live {
		taken[pr.Id] = true
		if pr.ProviderType == typ {
			sameType = append(sameType, fmt.Sprintf("%q (On %s)", pr.Id, orText(pr.On, "unset")))
		}
	}
	idText, idArg := "", id
	if id != "" {
		idText = fmt.Sprintf(" with Id %q", id)
	} else {
		base := strings.ToLower(strings.ReplaceAll(typ, "_", ""))
		suggestion := base
		for n := 2; taken[suggestion]; n++ {
			suggestion = fmt.Sprintf("%s%d", base, n)
		}
		idArg = suggestion
		idText = fmt.Sprintf(" with Id %q (free; the user may choose another: 2-32 lowercase letters or digits)", suggestion)
	}
	name := a["displayName"]
	if name == "" {
		name = "<display name>"
	}
	var t text
	t.line(fmt.Sprintf("Set up an identity provider of type %s%s for CloudBase environment %s, so users can sign in through it.", typ, idText, p.env(ctx)))
	t.blank()
	t.line(secretWayOf(ctx).rules())
	t.line("Change nothing before the user has confirmed a summary of the settings (the secret shown only as \"provided\").")
	t.blank()
	switch {
	case listErr != nil:
		t.line("1. The providers could not be read just now (", cloudMessage(listErr), "). Read them: ", call("cloudbase_get_providers", nil), ".")
		t.line("   If one with this Id or the same issuer/client exists, change it with cloudbase_modify_provider instead of adding a duplicate.")
		t.line("   An environment holds at most 20 providers: if 20 exist, stop and ask the user which one to delete first.")
	default:
		t.line(fmt.Sprintf("1. Read just now: %d providers exist (at most 20 are allowed).", len(live)))
		if len(sameType) > 0 {
			t.line("   Of type ", typ, ": ", strings.Join(sameType, ", "),
				". If the user means one of these, change it instead (this prompt again with its providerId, or cloudbase_modify_provider); do not add a duplicate.")
		} else {
			t.line("   None is of type ", typ, ", so this adds a new one.")
		}
		if len(live) >= 20 {
			t.line("   The limit is reached: stop and ask the user which provider to delete first (cloudbase_delete_provider).")
		}
	}
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
		cfg["ClientSecret"] = secretWayOf(ctx).ref(secretFile(idArg))
	}
	args := map[string]any{"Id": idArg, "ProviderType": typ, "Name": map[string]any{"Message": name}, "Config": cfg, "On": "FALSE"}
	t.line("3. Show the user the settings and get a yes. Then call:")
	t.line("   ", call("cloudbase_add_provider", args))
	if typ != "SAML" {
		w, file := secretWayOf(ctx), secretFile(idArg)
		t.line("   Config.ClientSecret ", w.refText(file), ": ", w.how(file), ".")
		t.line("   The tool names any required field still missing: ask for it and call again.")
	}
	t.line("   It is added switched off (On FALSE) so nobody signs in through it before it is verified.")
	t.line("   Check AutoSignUpWithProviderUser afterwards: TRUE registers anyone who signs in there. If only existing users may sign in this way, ",
		call("cloudbase_modify_provider", map[string]any{"Id": idArg, "AutoSignUpWithProviderUser": "FALSE"}), ".")
	t.line("4. Verify from the result's After (no re-read needed): ProviderType is ", typ, "; Config holds the settings from step 2")
	if typ != "SAML" {
		t.line("   and Config.ClientSecret shows as [redacted…] (empty means no secret was stored: set it with cloudbase_modify_provider);")
	}
	if typ == "OIDC" || typ == "OAUTH" {
		t.line("   RedirectUri is exactly the callback registered at the IdP.")
	}
	t.line("   If a check fails, fix that field with cloudbase_modify_provider; its result shows Before and After.")
	t.line("5. Ask the user to try a sign-in, then enable it: ", call("cloudbase_modify_provider", map[string]any{"Id": idArg, "On": "TRUE"}),
		"; its After shows On TRUE. ", askOnce)
	t.line("6. Report the provider as a short table (Id, type, name, issuer or endpoints, redirect URI, on/off, auto sign-up), without any secret.")
	return t.String()
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
		Description: "Turn login methods (phone, email, username, anonymous) on or off from the live policy, change nothing else, show before and after; with no arguments, show the current state and ask.",
		Args: []Arg{
			{Name: "enable", Description: "Methods to turn on, comma-separated: phone, email, username, anonymous", Check: listOf(names...), Complete: listValues(names...)},
			{Name: "disable", Description: "Methods to turn off, comma-separated: phone, email, username, anonymous", Check: listOf(names...), Complete: listValues(names...)},
		},
		Validate: func(a map[string]string) error {
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

// loginSwitch reads one of the four switches of a login config.
func loginSwitch(c *tcb.LoginConfig, field string) bool {
	switch field {
	case "PhoneNumberLogin":
		return c.PhoneNumberLogin
	case "EmailLogin":
		return c.EmailLogin
	case "UserNameLogin":
		return c.UserNameLogin
	}
	return c.AnonymousLogin
}

// emailSender says why email codes cannot be sent, and the fix, or "" when
// a sender works: the EMAIL provider must be On, with the platform's default
// sending (EmailConfig.On) or a custom SMTP server (EmailConfig.SmtpConfig).
// EmailSender says why no sign-in email can be sent with these identity
// providers and the call that fixes it; "" when a sender works. Tools warn
// with it too (cloudbase_modify_login_config turning email login on).
func EmailSender(providers []tcb.Provider) (why, fix string) {
	for _, pr := range providers {
		if pr.ProviderType != "EMAIL" {
			continue
		}
		ec := pr.EmailConfig
		sends := ec != nil && (ec.On == "TRUE" || ec.SmtpConfig != nil && ec.SmtpConfig.ServerHost != "" && ec.SmtpConfig.SenderAddress != "")
		args := map[string]any{"Id": pr.Id, "On": "TRUE"}
		switch {
		case pr.On != "TRUE" && sends:
			why = fmt.Sprintf("the EMAIL identity provider %q is off (On %s)", pr.Id, orText(pr.On, "unset"))
		case pr.On != "TRUE":
			why = fmt.Sprintf("the EMAIL identity provider %q is off (On %s) and has no sender", pr.Id, orText(pr.On, "unset"))
			args["EmailConfig"] = map[string]any{"On": "TRUE"}
		case !sends:
			why = fmt.Sprintf("the EMAIL identity provider %q has neither the platform's default sending (EmailConfig.On TRUE) nor an SMTP server (EmailConfig.SmtpConfig)", pr.Id)
			args = map[string]any{"Id": pr.Id, "EmailConfig": map[string]any{"On": "TRUE"}}
		default:
			return "", ""
		}
		return why, "Offer the fix " + call("cloudbase_modify_provider", args) +
			" (platform sending; for the user's own mail server, EmailConfig.SmtpConfig instead, its AccountPassword as a secret reference)."
	}
	return "there is no EMAIL identity provider", "Offer to create it: " +
		call("cloudbase_modify_provider", map[string]any{"Id": "email", "ProviderType": "EMAIL", "On": "TRUE", "EmailConfig": map[string]any{"On": "TRUE"}}) +
		" (the cloud creates an EMAIL provider on first use)."
}

func (p cbPrompts) renderEnableLoginMethods(ctx context.Context, a map[string]string) (string, error) {
	want := map[string]bool{} // field -> wanted state, for the methods named
	for _, m := range loginMethods {
		if strings.Contains(","+a["enable"]+",", ","+m.name+",") {
			want[m.field] = true
		}
		if strings.Contains(","+a["disable"]+",", ","+m.name+",") {
			want[m.field] = false
		}
	}
	cfg, err := p.c().DescribeLoginConfig(ctx)
	var providers []tcb.Provider
	if err == nil {
		var list *tcb.ProviderList
		if list, err = p.c().GetProviders(ctx); err == nil {
			providers = list.Data
		}
	}
	var t text
	if err != nil {
		return p.renderEnableLoginMethodsBlind(ctx, want, err), nil
	}
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	var now []string
	for _, m := range loginMethods {
		now = append(now, fmt.Sprintf("%s (%s) %s", m.label, m.field, onOff(loginSwitch(cfg, m.field))))
	}
	t.line("Login methods of CloudBase environment ", p.env(ctx), ", read just now: ", strings.Join(now, "; "), ".")
	var enabledProviders []string
	for _, pr := range providers {
		if pr.On == "TRUE" && pr.ProviderType != "EMAIL" {
			enabledProviders = append(enabledProviders, pr.Id)
		}
	}
	if len(enabledProviders) > 0 {
		t.line("Identity providers switched on: ", strings.Join(enabledProviders, ", "), ".")
	}
	t.blank()

	change := map[string]any{}
	var lines, same []string
	after := map[string]bool{}
	for _, m := range loginMethods {
		cur := loginSwitch(cfg, m.field)
		after[m.field] = cur
		w, named := want[m.field]
		switch {
		case !named:
		case w == cur:
			same = append(same, m.label+" is already "+onOff(cur))
		default:
			change[m.field], after[m.field] = w, w
			lines = append(lines, fmt.Sprintf("%s: %s → %s", m.field, onOff(cur), onOff(w)))
		}
	}
	var warnings []string
	if after["EmailLogin"] {
		if why, fix := EmailSender(providers); why != "" {
			warnings = append(warnings, "Email login is on, but no email can be sent: "+why+". Users cannot get a sign-in code until a sender works. "+fix)
		}
	}
	if after["PhoneNumberLogin"] && change["PhoneNumberLogin"] == true {
		sms := cfg.SmsVerificationConfig
		if sms == nil || sms.SmsDayLimit == nil || *sms.SmsDayLimit == -1 {
			warnings = append(warnings, "Phone login sends SMS codes and SmsVerificationConfig.SmsDayLimit is unlimited or unset: unlimited SMS can be abused for cost; suggest a limit.")
		}
	}
	if change["AnonymousLogin"] == true {
		warnings = append(warnings, "Anonymous login lets anyone get a session: confirm with the user that the security rules keep anonymous users to public data.")
	}
	if !after["PhoneNumberLogin"] && !after["EmailLogin"] && !after["UserNameLogin"] && !after["AnonymousLogin"] && len(enabledProviders) == 0 {
		warnings = append(warnings, "Afterwards every login method would be off and no identity provider is on: nobody could sign in. Do not call the tool; ask the user first.")
	}

	switch {
	case len(want) == 0:
		t.line("No change was named. Show the user the methods above and ask which to turn on or off; then render this prompt again with enable and/or disable, ",
			"or call cloudbase_modify_login_config with only the switches that change (PhoneNumberLogin, EmailLogin, UserNameLogin, AnonymousLogin: true or false).")
	case len(change) == 0:
		t.line("Nothing to change: ", strings.Join(same, "; "), ". Tell the user so; do not call any tool.")
	default:
		t.line("Change: ", strings.Join(lines, "; "), ". Every other login setting stays as it is.")
		if len(same) > 0 {
			t.line("(", strings.Join(same, "; "), ": not sent.)")
		}
	}
	for _, w := range warnings {
		t.line("Warning: ", w)
	}
	if len(change) > 0 {
		t.blank()
		t.line("1. Tell the user the change and any warning above. ", askOnce)
		t.line("2. Call exactly ", call("cloudbase_modify_login_config", change), ". Omitted fields keep their value.")
		t.line("3. The result holds Before and After: show the four switches as a table (method, before, after) and check only the switches above changed; report anything else at once.")
	}
	return t.String(), nil
}

// renderEnableLoginMethodsBlind is the procedure when the live state could not be read.
func (p cbPrompts) renderEnableLoginMethodsBlind(ctx context.Context, want map[string]bool, err error) string {
	var t text
	t.line("The login policy of CloudBase environment ", p.env(ctx), " could not be read just now (", cloudMessage(err), ").")
	t.line("1. Read it: ", call("cloudbase_get_login_config", nil), ", and the providers: ", call("cloudbase_get_providers", nil), ".")
	change := map[string]any{}
	for f, w := range want {
		change[f] = w
	}
	if len(change) == 0 {
		t.line("2. Show the user the four switches PhoneNumberLogin, EmailLogin, UserNameLogin, AnonymousLogin and ask which to change.")
	} else {
		t.line("2. Drop from ", call("cloudbase_modify_login_config", change), " every switch already in the wanted state; if none is left, say so and stop.")
	}
	t.line("3. If EmailLogin will be on, the EMAIL provider must be On TRUE with EmailConfig.On TRUE or an EmailConfig.SmtpConfig; otherwise warn that no code can be sent.")
	t.line("4. Call cloudbase_modify_login_config with only the switches that change, after the user's yes; show Before and After from the result.")
	return t.String()
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
	} else if client != p.env(ctx) {
		// A client that is not there is the caller's mistake, said now: a
		// review that tells the agent to repeat the failing read is a dead end.
		if _, err := p.c().DescribeClient(ctx, &tcb.DescribeClientRequest{Id: client}); cloud.IsNotFound(err) {
			return "", badArg("clientId: no client %q in environment %s; the environment's client id is the env id, %s (omit clientId to review it)",
				client, p.env(ctx), p.env(ctx))
		}
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
	t.line("1. Present the findings as a table: setting, current value, risk, fix. Explain each risk in one sentence. Never show a secret.")
	t.line("2. Apply a fix only after the user approves it: one call per finding, with exactly the arguments shown (omitted fields keep their values). ", askOnce)
	t.line("3. Each result holds Before and After: show before → after for every changed setting. No re-read is needed.")
	return t.String(), nil
}

func orText(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// secretFile is the file a prompt suggests for a provider's client secret.
func secretFile(id any) string {
	s, _ := id.(string)
	if s == "" || strings.ContainsAny(s, "<> ") {
		return "provider-client-secret"
	}
	return strings.ToLower(s) + "-client-secret"
}
