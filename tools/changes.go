package tools

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// What a change would do, field by field: the confirmation question names
// each field that changes with its old and new value, and a call that changes
// nothing is answered at once instead of being put to the user. Secret values
// are never shown: they are "set" (none before) or "replaced".

// fieldChange is one leaf the arguments would change.
type fieldChange struct {
	Path     string
	Old, New any
	Secret   bool
}

func (c fieldChange) String() string {
	if c.Secret {
		sa, _ := c.New.(secretArg)
		if isEmpty(c.Old) {
			return c.Path + ": (unset) → set" + paren(sa.from)
		}
		how := sa.from
		if old, _ := c.Old.(string); redact.IsMasked(old) || redact.IsCloudMask(old) {
			how = strings.TrimPrefix(how+"; ", "; ") + "the cloud does not show the current value"
		}
		return c.Path + ": set → replaced" + paren(how)
	}
	return fmt.Sprintf("%s: %s → %s", c.Path, show(c.Old), show(c.New))
}

// changedFields compares the leaves args would write with the current
// object cur (any JSON-shaped value), in path order. Keys in skip (e.g. the
// object's id) are not fields to change.
func changedFields(cur any, args map[string]any, skip ...string) []fieldChange {
	before := map[string]any{}
	flatten("", toJSONMap(cur), before)
	after := map[string]any{}
	flatten("", args, after)
	var out []fieldChange
	for path, v := range after {
		if contains(skip, path) {
			continue
		}
		old := before[path]
		if sa, ok := v.(secretArg); ok {
			// The current value, or its keyed fingerprint where it was masked on the way in.
			if cur, isStr := old.(string); isStr && sa.known && cur != "" && (cur == sa.value || cur == redact.Mask(sa.value)) {
				continue // the same secret again: nothing to change, nothing to ask
			}
			out = append(out, fieldChange{Path: path, Old: old, New: v, Secret: true})
			continue
		}
		if same(old, v) {
			continue
		}
		// Secret by schema: the question is built from arguments whose
		// writeOnly values are already withheld. The name check only adds
		// caution for values the cloud holds.
		leaf := path[strings.LastIndex(path, ".")+1:]
		out = append(out, fieldChange{Path: path, Old: old, New: v, Secret: v == withheldMask || redact.IsSecretKey(leaf)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// describeChanges joins changes for a question ("a: x → y; b: set").
func describeChanges(cs []fieldChange) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

func toJSONMap(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return m
}

// flatten writes the leaves of m under dotted paths; arrays are leaves.
func flatten(prefix string, m map[string]any, out map[string]any) {
	for k, v := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			flatten(p, sub, out)
			continue
		}
		out[p] = v
	}
}

func same(a, b any) bool {
	if isEmpty(a) && isEmpty(b) {
		return true
	}
	ra, _ := json.Marshal(a)
	rb, _ := json.Marshal(b)
	return string(ra) == string(rb)
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// show is a value as the user approves it: whole, quoted. Only a value too
// long to read in a question (an SAML metadata document) is shortened, and
// then visibly: its start and end with its length. Fingerprints, ids and
// URLs (≤ maxShown) are never cut.
func show(v any) string {
	if isEmpty(v) {
		return "(unset)"
	}
	s, isStr := v.(string)
	if !isStr {
		raw, err := json.Marshal(v)
		if err != nil {
			return shorten(fmt.Sprint(v), "%s")
		}
		return shorten(string(raw), "%s")
	}
	return shorten(s, "%q")
}

// maxShown is the longest value a question shows whole.
const maxShown = 2048

func shorten(s, format string) string {
	if len(s) <= maxShown {
		return fmt.Sprintf(format, s)
	}
	head, tail := cutUTF8(s, 200), s[len(s)-80:]
	for len(tail) > 0 && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	return fmt.Sprintf(format+" … "+format+" (%d characters; start and end shown)", head, tail, utf8.RuneCountInString(s))
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
