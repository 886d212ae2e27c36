package rpcerr

import (
	"bytes"
	"encoding/json"
	"regexp"
)

// mcp-go answers a call of a tool, a get of a prompt or a read of a
// resource it has no handler for with a bare "not found" (the right code,
// -32602 or -32002). An agent that guessed a name then has nowhere to go.
// An Explainer adds what exists (the list, or the tool that reads what was
// guessed) to exactly those messages; the code stays as it is.

// Explainer says what exists instead of name; kind is "tool", "prompt" or
// "resource". "" adds nothing.
type Explainer func(kind, name string) string

// notFoundRE matches the message of mcp-go's not-found answers (v1.2.1:
// server.go, "tool '%s' not found: %w", "prompt '%s' not found: %w",
// "handler not found for resource URI '%s': %w"); the name is still
// JSON-escaped.
var notFoundRE = regexp.MustCompile(`"message":"(?:(tool|prompt) '((?:[^"\\]|\\.)*?)' not found: (?:tool|prompt) not found|handler not found for resource URI '((?:[^"\\]|\\.)*?)': resource not found)"`)

var notFoundMark = []byte(" not found")

// explain returns p with each not-found message extended by ex.
func explain(p []byte, ex Explainer) []byte {
	if ex == nil || !bytes.Contains(p, notFoundMark) {
		return p
	}
	head := p[:min(len(p), headLen)]
	if bytes.Contains(head, resultMember) || bytes.Contains(head, methodMember) {
		return p
	}
	return notFoundRE.ReplaceAllFunc(p, func(m []byte) []byte {
		sub := notFoundRE.FindSubmatch(m)
		kind, raw := string(sub[1]), sub[2]
		if kind == "" {
			kind, raw = "resource", sub[3]
		}
		var name, msg string
		if json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &name) != nil {
			return m
		}
		if err := json.Unmarshal(m[len(`"message":`):], &msg); err != nil {
			return m
		}
		hint := ex(kind, name)
		if hint == "" {
			return m
		}
		out, err := json.Marshal(msg + ". " + hint)
		if err != nil {
			return m
		}
		return append([]byte(`"message":`), out...)
	})
}
