package testenv

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// Helpers for resource, prompt and subscription tests.

// Read reads a resource and returns its single text content (with its MIME
// type), or the protocol error.
func (e *Env) Read(uri string) (text, mime string, err error) {
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	res, err := e.Client.ReadResource(context.Background(), req)
	if err != nil {
		return "", "", err
	}
	if len(res.Contents) != 1 {
		return "", "", fmt.Errorf("%s: %d contents, want 1", uri, len(res.Contents))
	}
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	if !ok {
		return "", "", fmt.Errorf("%s: content is %T, want text", uri, res.Contents[0])
	}
	return tc.Text, tc.MIMEType, nil
}

// Prompt renders a prompt and returns its text, or the protocol error.
func (e *Env) Prompt(name string, args map[string]string) (string, error) {
	req := mcp.GetPromptRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := e.Client.GetPrompt(context.Background(), req)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, m := range res.Messages {
		if t, ok := mcp.AsTextContent(m.Content); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String(), nil
}

// Complete asks for completions of arg (typed so far: value) of a prompt
// (ref mcp.PromptReference) or resource template (mcp.ResourceReference).
func (e *Env) Complete(ref any, arg, value string) (*mcp.Completion, error) {
	req := mcp.CompleteRequest{}
	req.Params.Ref = ref
	req.Params.Argument = mcp.CompleteArgument{Name: arg, Value: value}
	res, err := e.Client.Complete(context.Background(), req)
	if err != nil {
		return nil, err
	}
	return &res.Completion, nil
}

// Subscribe sends resources/subscribe (the client library has no method for it).
func (e *Env) Subscribe(uri string) error {
	return e.rawRequest(string(mcp.MethodResourcesSubscribe), uri)
}

// Unsubscribe sends resources/unsubscribe.
func (e *Env) Unsubscribe(uri string) error {
	return e.rawRequest(string(mcp.MethodResourcesUnsubscribe), uri)
}

var rawRequestID atomic.Int64

func (e *Env) rawRequest(method, uri string) error {
	res, err := e.Client.GetTransport().SendRequest(context.Background(), transport.JSONRPCRequest{
		JSONRPC: mcp.JSONRPC_VERSION, ID: mcp.NewRequestId(fmt.Sprintf("testenv-%d", rawRequestID.Add(1))),
		Method: method, Params: map[string]any{"uri": uri}})
	if err != nil {
		return err
	}
	if res.Error != nil {
		return errors.New(res.Error.Message)
	}
	return nil
}

// Notifications returns a channel receiving every server notification from
// now on (buffered; a test that stops reading loses later ones).
func (e *Env) Notifications() <-chan mcp.JSONRPCNotification {
	ch := make(chan mcp.JSONRPCNotification, 64)
	e.Client.OnNotification(func(n mcp.JSONRPCNotification) {
		select {
		case ch <- n:
		default:
		}
	})
	return ch
}
