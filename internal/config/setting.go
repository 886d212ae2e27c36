package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a setting's value.
type Kind int

// The kinds a setting can have; List is a comma-separated list.
const (
	String Kind = iota
	Bool
	Duration
	Int
	List
)

// Setting is the one declaration of a configuration value. The flag
// (--Name), the environment variables, the config-file key (Name), the help
// text and the README table are all derived from it, so they cannot drift.
type Setting struct {
	Name    string   // flag name and config-file key, e.g. "log-level"
	Env     []string // variables read, first non-empty wins; default CLOUDOPS_MCP_<NAME>
	Kind    Kind
	Default string // as a user would type it; shown in --help and the README
	Usage   string // one line: what it does, in the user's terms
	Group   string // heading in --help and the README

	// EnvOnly settings have no flag: credentials, so they never show in a
	// process list or shell history. A config file may still carry them.
	EnvOnly bool
	// Secret values are never echoed: not in errors, help or the README.
	Secret bool
	// Choices, when set, are the only values a String setting accepts.
	Choices []string

	// field points at where the value lives in a Config (core settings);
	// nil for registered settings, whose values live in Config.extra.
	field func(*Config) any
}

// value is the setting's parsed value in c (nil when it has none).
func (s *Setting) value(c *Config) any {
	if s.field != nil {
		return s.field(c)
	}
	return c.extra[s.Name]
}

// checkChoice refuses a value outside s.Choices, naming them.
func (s *Setting) checkChoice(v any) error {
	p, ok := v.(*string)
	if len(s.Choices) == 0 || !ok || slices.Contains(s.Choices, *p) {
		return nil
	}
	last := len(s.Choices) - 1
	want := s.Choices[last]
	if last > 0 {
		want = strings.Join(s.Choices[:last], ", ") + " or " + want
	}
	return errorf("--%s %q: want %s", s.Name, *p, want)
}

// envNames is the list of variables read for s.
func (s *Setting) envNames() []string {
	if s.Env != nil {
		return s.Env
	}
	return []string{"CLOUDOPS_MCP_" + strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_"))}
}

// EnvVar is the first variable the named setting is read from ("" when no
// setting has that name), e.g. to tell a user what to export.
func EnvVar(name string) string {
	if s := lookup(name); s != nil {
		return s.envNames()[0]
	}
	return ""
}

// expects says what a valid value looks like, for error messages.
func (k Kind) expects() string {
	switch k {
	case Bool:
		return "want true or false"
	case Duration:
		return "want a duration like 30s, 2m or 1h30m"
	case Int:
		return "want a whole number"
	}
	return "invalid"
}

func (k Kind) metavar() string {
	switch k {
	case Duration:
		return "DURATION"
	case Int:
		return "N"
	case List:
		return "A,B"
	case Bool:
		return ""
	}
	return "VALUE"
}

// parse converts text to the kind's Go value.
func (k Kind) parse(v string) (any, error) {
	switch k {
	case Bool:
		return strconv.ParseBool(strings.TrimSpace(v))
	case Duration:
		return time.ParseDuration(strings.TrimSpace(v))
	case Int:
		return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	case List:
		return splitList(v), nil
	}
	return v, nil
}

// newTarget allocates storage for a registered setting's value.
func (k Kind) newTarget() any {
	switch k {
	case Bool:
		return new(bool)
	case Duration:
		return new(time.Duration)
	case Int:
		return new(int64)
	case List:
		return new([]string)
	}
	return new(string)
}

// store writes a parsed value through a typed pointer.
func store(target, v any) {
	switch p := target.(type) {
	case *string:
		*p = v.(string)
	case *bool:
		*p = v.(bool)
	case *time.Duration:
		*p = v.(time.Duration)
	case *int64:
		*p = v.(int64)
	case *[]string:
		*p = v.([]string)
	default:
		panic(fmt.Sprintf("config: unsupported target %T", target))
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// registry holds the registered settings after the core ones, in order.
var registry []*Setting

// Register adds a setting declared outside this package (a provider's
// endpoint, say) and returns a handle to read it. Call it from a package
// variable or init, before Parse. Duplicate flags or variables panic: a
// programming error that any test run catches.
//
//	var endpoint = config.Register[string](config.Setting{Name: "foo-endpoint", Usage: "…", Group: "Foo"})
//	…
//	url := endpoint.Get(cfg)
func Register[T any](s Setting) Var[T] {
	var zero T
	want := map[Kind]any{String: "", Bool: false, Duration: time.Duration(0), Int: int64(0), List: []string(nil)}[s.Kind]
	if fmt.Sprintf("%T", want) != fmt.Sprintf("%T", zero) {
		panic(fmt.Sprintf("config: setting %s: Kind does not match Go type %T", s.Name, zero))
	}
	p := &s
	mustBeNew(p)
	registry = append(registry, p)
	return Var[T]{name: s.Name}
}

// SetUsage replaces the usage line of the setting called name, for the
// package that owns what the line lists (tools names the toolsets
// --toolsets takes). Call it from an init, before Parse; an unknown name
// panics.
func SetUsage(name, usage string) {
	s := lookup(name)
	if s == nil {
		panic("config: SetUsage: no setting " + name)
	}
	s.Usage = usage
}

// VarOf reads the registered setting called name, for code that must not
// import the package declaring it (the sandbox's start-up). Get returns the
// zero value when no such setting is registered.
func VarOf[T any](name string) Var[T] { return Var[T]{name: name} }

// Var reads a registered setting's value from a parsed Config.
type Var[T any] struct{ name string }

// Name is the setting's name (its flag without the dashes).
func (v Var[T]) Name() string { return v.name }

// Get returns the value (its default when nothing set it).
func (v Var[T]) Get(c *Config) T {
	if p, ok := c.extra[v.name].(*T); ok {
		return *p
	}
	var zero T
	return zero
}

// Set stores v as the setting's value in c, as if it had been given (tests,
// and code that derives one setting from others).
func (v Var[T]) Set(c *Config, val T) {
	p := new(T)
	*p = val
	c.extra[v.name] = p
}

// All returns every setting, core first then registered, in declaration order.
func All() []*Setting {
	return append(append([]*Setting(nil), core...), registry...)
}

func mustBeNew(s *Setting) {
	if _, err := s.Kind.parse(s.Default); s.Default != "" && err != nil {
		panic(fmt.Sprintf("config: setting %s: default %q: %v", s.Name, s.Default, err))
	}
	if claimed == nil { // the core settings, on the first registration
		claimed = map[string]string{}
		for _, o := range core {
			claim(o)
		}
	}
	claim(s)
}

// claimed maps each setting name and environment variable taken so far to
// the setting that took it. Comparing every new setting's variables with
// every earlier one's, as strings built each time, was 4,000 allocations of
// every start (package init).
var claimed map[string]string

func claim(s *Setting) {
	if _, ok := claimed["--"+s.Name]; ok {
		panic("config: setting declared twice: " + s.Name)
	}
	envs := s.envNames()
	for _, e := range envs {
		if o, ok := claimed[e]; ok {
			panic("config: variable " + e + " bound to both " + o + " and " + s.Name)
		}
	}
	claimed["--"+s.Name] = s.Name
	for _, e := range envs {
		claimed[e] = s.Name
	}
}
