// Package rpcerr gives the errors of prompt and resource handlers the
// JSON-RPC codes the MCP specification prescribes: -32602 (Invalid params)
// for bad prompt arguments and for a tool or prompt this server does not serve,
// -32002 (Resource not found) for a resource that does not exist.
//
// mcp-go v1.2.1 answers every error a prompt or resource handler returns with
// -32603 (Internal error) (server/handler_errors.go), and neither its hooks nor
// its middlewares can choose another code: hooks cannot fail a request,
// middlewares run inside the handler. So handlers here return errors whose
// message starts with a fixed, readable prefix (InvalidParams,
// ResourceNotFound), and the transports' output passes through Fix (Writer for
// stdio, Handler for HTTP), which rewrites the code of exactly those error
// responses. The codes have the same length, so nothing else in the stream
// moves. A client embedding the server in-process (tests) still sees -32603
// with the same message.
package rpcerr

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/mark3labs/mcp-go/server"
)

// The message prefixes that select a code. Each reads well on its own (for
// clients that see the message without the rewrite) and differs from the
// text mcp-go's client puts before a message ("invalid params: ", "resource
// not found: "), so it is not said twice.
const (
	invalidArgsPrefix     = "invalid arguments: " // -32602
	noSuchResourcePrefix  = "no such resource: "  // -32002
	unknownResourcePrefix = "unknown resource: "  // -32602, protocol 2026-07-28
	notServedPrefix       = "not served here: "   // -32602, as for an unknown tool or prompt
)

// InvalidParams is the error for a request whose parameters break a rule
// (a prompt argument missing or malformed); msg names the parameter and the rule.
func InvalidParams(msg string) error { return errors.New(invalidArgsPrefix + msg) }

// NotServed is the error for a call of a tool, or a get of a prompt, that
// exists but is not served here (left out by the operator's selection); msg
// says why and the fix. The code is the one the specification and mcp-go give
// an unknown tool or prompt.
func NotServed(msg string) error { return errors.New(notServedPrefix + msg) }

// ResourceNotFound is the error for a read of a resource that does not exist;
// msg names the resource and what exists. Protocol 2026-07-28 reports this as
// Invalid params, earlier revisions as -32002: like mcp-go's answer to a URI
// no template matches, the code follows the request's protocol.
func ResourceNotFound(ctx context.Context, msg string) error {
	if server.IsModernRequest(ctx) {
		return errors.New(unknownResourcePrefix + msg)
	}
	return errors.New(noSuchResourcePrefix + msg)
}

// internalError is how mcp-go encodes a handler error's code and the start
// of its message (mcp.JSONRPCErrorDetails: code before message).
var internalError = []byte(`"code":-32603,"message":"`)

// A message whose first headLen bytes hold a "result" or "method" member is
// not an error answer (mcp-go writes jsonrpc and id first; inside a string
// an id's quotes are escaped, so it cannot fake either member).
var (
	resultMember = []byte(`"result":`)
	methodMember = []byte(`"method":`)
)

const headLen = 512

var codes = []struct {
	prefix []byte
	code   []byte
}{
	{[]byte(invalidArgsPrefix), []byte("-32602")},
	{[]byte(noSuchResourcePrefix), []byte("-32002")},
	{[]byte(unknownResourcePrefix), []byte("-32602")},
	{[]byte(notServedPrefix), []byte("-32602")},
}

// Fix returns p with the code of each handler error that carries one of the
// prefixes replaced; p itself is never modified. Inside a JSON string a quote
// is escaped, so the pattern only matches a real error object.
func Fix(p []byte) []byte {
	head := p[:min(len(p), headLen)]
	if bytes.Contains(head, resultMember) || bytes.Contains(head, methodMember) || !bytes.Contains(p, internalError) {
		return p // a result, request or notification: scanning its whole body would cost every answer
	}
	out, copied := p, false
	for at := 0; ; {
		i := bytes.Index(out[at:], internalError)
		if i < 0 {
			return out
		}
		at += i
		msg := out[at+len(internalError):]
		for _, c := range codes {
			if bytes.HasPrefix(msg, c.prefix) {
				if !copied {
					out, copied = bytes.Clone(p), true
				}
				copy(out[at+len(`"code":`):], c.code)
				break
			}
		}
		at += len(internalError)
	}
}

// Writer passes each write through Fix (stdio: one message per write), and
// through ex when given (see Explainer).
func Writer(w io.Writer, ex ...Explainer) io.Writer { return fixWriter{w, first(ex)} }

func first(ex []Explainer) Explainer {
	if len(ex) == 0 {
		return nil
	}
	return ex[0]
}

type fixWriter struct {
	w  io.Writer
	ex Explainer
}

func (f fixWriter) Write(p []byte) (int, error) {
	if _, err := f.w.Write(explain(Fix(p), f.ex)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Handler passes the response of next through Fix. mcp-go writes each JSON
// body and each SSE event in one write.
func Handler(next http.Handler, ex ...Explainer) http.Handler {
	e := first(ex)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&fixResponse{ResponseWriter: w, ex: e}, r)
	})
}

type fixResponse struct {
	http.ResponseWriter
	ex Explainer
}

func (f *fixResponse) Write(p []byte) (int, error) {
	if _, err := f.ResponseWriter.Write(explain(Fix(p), f.ex)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush keeps SSE streaming: mcp-go flushes each event.
func (f *fixResponse) Flush() { _ = http.NewResponseController(f.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the connection.
func (f *fixResponse) Unwrap() http.ResponseWriter { return f.ResponseWriter }
