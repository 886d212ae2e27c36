package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// maxStringLen bounds string arguments whose schema sets no maxLength, so a
// megabyte of text is refused before it reaches a cloud API.
const maxStringLen = 16 << 10

// maxArgsBytes bounds the whole arguments object. It is larger than any
// field allows, so an oversized field is reported by name first.
const maxArgsBytes = 8 << 20

// InputError is an argument problem the caller can fix: it names the field and the rule.
type InputError struct{ Problems []string }

func (e *InputError) Error() string {
	return "invalid arguments: " + strings.Join(e.Problems, "; ")
}

// Invalid builds an InputError from one "Field: rule (got x)" problem.
func Invalid(format string, a ...any) error {
	return &InputError{Problems: []string{fmt.Sprintf(format, a...)}}
}

// validator checks raw arguments against a tool's input schema. The schema
// is compiled on first use: compiling every tool's schema at start-up was a
// third of the server's start time, and a session calls few tools. Tests
// compile them all (TestEveryToolSchemaCompiles), so a bad schema still fails CI.
type validator struct {
	name     string
	raw      json.RawMessage
	root     map[string]any
	once     sync.Once
	compiled *jsonschema.Schema
}

func newValidator(name string, raw json.RawMessage) *validator {
	return &validator{name: name, raw: raw}
}

// schema compiles the schema once; a schema that does not compile is a bug.
func (v *validator) schema() *jsonschema.Schema {
	v.once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(v.raw))
		if err != nil {
			panic(fmt.Sprintf("tool %s: schema: %v", v.name, err))
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		url := "mem:///" + v.name + ".json"
		if err := c.AddResource(url, doc); err != nil {
			panic(fmt.Sprintf("tool %s: schema: %v", v.name, err))
		}
		s, err := c.Compile(url)
		if err != nil {
			panic(fmt.Sprintf("tool %s: schema: %v", v.name, err))
		}
		v.compiled = s
		if err := json.Unmarshal(v.raw, &v.root); err != nil {
			panic(fmt.Sprintf("tool %s: schema: %v", v.name, err))
		}
	})
	return v.compiled
}

// validate returns an *InputError listing every violation, or nil.
func (v *validator) validate(args []byte) error {
	if len(args) > maxArgsBytes {
		return Invalid("arguments: too large (%d bytes, at most %d)", len(args), maxArgsBytes)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(args))
	if err != nil {
		return Invalid("arguments: not valid JSON: %v", err)
	}
	var problems []string
	if err := v.schema().Validate(inst); err != nil {
		var verr *jsonschema.ValidationError
		if !errors.As(err, &verr) {
			return Invalid("arguments: %v", err)
		}
		problems = v.describe(verr, problems)
	}
	problems = v.checkLengths(inst, nil, problems)
	if len(problems) > 0 {
		return &InputError{Problems: problems}
	}
	return nil
}

// checkLengths applies maxStringLen where the schema states no maxLength.
func (v *validator) checkLengths(inst any, path []string, problems []string) []string {
	switch x := inst.(type) {
	case string:
		n := utf8.RuneCountInString(x)
		if n > maxStringLen {
			if s := schemaAt(v.root, path); s == nil || s["maxLength"] == nil {
				problems = append(problems, fmt.Sprintf("%s: too long: %d characters, at most %d", field(path), n, maxStringLen))
			}
		}
	case map[string]any:
		for k, e := range x {
			problems = v.checkLengths(e, append(path, k), problems)
		}
	case []any:
		for i, e := range x {
			problems = v.checkLengths(e, append(path, fmt.Sprint(i)), problems)
		}
	}
	return problems
}

func field(path []string) string {
	if len(path) == 0 {
		return "arguments"
	}
	if slices.Contains(path, "") { // a field named "" must still read as a name
		path = slices.Clone(path)
		for i, p := range path {
			if p == "" {
				path[i] = `""`
			}
		}
	}
	return strings.Join(path, ".")
}

// describe turns the validator's error tree into "Field: rule (got x)" lines.
func (v *validator) describe(e *jsonschema.ValidationError, out []string) []string {
	if len(e.Causes) > 0 {
		if _, isAny := e.ErrorKind.(*kind.AnyOf); isAny {
			// One line for the whole alternative: the formats when each
			// alternative is one (an IPv4 or IPv6 address), else the field's description.
			if formats, got, ok := formatsOf(e); ok {
				return append(out, v.line(e.InstanceLocation, fmt.Sprintf("must be a valid %s (got %v)", strings.Join(formats, " or "), v.got(e.InstanceLocation, got))))
			}
			return append(out, v.line(e.InstanceLocation, "must be "+v.describeField(e.InstanceLocation, "one of the allowed forms")))
		}
		for _, c := range e.Causes {
			out = v.describe(c, out)
		}
		return out
	}
	loc := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			out = append(out, v.line(append(append([]string{}, loc...), m), "required"))
		}
		return out
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			out = append(out, v.line(append(append([]string{}, loc...), p), "unknown field; allowed: "+strings.Join(v.allowed(loc), ", ")))
		}
		return out
	case *kind.Type:
		return append(out, v.line(loc, fmt.Sprintf("must be %s (got %s)", strings.Join(k.Want, " or "), k.Got)))
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		return append(out, v.line(loc, fmt.Sprintf("must be one of %s (got %v)", strings.Join(want, ", "), v.got(loc, k.Got))))
	case *kind.Minimum, *kind.Maximum:
		return append(out, v.line(loc, "must be "+v.rangeText(loc)+fmt.Sprintf(" (got %s)", v.gotNumber(e))))
	case *kind.MinLength:
		return append(out, v.line(loc, fmt.Sprintf("too short: %d characters, at least %d", k.Got, k.Want)))
	case *kind.MaxLength:
		return append(out, v.line(loc, fmt.Sprintf("too long: %d characters, at most %d", k.Got, k.Want)))
	case *kind.Pattern:
		return append(out, v.line(loc, fmt.Sprintf("must match %s (got %v)", k.Want, v.got(loc, k.Got))))
	case *kind.Format:
		return append(out, v.line(loc, fmt.Sprintf("must be a valid %s (got %v)", formatName(k.Want), v.got(loc, k.Got))))
	case *kind.Const:
		return append(out, v.line(loc, fmt.Sprintf("must be %v", k.Want)))
	case *kind.MaxItems:
		return append(out, v.line(loc, fmt.Sprintf("too many items: %d, at most %d", k.Got, k.Want)))
	case *kind.MinItems:
		return append(out, v.line(loc, fmt.Sprintf("too few items: %d, at least %d", k.Got, k.Want)))
	}
	return append(out, v.line(loc, e.ErrorKind.LocalizedString(nil)))
}

// formatsOf lists the formats of an anyOf whose every alternative failed
// only on its format, and the value they refused.
func formatsOf(e *jsonschema.ValidationError) (formats []string, got any, ok bool) {
	for _, c := range e.Causes {
		for len(c.Causes) == 1 {
			c = c.Causes[0]
		}
		f, isFormat := c.ErrorKind.(*kind.Format)
		if !isFormat || len(c.Causes) > 0 {
			return nil, nil, false
		}
		formats, got = append(formats, formatName(f.Want)), f.Got
	}
	return formats, got, len(formats) > 0
}

// formatName says a JSON Schema format in words.
func formatName(f string) string {
	if n, ok := map[string]string{"ipv4": "IPv4 address", "ipv6": "IPv6 address",
		"date-time": "date-time (RFC 3339, e.g. 2026-01-31T08:00:00Z)", "email": "email address"}[f]; ok {
		return n
	}
	return f
}

func (v *validator) line(path []string, rule string) string { return field(path) + ": " + rule }

func (v *validator) describeField(path []string, fallback string) string {
	if s := schemaAt(v.root, path); s != nil {
		if d, ok := s["description"].(string); ok && d != "" {
			return fmt.Sprintf("as described: %s", d)
		}
	}
	return fallback
}

func (v *validator) rangeText(path []string) string {
	s := schemaAt(v.root, path)
	minV, hasMin := s["minimum"]
	maxV, hasMax := s["maximum"]
	var r string
	switch {
	case hasMin && hasMax:
		r = fmt.Sprintf("between %s and %s", num(minV), num(maxV))
	case hasMin:
		r = "at least " + num(minV)
	case hasMax:
		r = "at most " + num(maxV)
	}
	if d, ok := s["description"].(string); ok && d != "" {
		r += " — " + d
	}
	return r
}

// num prints a schema number without exponent notation (2592000, not 2.592e+06).
func num(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func (v *validator) gotNumber(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Minimum:
		return k.Got.RatString()
	case *kind.Maximum:
		return k.Got.RatString()
	}
	return "?"
}

func (v *validator) allowed(path []string) []string {
	s := schemaAt(v.root, path)
	props, _ := s["properties"].(map[string]any)
	return sortedKeys(props)
}

// got renders the offending value for an error message: never the value of
// a secret field (writeOnly in the schema, or secret by name), and never
// more than a short prefix of a huge one.
func (val *validator) got(path []string, v any) string {
	if node := schemaAt(val.root, path); node != nil && node["writeOnly"] == true ||
		len(path) > 0 && redact.IsSecretKey(path[len(path)-1]) {
		return "a value that is not shown"
	}
	if s, ok := v.(string); ok {
		if len(s) > 64 {
			s = s[:61] + "..."
		}
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}
