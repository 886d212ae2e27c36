package tools_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// FuzzToolArguments sends fuzzed arguments to every tool through a real MCP
// client and server on the sandbox. No argument may panic (a panic surfaces as
// a protocol error), and every rejection must name a field and its rule.
// Inputs are either raw JSON or a walk of the tool's own input schema that
// mixes valid values with wrong types, bounds and unknown fields.
// `make fuzz` runs it for a minute; the seeds run in every `go test`.
func FuzzToolArguments(f *testing.F) {
	e := testenv.New(f)
	list, err := e.Client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		f.Fatal(err)
	}
	tools := list.Tools
	sort.Slice(tools, func(i, j int) bool { return tools[i].Name < tools[j].Name })
	for i := range tools {
		for _, seed := range []string{"", "\x00\x01\x02\x03\x04\x05\x06\x07", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6", "\x07\x07\x07\x07\x07\x07"} {
			f.Add(uint16(i), true, []byte(seed))
		}
		for _, raw := range []string{`{}`, `null`, `[]`, `"x"`, `{"x":1}`, `{"Id":5}`, `{"":null}`, `{"a":{"b":{"c":[1,2,{"d":"e"}]}}}`,
			`{"Id":"` + strings.Repeat("a", 20000) + `"}`, `{"PageSize":1e400}`, `{"Limit":-1,"Offset":1.5}`, `{"` + "\u00e9\u0000" + `":true}`} {
			f.Add(uint16(i), false, []byte(raw))
		}
	}
	f.Fuzz(func(t *testing.T, toolIdx uint16, fromSchema bool, data []byte) {
		tool := tools[int(toolIdx)%len(tools)]
		var args any
		if fromSchema {
			var schema map[string]any
			raw, _ := json.Marshal(tool.InputSchema)
			if len(tool.RawInputSchema) > 0 {
				raw = tool.RawInputSchema
			}
			_ = json.Unmarshal(raw, &schema)
			args = (&argGen{b: data}).value(schema, 0)
		} else if json.Unmarshal(data, &args) != nil {
			args = string(data)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // every call must end
		defer cancel()
		res, err := e.CallCtx(ctx, tool.Name, args)
		if err != nil {
			t.Fatalf("%s(%s): protocol error (a panic or a bug, not a tool error): %v", tool.Name, clip(args), err)
		}
		if !res.IsError {
			return
		}
		text := testenv.Text(res)
		rest, isRejection := strings.CutPrefix(text, "invalid arguments: ")
		if !isRejection {
			return // a cloud or client error on arguments the schema accepts
		}
		for _, p := range splitProblems(rest, fieldNames(tool, args)) {
			if !problemPattern.MatchString(p) {
				t.Fatalf("%s(%s): rejection %q does not name a field and a rule (in %q)", tool.Name, clip(args), p, text)
			}
		}
	})
}

// problemPattern is "Field.path: rule", the rule not masked away.
var problemPattern = regexp.MustCompile(`^[^\s:;]+: [^\[\s]`)

// fieldNamePrefix matches the "Field.path: " a problem starts with.
var fieldNamePrefix = regexp.MustCompile(`^([^\s:;.]+)[^\s:;]*: `)

// splitProblems splits "A: rule; B.c: rule" into problems. Rules and field
// descriptions may hold "; " too, so a new problem starts only where "; " is
// followed by a name the caller could mean: a schema property, a key sent,
// or "arguments".
func splitProblems(s string, names map[string]bool) []string {
	var out []string
	for _, part := range strings.Split(s, "; ") {
		m := fieldNamePrefix.FindStringSubmatch(part)
		if len(out) > 0 && (m == nil || !names[m[1]]) {
			out[len(out)-1] += "; " + part
			continue
		}
		out = append(out, part)
	}
	return out
}

// fieldNames are the top-level names a rejection of args may start with.
func fieldNames(tool mcp.Tool, args any) map[string]bool {
	names := map[string]bool{"arguments": true, `""`: true}
	var schema struct{ Properties map[string]any }
	raw, _ := json.Marshal(tool.InputSchema)
	if len(tool.RawInputSchema) > 0 {
		raw = tool.RawInputSchema
	}
	_ = json.Unmarshal(raw, &schema)
	for k := range schema.Properties {
		names[k] = true
	}
	if m, ok := args.(map[string]any); ok {
		for k := range m {
			names[k] = true
		}
	}
	return names
}

func clip(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// argGen turns fuzz bytes into a value shaped by a JSON schema, now and then
// off the schema: a wrong type, a bound ±1, an unknown field.
type argGen struct {
	b []byte
	i int
}

func (g *argGen) next() byte {
	if g.i >= len(g.b) {
		return 0
	}
	g.i++
	return g.b[g.i-1]
}

func (g *argGen) value(s map[string]any, depth int) any {
	c := g.next()
	if c%11 == 10 || depth > 6 {
		return g.wild(depth)
	}
	if alts, ok := s["anyOf"].([]any); ok && len(alts) > 0 {
		alt, _ := alts[int(g.next())%len(alts)].(map[string]any)
		return g.value(merge(s, alt), depth)
	}
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 && c%5 != 4 {
		return enum[int(g.next())%len(enum)]
	}
	if v, ok := s["const"]; ok && c%5 != 4 {
		return v
	}
	switch schemaType(s) {
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for _, k := range sortedNames(props) {
			if g.next()%3 != 0 {
				ps, _ := props[k].(map[string]any)
				out[k] = g.value(ps, depth+1)
			}
		}
		if g.next()%13 == 12 {
			out[fmt.Sprintf("Unknown%d", g.next())] = g.wild(depth + 1)
		}
		return out
	case "array":
		items, _ := s["items"].(map[string]any)
		n := int(g.next() % 5)
		out := make([]any, n)
		for i := range out {
			out[i] = g.value(items, depth+1)
		}
		return out
	case "integer", "number":
		return g.number(s)
	case "boolean":
		return g.next()%2 == 0
	case "string":
		return g.str(s)
	}
	return g.wild(depth)
}

func (g *argGen) number(s map[string]any) any {
	minV, hasMin := s["minimum"].(float64)
	maxV, hasMax := s["maximum"].(float64)
	switch g.next() % 8 {
	case 0:
		if hasMin {
			return minV
		}
	case 1:
		if hasMin {
			return minV - 1
		}
	case 2:
		if hasMax {
			return maxV
		}
	case 3:
		if hasMax {
			return maxV + 1
		}
	case 4:
		return 1.5
	case 5:
		return -int(g.next())
	}
	return int(g.next()) * int(g.next()+1)
}

func (g *argGen) str(s map[string]any) string {
	n := int(g.next() % 48)
	if maxLen, ok := s["maxLength"].(float64); ok && g.next()%4 == 0 {
		n = int(maxLen) + int(g.next()%2) // at the bound, or one past it
	}
	alphabet := "abcdefghijklmnopqrstuvwxyz0123456789-_"
	if g.next()%6 == 0 {
		alphabet = "AZ az09 :/@.%\"\\\u00e9\u4e2d\n\t{}[]<>"
	}
	var b strings.Builder
	r := []rune(alphabet)
	for i := 0; i < n; i++ {
		b.WriteRune(r[int(g.next())%len(r)])
	}
	return b.String()
}

// wild is a value of any type, ignoring the schema.
func (g *argGen) wild(depth int) any {
	switch g.next() % 7 {
	case 0:
		return nil
	case 1:
		return g.next()%2 == 0
	case 2:
		return float64(int8(g.next())) / 3
	case 3:
		return g.str(nil)
	case 4:
		if depth > 6 {
			return "deep"
		}
		return []any{g.wild(depth + 1)}
	case 5:
		if depth > 6 {
			return 0
		}
		return map[string]any{g.str(nil): g.wild(depth + 1)}
	}
	return strings.Repeat("x", int(g.next())*80)
}

func schemaType(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if x != "null" {
				return fmt.Sprint(x)
			}
		}
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	return ""
}

func merge(base, alt map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		if k != "anyOf" {
			out[k] = v
		}
	}
	for k, v := range alt {
		out[k] = v
	}
	return out
}

func sortedNames(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
