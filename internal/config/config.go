// Package config turns flags, environment variables and an optional config
// file into the server's configuration. Every setting is declared once
// (settings.go, or Register from another package); flags win over the
// environment, which wins over the file.
package config

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Config is everything main needs to build and run the server.
type Config struct {
	ConfigFile string // --config, already applied

	Transport string // stdio | sse | http
	Addr      string
	LogLevel  string

	// Timeout bounds each cloud call. A provider's own settings (its
	// credentials, account, endpoints) are declared in its package with
	// Register (cloud/cloudbase, cloud/telnyx).
	Timeout time.Duration

	// Secrets and safety
	RevealSecrets      bool
	Toolsets           []string
	Tools              []string
	ReadOnly           bool
	DryRun             bool
	ConfirmDestructive bool
	SecretsDir         string
	SecretEnv          []string      // variables a secret reference may read (--secret-env)
	SecretPageTTL      time.Duration // how long a one-time secret page stays valid
	SecretPageWait     time.Duration // how long one call waits for the page before answering "call again"
	PublicURL          string        // https origin users reach an HTTP transport at, behind a TLS proxy
	AuditLog           string

	// HTTP transports
	Stateless            bool
	HTTPToken            string
	AllowUnauthenticated bool
	AllowedOrigins       []string
	MaxBodyBytes         int64
	ShutdownTimeout      time.Duration
	DrainDelay           time.Duration

	// Sandbox
	Sandbox      bool
	SandboxState string // the emulator's own settings are registered by cloud/sandbox

	ShowVersion bool

	extra map[string]any // values of registered settings (Var.Get)
}

// ErrHelp is returned after --help printed the usage.
var ErrHelp = pflag.ErrHelp

// Error is a configuration mistake the user can fix: main prints it in one
// format ("cloudops-mcp: …; see --help") and exits with ExitUsage.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// ExitUsage is the exit code for configuration errors and start-up refusals.
const ExitUsage = 2

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// Parse reads args (without the program name), the environment and the
// config file. --help writes the usage to out and returns ErrHelp.
func Parse(args []string, getenv func(string) string, out io.Writer) (*Config, error) {
	c := &Config{extra: map[string]any{}}
	fs := pflag.NewFlagSet("cloudops-mcp", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, rendered once by main
	fs.Usage = func() {}
	fs.SortFlags = false
	targets := map[string]any{}
	for _, s := range All() {
		t := s.target(c)
		targets[s.Name] = t
		if s.Default != "" {
			v, _ := s.Kind.parse(s.Default) // checked at declaration
			store(t, v)
		}
		if !s.EnvOnly {
			f := fs.VarPF(&flagValue{s: s, target: t}, s.Name, "", s.Usage)
			if s.Kind == Bool {
				f.NoOptDefVal = "true"
			}
		}
	}
	help := fs.BoolP("help", "h", false, "print this help")
	fs.BoolVar(&c.ShowVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return nil, flagError(err, fs)
	}
	if *help {
		WriteUsage(out)
		return nil, ErrHelp
	}
	if c.ShowVersion {
		return c, nil
	}
	if fs.NArg() > 0 {
		return nil, errorf("unexpected argument %q; see --help", fs.Arg(0))
	}

	// The file named by --config or its variable, then the environment,
	// fill whatever the command line left unset.
	path := c.ConfigFile
	if !fs.Changed("config") {
		path = firstEnv(getenv, lookup("config").envNames())
		c.ConfigFile = path
	}
	file := map[string]string{}
	if path != "" {
		var err error
		if file, err = readFile(path); err != nil {
			return nil, err
		}
	}
	for _, s := range All() {
		if !s.EnvOnly && fs.Changed(s.Name) {
			continue
		}
		source, raw := "", ""
		for _, e := range s.envNames() {
			if v := getenv(e); v != "" {
				source, raw = e, v
				break
			}
		}
		if source == "" {
			v, ok := file[s.Name]
			if !ok {
				continue
			}
			source, raw = fmt.Sprintf("%s: %s", path, s.Name), v
		}
		v, err := s.Kind.parse(raw)
		if err != nil {
			if s.Secret {
				return nil, errorf("%s: %s; see --help", source, s.Kind.expects())
			}
			return nil, errorf("%s=%q: %s; see --help", source, raw, s.Kind.expects())
		}
		store(targets[s.Name], v)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Setting) target(c *Config) any {
	if s.field != nil {
		return s.field(c)
	}
	t := s.Kind.newTarget()
	c.extra[s.Name] = t
	return t
}

func firstEnv(getenv func(string) string, names []string) string {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v
		}
	}
	return ""
}

func (c *Config) validate() error {
	switch c.Transport {
	case "stdio", "sse", "http":
	default:
		return errorf("--transport %q: want stdio, sse or http", c.Transport)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		return errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	for _, s := range All() {
		if err := s.checkChoice(s.value(c)); err != nil {
			return err
		}
	}
	if c.SecretPageTTL <= 0 {
		return errorf("--secret-page-ttl %s: must be positive", c.SecretPageTTL)
	}
	if c.SecretPageWait <= 0 {
		return errorf("--secret-page-wait %s: must be positive", c.SecretPageWait)
	}
	if c.Timeout <= 0 {
		return errorf("--timeout %s: must be positive", c.Timeout)
	}
	if c.MaxBodyBytes <= 0 {
		return errorf("--max-body-bytes %d: must be positive", c.MaxBodyBytes)
	}
	return nil
}

// flagValue binds a pflag flag to a setting's storage.
type flagValue struct {
	s      *Setting
	target any
}

func (v *flagValue) String() string { return v.s.Default }
func (v *flagValue) Type() string   { return strings.ToLower(v.s.Kind.metavar()) }
func (v *flagValue) Set(x string) error {
	p, err := v.s.Kind.parse(x)
	if err != nil {
		return errors.New(v.s.Kind.expects())
	}
	store(v.target, p)
	return nil
}

// flagError renders pflag's errors in one short line that names the flag
// and points to --help, rather than printing the whole usage.
func flagError(err error, fs *pflag.FlagSet) error {
	var notExist *pflag.NotExistError
	var needsValue *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &notExist):
		name := notExist.GetSpecifiedName()
		if short := notExist.GetSpecifiedShortnames(); short != "" {
			if fs.Lookup(short) != nil { // Go-style -flag
				return errorf("unknown flag -%s (flags take two dashes: --%s); see --help", short, short)
			}
			return errorf("unknown flag -%s; see --help", short)
		}
		if s := closest(name, fs); s != "" {
			return errorf("unknown flag --%s (did you mean --%s?); see --help", name, s)
		}
		return errorf("unknown flag --%s; see --help", name)
	case errors.As(err, &needsValue):
		return errorf("flag --%s needs a value; see --help", needsValue.GetFlag().Name)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		if fv, ok := f.Value.(*flagValue); ok && fv.s.Secret {
			return errorf("--%s: %v; see --help", f.Name, errors.Unwrap(err))
		}
		return errorf("--%s %q: %v; see --help", f.Name, invalid.GetValue(), errors.Unwrap(err))
	}
	return errorf("%v; see --help", err)
}

// closest suggests the flag a typo most likely meant (edit distance <= 2).
func closest(name string, fs *pflag.FlagSet) string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	fs.VisitAll(func(f *pflag.Flag) {
		if d := distance(name, f.Name); d <= 2 {
			cs = append(cs, cand{f.Name, d})
		}
	})
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	if len(cs) == 0 {
		return ""
	}
	return cs[0].name
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
