package tools

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// Confirmation of destructive calls: the server shows the user one line that
// says what the call would do, read from current state where possible
// ("Disable email login for env demo-123; 2 of 4 login methods remain on").
// The line goes through the redactor like everything else.

// Summary is the line the user confirms for a call of t with args, or "" when
// the call needs no confirmation (Spec.Summarize said so).
func (d *Deps) Summary(ctx context.Context, t Tool, args map[string]any) string {
	if t.Spec.Target != nil {
		var inErr *InputError
		if err := t.Spec.Target(ctx, args); missingTarget(err) || errors.As(err, &inErr) {
			return "" // nothing to ask: the call itself answers "not found", or refuses the input
		}
	}
	fn := t.Spec.Summarize
	if fn == nil {
		return d.Redactor.String(d.genericSummary(ctx, t, args))
	}
	line, err := fn(ctx, args)
	if missingTarget(err) {
		return "" // nothing to ask: the call itself answers "not found"
	}
	if err != nil {
		// Without current state, say what is known and why the rest is not.
		line = d.genericSummary(ctx, t, args) + fmt.Sprintf(" (current state unavailable: %v)", err)
	}
	return d.Redactor.String(line)
}

// genericSummary is "<Title> in <scope>: k=v, …" from the scalar arguments;
// secret-named values are never shown.
func (d *Deps) genericSummary(ctx context.Context, t Tool, args map[string]any) string {
	var b strings.Builder
	b.WriteString(t.Spec.Title)
	if sc := d.scope(ctx, t.Spec.Toolset); sc != "" {
		b.WriteString(" in " + sc)
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
		case secretArg:
			parts = append(parts, k+"="+strings.TrimSuffix("(secret) "+v.from, " "))
		case string, bool, float64, int, int64:
			s := fmt.Sprint(v)
			if redact.IsSecretKey(k) {
				s = "[redacted]" // the redactor's own mask: never shown, never re-masked
			} else if _, isStr := v.(string); isStr {
				s = show(v)
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

type withoutQuestionKey struct{}

// WithoutQuestion marks a call whose summary said there was nothing to ask
// the user (a no-op or a missing target).
func WithoutQuestion(ctx context.Context) context.Context {
	return context.WithValue(ctx, withoutQuestionKey{}, true)
}

// errStateMoved refuses a change the user was not asked about: between the
// check that found nothing to ask and the call, the object appeared or
// changed. Calling again asks.
func unaskedChange(ctx context.Context, what string) error {
	if ctx.Value(withoutQuestionKey{}) == nil {
		return nil
	}
	return fmt.Errorf("%s changed while the call was checked, and the user was not asked about the change: nothing was changed; call again", what)
}

// missingTarget reports a cloud "not found" for the object a call names.
func missingTarget(err error) bool { return cloud.IsNotFound(err) }
