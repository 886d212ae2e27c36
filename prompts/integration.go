package prompts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

var authTypeCodeRe = lazyre.New(`^[A-Za-z0-9_.-]{1,128}$`)

func (p cbPrompts) completeTemplateCode(ctx context.Context, prefix string) ([]string, error) {
	all, err := p.c().AllUserKeyTemplates(ctx, tcb.GetUserKeyTemplateListRequest{})
	if err != nil {
		return nil, errors.New(cloudMessage(err))
	}
	var codes []string
	for _, t := range all {
		codes = append(codes, t.AuthTypeCode)
	}
	return resources.WithPrefix(codes, prefix), nil
}

func (p cbPrompts) createIntegrationFromTemplate() Spec {
	return Spec{Name: "create_integration_from_template", Title: "Create an integration from a template",
		Description: "Create an integration instance: read the template's fields, ask the user for each value, create it, and verify it with secrets withheld.",
		Args: []Arg{
			{Name: "authTypeCode", Description: "Template code (see cloudbase://templates)", Required: true,
				Check: matching(authTypeCodeRe, "a template code: 1-128 letters, digits, _ . or -"), Complete: p.completeTemplateCode},
			{Name: "name", Description: "Name for the new instance (asked for when omitted)", Check: maxLen(128)},
		},
		Needs:  []string{"cloudbase_list_templates", "cloudbase_list_user_keys", "cloudbase_create_user_key", "cloudbase_get_user_key"},
		Render: p.renderCreateIntegration,
	}
}

func (p cbPrompts) renderCreateIntegration(ctx context.Context, a map[string]string) (string, error) {
	code := a["authTypeCode"]
	name := a["name"]
	if name == "" {
		name = "<name>"
	}
	var t text
	tpl, err := resources.FindTemplate(ctx, p.c(), code)
	var fields []resources.FieldSchema
	switch {
	case err != nil:
		t.line("(The template could not be read just now: ", cloudMessage(err), ". Step 1 reads it.)")
	case tpl == nil:
		known, _ := p.completeTemplateCode(ctx, "")
		return "", badArg("authTypeCode: no integration template %q; known: %s", code, orText(strings.Join(known, ", "), "none"))
	default:
		fields, _ = resources.Fields(*tpl)
	}
	title := code
	if tpl != nil {
		title = fmt.Sprintf("%s (%s)", code, tpl.AuthTypeName)
	}
	t.line("Create a CloudBase integration instance from template ", title, " in environment ", p.env(ctx), ".")
	t.blank()
	var secrets []string
	if tpl != nil {
		t.line("The template's fields (from ", resources.TemplateURI(code), "):")
		if len(fields) == 0 {
			t.line("- none: this template needs no configuration values.")
		}
		for _, f := range fields {
			req, sec := "optional", ""
			if f.Required {
				req = "required"
			}
			if f.Secret {
				sec, secrets = ", secret", append(secrets, f.Name)
			}
			label := ""
			if f.Label != "" {
				label = " \"" + f.Label + "\""
			}
			t.line(fmt.Sprintf("- %s%s: %s, %s%s", f.Name, label, f.Type, req, sec))
		}
		if tpl.AuthURL != "" {
			redirect := ""
			if tpl.RedirectURI != "" {
				redirect = " (redirect " + tpl.RedirectURI + ")"
			}
			t.line("This template authorizes with OAuth 2.0: the user must authorize at ", tpl.AuthURL, redirect,
				"; the ticket that authorization yields goes in ticketId.")
		}
		t.blank()
	}
	t.line(secretWayOf(ctx).rules())
	t.line("This server stores ext exactly as given and does not encrypt it.")
	t.blank()
	step := 1
	next := func() string { step++; return fmt.Sprintf("%d. ", step-1) }
	if tpl == nil {
		t.line(next(), "Read the template: ", call("cloudbase_list_templates", map[string]any{"authTypeCode": code}),
			" (or the resource ", resources.TemplateURI(code), ") for its fields.")
	}
	t.line(next(), "Ask the user for each field, one at a time, giving its label and whether it is required. Required fields must not be empty; url fields must be https URLs.")
	ext := map[string]any{}
	for _, f := range fields {
		ext[f.Name] = "<" + orText(f.Label, f.Name) + ">"
		if f.Secret {
			ext[f.Name] = secretWayOf(ctx).ref(secretFileFor(a["name"], f.Name))
		}
	}
	if len(secrets) > 0 {
		w := secretWayOf(ctx)
		t.line("   Secret fields (", strings.Join(secrets, ", "), "): do not ask for them here; in ext each holds a secret reference: ",
			w.how("named in ext"), ".")
	}
	switch taken := p.instancesNamed(ctx, a["name"]); {
	case a["name"] == "":
		t.line(next(), "Ask for the instance name and an optional description; ",
			call("cloudbase_list_user_keys", map[string]any{"name": name}), " must show no instance with exactly that name.")
	case len(taken) > 0:
		name = "<another name>" // the call below must not repeat the taken one
		t.line(next(), fmt.Sprintf("An instance named %q exists already (KeyID %s): ask the user for another name, or to change that one with cloudbase_update_user_key instead.",
			a["name"], strings.Join(taken, ", ")))
	default:
		t.line(next(), fmt.Sprintf("No instance is named %q yet (read just now). Ask for an optional description.", a["name"]))
	}
	var extText strings.Builder
	enc := json.NewEncoder(&extText)
	enc.SetEscapeHTML(false) // placeholders like <AppID> stay readable
	_ = enc.Encode(ext)
	t.line(next(), "Show a summary (secret fields as \"provided\") and get the user's yes. Then call, with the values filled in (ext is one JSON object serialized to a string):")
	t.line("   ", call("cloudbase_create_user_key", map[string]any{"name": name, "authTypeCode": code, "ext": strings.TrimSpace(extText.String())}))
	t.line("   The tool refuses when a required field is missing and names it: ask for it and call again.")
	t.line(next(), "Verify: ", call("cloudbase_get_user_key", map[string]any{"keyId": "<KeyID from the result>"}), " and check: AuthTypeCode is ", code,
		"; each non-secret field holds the value given; each secret field is listed in WithheldFields (its value is never shown).")
	t.line(next(), "Report the KeyID, name and fields, secret ones as withheld.")
	return t.String(), nil
}

// instancesNamed lists the KeyIDs of the instances named exactly name (none when name is "" or the list cannot be read).
func (p cbPrompts) instancesNamed(ctx context.Context, name string) []string {
	if name == "" {
		return nil
	}
	res, err := p.c().GetUserKeyList(ctx, &tcb.GetUserKeyListRequest{Name: name})
	if err != nil {
		return nil
	}
	var ids []string
	for _, k := range res.UserKeyList {
		if k.Name == name {
			ids = append(ids, k.KeyID)
		}
	}
	return ids
}

// Connector authorization methods of the Tencent Qinglian connector platform.
const (
	methodAPIKey  = "API key"
	methodSession = "Session Auth"
	methodOAuth   = "OAuth V2"
	methodBasic   = "Basic Auth"
	methodCustom  = "Custom flow"
	methodNone    = "None"
)

// connectorMethods are the platform's methods: the code a template declares
// (tcb.TemplateAuthMethod) and when the Qinglian document says to use each.
var connectorMethods = []struct{ name, code, when string }{
	{methodOAuth, tcb.AuthOAuthV2, "the system supports OAuth 2.0: strongly recommended. The user is sent to the system's own sign-in page and a token comes back after sign-in; when the token expires it is refreshed automatically."},
	{methodAPIKey, tcb.AuthAPIKey, "the user enters some fields (such as an API key and API secret) that are used when the API is called."},
	{methodSession, tcb.AuthSession, "the user enters some fields (such as username and password) that are first exchanged for a session or token before the API is called; when it expires it is refreshed automatically."},
	{methodBasic, tcb.AuthBasic, "the system relies on the HTTP Basic authorization standard."},
	{methodCustom, tcb.AuthCustomFlow, "the system has special, complex logic: the authorization is built as a custom flow."},
	{methodNone, tcb.AuthNone, "only when the system needs no account, or every event needs the user to enter a different API key: choose it with care."},
}

// connectorRules are the Qinglian document's rules on changing a
// connector's method, quoted, then in English.
const connectorRules = "Rules of the Qinglian connector platform (\"如何创建连接器\", step 2), quoted: " +
	"\"变更授权方式为重大变更，将产生以下影响 (除转运中的状态不受影响): 1、清空授权参数和授权配置; 2、全部触发条件和执行操作均需要重新测试;\" " +
	"\"授权方式在连接器未发布之前，支持修改。\" That is: changing the authorization method is a major change; it clears the " +
	"authorization parameters and the authorization configuration, and every trigger and action must be tested again. " +
	"The method can be changed only before the connector is published."

// classify maps a template to the connector method it implements, and says
// how that is known: declared in its Ext (authMethod), or plain from its
// data (an AuthURL is OAuth; no fields is none). Anything else is "": the
// fields must be read, never the name guessed from.
func classify(t tcb.UserKeyTemplate) (method, how string) {
	if code := tcb.TemplateAuthMethod(t.Ext); code != "" {
		for _, m := range connectorMethods {
			if m.code == code {
				return m.name, "declared"
			}
		}
		return "", "declares an unknown authMethod " + fmt.Sprintf("%q", code)
	}
	fields, err := tcb.ParseTemplateFields(t.Ext)
	switch {
	case t.AuthURL != "":
		return methodOAuth, "has an AuthURL"
	case err == nil && len(fields) == 0:
		return methodNone, "has no fields"
	}
	return "", "declares no authMethod"
}

// fieldList describes a template's fields by type, for a template whose method is not declared.
func fieldList(t tcb.UserKeyTemplate) string {
	fields, err := tcb.ParseTemplateFields(t.Ext)
	if err != nil {
		return "fields unreadable"
	}
	var out []string
	for _, f := range fields {
		d := f.Name + " (" + orText(f.Type, "text")
		if f.Secret() {
			d += ", secret"
		}
		if f.Label != "" {
			d += fmt.Sprintf(", %q", f.Label)
		}
		out = append(out, d+")")
	}
	return strings.Join(out, ", ")
}

var usages = []string{"integration", "sign-in"}

func (p cbPrompts) chooseConnectorAuth() Spec {
	return Spec{Name: "choose_connector_auth", Title: "Choose a connector authorization method",
		Description: "Pick API key, Session Auth, OAuth V2, Basic Auth, custom flow or none for a system the user describes, and map it to a CloudBase template or provider type.",
		Args: []Arg{
			{Name: "system", Description: "The system to connect, in the user's words (what it is, how its API authenticates)", Required: true},
			{Name: "usage", Description: "integration (this environment calls the system) or sign-in (users sign in with it)",
				Check: oneOf(usages...), Complete: values(usages...)},
		},
		Needs:  []string{"cloudbase_list_templates"},
		Render: p.renderChooseConnectorAuth,
	}
}

func (p cbPrompts) renderChooseConnectorAuth(ctx context.Context, a map[string]string) (string, error) {
	var t text
	t.line("Help the user choose how CloudBase should authorize against this system: \"", a["system"], "\".")
	if a["usage"] != "" {
		t.line("Intended use: ", a["usage"], ".")
	}
	t.blank()
	t.line("The connector authorization methods (Tencent Qinglian connector platform), and when each fits:")
	for _, m := range connectorMethods {
		t.line("- ", m.name, ": ", m.when)
	}
	t.blank()
	t.line("1. Ask only what the description does not already answer: does the system support OAuth 2.0? does it issue API keys? ",
		"is there a login endpoint that returns a token? does it use HTTP Basic? anything unusual (request signing, IP allow-lists, mutual TLS)?")
	t.line("2. Decide in this order of preference, skipping what the system does not support: OAuth V2, API key, Session Auth, Basic Auth, Custom flow, None. ",
		"Explain the choice in two sentences, with its main risk (Session Auth and Basic Auth store a password; None leaves calls unauthenticated).")
	t.line("3. Map the choice to CloudBase.")
	if a["usage"] != "sign-in" {
		t.line("   For integration (this environment calls the system), the templates here by method, as their data gives it (declared in the template's Ext as authMethod unless marked):")
		all, err := p.c().AllUserKeyTemplates(ctx, tcb.GetUserKeyTemplateListRequest{})
		if err != nil {
			t.line("   (templates could not be read just now: ", cloudMessage(err), "; call ", call("cloudbase_list_templates", nil), ")")
		}
		by := map[string][]string{}
		var open []string
		for _, tpl := range all {
			m, how := classify(tpl)
			if m == "" {
				open = append(open, fmt.Sprintf("%s (%s): %s; its fields: %s", tpl.AuthTypeCode, tpl.AuthTypeName, how, fieldList(tpl)))
				continue
			}
			entry := tpl.AuthTypeCode + " (" + tpl.AuthTypeName + ")"
			if m == methodCustom {
				entry += " with fields " + fieldList(tpl)
			}
			if how != "declared" {
				entry += " [" + how + "]"
			}
			by[m] = append(by[m], entry)
		}
		for _, m := range connectorMethods {
			if len(by[m.name]) > 0 {
				t.line("   - ", m.name, ": ", strings.Join(by[m.name], ", "))
			}
		}
		if len(open) > 0 {
			t.line("   Not classified (decide from the fields with the user, never from the name):")
			for _, o := range open {
				t.line("   - ", o)
			}
		}
		t.line("   Confirm the fields with ", call("cloudbase_list_templates", map[string]any{"authTypeCode": "<code>"}),
			", then follow the create_integration_from_template prompt.")
	}
	if a["usage"] != "integration" {
		t.line("   For sign-in (users sign in with the system): OAuth V2 maps to provider type OAUTH, or OIDC when the system publishes an OpenID issuer; ",
			"enterprise SAML IdPs to SAML; WeChat to the matching WX_* type. API key, Session Auth, Basic Auth and None are not sign-in methods. ",
			"Then follow the setup_identity_provider prompt.")
	}
	if a["usage"] == "sign-in" {
		return t.String(), nil // the connector rules below are about integrations
	}
	t.line("4. If no template fits, say so plainly and name the closest one; never invent a template code.")
	t.blank()
	t.line(connectorRules)
	t.line("So settle the method before the connector is published, and after any change of method have the user re-enter the authorization and re-test every trigger and action.")
	return t.String(), nil
}

// secretFileFor is the file a prompt suggests for an integration's secret field.
func secretFileFor(instance, field string) string {
	if instance == "" {
		return "integration-" + field
	}
	return lazyName(instance) + "-" + field
}

func lazyName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}
