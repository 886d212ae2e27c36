// Package tools defines the MCP tools: one constructor per documented cloud
// operation, built with Define, which reflects the input and output schemas
// from Go structs, validates arguments before any cloud call, and returns
// redacted structured content with a compact text rendering.
package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/rs/zerolog"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/schemashape"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretfile"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretin"
)

// Deps are what tool handlers use. Each provider's clients are in Clients
// under the keys its package declares (tcb.ClientKey, telnyx.ClientKey); a
// tool whose client is missing answers with an actionable error.
type Deps struct {
	Clients *cloud.Clients
	// Scope is what a call of toolset's tools acts on, as its provider
	// says it ("env demo-1"; "" when the account is all there is).
	Scope    func(ctx context.Context, toolset string) string
	Redactor *redact.Redactor
	Log      zerolog.Logger
	Changed  func(ctx context.Context, uris ...string) // resource URIs a change touched (nil: nobody listens)
	// ReadOnly is --read-only: ReadOnlyGated tools then refuse every change themselves.
	ReadOnly bool
	// Secrets is the folder deliverTo writes into (--secrets-dir); nil when there is none.
	Secrets *secretfile.Dir
	// SecretsIn resolves secret references (ask, file, env); nil: none are taken.
	SecretsIn *secretin.Resolver
}

// Spec describes a tool apart from its types and handler.
type Spec struct {
	Name        string
	Title       string
	Description string
	Toolset     string
	// ReadOnly tools change nothing. Destructive tools may delete or disable
	// something. Idempotent tools can be repeated with no further effect.
	ReadOnly, Destructive, Idempotent bool
	// Confirm asks the user like a destructive call does, for a change that
	// deletes nothing but decides who gets in (creating an SSO provider).
	Confirm bool
	// CheckWith names the read tool that tells whether a change whose outcome is unknown applied.
	CheckWith string
	// ReadOnlyGated tools stay under --read-only because their handler then
	// refuses every change itself (cloudbase_http_request: GET only).
	ReadOnlyGated bool
	// Summarize states in one line, from current state, what a destructive
	// call would do, for the user to confirm ("" = nothing to confirm). Nil
	// means a line built from the title and arguments (see confirm.go).
	Summarize func(ctx context.Context, args map[string]any) (string, error)
	// WithholdSecrets finds secrets in arguments that the input schema cannot
	// mark writeOnly (an integration Ext's fields its template types
	// password): it returns args with them masked, and their values. Nil
	// means the schema's writeOnly fields are all (see secrets.go).
	WithholdSecrets func(ctx context.Context, args map[string]any) (withheld map[string]any, values []string)
	// Ask names an argument the call lacks that the user must choose (see
	// ask.go); nil when nothing is missing.
	Ask func(ctx context.Context, args map[string]any) *Question
	// Target checks, from current state, that the object the call changes
	// can be changed (it exists; for an add, it does not exist yet). It runs
	// before a secret or a missing argument (Ask) is asked for and before
	// the user is asked to confirm: nobody types a secret or answers "Apply?" for a typo.
	Target func(ctx context.Context, args map[string]any) error
	// TargetFirst: Target's refusal comes before the other arguments'
	// errors (an add whose object exists: its missing fields don't matter).
	TargetFirst bool
	// SecretFor names what the call's secret is for, on the page the user
	// types it in ("identity provider github"); nil means the tool's name
	// in words.
	SecretFor func(ctx context.Context, args map[string]any) string
}

// Tool is a registrable tool with its metadata.
type Tool struct {
	Spec    Spec
	Tool    mcp.Tool
	Handler server.ToolHandlerFunc
	// Check validates arguments exactly as Handler will, calling nothing.
	Check func(args any) error

	fingerprint string             // of the Go types the schemas come from (schema cache)
	shape       *schemashape.Shape // the input schema's structure
	secrets     *secretNode        // where the input schema marks values writeOnly
	refPaths    func() [][]string  // the argument paths that take a secret reference
}

// InputShape is the structure of the input schema: its properties, items and
// writeOnly marks, without parsing the schema again. Shared: do not modify.
func (t Tool) InputShape() *schemashape.Shape { return t.shape }

// Mutating reports whether calls may change something, given --read-only.
func (t Tool) Mutating(readOnlyMode bool) bool {
	return !t.Spec.ReadOnly && !(readOnlyMode && t.Spec.ReadOnlyGated)
}

// Validator is implemented by inputs with cross-field rules the schema cannot state.
type Validator interface{ Validate() error }

// Define builds a tool from typed input and output structs. Field names and
// jsonschema tags on In become the input schema; Out becomes the output schema.
func Define[In, Out any](d *Deps, s Spec, fn func(ctx context.Context, in *In) (*Out, error)) Tool {
	if s.Name == "" || s.Title == "" || s.Description == "" || s.Toolset == "" {
		panic("tool spec needs Name, Title, Description and Toolset: " + s.Name)
	}
	if s.ReadOnly && s.Destructive {
		panic("tool " + s.Name + " cannot be read-only and destructive")
	}
	inRaw, outRaw, shape, fp := toolSchemas[In, Out](s)
	val := newValidator(s.Name, inRaw)
	t := mcp.NewTool(s.Name,
		mcp.WithDescription(s.Description),
		mcp.WithRawInputSchema(inRaw),
		mcp.WithRawOutputSchema(outRaw),
		mcp.WithToolAnnotation(annotations(s, s.ReadOnly || (s.ReadOnlyGated && d.ReadOnly))),
	)
	t.Title = s.Title                     // annotations.title only for clients before 2025-06-18 (app adds it)
	t.InputSchema = mcp.ToolInputSchema{} // the raw schema is the one sent
	secrets := secretTree(shape)
	// Found on first use: start-up time matters more than a call's.
	refPaths := sync.OnceValue(func() [][]string { return secretRefPaths(mustMap(inRaw), nil, nil) })
	check := func(args any) error {
		args, _, err := findRefs(args, refPaths())
		if err == nil {
			_, err = decodeArgs[In](args, val)
		}
		return err
	}
	handler := func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		// The call's own secrets are masked in whatever it returns, for this
		// call only: they never join the shared list. Secrets taken in by
		// reference join the scope as they are resolved.
		args, _ := req.Params.Arguments.(map[string]any)
		ctx = d.withCallScope(ctx, nil)
		if !s.ReadOnly { // a read takes no secret: nothing to ask
			ctx = withRound(ctx, s.Name, req)
		}
		if s.Ask != nil {
			if q := s.Ask(ctx, args); q != nil {
				// The other arguments are checked first: nothing is asked for a call that would be refused.
				if err := check(withField(args, q.Field, q.Default)); err != nil {
					return errorResult(d.redactor(ctx), s, err), nil
				}
				if s.Target != nil { // nor for one whose object cannot be made (a name taken)
					if err := s.Target(ctx, args); err != nil {
						return errorResult(d.redactor(ctx), s, d.notFoundAdvice(ctx, s, err)), nil
					}
				}
				filled, res, err := askMissing(ctx, req, q, args)
				if err != nil {
					return errorResult(d.redactor(ctx), s, err), nil
				}
				if res != nil {
					return res, nil
				}
				args, req.Params.Arguments = filled, filled
			}
		}
		in, err := decodeWithRefs[In](ctx, d, s, req.Params.Arguments, val, refPaths())
		sec := d.secretsOf(ctx, s, secrets, args, err == nil)
		ctx = d.withCallScope(ctx, sec.Values)
		red := d.redactor(ctx)
		if res := inputRequired(ctx, err); res != nil {
			return res, nil // the pages to open; the call is made again
		}
		var inErr *InputError
		if errors.As(err, &inErr) && s.Target != nil && s.TargetFirst {
			// An object that exists already (or is missing) is said before
			// the fields the call lacks: no one gathers a ClientId for a
			// provider that is there.
			if terr := s.Target(ctx, args); terr != nil {
				err = d.notFoundAdvice(ctx, s, terr)
			}
		}
		if err != nil {
			noteOutcome(ctx, err)
			return errorResult(red, s, err), nil
		}
		out, err := fn(ctx, in)
		if res := inputRequired(ctx, err); res != nil {
			return res, nil
		}
		noteOutcome(ctx, err)
		var dry *cloud.DryRunError
		if errors.As(err, &dry) {
			return result(red, dryRunResult{DryRun: true, Service: dry.Service, Request: dry.Request})
		}
		if err != nil {
			return errorResult(red, s, err), nil
		}
		res, err := result(red, out)
		if err == nil && len(sec.Values) > 0 {
			values := map[string]bool{}
			for _, v := range sec.Values {
				values[v] = true
			}
			if typed := typedSecrets(args, sec.Args, values, ""); len(typed) > 0 {
				warnTypedSecrets(res, typed)
			}
		}
		return res, err
	}
	return Tool{Spec: s, Tool: t, Handler: handler, Check: check, fingerprint: fp, shape: shape, secrets: secrets, refPaths: refPaths}
}

// annotations are the tool's hints, sent once each tools/list (45 times per
// catalogue). readOnlyHint, destructiveHint and openWorldHint are always
// spelled out: ChatGPT's app review rejects a tool missing one, and clients
// that gate on destructiveHint == true must see it on a delete, whatever the
// spec's default. idempotentHint is sent only when true on a tool that
// changes something: false is the spec's default, and on a read-only tool
// the spec gives it no meaning. The title is the top-level one.
func annotations(s Spec, readOnly bool) mcp.ToolAnnotation {
	a := mcp.ToolAnnotation{
		ReadOnlyHint:    mcp.ToBoolPtr(readOnly),
		DestructiveHint: mcp.ToBoolPtr(!readOnly && s.Destructive),
		OpenWorldHint:   mcp.ToBoolPtr(true),
	}
	if !readOnly && s.Idempotent {
		a.IdempotentHint = mcp.ToBoolPtr(true)
	}
	return a
}

// Hints are a tool's annotations with the MCP spec's defaults applied to
// the hints it does not send.
type Hints struct{ ReadOnly, Destructive, Idempotent, OpenWorld bool }

// HintsOf reads a's hints as the spec does: readOnlyHint defaults to false,
// destructiveHint to true and idempotentHint to false (both meaningful only
// when not read-only), openWorldHint to true.
func HintsOf(a mcp.ToolAnnotation) Hints {
	get := func(p *bool, def bool) bool {
		if p == nil {
			return def
		}
		return *p
	}
	h := Hints{ReadOnly: get(a.ReadOnlyHint, false), OpenWorld: get(a.OpenWorldHint, true)}
	if !h.ReadOnly {
		h.Destructive, h.Idempotent = get(a.DestructiveHint, true), get(a.IdempotentHint, false)
	}
	return h
}

// toolSchemas returns the input and output schemas of a tool: from the
// build-time cache (checked against In and Out in tests; start-up
// would otherwise spend most of its time reflecting), else reflected now.
func toolSchemas[In, Out any](s Spec) (in, out json.RawMessage, shape *schemashape.Shape, fp string) {
	if verifyCache {
		fp = fingerprint(reflect.TypeFor[In](), reflect.TypeFor[Out](), s.ReadOnly)
	}
	if c, ok := cachedSchemas(s.Name, fp); ok {
		return json.RawMessage(c.Input), json.RawMessage(c.Output), c.Shape, fp
	}
	in, out = reflectToolSchemas[In, Out](s)
	shape, _ = schemashape.Decode(in)
	return in, out, shape, fp
}

// reflectToolSchemas reflects In and Out; output schemas keep only the
// outline of the shape and, for mutating tools, admit the dry-run and declined results.
func reflectToolSchemas[In, Out any](s Spec) (in, out json.RawMessage) {
	in, inMap := reflectSchema[In]()
	var err error
	if acceptSecretRefs(inMap) { // re-encoded only then: key order would churn every schema
		if in, err = json.Marshal(inMap); err != nil {
			panic(err)
		}
	}
	_, outMap := reflectSchema[Out]()
	shapeOnly(outMap)
	outline(outMap)
	if !s.ReadOnly {
		addDryRunShape(outMap)
	}
	out, err = json.Marshal(outMap)
	if err != nil {
		panic(err)
	}
	return in, out
}

// dryRunResult is what a mutating tool returns under --dry-run: the exact
// request it would have sent (redacted like any result).
type dryRunResult struct {
	DryRun  bool   `json:"dryRun"`
	Service string `json:"service"`
	Request any    `json:"request"`
}

// addDryRunShape lets a mutating tool's output schema also admit its dry-run
// ({dryRun, service, request}) and declined ({declined, declinedChange})
// results: top-level fields become optional. Those fields are not declared
// here: output schemas never forbid extra properties, and the server's
// instructions describe both results once instead of on every change tool.
func addDryRunShape(m map[string]any) {
	delete(m, "required")
}

// decodeWithRefs decodes arguments whose secret fields may hold references:
// everything else is checked first (nothing is asked for a call that would
// be refused), then the references are resolved and the whole is decoded.
func decodeWithRefs[In any](ctx context.Context, d *Deps, s Spec, args any, val *validator, paths [][]string) (*In, error) {
	checked, found, err := findRefs(args, paths)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return decodeArgs[In](args, val)
	}
	if _, err := decodeArgs[In](checked, val); err != nil {
		return nil, err
	}
	if s.Target != nil {
		m, _ := checked.(map[string]any)
		if err := s.Target(ctx, m); err != nil {
			return nil, d.notFoundAdvice(ctx, s, err)
		}
	}
	resolved, err := d.resolveArgs(ctx, s, checked, found)
	if err != nil {
		return nil, err
	}
	return decodeArgs[In](resolved, val)
}

func mustMap(raw json.RawMessage) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(err)
	}
	return m
}

// decodeArgs validates raw arguments against the schema, then decodes them
// strictly into In and applies In's cross-field rules.
func decodeArgs[In any](args any, val *validator) (*In, error) {
	raw, err := json.Marshal(args)
	if err != nil {
		return nil, Invalid("arguments: %v", err)
	}
	if args == nil || string(raw) == "null" {
		raw = []byte("{}")
	}
	if err := val.validate(raw); err != nil {
		return nil, err
	}
	in := new(In)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		return nil, Invalid("arguments: %v", err)
	}
	if v, ok := any(in).(Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// Result renders out as redacted structured content plus the same JSON as text.
func (d *Deps) Result(out any) (*mcp.CallToolResult, error) { return result(d.Redactor, out) }

func result(red *redact.Redactor, out any) (*mcp.CallToolResult, error) {
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err) // a bug, not a user fault
	}
	raw = red.JSON(raw)
	if len(raw) == 0 || raw[0] != '{' { // null, or not an object: as before, decoded
		var structured map[string]any
		if err := json.Unmarshal(raw, &structured); err != nil {
			return nil, fmt.Errorf("encode result: %w", err)
		}
		return mcp.NewToolResultStructured(structured, string(raw)), nil
	}
	// structuredContent goes out as these bytes: decoding them into a map
	// only for mcp-go to encode the map again was half of this function.
	res := mcp.NewToolResultText(string(raw))
	res.RawStructuredContent = raw
	return res, nil
}

// ErrorResult turns an error into a tool error the model can act on: cloud
// code, message and request id, a hint, and what to do when the outcome of a
// change is unknown. The text is redacted.
func (d *Deps) ErrorResult(s Spec, err error) *mcp.CallToolResult {
	return errorResult(d.Redactor, s, err)
}

func errorResult(red *redact.Redactor, s Spec, err error) *mcp.CallToolResult {
	var msg string
	var unknown cloud.OutcomeUnknown
	var inErr *InputError
	switch {
	case errors.As(err, &inErr):
		msg = err.Error()
	case errors.As(err, &unknown):
		msg = cloud.ErrorMessage(err)
		if s.CheckWith != "" {
			msg += "; check with " + s.CheckWith + " before trying again"
		}
	case errors.Is(err, context.Canceled):
		msg = s.Name + ": cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		msg = s.Name + ": timed out"
	default:
		msg = cloud.ErrorMessage(err)
	}
	// Errors carry text only: structured content must match the tool's output
	// schema, and some clients validate it even on errors.
	return mcp.NewToolResultError(red.String(msg))
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// join lists names for descriptions and errors.
func join(names []string) string { return strings.Join(names, ", ") }
