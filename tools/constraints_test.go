package tools_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// constraintKeywords are what an input schema promises a caller: shortening
// the catalogue (descriptions, output outlines) must never lose one.
var constraintKeywords = []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
	"minItems", "maxItems", "minProperties", "maxProperties", "pattern", "enum", "const", "required", "format", "writeOnly",
	"type", "additionalProperties", "default"}

// constraintsFile was written once from the input schemas of 30 Nov 2026,
// before the catalogue was shortened, and is never regenerated: every line
// in it must still hold. A constraint removed on purpose is deleted from the
// file by hand, in the commit that removes it, saying why.
const constraintsFile = "testdata/input-constraints.txt"

// TestNoInputConstraintLost checks every (tool, path, keyword, value) of the
// input schemas recorded in constraintsFile against today's schemas, with
// local $refs resolved. New tools and new constraints are free to appear.
func TestNoInputConstraintLost(t *testing.T) {
	now := map[string]bool{}
	for _, tl := range tools.All(&tools.Deps{Redactor: redact.New(redact.Options{})}) {
		var root map[string]any
		if err := json.Unmarshal(tl.Tool.RawInputSchema, &root); err != nil {
			t.Fatal(err)
		}
		for _, c := range constraintsOf(tl.Spec.Name, root) {
			now[c] = true
		}
	}
	if os.Getenv("WRITE_INPUT_CONSTRAINTS") == "once" { // how the file was made
		lines := make([]string, 0, len(now))
		for c := range now {
			lines = append(lines, c)
		}
		sort.Strings(lines)
		if err := os.WriteFile(constraintsFile, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	raw, err := os.ReadFile(constraintsFile)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(want) < 500 {
		t.Fatalf("%s holds %d constraints: expected the full record", constraintsFile, len(want))
	}
	lost := 0
	for _, c := range want {
		if !now[c] {
			lost++
			t.Errorf("input constraint lost: %s", c)
		}
	}
	t.Logf("%d recorded input constraints, %d lost", len(want), lost)
}

// constraintsOf lists "tool path keyword value" for every constraint keyword
// in schema, following local $refs, with anyOf/oneOf branches and array items
// in the path.
func constraintsOf(tool string, root map[string]any) []string {
	var out []string
	var walk func(node map[string]any, path string, depth int)
	walk = func(node map[string]any, path string, depth int) {
		if depth > 32 {
			panic(tool + ": schema too deep at " + path)
		}
		if ref, ok := node["$ref"].(string); ok {
			node = resolveRef(root, ref)
		}
		for _, k := range constraintKeywords {
			v, ok := node[k]
			if !ok {
				continue
			}
			if _, isObj := v.(map[string]any); isObj { // additionalProperties: a schema, walked below
				continue
			}
			if k == "required" || k == "enum" { // order carries no meaning
				v = sortedValues(v.([]any))
			}
			b, _ := json.Marshal(v)
			out = append(out, fmt.Sprintf("%s %s %s %s", tool, path, k, b))
		}
		if props, ok := node["properties"].(map[string]any); ok {
			for name, p := range props {
				walk(p.(map[string]any), path+"."+name, depth+1)
			}
		}
		if items, ok := node["items"].(map[string]any); ok {
			walk(items, path+"[]", depth+1)
		}
		if ap, ok := node["additionalProperties"].(map[string]any); ok {
			walk(ap, path+"{}", depth+1)
		}
		for _, k := range []string{"anyOf", "oneOf", "allOf"} {
			branches, _ := node[k].([]any)
			for i, b := range branches {
				walk(b.(map[string]any), fmt.Sprintf("%s|%s%d", path, k, i), depth+1)
			}
		}
	}
	walk(root, "$", 0)
	return out
}

// resolveRef follows a local JSON pointer ("#/$defs/x").
func resolveRef(root map[string]any, ref string) map[string]any {
	node := root
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		next, ok := node[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")].(map[string]any)
		if !ok {
			panic("unresolvable $ref " + ref)
		}
		node = next
	}
	return node
}

func sortedValues(vs []any) []any {
	out := slices.Clone(vs)
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}
