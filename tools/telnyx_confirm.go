package tools

import (
	"context"
	"fmt"
	"strings"
)

// One-line summaries, read from current state, that the user confirms before
// a destructive Telnyx call (see confirm.go).

func argID(args map[string]any) string { s, _ := args["id"].(string); return s }

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" %q", s)
}

func summarizeDeleteAccessIP(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		a, err := d.Telnyx.GetAccessIPAddress(ctx, argID(args))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Remove access IP %s%s (%s): Telnyx API calls from it will be refused", a.IPAddress, quoted(a.Description), a.Status), nil
	}
}

func summarizeDeleteAddress(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		a, err := d.Telnyx.GetAddress(ctx, argID(args))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Permanently delete the address of %s, %s, %s %s %s (id %s)", a.BusinessName, a.StreetAddress, a.Locality,
			a.PostalCode, a.CountryCode, a.ID), nil
	}
}

func summarizeAcceptSuggestions(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		a, err := d.Telnyx.GetAddress(ctx, argID(args))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Replace the address %s, %s with its validated suggestion and upload its numbers to Microsoft Operator Connect",
			a.StreetAddress, a.Locality), nil
	}
}

func summarizeUpdateAuthProvider(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		p, err := d.Telnyx.GetAuthenticationProvider(ctx, argID(args))
		if err != nil {
			return "", err
		}
		var changes []string
		if v, ok := args["active"].(bool); ok && (p.Active == nil || *p.Active != v) {
			if v {
				changes = append(changes, "enable sign-in through it")
			} else {
				changes = append(changes, "disable sign-in through it")
			}
		}
		for _, k := range []string{"name", "short_name", "settings_url"} {
			if v, ok := args[k].(string); ok {
				changes = append(changes, fmt.Sprintf("set %s to %q", k, v))
			}
		}
		if s, ok := args["settings"].(map[string]any); ok {
			was := "none"
			if p.Settings != nil {
				was = p.Settings.IdpEntityID
			}
			changes = append(changes, fmt.Sprintf("trust IdP %v (SSO URL %v) instead of %s", s["idp_entity_id"], s["idp_sso_target_url"], was))
		}
		if len(changes) == 0 {
			changes = append(changes, "no change")
		}
		return fmt.Sprintf("SSO provider %s (%s): %s", p.Name, p.ShortName, strings.Join(changes, "; ")), nil
	}
}

func summarizeDeleteAuthProvider(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		p, err := d.Telnyx.GetAuthenticationProvider(ctx, argID(args))
		if err != nil {
			return "", err
		}
		state := "inactive"
		if p.Active != nil && *p.Active {
			state = "ACTIVE: its users will no longer be able to sign in through it"
		}
		return fmt.Sprintf("Delete SSO provider %s (short name %s, %s)", p.Name, p.ShortName, state), nil
	}
}

func summarizeDeleteBillingGroup(d *Deps) func(context.Context, map[string]any) (string, error) {
	return func(ctx context.Context, args map[string]any) (string, error) {
		g, err := d.Telnyx.GetBillingGroup(ctx, argID(args))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Delete billing group %q (id %s)", g.Name, g.ID), nil
	}
}
