package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// Confirmation of destructive calls: the server shows the user one line that
// says what the call would do, read from current state where possible
// ("Disable email login for env demo-123; 2 of 4 login methods remain on").
// The line goes through the redactor like everything else.

// Summary is the line the user confirms for a call of t with args, or "" when
// the call needs no confirmation (Spec.Summarize said so).
func (d *Deps) Summary(ctx context.Context, t Tool, args map[string]any) string {
	fn := t.Spec.Summarize
	if fn == nil {
		if s, ok := builtinSummaries[t.Spec.Name]; ok {
			fn = func(ctx context.Context, args map[string]any) (string, error) { return s(ctx, d, args) }
		}
	}
	if fn == nil {
		return d.Redactor.String(d.genericSummary(ctx, t, args))
	}
	line, err := fn(ctx, args)
	if err != nil {
		// Without current state, say what is known and why the rest is not.
		line = d.genericSummary(ctx, t, args) + fmt.Sprintf(" (current state unavailable: %v)", err)
	}
	return d.Redactor.String(line)
}

// builtinSummaries cover tools whose files predate Spec.Summarize.
var builtinSummaries = map[string]func(ctx context.Context, d *Deps, args map[string]any) (string, error){
	"cloudbase_modify_login_config": summarizeLoginConfig,
	"cloudbase_delete_provider":     summarizeDeleteProvider,
	"cloudbase_modify_provider":     summarizeModifyProvider,
	"cloudbase_delete_api_key":      summarizeDeleteAPIKey,
}

// genericSummary is "<Title> in env E: k=v, …" from the scalar arguments;
// secret-named values are never shown.
func (d *Deps) genericSummary(ctx context.Context, t Tool, args map[string]any) string {
	var b strings.Builder
	b.WriteString(t.Spec.Title)
	if strings.HasPrefix(t.Spec.Toolset, "cloudbase") && d.TCB != nil {
		b.WriteString(" in env " + d.TCB.EnvID(ctx))
	}
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		if len(parts) == 6 {
			parts = append(parts, "…")
			break
		}
		switch v := args[k].(type) {
		case string, bool, float64, int, int64:
			s := fmt.Sprint(v)
			if redact.IsSecretKey(k) {
				s = "[redacted]" // the redactor's own mask: never shown, never re-masked
			} else if len(s) > 60 {
				s = s[:57] + "..."
			}
			parts = append(parts, k+"="+s)
		default:
			parts = append(parts, k+"=(…)")
		}
	}
	if len(parts) > 0 {
		b.WriteString(": " + strings.Join(parts, ", "))
	}
	return b.String()
}

// loginMethods are the four switches of the login policy, in display order.
var loginMethods = []struct{ field, label string }{
	{"PhoneNumberLogin", "phone SMS"}, {"EmailLogin", "email"}, {"UserNameLogin", "username/password"}, {"AnonymousLogin", "anonymous"},
}

func summarizeLoginConfig(ctx context.Context, d *Deps, args map[string]any) (string, error) {
	cur, err := d.TCB.DescribeLoginConfig(ctx)
	if err != nil {
		return "", err
	}
	now := map[string]bool{"PhoneNumberLogin": cur.PhoneNumberLogin, "EmailLogin": cur.EmailLogin,
		"UserNameLogin": cur.UserNameLogin, "AnonymousLogin": cur.AnonymousLogin}
	var changes, on []string
	for _, m := range loginMethods {
		next := now[m.field]
		if v, ok := args[m.field].(bool); ok {
			if v != next {
				changes = append(changes, map[bool]string{true: "enable", false: "disable"}[v]+" "+m.label+" login")
			}
			next = v
		}
		if next {
			on = append(on, m.label)
		}
	}
	for _, o := range []struct{ field, what string }{{"SmsVerificationConfig", "SMS settings"}, {"MfaConfig", "MFA settings"},
		{"PwdUpdateStrategy", "password rotation"}} {
		if _, ok := args[o.field]; ok {
			changes = append(changes, "change "+o.what)
		}
	}
	if len(changes) == 0 {
		changes = []string{"re-apply the current login settings"}
	}
	line := capitalize(strings.Join(changes, ", ")) + " for env " + d.TCB.EnvID(ctx) + "; "
	switch {
	case len(on) == 0:
		line += "no login method remains on: nobody can sign in"
	case len(on) == 1 && on[0] == "anonymous":
		line += "only anonymous login remains: registered users cannot sign in"
	default:
		line += fmt.Sprintf("%d of %d login methods remain on (%s)", len(on), len(loginMethods), strings.Join(on, ", "))
	}
	return line, nil
}

func summarizeDeleteProvider(ctx context.Context, d *Deps, args map[string]any) (string, error) {
	id, _ := args["Id"].(string)
	list, err := d.TCB.GetProviders(ctx)
	if err != nil {
		return "", err
	}
	env := d.TCB.EnvID(ctx)
	others := 0
	var desc string
	for _, p := range list.Data {
		switch {
		case p.Id == id:
			desc = p.ProviderType
			if p.Name != nil && p.Name.Message != "" {
				desc += fmt.Sprintf(" %q", p.Name.Message)
			}
			desc += map[bool]string{true: ", enabled", false: ", disabled"}[p.On == "TRUE"]
		case p.On == "TRUE":
			others++
		}
	}
	if desc == "" {
		return fmt.Sprintf("Delete identity provider %s in env %s (no such provider: nothing to delete)", id, env), nil
	}
	return fmt.Sprintf("Delete identity provider %s (%s) in env %s; users can no longer sign in with it; %d other providers stay enabled",
		id, desc, env, others), nil
}

func summarizeModifyProvider(ctx context.Context, d *Deps, args map[string]any) (string, error) {
	id, _ := args["Id"].(string)
	cur, err := findProvider(ctx, d, id)
	if err != nil {
		return "", err
	}
	env := d.TCB.EnvID(ctx)
	if cur == nil {
		return fmt.Sprintf("Create identity provider %s in env %s", id, env), nil
	}
	if on, _ := args["On"].(string); on == "FALSE" && cur.On == "TRUE" {
		return fmt.Sprintf("Disable identity provider %s (%s) in env %s; users can no longer sign in with it", id, cur.ProviderType, env), nil
	}
	var fields []string
	for k := range args {
		if k != "Id" {
			fields = append(fields, k)
		}
	}
	sort.Strings(fields)
	return fmt.Sprintf("Change identity provider %s (%s) in env %s: %s", id, cur.ProviderType, env, strings.Join(fields, ", ")), nil
}

func summarizeDeleteAPIKey(ctx context.Context, d *Deps, args map[string]any) (string, error) {
	id, _ := args["KeyId"].(string)
	env := d.TCB.EnvID(ctx)
	for _, typ := range []string{"api_key", "publish_key"} {
		for page := 1; page <= 10; page++ {
			list, err := d.TCB.DescribeApiKeyList(ctx, &tcb.DescribeApiKeyListRequest{KeyType: typ, PageNumber: page, PageSize: 100})
			if err != nil {
				return "", err
			}
			for _, k := range list.Data {
				if k.KeyId == id {
					return fmt.Sprintf("Revoke API key %s (%s, %s) in env %s; requests using it fail afterwards", id, k.Name, typ, env), nil
				}
			}
			if page*100 >= list.Total {
				break
			}
		}
	}
	return fmt.Sprintf("Revoke API key %s in env %s (no such key: nothing to revoke)", id, env), nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
