// Package prompts defines the MCP prompts: guided procedures that walk the
// model through the exact tools to call, in order, with the checks to make.
// Arguments are typed (checked before rendering; a bad one is an error naming
// it and the rule), completable where their values are knowable, and every
// rendered text goes through the redactor.
package prompts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/rpcerr"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

// CompleteFunc lists the values an argument can take that start with prefix.
type CompleteFunc func(ctx context.Context, prefix string) ([]string, error)

// Set is one area's prompts, their argument completions and the tools each needs.
type Set struct {
	Prompts  []server.ServerPrompt
	Complete map[string]map[string]CompleteFunc // prompt -> argument -> completer
	Needs    map[string][]string                // prompt -> tools its procedure calls
}

// Merge returns s with o's prompts, completions and needs added.
func (s Set) Merge(o Set) Set {
	out := Set{Prompts: slices.Concat(s.Prompts, o.Prompts), Complete: map[string]map[string]CompleteFunc{}, Needs: map[string][]string{}}
	for _, x := range []Set{s, o} {
		for name, args := range x.Complete {
			out.Complete[name] = args
		}
		for name, needs := range x.Needs {
			out.Needs[name] = needs
		}
	}
	return out
}

// Only keeps the prompts whose tools are all available (toolsets, --read-only).
func (s Set) Only(available func(tool string) bool) Set {
	out := Set{Complete: s.Complete, Needs: s.Needs}
	for _, p := range s.Prompts {
		ok := true
		for _, t := range s.Needs[p.Prompt.Name] {
			ok = ok && available(t)
		}
		if ok {
			out.Prompts = append(out.Prompts, p)
		}
	}
	return out
}

// MarkReadOnly prefixes each prompt that needs a tool withheld(tool) with a
// notice: the server is read-only, so those steps cannot run here.
func (s Set) MarkReadOnly(withheld func(tool string) bool) Set {
	out := Set{Complete: s.Complete, Needs: s.Needs}
	for _, p := range s.Prompts {
		var missing []string
		for _, t := range s.Needs[p.Prompt.Name] {
			if withheld(t) {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			p.Prompt.Description = "[read-only server: planning only] " + p.Prompt.Description
			p.Handler = withNotice(p.Handler, "This server is read-only: "+strings.Join(missing, ", ")+
				" cannot be called here. Do the read steps, then give the user the exact changes to make "+
				"with a server that allows writes; do not claim anything was changed.\n\n")
		}
		out.Prompts = append(out.Prompts, p)
	}
	return out
}

func withNotice(next server.PromptHandlerFunc, notice string) server.PromptHandlerFunc {
	return func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		res, err := next(ctx, req)
		if err != nil || res == nil || len(res.Messages) == 0 {
			return res, err
		}
		if t, ok := res.Messages[0].Content.(mcp.TextContent); ok {
			t.Text = notice + t.Text
			res.Messages[0].Content = t
		}
		return res, err
	}
}

// Completer answers completion/complete for the prompt arguments of sets.
func Completer(sets ...Set) server.PromptCompletionProvider {
	c := completer{}
	for _, s := range sets {
		for name, args := range s.Complete {
			c[name] = args
		}
	}
	return c
}

type completer map[string]map[string]CompleteFunc

func (c completer) CompletePromptArgument(ctx context.Context, prompt string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	fn := c[prompt][arg.Name]
	if fn == nil {
		return &mcp.Completion{Values: []string{}}, nil
	}
	values, err := fn(ctx, arg.Value)
	if err != nil {
		return nil, err
	}
	return resources.Completion(values), nil
}

// maxArgLen bounds free-text arguments.
const maxArgLen = 2000

// Arg is one typed prompt argument.
type Arg struct {
	Name        string
	Description string
	Required    bool
	// Check validates and normalises a non-empty value; nil accepts any text up to maxArgLen.
	Check    func(v string) (string, error)
	Complete CompleteFunc
}

// Spec is one prompt: its arguments and how its text is rendered.
type Spec struct {
	Name, Title, Description string
	Args                     []Arg
	// Validate applies cross-argument rules after each argument passed its own.
	Validate func(args map[string]string) error
	// Needs lists the tools the procedure calls.
	Needs  []string
	Render func(ctx context.Context, args map[string]string) (string, error)
}

// build turns specs into a Set whose handlers check arguments and redact text.
func build(r *redact.Redactor, specs ...Spec) Set {
	set := Set{Complete: map[string]map[string]CompleteFunc{}, Needs: map[string][]string{}}
	for _, s := range specs {
		opts := []mcp.PromptOption{mcp.WithPromptDescription(s.Description)}
		for _, a := range s.Args {
			aopts := []mcp.ArgumentOption{mcp.ArgumentDescription(a.Description)}
			if a.Required {
				aopts = append(aopts, mcp.RequiredArgument())
			}
			opts = append(opts, mcp.WithArgument(a.Name, aopts...))
			if a.Complete != nil {
				if set.Complete[s.Name] == nil {
					set.Complete[s.Name] = map[string]CompleteFunc{}
				}
				set.Complete[s.Name][a.Name] = a.Complete
			}
		}
		p := mcp.NewPrompt(s.Name, opts...)
		p.Title = s.Title
		set.Prompts = append(set.Prompts, server.ServerPrompt{Prompt: p, Handler: handler(r, s)})
		set.Needs[s.Name] = s.Needs
	}
	return set
}

func handler(r *redact.Redactor, s Spec) server.PromptHandlerFunc {
	return func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		args, err := s.check(req.Params.Arguments)
		if err != nil {
			return nil, rpcerr.InvalidParams(r.String(err.Error()))
		}
		text, err := s.Render(ctx, args)
		var bad badArgument
		switch {
		case errors.As(err, &bad):
			return nil, rpcerr.InvalidParams(r.String(bad.msg))
		case err != nil:
			return nil, errors.New(r.String("prompt " + s.Name + " failed (" + err.Error() + ")"))
		}
		return &mcp.GetPromptResult{Description: s.Description, Messages: []mcp.PromptMessage{
			mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(r.String(text))),
		}}, nil
	}
}

// check validates raw arguments: known names, required ones present, each
// value of its type. All problems are reported at once.
func (s Spec) check(raw map[string]string) (map[string]string, error) {
	var problems []string
	known := map[string]Arg{}
	for _, a := range s.Args {
		known[a.Name] = a
	}
	for _, name := range sortedKeys(raw) {
		if _, ok := known[name]; !ok {
			// "unknown argument X", not "X: …": a secret-like name before a colon reads as a secret to the redactor.
			problems = append(problems, fmt.Sprintf("unknown argument %s (allowed: %s)", name, argNames(s.Args)))
		}
	}
	args := map[string]string{}
	for _, a := range s.Args {
		v := strings.TrimSpace(raw[a.Name])
		switch {
		case v == "" && a.Required:
			problems = append(problems, a.Name+": required")
			continue
		case v == "":
			continue
		case utf8.RuneCountInString(v) > maxArgLen:
			problems = append(problems, fmt.Sprintf("%s: too long: %d characters, at most %d", a.Name, utf8.RuneCountInString(v), maxArgLen))
			continue
		}
		if a.Check != nil {
			norm, err := a.Check(v)
			if err != nil {
				problems = append(problems, a.Name+": "+err.Error())
				continue
			}
			v = norm
		}
		args[a.Name] = v
	}
	if len(problems) == 0 && s.Validate != nil {
		if err := s.Validate(args); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return args, nil
}

// badArgument is a Render failure caused by an argument that passed its own
// check but names nothing that exists (an unknown key or template): the
// client gets Invalid params, like any other bad argument.
type badArgument struct{ msg string }

func (b badArgument) Error() string { return b.msg }

func badArg(format string, args ...any) error { return badArgument{fmt.Sprintf(format, args...)} }

func argNames(args []Arg) string {
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = a.Name
	}
	return strings.Join(names, ", ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// oneOf accepts one of values, in any letter case, and returns its canonical spelling.
func oneOf(values ...string) func(string) (string, error) {
	return func(v string) (string, error) {
		for _, w := range values {
			if strings.EqualFold(v, w) {
				return w, nil
			}
		}
		return "", fmt.Errorf("must be one of %s (got %q)", strings.Join(values, ", "), short(v))
	}
}

// listOf accepts a comma-separated list of values (no repeats), canonically spelled.
func listOf(values ...string) func(string) (string, error) {
	one := oneOf(values...)
	return func(v string) (string, error) {
		var out []string
		for _, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			w, err := one(item)
			if err != nil {
				return "", fmt.Errorf("each item must be one of %s (got %q)", strings.Join(values, ", "), short(item))
			}
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
		if len(out) == 0 {
			return "", fmt.Errorf("give a comma-separated list of %s", strings.Join(values, ", "))
		}
		return strings.Join(out, ","), nil
	}
}

// httpsURL accepts an absolute https URL.
func httpsURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("must be an absolute https:// URL (got %q)", short(v))
	}
	return v, nil
}

// matching accepts values matching re, described by rule.
func matching(re *lazyre.Regexp, rule string) func(string) (string, error) {
	return func(v string) (string, error) {
		if !re.MatchString(v) {
			return "", fmt.Errorf("must be %s (got %q)", rule, short(v))
		}
		return v, nil
	}
}

// maxLen accepts text of at most n characters.
func maxLen(n int) func(string) (string, error) {
	return func(v string) (string, error) {
		if c := utf8.RuneCountInString(v); c > n {
			return "", fmt.Errorf("too long: %d characters, at most %d", c, n)
		}
		return v, nil
	}
}

func short(s string) string {
	if len(s) > 64 {
		return s[:61] + "..."
	}
	return s
}

// values completes an argument from a fixed list.
func values(list ...string) CompleteFunc {
	return func(_ context.Context, prefix string) ([]string, error) {
		return resources.WithPrefix(list, prefix), nil
	}
}

// listValues completes the last item of a comma-separated list.
func listValues(list ...string) CompleteFunc {
	return func(_ context.Context, prefix string) ([]string, error) {
		head, last := "", prefix
		if i := strings.LastIndex(prefix, ","); i >= 0 {
			head, last = prefix[:i+1], strings.TrimSpace(prefix[i+1:])
		}
		var taken []string
		for _, item := range strings.Split(head, ",") {
			taken = append(taken, strings.TrimSpace(item))
		}
		var out []string
		for _, v := range resources.WithPrefix(list, last) {
			if !slices.Contains(taken, v) {
				out = append(out, head+v)
			}
		}
		return out, nil
	}
}

// cloudMessage is a cloud failure in one line (cloud.ErrorMessage); the
// prompt's handler redacts the text it appears in.
func cloudMessage(err error) string { return cloud.ErrorMessage(err) }
