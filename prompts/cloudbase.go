package prompts

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// CloudBaseAuth returns the login, identity provider and API key prompts;
// they read live data through c (argument completions, the security review's
// findings).
func CloudBaseAuth(c func() *tcb.Client, r *redact.Redactor) Set {
	p := cbPrompts{c: c}
	return build(r, p.setupIdentityProvider(), p.enableLoginMethods(), p.rotateAPIKey(), p.reviewLoginSecurity())
}

// CloudBaseIntegration returns the integration prompts; they read template
// fields and complete template codes through c.
func CloudBaseIntegration(c func() *tcb.Client, r *redact.Redactor) Set {
	p := cbPrompts{c: c}
	return build(r, p.createIntegrationFromTemplate(), p.chooseConnectorAuth())
}

type cbPrompts struct{ c func() *tcb.Client } // a getter: the app may swap the client

// env is the environment the prompt is about, as text.
func (p cbPrompts) env(ctx context.Context) string {
	if e := p.c().EnvID(ctx); e != "" {
		return e
	}
	return "<env id: none configured>"
}

// callbackURL is CloudBase's OAuth callback for the environment (the example in @cloudbase/manager-node's provider documentation).
func (p cbPrompts) callbackURL(ctx context.Context) string {
	return "https://" + p.env(ctx) + "." + p.c().Region() + ".tcb-api.tencentcloudapi.com/auth/v1/callback"
}

// call renders a tool call with its JSON arguments, as the model should make it.
func call(tool string, args any) string {
	if args == nil {
		return tool + " (no arguments)"
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // placeholders like <client id> stay readable
	_ = enc.Encode(args)
	return tool + " " + strings.TrimSpace(b.String())
}

// text assembles a prompt from lines, skipping empty ones.
type text struct{ b strings.Builder }

func (t *text) line(parts ...string) {
	s := strings.Join(parts, "")
	if s == "" {
		return
	}
	t.b.WriteString(s)
	t.b.WriteByte('\n')
}

func (t *text) blank() { t.b.WriteByte('\n') }

func (t *text) String() string { return strings.TrimSpace(t.b.String()) }

// askOnce is how a prompt asks for the user's yes before a change the
// server itself may confirm: one question, never two.
const askOnce = "Get the user's yes for exactly this change. If your client shows the server's own confirmation question " +
	"(it names what changes), that question is the yes: do not ask again in the chat."
