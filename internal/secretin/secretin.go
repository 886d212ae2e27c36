// Package secretin takes secrets in without the model seeing them. A
// secret-bearing input field accepts, instead of the value, a reference the
// model can write without knowing the secret:
//
//	{"ask": true}        the server asks the user through a one-time page
//	{"file": "name"}     a file in the server's secrets folder (--secrets-dir)
//	{"env": "NAME"}      an environment variable the operator allow-listed (--secret-env)
//
// The Resolver turns a reference into the value; errors name the field and
// say what the user can do, never the value.
package secretin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretfile"
)

// Ref is a parsed reference: exactly one of its fields is set.
type Ref struct {
	Ask  bool
	File string
	Env  string
}

// Kind names the reference for logs and audit lines ("ask", "file", "env").
func (r Ref) Kind() string {
	switch {
	case r.Ask:
		return "ask"
	case r.File != "":
		return "file"
	default:
		return "env"
	}
}

// EnvPattern is what an env reference must match.
const EnvPattern = `^[A-Za-z_][A-Za-z0-9_]{0,127}$`

var envRE = lazyre.New(EnvPattern)

// Schema is the JSON schema of a reference, the second branch of every
// secret field's anyOf.
func Schema() map[string]any {
	return map[string]any{
		"type":          "object",
		"minProperties": 1, "maxProperties": 1,
		"properties": map[string]any{
			"ask":  map[string]any{"const": true},
			"file": map[string]any{"type": "string", "pattern": secretfile.NamePattern},
			"env":  map[string]any{"type": "string", "pattern": EnvPattern},
		},
		"additionalProperties": false,
	}
}

// Parse reports whether v is a reference, and whether it is a valid one.
// Any object is taken for an attempted reference (secret values are
// strings), so a malformed one is an error rather than a value.
func Parse(field string, v any) (Ref, bool, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return Ref{}, false, nil
	}
	bad := fmt.Errorf(`%s (secret reference): must be exactly one of {"ask": true}, {"file": "<name in the secrets folder>"} or {"env": "<allow-listed variable>"}`, field)
	if len(m) != 1 {
		return Ref{}, true, bad
	}
	for k, x := range m {
		s, isStr := x.(string)
		switch {
		case k == "ask" && x == true:
			return Ref{Ask: true}, true, nil
		case k == "file" && isStr:
			return Ref{File: s}, true, nil
		case k == "env" && isStr:
			return Ref{Env: s}, true, nil
		}
	}
	return Ref{}, true, bad
}

// Purpose says what a secret is for; the page shows it to the user.
type Purpose struct {
	Field  string // argument path, e.g. Config.ClientSecret
	Tool   string // tool name
	Object string // e.g. "identity provider github"
	Scope  string // what the call acts on, as its provider says it: "env demo-1"
}

func (p Purpose) String() string {
	s := lastPart(p.Field)
	if p.Object != "" {
		s += " for " + p.Object
	} else {
		s += " for " + p.Tool
	}
	if p.Scope != "" {
		s += " in " + p.Scope
	}
	return s
}

// FileHint is a file name the user could create for this secret.
func (p Purpose) FileHint() string {
	parts := strings.Fields(strings.ToLower(p.Object))
	name := lastPart(p.Field)
	if len(parts) > 0 {
		name = parts[len(parts)-1] + "-" + name
	}
	name = lazyre.New(`[^A-Za-z0-9._-]+`).ReplaceAllString(name, "-")
	return strings.Trim(name, "-.")
}

func lastPart(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}

// Asker asks the user for a secret out of band (the one-time page).
type Asker interface {
	// Ask returns the value the user gave, or an error saying why not.
	// ErrCannotAsk means this client cannot open the page.
	Ask(ctx context.Context, p Purpose) (string, error)
}

// ErrCannotAsk: the client did not declare URL elicitation, or the page
// cannot be served where the user can reach it.
var ErrCannotAsk = errors.New("cannot ask")

// CannotAsk is ErrCannotAsk with the reason.
func CannotAsk(reason string) error { return cannotAsk(reason) }

type cannotAsk string

func (c cannotAsk) Error() string        { return string(c) }
func (c cannotAsk) Is(target error) bool { return target == ErrCannotAsk }

// ErrUnanswered: the user did not give the value (yet): declined the page,
// let it expire, or has not submitted it. Not a fault of the arguments.
var ErrUnanswered = errors.New("unanswered")

// Unanswered is ErrUnanswered with what happened and what to do.
func Unanswered(msg string) error { return unanswered(msg) }

type unanswered string

func (u unanswered) Error() string        { return string(u) }
func (u unanswered) Is(target error) bool { return target == ErrUnanswered }

// Resolver resolves references. Nil fields switch their kind off.
type Resolver struct {
	Dir      *secretfile.Dir
	AllowEnv []string // --secret-env
	Getenv   func(string) string
	Asker    Asker
}

// Resolve returns the secret ref points to. Errors are the user's to act on;
// they start "<field> (secret reference): " — never "<field>: ", which log
// redaction would take for a secret's value when the field is named token.
func (r *Resolver) Resolve(ctx context.Context, ref Ref, p Purpose) (string, error) {
	switch ref.Kind() {
	case "file":
		return r.file(ref.File, p)
	case "env":
		return r.env(ref.Env, p)
	default:
		return r.ask(ctx, p)
	}
}

// Prober is an Asker that can tell, without asking, whether it could ask
// in this call (the client's capabilities, a page the user can reach).
type Prober interface {
	CanAsk(ctx context.Context) error // nil, or ErrCannotAsk with the reason
}

// Check tells whether ref can be resolved in this call, before the user is
// asked to confirm it: a file or variable is read (its value returned,
// known true); an ask is checked to be possible, the value stays unknown.
// Errors are Resolve's.
func (r *Resolver) Check(ctx context.Context, ref Ref, p Purpose) (v string, known bool, err error) {
	if !ref.Ask {
		v, err = r.Resolve(ctx, ref, p)
		return v, err == nil, err
	}
	err = CannotAsk("the server has no page to ask on")
	if r.Asker != nil {
		err = nil
		if pr, ok := r.Asker.(Prober); ok {
			err = pr.CanAsk(ctx)
		}
	}
	if err != nil {
		return "", false, fmt.Errorf("%s (secret reference): the server cannot ask the user for it here (%v). Instead %s", p.Field, err, r.Instead(p))
	}
	return "", false, nil
}

func (r *Resolver) file(name string, p Purpose) (string, error) {
	if r.Dir == nil {
		return "", fmt.Errorf("%s (secret reference): file references need a secrets folder and the server has none; the operator starts it with --secrets-dir", p.Field)
	}
	v, err := r.Dir.Read(name)
	path := filepath.Join(r.Dir.Path(), name)
	switch {
	case err == nil:
		return v, nil
	case errors.Is(err, secretfile.ErrName):
		return "", fmt.Errorf("%s (secret reference): file %q %v", p.Field, name, err)
	case errors.Is(err, secretfile.ErrMissing):
		return "", fmt.Errorf("%s (secret reference): file %q: %v; the user creates %s with mode 600 holding only the value "+
			"(e.g. umask 077; cat > %s), then the call is repeated", p.Field, name, err, path, path)
	case errors.Is(err, secretfile.ErrLoose):
		return "", fmt.Errorf("%s (secret reference): file %s %v; nothing was sent", p.Field, path, err)
	case errors.Is(err, secretfile.ErrLink), errors.Is(err, secretfile.ErrOwner), errors.Is(err, secretfile.ErrSize):
		return "", fmt.Errorf("%s (secret reference): file %s %v; nothing was sent", p.Field, path, err)
	default:
		return "", fmt.Errorf("%s (secret reference): %v", p.Field, err)
	}
}

func (r *Resolver) env(name string, p Purpose) (string, error) {
	if !envRE.MatchString(name) {
		return "", fmt.Errorf("%s (secret reference): env %q is not a variable name (letters, digits, '_')", p.Field, name)
	}
	if !slices.Contains(r.AllowEnv, name) {
		allowed := "none are"
		if len(r.AllowEnv) > 0 {
			allowed = "allowed: " + strings.Join(r.AllowEnv, ", ")
		}
		return "", fmt.Errorf("%s (secret reference): env %q is not on the server's allow-list (%s); the operator sets the variable and adds it with --secret-env %s. "+
			"Other variables are never read", p.Field, name, allowed, name)
	}
	getenv := r.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	v := getenv(name)
	if v == "" {
		return "", fmt.Errorf("%s (secret reference): env %q is allow-listed but not set (or empty) in the server's environment", p.Field, name)
	}
	return v, nil
}

func (r *Resolver) ask(ctx context.Context, p Purpose) (string, error) {
	if v, ok := heldFor(ctx, p); ok {
		return v, nil // asked before the call was confirmed (Take)
	}
	var err error = CannotAsk("the server has no page to ask on")
	if r.Asker != nil {
		var v string
		if v, err = r.Asker.Ask(ctx, p); err == nil {
			return v, nil
		}
	}
	if !errors.Is(err, ErrCannotAsk) {
		return "", fmt.Errorf("%s (secret reference): %w", p.Field, err)
	}
	return "", fmt.Errorf("%s (secret reference): the server cannot ask the user for it here (%v). Instead %s", p.Field, err, r.Instead(p))
}

// Instead says what the user can do when asking is impossible, never
// "paste it into the chat".
func (r *Resolver) Instead(p Purpose) string {
	var ways []string
	if r.Dir != nil {
		path := filepath.Join(r.Dir.Path(), p.FileHint())
		ways = append(ways, fmt.Sprintf(`the user writes the value to %s (mode 600: umask 077; cat > %s) and the call passes {"file": %q}`,
			path, path, p.FileHint()))
	} else {
		ways = append(ways, `the operator starts the server with --secrets-dir DIR, the user writes the value to a file there (mode 600) and the call passes {"file": "<name>"}`)
	}
	env := strings.ToUpper(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(p.FileHint(), "_"))
	ways = append(ways, fmt.Sprintf(`the operator sets %s in the server's environment, starts it with --secret-env %s, and the call passes {"env": %q}`, env, env, env))
	return strings.Join(ways, "; or ") + ". Never ask the user to paste the secret into the chat"
}
