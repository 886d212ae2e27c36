package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/schemashape"
)

// What is secret in a tool's arguments is decided by its input schema, not
// by a guess from field names: a field whose schema says "writeOnly": true
// (Go tag jsonschema:"writeOnly=true") holds a value the user gives and no
// one may read back. Values the schema cannot mark, such as the fields of an
// integration Ext typed password by its template, are found by the tool's
// Spec.WithholdSecrets. SecretsOf is the one place that combines both; the
// guard uses it for audit lines, confirmations and declined results, and
// Define for results, dry runs and errors.

// CallSecrets are the secrets a call's arguments hold.
type CallSecrets struct {
	// Values are the secret values, to mask wherever they would appear.
	Values []string
	// Args are the arguments with every secret replaced by its mask: what an
	// audit line, a confirmation or a log may show.
	Args map[string]any
}

// SecretsOf returns the secrets in args for a call of t.
// Invalid arguments get only the schema's marks: the tool's hook may read
// the cloud, and bad input must reach nothing.
func (d *Deps) SecretsOf(ctx context.Context, t Tool, args map[string]any) CallSecrets {
	valid := t.Check == nil || t.Check(args) == nil
	return d.secretsOf(ctx, t.Spec, t.secrets, args, valid)
}

func (d *Deps) secretsOf(ctx context.Context, s Spec, tree *secretNode, args map[string]any, valid bool) CallSecrets {
	out := CallSecrets{Args: args}
	if tree != nil && args != nil {
		w, _ := tree.withhold(args, &out.Values).(map[string]any)
		out.Args = w
	}
	if s.WithholdSecrets != nil && args != nil && valid {
		var more []string
		out.Args, more = s.WithholdSecrets(ctx, out.Args)
		out.Values = append(out.Values, more...)
	}
	return out
}

// secretNode mirrors the parts of an input schema that lead to writeOnly
// fields; nil when there are none below.
type secretNode struct {
	leaf  bool
	props map[string]*secretNode
	items *secretNode // array items, and additionalProperties values
}

// secretTree reads the writeOnly fields out of a reflected input schema.
func secretTree(s *schemashape.Shape) *secretNode {
	return secretNodeOf(s, 0)
}

func secretNodeOf(s *schemashape.Shape, depth int) *secretNode {
	if s == nil || depth > 32 {
		return nil
	}
	if s.WriteOnly {
		return &secretNode{leaf: true}
	}
	n := &secretNode{}
	for k, p := range s.Properties {
		if c := secretNodeOf(p, depth+1); c != nil {
			if n.props == nil {
				n.props = map[string]*secretNode{}
			}
			n.props[k] = c
		}
	}
	if c := secretNodeOf(s.Items, depth+1); c != nil {
		n.items = c
	} else if c := secretNodeOf(s.AdditionalProperties, depth+1); c != nil {
		n.items = c
	}
	if n.props == nil && n.items == nil {
		return nil
	}
	return n
}

// withhold returns v with the values under secret leaves masked (a copy
// where anything changed), and appends those values to found.
func (n *secretNode) withhold(v any, found *[]string) any {
	if n == nil {
		return v
	}
	if n.leaf {
		if isBlank(v) || isSecretRef(v) { // a reference names where the secret is, not what
			return v
		}
		s, ok := v.(string)
		if !ok {
			raw, _ := json.Marshal(v)
			s = string(raw)
		}
		*found = append(*found, s)
		return withheldMask
	}
	switch x := v.(type) {
	case map[string]any:
		out := maps.Clone(x)
		for k, e := range x {
			if c := n.props[k]; c != nil {
				out[k] = c.withhold(e, found)
			} else if n.items != nil && n.props == nil {
				out[k] = n.items.withhold(e, found)
			}
		}
		return out
	case []any:
		if n.items == nil {
			return v
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = n.items.withhold(e, found)
		}
		return out
	}
	return v
}

// withheldMask stands for a secret the user gave: its length is not shown either.
const withheldMask = "[redacted]"

// CallScope returns ctx with a scope holding values (see withCallScope) and
// the redactor that masks them too: what the guard shows and logs for a call.
func (d *Deps) CallScope(ctx context.Context, values []string) (context.Context, *redact.Redactor) {
	ctx = d.withCallScope(ctx, values)
	return ctx, d.redactor(ctx)
}

// redactor is the redactor for this call: the shared one, plus the secrets of
// the call's scope (its arguments, the client's credential headers).
func (d *Deps) redactor(ctx context.Context) *redact.Redactor { return d.Redactor.In(ctx) }

// withCallScope gives the call a scope holding its argument secrets: a
// child of the request's scope when the transport made one.
func (d *Deps) withCallScope(ctx context.Context, values []string) context.Context {
	s := redact.ScopeFrom(ctx)
	if s == nil {
		s = d.Redactor.NewScope()
		ctx = redact.WithScope(ctx, s)
	}
	s.Add(values...)
	return ctx
}

// typedSecrets lists the arguments that held a secret typed in plain: shown
// (the arguments as withheld) has the mask where orig has one of values.
// References are not typed secrets; an Ext JSON string is looked into.
func typedSecrets(orig, shown any, values map[string]bool, prefix string) []string {
	var out []string
	switch x := shown.(type) {
	case map[string]any:
		o, _ := orig.(map[string]any)
		for _, k := range sortedKeys(x) {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, typedSecrets(o[k], x[k], values, p)...)
		}
	case []any:
		o, _ := orig.([]any)
		for i, e := range x {
			var oe any
			if i < len(o) {
				oe = o[i]
			}
			out = append(out, typedSecrets(oe, e, values, fmt.Sprintf("%s[%d]", prefix, i))...)
		}
	case string:
		o, _ := orig.(string)
		if x == withheldMask {
			if values[o] && prefix != "" {
				out = append(out, prefix)
			}
			break
		}
		var om, xm map[string]any
		if strings.HasPrefix(x, "{") && json.Unmarshal([]byte(x), &xm) == nil && json.Unmarshal([]byte(o), &om) == nil {
			out = append(out, typedSecrets(om, xm, values, prefix)...)
		}
	}
	return out
}

// warnTypedSecrets tells the agent, in the result, that a secret it typed in
// plain passed through the conversation, and what to pass next time. The
// value itself is never repeated.
func warnTypedSecrets(res *mcp.CallToolResult, fields []string) {
	w := "Warning: " + strings.Join(fields, ", ") + " was typed into the call, so the value passed through this conversation " +
		`(it is not shown here). Next time pass a secret reference instead: {"ask":true} (the user types it on a one-time page), ` +
		`{"file":"NAME"} or {"env":"VAR"} (ask only where the client can open the server's page; the server says when it cannot).`
	if m, ok := res.StructuredContent.(map[string]any); ok {
		m["warnings"] = []string{w}
	}
	if raw := res.RawStructuredContent; len(raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var m map[string]any
		if dec.Decode(&m) == nil && m != nil {
			list, _ := m["warnings"].([]any)
			m["warnings"] = append(list, w)
			if b, err := json.Marshal(m); err == nil {
				res.RawStructuredContent = b
			}
		}
	}
	res.Content = append(res.Content, mcp.NewTextContent(w))
}
