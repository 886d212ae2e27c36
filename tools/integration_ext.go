package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// An integration instance's Ext is a JSON string the cloud passes through.
// Outputs show it parsed, with the values of secret fields withheld: fields
// the template types "password", and, for fields the template does not
// declare (or when there is no template), values that look secret by name
// or by shape. Ciphertext (needPwd) is withheld the same way.

// parseExt decodes an Ext that must be a JSON object; "" is an empty object.
func parseExt(ext string) (map[string]any, error) {
	if strings.TrimSpace(ext) == "" {
		return map[string]any{}, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(ext), &m); err != nil || m == nil {
		return nil, fmt.Errorf("not a JSON object string")
	}
	return m, nil
}

// extView is Ext as an output shows it.
type extView struct {
	Ext      map[string]any
	Text     string   // Ext that is not a JSON object, withheld whole
	Withheld []string // names of fields whose values were withheld
}

// renderExt parses ext and withholds secret values. tpl may be nil (unknown
// template). With reveal (--reveal-secrets) values are shown as they came.
func renderExt(ext string, tpl *tcb.UserKeyTemplate, reveal bool) extView {
	if strings.TrimSpace(ext) == "" {
		return extView{}
	}
	m, err := parseExt(ext)
	if err != nil {
		if reveal {
			return extView{Text: ext}
		}
		return extView{Text: redact.Mask(ext)}
	}
	if reveal {
		return extView{Ext: m}
	}
	declared := templateFieldTypes(tpl)
	var withheld []string
	for _, name := range sortedKeys(m) {
		typ, known := declared[name]
		secret := known && tcb.SecretFieldType(typ) || !known && redact.LooksSecret(name, m[name])
		switch {
		case secret && !isBlank(m[name]):
			m[name] = withhold(m[name])
			withheld = append(withheld, name)
		case !known:
			withholdNested(name, m[name], &withheld)
		}
	}
	return extView{Ext: m, Withheld: withheld}
}

// withholdNested withholds the secret-looking values inside an undeclared
// object or array, in place, naming them by path (field.sub, field.0).
func withholdNested(path string, v any, withheld *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if p := path + "." + k; redact.LooksSecret(k, x[k]) && !isBlank(x[k]) {
				x[k] = withhold(x[k])
				*withheld = append(*withheld, p)
			} else {
				withholdNested(p, x[k], withheld)
			}
		}
	case []any:
		for i, e := range x {
			if s, ok := e.(string); ok && redact.TokenShaped(s) {
				x[i] = withhold(s)
				*withheld = append(*withheld, fmt.Sprintf("%s.%d", path, i))
			} else {
				withholdNested(fmt.Sprintf("%s.%d", path, i), e, withheld)
			}
		}
	}
}

// templateFieldTypes maps a template's field names to their types.
func templateFieldTypes(tpl *tcb.UserKeyTemplate) map[string]string {
	out := map[string]string{}
	if tpl == nil {
		return out
	}
	fields, _ := tcb.ParseTemplateFields(tpl.Ext)
	for _, f := range fields {
		out[f.Name] = f.Type
	}
	return out
}

// withhold replaces a secret value by its mask; a value the cloud already
// masked (all asterisks) is left as it is.
func withhold(v any) any {
	s, ok := v.(string)
	if !ok {
		raw, _ := json.Marshal(v)
		s = string(raw)
	}
	if redact.IsMasked(s) {
		return s
	}
	return redact.Mask(s)
}

func isBlank(v any) bool { return v == nil || v == "" }

// maskedPlaceholders lists fields of ext whose value is a mask (this server's
// or the cloud's asterisks): writing it back would replace the stored secret.
func maskedPlaceholders(m map[string]any) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		if s, ok := m[k].(string); ok && redact.IsMasked(s) {
			out = append(out, k)
		}
	}
	return out
}

// missingRequired lists the template's required fields that ext lacks or leaves empty.
func missingRequired(tpl *tcb.UserKeyTemplate, ext map[string]any) []string {
	fields, _ := tcb.ParseTemplateFields(tpl.Ext)
	var out []string
	for _, f := range fields {
		if f.Required && isBlank(ext[f.Name]) {
			label := f.Name
			if f.Label != "" && f.Label != f.Name {
				label += " (" + f.Label + ")"
			}
			out = append(out, label)
		}
	}
	return out
}

// mergePatch applies an RFC 7386 JSON merge patch: null removes a field,
// objects merge recursively, anything else replaces. It returns the names of
// the top-level fields the patch touched.
func mergePatch(target, patch map[string]any) []string {
	var touched []string
	for k, v := range patch {
		touched = append(touched, k)
		switch pv := v.(type) {
		case nil:
			delete(target, k)
		case map[string]any:
			sub, _ := target[k].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
			}
			mergePatch(sub, pv)
			target[k] = sub
		default:
			target[k] = v
		}
	}
	sort.Strings(touched)
	return touched
}

// secretValues returns the string values of ext that renderExt would
// withhold, so they can be registered as exact secrets.
func secretValues(ext map[string]any, tpl *tcb.UserKeyTemplate) []string {
	declared := templateFieldTypes(tpl)
	var out []string
	for k, v := range ext {
		typ, known := declared[k]
		if s, ok := v.(string); ok && (known && tcb.SecretFieldType(typ) || !known && redact.LooksSecret(k, v)) {
			out = append(out, s)
		}
	}
	return out
}

// withholdExtArgs is the integration tools' Spec.WithholdSecrets: the Ext
// fields of ext (a JSON object string) and extPatch that the template types
// password or secret are masked, and returned as secret values. Undeclared
// fields that look secret count too. Without the template (unknown code, no
// code given, cloud unreachable) every Ext value is masked in what is shown,
// since nothing tells which ones are secret.
func (ig *integration) withholdExtArgs(ctx context.Context, args map[string]any) (map[string]any, []string) {
	ext, hasExt := args["ext"].(string)
	patch, hasPatch := args["extPatch"].(map[string]any)
	if (!hasExt || ext == "") && !hasPatch {
		return args, nil
	}
	var tpl *tcb.UserKeyTemplate
	code, _ := args["authTypeCode"].(string)
	business, _ := args["business"].(string)
	if id, _ := args["keyId"].(string); code == "" && id != "" && ig.d.tcb() != nil {
		// An update that names no template keeps the instance's: its types tell which fields are secret.
		if cur, err := ig.d.tcb().GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: id, Business: business}); err == nil {
			code = cur.UserKeyInfo.AuthTypeCode
		}
	}
	if code != "" && ig.d.tcb() != nil {
		tpl, _ = ig.templates.lookup(ctx, ig.d.tcb(), business, code)
	}
	out := maps.Clone(args)
	var values []string
	if hasExt && ext != "" {
		if m, err := parseExt(ext); err != nil {
			out["ext"], values = withheldMask, append(values, ext)
		} else {
			masked := withholdExtFields(m, tpl, &values)
			raw, _ := json.Marshal(masked)
			out["ext"] = string(raw)
		}
	}
	if hasPatch {
		out["extPatch"] = withholdExtFields(patch, tpl, &values)
	}
	return out, values
}

// withholdExtFields returns a copy of ext with secret fields masked (all
// fields when tpl is nil) and appends the secret values to found.
func withholdExtFields(ext map[string]any, tpl *tcb.UserKeyTemplate, found *[]string) map[string]any {
	declared := templateFieldTypes(tpl)
	out := make(map[string]any, len(ext))
	for k, v := range ext {
		typ, known := declared[k]
		secret := known && tcb.SecretFieldType(typ) || !known && redact.LooksSecret(k, v)
		switch {
		case isBlank(v), isSecretRef(v): // a reference names where the secret is, not what
			out[k] = v
		case secret:
			s, ok := v.(string)
			if !ok {
				raw, _ := json.Marshal(v)
				s = string(raw)
			}
			*found = append(*found, s)
			out[k] = withheldMask
		case tpl == nil || !known:
			out[k] = withheldMask // nothing says it is not secret
		default:
			out[k] = v
		}
	}
	return out
}

// templateFieldList names a template's fields for a message, required ones marked.
func templateFieldList(tpl *tcb.UserKeyTemplate) string {
	fields, _ := tcb.ParseTemplateFields(tpl.Ext)
	if len(fields) == 0 {
		return "none"
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
		if f.Required {
			names[i] += " (required)"
		}
	}
	return strings.Join(names, ", ")
}

// foreignFields lists the fields of ext that the old template declares and
// the new one does not: configuration of the replaced authorization method.
func foreignFields(oldTpl, newTpl *tcb.UserKeyTemplate, ext map[string]any) []string {
	if oldTpl == nil {
		return nil
	}
	newFields, _ := tcb.ParseTemplateFields(newTpl.Ext)
	declared := map[string]bool{}
	for _, f := range newFields {
		declared[f.Name] = true
	}
	oldFields, _ := tcb.ParseTemplateFields(oldTpl.Ext)
	var out []string
	for _, f := range oldFields {
		if _, ok := ext[f.Name]; ok && !declared[f.Name] {
			out = append(out, f.Name)
		}
	}
	return out
}
