package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretin"
)

// Every input field the schema marks "writeOnly" (a secret the user owns)
// also accepts a secret reference — {"ask": true}, {"file": name} or
// {"env": NAME} — so the value need not pass through the model. The server's
// instructions describe the shape once; the schema states it as the second
// branch of the field's anyOf.

// refNote ends the description of every field that takes a reference. It
// shows no example: the session's instructions say which kinds its client
// can use ({"ask":true} needs a client that can open a page).
const refNote = `; or a secret reference`

// acceptSecretRefs rewrites, in a reflected input schema, each writeOnly
// string field into anyOf [the field's own schema, a reference], and
// reports whether there was one.
func acceptSecretRefs(node map[string]any) (changed bool) {
	props, _ := node["properties"].(map[string]any)
	for _, k := range sortedKeys(props) {
		p, ok := props[k].(map[string]any)
		if !ok {
			continue
		}
		if p["writeOnly"] == true && p["type"] == "string" {
			own := maps.Clone(p)
			delete(own, "writeOnly")
			delete(own, "description")
			desc, _ := p["description"].(string)
			if desc == "" {
				desc = "The secret" + refNote
			} else {
				desc += refNote
			}
			props[k] = map[string]any{"writeOnly": true, "description": desc, "anyOf": []any{own, secretin.Schema()}}
			changed = true
			continue
		}
		changed = acceptSecretRefs(p) || changed
	}
	if items, ok := node["items"].(map[string]any); ok {
		changed = acceptSecretRefs(items) || changed
	}
	return changed
}

// secretRefPaths lists the argument paths that take a reference.
func secretRefPaths(node map[string]any, prefix []string, out [][]string) [][]string {
	props, _ := node["properties"].(map[string]any)
	for _, k := range sortedKeys(props) {
		p, _ := props[k].(map[string]any)
		path := append(slices.Clone(prefix), k)
		if p["writeOnly"] == true && p["anyOf"] != nil {
			out = append(out, path)
			continue
		}
		out = secretRefPaths(p, path, out)
	}
	return out
}

// refPlaceholder stands for a reference while the other arguments are
// checked, so bad input is reported before the user is asked for anything.
const refPlaceholder = "secret-reference"

// foundRef is a reference at a path of the arguments.
type foundRef struct {
	path []string
	ref  secretin.Ref
}

// findRefs copies args with every reference replaced by the placeholder.
func findRefs(args any, paths [][]string) (any, []foundRef, error) {
	m, ok := args.(map[string]any)
	if !ok || len(paths) == 0 {
		return args, nil, nil
	}
	var found []foundRef
	out := deepCopy(m).(map[string]any)
	for _, path := range paths {
		parent, v, ok := lookupPath(out, path)
		if !ok {
			continue
		}
		ref, isRef, err := secretin.Parse(strings.Join(path, "."), v)
		if err != nil {
			return nil, nil, Invalid("%v", err)
		}
		if isRef {
			found = append(found, foundRef{path: path, ref: ref})
			parent[path[len(path)-1]] = refPlaceholder
		}
	}
	return out, found, nil
}

func lookupPath(m map[string]any, path []string) (parent map[string]any, v any, ok bool) {
	for i, p := range path {
		x, has := m[p]
		if !has {
			return nil, nil, false
		}
		if i == len(path)-1 {
			return m, x, true
		}
		if m, ok = x.(map[string]any); !ok {
			return nil, nil, false
		}
	}
	return nil, nil, false
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

// resolveSecret turns one reference into its value for the call of tool s.
// Under --dry-run an "ask" is not asked (nothing will be sent) and the
// placeholder stays. The value joins the call's redaction scope, so it is
// masked in whatever the call returns.
func (d *Deps) resolveSecret(ctx context.Context, s Spec, field string, ref secretin.Ref, object string) (string, error) {
	if ref.Ask && cloud.IsDryRun(ctx) {
		return refPlaceholder, nil
	}
	if d.SecretsIn == nil {
		return "", Invalid("%s (secret reference): not available on this server; pass the value", field)
	}
	p := secretin.Purpose{Field: field, Tool: s.Name, Object: object, Scope: d.scope(ctx, s.Toolset)}
	v, err := d.SecretsIn.Resolve(ctx, ref, p)
	if errors.Is(err, secretin.ErrUnanswered) || errors.Is(err, secretin.ErrInputRequired) {
		return "", err // the arguments were fine: the user has not answered (yet)
	}
	if err != nil {
		return "", Invalid("%v", err)
	}
	if sc := redact.ScopeFrom(ctx); sc != nil {
		sc.Add(v) // masked in whatever this call returns or logs
	}
	d.Log.Info().Str("tool", s.Name).Str("field", field).Str("reference", ref.Kind()).Msg("secret taken in by reference")
	return v, nil
}

// scope is what a call of toolset's tools acts on ("env demo-1"; "" when
// the provider does not say), for confirmation lines and secret pages.
func (d *Deps) scope(ctx context.Context, toolset string) string {
	if d.Scope == nil {
		return ""
	}
	return d.Scope(ctx, toolset)
}

// resolveArgs resolves the references in args (from findRefs) in place.
func (d *Deps) resolveArgs(ctx context.Context, s Spec, args any, found []foundRef) (any, error) {
	m, _ := args.(map[string]any)
	object := secretObject(ctx, s, m)
	asked := false
	for _, f := range found {
		field := strings.Join(f.path, ".")
		v, err := d.resolveSecret(ctx, s, field, f.ref, object)
		if errors.Is(err, secretin.ErrInputRequired) {
			asked = true // every page of the call goes out in one answer
			continue
		}
		if err != nil {
			return nil, err
		}
		parent, _, _ := lookupPath(m, f.path)
		parent[f.path[len(f.path)-1]] = v
	}
	if asked {
		return nil, secretin.ErrInputRequired
	}
	return args, nil
}

// secretObject names what a call's secret is for, for the user's page:
// the tool's SecretFor ("identity provider github"), else its name in words.
func secretObject(ctx context.Context, s Spec, args map[string]any) string {
	if s.SecretFor != nil {
		return s.SecretFor(ctx, args)
	}
	return strings.ReplaceAll(s.Name, "_", " ")
}

// argString is args[k] when it is a string, else "".
func argString(args map[string]any, k string) string {
	s, _ := args[k].(string)
	return s
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// resolveExtRefs resolves references held by an integration's Ext fields
// (template fields typed password or secret); a reference in any other
// field is refused, since only a secret is taken in this way. tpl nil means
// the fields' types are unknown.
func (d *Deps) resolveExtRefs(ctx context.Context, s Spec, argName, object string, ext map[string]any, secret func(field string) (isSecret, known bool)) ([]string, error) {
	var done []string
	asked := false
	for _, k := range sortedKeys(ext) {
		field := argName + "." + k
		ref, isRef, err := secretin.Parse(field, ext[k])
		if err != nil {
			if _, isObj := ext[k].(map[string]any); isObj && looksLikeRefAttempt(ext[k]) {
				return nil, Invalid("%v", err)
			}
			continue // an object value of a non-secret field, not a reference
		}
		if !isRef {
			continue
		}
		isSecret, known := secret(k)
		if !isSecret {
			why := "the template does not type it password or secret"
			if !known {
				why = "the template is unknown, so the server cannot tell it is secret; pass authTypeCode"
			}
			return nil, Invalid("%s (secret reference): only taken for secret fields (%s)", field, why)
		}
		v, err := d.resolveSecret(ctx, s, field, ref, object)
		if errors.Is(err, secretin.ErrInputRequired) {
			asked = true
			continue
		}
		if err != nil {
			return nil, err
		}
		ext[k] = v
		done = append(done, k)
	}
	if asked {
		return nil, secretin.ErrInputRequired
	}
	return done, nil
}

// looksLikeRefAttempt: an object that uses a reference key is meant as one.
func looksLikeRefAttempt(v any) bool {
	m, _ := v.(map[string]any)
	for _, k := range []string{"ask", "file", "env"} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// extWithRefs re-encodes an Ext object after its references were resolved.
func extWithRefs(ext map[string]any) (string, error) {
	raw, err := json.Marshal(ext)
	if err != nil {
		return "", fmt.Errorf("encode ext: %w", err)
	}
	return string(raw), nil
}

// takeExtSecrets resolves the secret references in an integration's Ext
// fields (arg names the argument: ext or extPatch) and returns the Ext
// re-encoded, or orig when it held none. Only fields the template types
// password or secret take a reference.
func (ig *integration) takeExtSecrets(ctx context.Context, tool, arg, name string, ext map[string]any, tpl *tcb.UserKeyTemplate, orig string) (string, error) {
	types := templateFieldTypes(tpl)
	secret := func(field string) (bool, bool) {
		typ, known := types[field]
		return known && tcb.SecretFieldType(typ), tpl != nil
	}
	done, err := ig.d.resolveExtRefs(ctx, Spec{Name: tool, Toolset: ToolsetCloudBaseIntegration}, arg, strings.TrimSpace("integration "+name), ext, secret)
	if err != nil || len(done) == 0 {
		return orig, err
	}
	return extWithRefs(ext)
}

// isSecretRef reports whether v is a well-formed secret reference.
func isSecretRef(v any) bool {
	_, ok, err := secretin.Parse("", v)
	return ok && err == nil
}

// secretArg stands, in the arguments a confirmation question is built
// from, for a secret the call would write: its value (when known: typed,
// or read from a file or variable) to compare with the current one, and
// where it comes from. It never prints its value.
type secretArg struct {
	value string
	known bool
	from  string // "from env X", "from file Y", "entered on a page"; "" when typed
}

func (secretArg) String() string { return withheldMask }

// MarshalJSON keeps the value out of any encoding of the arguments.
func (secretArg) MarshalJSON() ([]byte, error) { return json.Marshal(withheldMask) }

// ConfirmArgs prepares a mutating call's arguments for its confirmation
// question, before the user is asked anything: each secret reference is
// checked (a missing file, a variable not allowed or not set, an ask this
// client cannot answer end the call here, with nothing asked and nothing
// sent), and each secret the call would write becomes a secretArg, so the
// question can say "replaced (from env X)" and a secret equal to the current
// one asks nothing. raw are the call's arguments, shown the same with typed
// secrets withheld (SecretsOf). A call with a missing target or bad
// arguments is left to its handler, which reports that first.
func (d *Deps) ConfirmArgs(ctx context.Context, t Tool, raw, shown map[string]any) (map[string]any, error) {
	if raw == nil || t.refPaths == nil {
		return shown, nil
	}
	var present [][]string
	for _, path := range t.refPaths() {
		if _, v, ok := lookupPath(raw, path); ok && !isBlank(v) {
			present = append(present, path)
		}
	}
	nested := nestedRefs(raw, nil, t.refPaths(), nil) // integration Ext fields
	typed := withheldPaths(raw, shown, nil, nil)      // secrets typed in plain, withheld in shown
	if len(present)+len(nested)+len(typed) == 0 || (t.Check != nil && t.Check(raw) != nil) {
		return shown, nil
	}
	if t.Spec.Target != nil && t.Spec.Target(ctx, raw) != nil { // not found, or exists already: the handler says so
		return shown, nil
	}
	var out map[string]any
	put := func(path []string, arg any) { // a secretArg, or an Ext object holding them
		if out == nil {
			out = deepCopy(shown).(map[string]any)
		}
		if parent, _, ok := lookupPath(out, path); ok {
			parent[path[len(path)-1]] = arg
		}
	}
	// A typed secret the question must not show (an integration's Ext field,
	// or a whole Ext string holding one) is still compared with the stored
	// value, so the same value again asks nothing.
	for _, path := range typed {
		_, v, _ := lookupPath(raw, path)
		if m := extForQuestion(raw, shown, path, nil); m != nil { // JSON text: each withheld field its own secretArg
			put(path, m)
			continue
		}
		put(path, secretArg{value: withheldValue(v), known: true})
	}
	object := secretObject(ctx, t.Spec, raw)
	pages := false
	var inText []textRef
	for _, f := range nested {
		if d.SecretsIn == nil || (f.ref.Ask && cloud.IsDryRun(ctx)) {
			continue // the handler says so, or nothing is asked
		}
		p := secretin.Purpose{Field: strings.Join(f.path, "."), Tool: t.Spec.Name, Object: object, Scope: d.scope(ctx, t.Spec.Toolset)}
		val, known, err := d.SecretsIn.Take(ctx, f.ref, p)
		if errors.Is(err, secretin.ErrInputRequired) {
			pages = true // every page of the call goes out in one answer
			continue
		}
		if err != nil {
			return nil, refError(err)
		}
		if sc := redact.ScopeFrom(ctx); sc != nil && known {
			sc.Add(val)
		}
		arg := secretArg{value: val, known: known, from: refSource(f.ref)}
		if _, _, inMaps := lookupPath(raw, f.path); inMaps {
			put(f.path, arg)
		} else if n := jsonTextAt(raw, f.path); n > 0 { // inside an Ext given as JSON text
			inText = append(inText, textRef{at: f.path[:n], field: f.path[n:], arg: arg})
		}
	}
	// An Ext given as JSON text becomes an object for the question, its
	// references resolved and its typed secrets withheld, so it is compared
	// field by field like extPatch: the same secret again asks nothing.
	for _, at := range textArgs(inText) {
		if m := extForQuestion(raw, shown, at, inText); m != nil {
			put(at, m)
		}
	}
	for _, path := range present {
		_, v, _ := lookupPath(raw, path)
		field := strings.Join(path, ".")
		arg := secretArg{known: true}
		if ref, isRef, _ := secretin.Parse(field, v); isRef {
			if d.SecretsIn == nil {
				return nil, Invalid("%s (secret reference): not available on this server; pass the value", field)
			}
			if ref.Ask && cloud.IsDryRun(ctx) {
				continue // not asked under --dry-run
			}
			p := secretin.Purpose{Field: field, Tool: t.Spec.Name, Object: object, Scope: d.scope(ctx, t.Spec.Toolset)}
			val, known, err := d.SecretsIn.Take(ctx, ref, p)
			if errors.Is(err, secretin.ErrInputRequired) {
				pages = true
				continue
			}
			if err != nil {
				return nil, refError(err)
			}
			arg = secretArg{value: val, known: known, from: refSource(ref)}
			if known {
				if sc := redact.ScopeFrom(ctx); sc != nil {
					sc.Add(val) // masked wherever the question or a log could show it
				}
			}
		} else if sv, ok := v.(string); ok {
			arg.value = sv
		} else {
			continue
		}
		put(path, arg)
	}
	if pages {
		return nil, secretin.ErrInputRequired // the pages first; the question once their values are known
	}
	if out == nil {
		return shown, nil
	}
	return out, nil
}

// textRef is a reference resolved inside an argument given as JSON text
// (at): field is its path within the text.
type textRef struct {
	at, field []string
	arg       secretArg
}

// jsonTextAt is how many leading elements of path name a string in args
// (JSON text the rest of the path is inside), or 0.
func jsonTextAt(args map[string]any, path []string) int {
	for n := len(path) - 1; n > 0; n-- {
		if _, v, ok := lookupPath(args, path[:n]); ok {
			if _, isStr := v.(string); isStr {
				return n
			}
			return 0
		}
	}
	return 0
}

// textArgs lists each argument the references are inside, once.
func textArgs(refs []textRef) [][]string {
	var out [][]string
	for _, r := range refs {
		if !slices.ContainsFunc(out, func(p []string) bool { return slices.Equal(p, r.at) }) {
			out = append(out, r.at)
		}
	}
	return out
}

// extForQuestion decodes the JSON text at path in raw into an object whose
// references are the secretArgs resolved for them and whose typed secrets
// (withheld in shown) are secretArgs too; nil when it is no JSON object.
func extForQuestion(raw, shown map[string]any, at []string, refs []textRef) map[string]any {
	_, rv, _ := lookupPath(raw, at)
	_, sv, _ := lookupPath(shown, at)
	var m, plain map[string]any
	rs, _ := rv.(string)
	ss, _ := sv.(string)
	if json.Unmarshal([]byte(rs), &m) != nil || m == nil || json.Unmarshal([]byte(ss), &plain) != nil || plain == nil {
		return nil
	}
	for _, path := range withheldPaths(m, plain, nil, nil) {
		parent, v, _ := lookupPath(m, path)
		parent[path[len(path)-1]] = secretArg{value: withheldValue(v), known: true}
	}
	for _, r := range refs {
		if slices.Equal(r.at, at) {
			if parent, _, ok := lookupPath(m, r.field); ok {
				parent[r.field[len(r.field)-1]] = r.arg
			}
		}
	}
	return m
}

// refError is a reference that could not be taken before the question: the
// user did not answer the page (yet), or the reference is wrong.
func refError(err error) error {
	if errors.Is(err, secretin.ErrUnanswered) {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	return Invalid("%v; nothing was changed and nothing was asked", err)
}

// withheldPaths lists the paths where shown withholds a string that raw
// holds in plain (a typed secret): the strings differ.
func withheldPaths(raw, shown map[string]any, prefix []string, out [][]string) [][]string {
	for _, k := range sortedKeys(raw) {
		path := append(slices.Clone(prefix), k)
		switch rv := raw[k].(type) {
		case string:
			if sv, ok := shown[k].(string); ok && sv != rv {
				out = append(out, path)
			}
		case map[string]any:
			if sm, ok := shown[k].(map[string]any); ok {
				out = withheldPaths(rv, sm, path, out)
			} else if shown[k] == withheldMask {
				out = append(out, path)
			}
		default: // a number, bool or array withheld whole
			if shown[k] == withheldMask {
				out = append(out, path)
			}
		}
	}
	return out
}

// withheldValue is a withheld value as secretsOf registered it: a string as
// is, anything else as its JSON encoding.
func withheldValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

// refSource says where a referenced secret comes from, for the question.
func refSource(ref secretin.Ref) string {
	switch ref.Kind() {
	case "file":
		return "from file " + ref.File
	case "env":
		return "from env " + ref.Env
	}
	return "entered on a page"
}

// nestedRefs finds the references below args that no schema path names:
// those in an integration's Ext (an object, or JSON text).
func nestedRefs(v any, path []string, schemaPaths [][]string, out []foundRef) []foundRef {
	switch x := v.(type) {
	case map[string]any:
		if len(path) > 0 {
			if ref, isRef, err := secretin.Parse("", x); err == nil && isRef {
				for _, sp := range schemaPaths {
					if slices.Equal(sp, path) {
						return out
					}
				}
				return append(out, foundRef{path: slices.Clone(path), ref: ref})
			}
		}
		for _, k := range sortedKeys(x) {
			out = nestedRefs(x[k], append(path, k), schemaPaths, out)
		}
	case string:
		if len(path) > 0 && strings.HasPrefix(strings.TrimSpace(x), "{") {
			var m map[string]any
			if json.Unmarshal([]byte(x), &m) == nil {
				for _, k := range sortedKeys(m) {
					out = nestedRefs(m[k], append(path, k), schemaPaths, out)
				}
			}
		}
	}
	return out
}
