package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/internal/secretin"
)

// On protocol 2026-07-28 an {"ask":true} does not hold the call open for the
// page: the call answers "input required" with the page to open (URL-mode
// elicitation) and a state the client carries back; the same call made
// again, on whichever replica, collects the value (secretin.Round).

// withRound attaches a secret round to a call on protocol 2026-07-28.
func withRound(ctx context.Context, name string, req mcp.CallToolRequest) context.Context {
	info := server.RequestProtocolInfoFromContext(ctx)
	if info == nil || !info.Modern {
		return ctx
	}
	args := req.Params.Arguments
	r := &secretin.Round{State: req.Params.RequestState, Answers: make(map[string]string, len(req.Params.InputResponses)),
		Fingerprint: sync.OnceValue(func() string { return CallFingerprint(name, args) })}
	for id := range req.Params.InputResponses {
		if ans := server.ElicitationResponse(req.Params.InputResponses, id); ans != nil {
			r.Answers[id] = string(ans.Action)
		}
	}
	return secretin.WithRound(ctx, r)
}

// CallFingerprint names one call: its tool and exact arguments (references
// as written, never resolved values). A page asked for one call answers no
// other.
func CallFingerprint(tool string, args any) string {
	canon, _ := json.Marshal(args) // map keys are sorted: one encoding per value
	h := sha256.New()
	h.Write([]byte(tool))
	h.Write([]byte{0})
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// inputRequired is the answer of a call whose secrets are asked on pages:
// one URL elicitation per page, and the sealed page references to carry.
func inputRequired(ctx context.Context, err error) *mcp.CallToolResult {
	r := secretin.RoundFrom(ctx)
	if r == nil || !errors.Is(err, secretin.ErrInputRequired) {
		return nil
	}
	asks, carry := r.Asked()
	if len(asks) == 0 {
		return nil
	}
	b := server.NewInputRequestBuilder(strings.Join(carry, "."))
	for _, a := range asks {
		b.Elicit(a.Key, mcp.ElicitationParams{Mode: mcp.ElicitationModeURL, Message: a.Message, URL: a.URL, ElicitationID: a.ElicitationID})
	}
	return b.ToolResult()
}

// InputRequired is the answer of a call whose secret pages are opened
// before its question (ConfirmArgs gave secretin.ErrInputRequired), or nil.
func InputRequired(ctx context.Context, err error) *mcp.CallToolResult {
	return inputRequired(ctx, err)
}

// WithRound attaches, on protocol 2026-07-28, the call's secret round (the
// pages it asks, and those its state carries back).
func WithRound(ctx context.Context, name string, req mcp.CallToolRequest) context.Context {
	return withRound(ctx, name, req)
}
