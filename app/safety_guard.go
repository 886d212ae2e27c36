package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/audit"
	"github.com/cloudops-mcp/cloudops-mcp/internal/oauth"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretin"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// guard wraps every tool call. Read tools pass through untouched. A call of a
// mutating tool gets, in order: the read-only second lock, dry run or the
// user's confirmation, then its audit line and, when its outcome is unknown,
// a warning to the client.
func (a *App) guard(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
		t, ok := a.safety.tools[req.Params.Name]
		if ok {
			// A tool the caller's OAuth scopes do not allow is not listed to it;
			// called by name, it is refused here, naming the scope it needs.
			if res := a.scopeRefusal(ctx, t); res != nil {
				return res, nil
			}
		}
		if !ok || !t.Mutating(a.Config.ReadOnly) {
			return next(ctx, req)
		}
		start := time.Now()
		if a.Config.ReadOnly { // selectTools left such tools out; a second lock costs nothing
			return mcp.NewToolResultError(t.Spec.Name + ": refused: the server runs with --read-only"), nil
		}
		// The secrets the user typed (schema writeOnly fields, template
		// password fields) are withheld from the audit line, the question,
		// the declined result and the logs; the redactor of the call's scope
		// masks them wherever else they might surface.
		args, _ := req.Params.Arguments.(map[string]any)
		sec := a.Deps.SecretsOf(ctx, t, args)
		ctx, red := a.Deps.CallScope(ctx, sec.Values)
		// The request state is the guard's (the confirmation) and the
		// tool's (its secret pages), joined: each reads its own part.
		own, toolState, _ := strings.Cut(req.Params.RequestState, stateSep)
		req.Params.RequestState = toolState
		c := call{tool: t, req: req, shown: sec.Args, red: red, state: own, toolState: toolState}
		notConfirmed := false
		if a.Config.DryRun {
			ctx = cloud.WithDryRun(ctx)
		}
		// Secret references are checked before anything is asked: a missing
		// file, or an ask this client cannot answer, must not follow a yes.
		// A secret asked on a page is taken first (its page opened, or on
		// 2026-07-28 its value read), so the question compares the real
		// value: the same secret again asks nothing, and a page filled late
		// does not ask the same question twice.
		ctx = secretin.WithTaken(ctx)
		qctx := ctx
		if modernRequest(ctx) {
			qctx = tools.WithRound(secretin.Peeking(ctx), t.Spec.Name, req)
		}
		if c.question, err = a.Deps.ConfirmArgs(qctx, t, args, sec.Args); err != nil {
			if res := tools.InputRequired(qctx, err); res != nil {
				res.RequestState = stateSep + res.RequestState // the pages; the question comes once they are filled
				return res, nil
			}
			res = mcp.NewToolResultError(red.String(err.Error()))
			a.record(ctx, c, audit.ToolError, "", resultText(res), start)
			return res, nil
		}
		if !a.Config.DryRun { // under --dry-run nothing is sent, so nothing is asked
			res, declined, unasked, cannotAsk := a.confirm(ctx, &c)
			switch {
			case res != nil:
				if declined {
					a.record(ctx, c, audit.Declined, "", "", start)
				}
				return res, nil
			case unasked:
				ctx = tools.WithoutQuestion(ctx)
			}
			notConfirmed = cannotAsk
		}
		ctx, rec := tools.WithCallRecord(ctx)
		res, err = next(ctx, req)
		if notConfirmed {
			noteNotConfirmed(res)
		}
		if res != nil && res.NeedsInput() {
			// A round trip for input (a secret page), not an outcome. The
			// user's yes travels with it, sealed and single use: the call
			// made again is not asked twice.
			if c.granted != "" || res.RequestState != "" {
				own := ""
				if c.granted != "" {
					own = a.sealState(t, args, c.granted, sessionKey(ctx), true)
				}
				res.RequestState = own + stateSep + res.RequestState
			}
			return res, err
		}
		outcome, reqID, msg := audit.OK, "", ""
		switch {
		case err != nil:
			outcome, msg = audit.ToolError, err.Error()
		case rec.DryRun():
			outcome = audit.DryRun
		case res != nil && res.IsError:
			outcome, reqID, msg = audit.ToolError, rec.ErrRequestID(), resultText(res)
			if rec.OutcomeUnknown() {
				a.metrics.OutcomeUnknown(t.Spec.Name)
				outcome = audit.OutcomeUnknown
				a.warnClient(ctx, red.String(msg), map[string]any{"tool": t.Spec.Name, "outcome": string(audit.OutcomeUnknown)})
			}
		default:
			reqID, c.changed = resultFacts(res)
		}
		a.record(ctx, c, outcome, reqID, msg, start)
		return res, err
	}
}

// call is a guarded call: the tool, the request, the arguments with their
// secrets withheld, and the redactor that also masks the call's secrets.
type call struct {
	tool  tools.Tool
	req   mcp.CallToolRequest
	shown map[string]any
	red   *redact.Redactor
	// question are the arguments the confirmation line is built from: shown,
	// with each secret the call writes standing as a comparable secretArg.
	question map[string]any
	// state is the guard's part of the request state; granted, the summary
	// the user said yes to in this exchange; toolState, the tool's part
	// (secret pages already filled travel on with the question).
	state, granted, toolState string
	changed                   *bool // the result's changed flag, for the audit line
}

// stateSep joins the guard's and the tool's parts of a request state (sealed
// parts are base64url and dots, never this).
const stateSep = "~"

// confirmID names the confirmation among a call's input requests.
const confirmID = "confirm"

// confirm asks the user, through MCP elicitation, to confirm a destructive
// call. It returns nil to proceed; otherwise the result to return now: the
// question (an input_required round trip) or, declined, a clean result
// saying nothing changed. Clients without elicitation proceed unasked: the
// tool's destructive annotation is then their only warning.
//
// The question is asked as a multi round-trip request, which mcp-go turns
// into a server-initiated elicitation/create for clients on protocol versions
// before 2026-07-28. The answer comes back with the call re-sent; the request
// state binds it to the exact tool and arguments the user saw.
//
// unasked means the tool's summary said there was nothing to ask (a no-op or
// a missing target): the handler then must not change anything. cannotAsk
// means the call goes ahead without the user's yes, which its result says.
func (a *App) confirm(ctx context.Context, c *call) (res *mcp.CallToolResult, declined, unasked, cannotAsk bool) {
	res, declined, unasked = a.confirmed(ctx, c, &cannotAsk)
	return res, declined, unasked, cannotAsk
}

// noteNotConfirmed adds to the result of a change made unasked a line the
// agent and the user both see: the host's destructive warning was the only one.
func noteNotConfirmed(res *mcp.CallToolResult) {
	if res == nil || res.IsError || res.NeedsInput() {
		return
	}
	res.Content = append(res.Content, mcp.NewTextContent("not confirmed by the user: this client cannot be asked (no elicitation); "+
		"the destructive annotation was the only warning, so get the user's yes in chat before such calls"))
}

func (a *App) confirmed(ctx context.Context, c *call, cannotAsk *bool) (res *mcp.CallToolResult, declined, unasked bool) {
	t, req := c.tool, c.req
	if !a.Config.ConfirmDestructive || !(t.Spec.Destructive || t.Spec.Confirm) {
		return nil, false, false
	}
	if !tools.CanElicitForm(ctx) {
		if a.Config.Stateless && !modernRequest(ctx) {
			// Without sessions, what a client declared at initialize is not
			// known here: asking is impossible, and running unasked would
			// skip the user. --confirm-destructive=false is the opt-out.
			return mcp.NewToolResultError(t.Spec.Name + ": refused: this server runs --stateless, where a client on a protocol before " +
				mcp.LATEST_PROTOCOL_VERSION + " cannot be asked to confirm a destructive change. Use a client that sends its capabilities " +
				"with each request, or the operator runs with --confirm-destructive=false"), false, false
		}
		a.Log.Info().Str("tool", t.Spec.Name).Msg("destructive call not confirmed: the client does not support elicitation")
		*cannotAsk = true
		return nil, false, false
	}
	args, _ := req.Params.Arguments.(map[string]any)
	session := sessionKey(ctx)
	ans := server.ElicitationResponse(req.Params.InputResponses, confirmID)
	if ans != nil || c.state != "" {
		if summary, yes, ok := a.openState(ctx, t, args, c.state, session); ok && (ans != nil || yes) {
			if !yes && !accepted(ans) {
				a.metrics.Confirmation(t.Spec.Name, "declined")
				return declinedResult(summary), true, false
			}
			// The effect is recomputed from current state: a yes counts only
			// for what the user saw. Anything else is asked again. (yes: the
			// user said yes earlier in this exchange, and the call came back
			// for a secret page.)
			if t.Check == nil || t.Check(req.Params.Arguments) == nil {
				if fresh := c.red.String(a.Deps.Summary(ctx, t, c.question)); fresh == summary {
					if !yes {
						a.metrics.Confirmation(t.Spec.Name, "accepted")
					}
					c.granted = summary
					return nil, false, false
				}
			}
		}
	}
	if t.Check != nil && t.Check(req.Params.Arguments) != nil {
		return nil, false, false // the handler reports the bad input; nothing will be sent
	}
	summary := c.red.String(a.Deps.Summary(ctx, t, c.question))
	if summary == "" {
		return nil, false, true
	}
	schema := map[string]any{
		"type": "object",
		"properties": map[string]any{confirmID: map[string]any{
			"type": "boolean", "title": "Apply this change", "description": summary, "default": false,
		}},
		"required": []string{confirmID},
	}
	a.metrics.Confirmation(t.Spec.Name, "asked")
	message := summary + ". Apply this change? Nothing is changed unless you confirm."
	if !modernRequest(ctx) {
		return a.askDirectly(ctx, c, summary, message, schema)
	}
	state := a.sealState(t, args, summary, session, false)
	if c.toolState != "" {
		state += stateSep + c.toolState
	}
	return server.NewInputRequestBuilder(state).Elicit(confirmID, mcp.ElicitationParams{
		Message:         message,
		RequestedSchema: schema,
	}).ToolResult(), false, false
}

// askDirectly puts the question to a client on a protocol before 2026-07-28
// as its own elicitation/create, in this call. (mcp-go would bridge the
// input_required result the same way, but a failed elicitation would then end
// the call as a JSON-RPC internal error, not a tool result saying nothing
// changed.) The effect is recomputed after the answer: a yes counts only for
// what the user saw.
func (a *App) askDirectly(ctx context.Context, c *call, summary, message string, schema map[string]any) (*mcp.CallToolResult, bool, bool) {
	t := c.tool
	ans, err := a.MCP.RequestElicitation(ctx, mcp.ElicitationRequest{Params: mcp.ElicitationParams{Message: message, RequestedSchema: schema}})
	if err != nil {
		a.Log.Warn().Str("tool", t.Spec.Name).Str("error", c.red.String(err.Error())).Msg("confirmation question failed")
		return mcp.NewToolResultError(c.red.String(fmt.Sprintf("%s: the confirmation question could not be put to the user (%v): nothing was changed. "+
			"Ask the user in chat whether to apply this change (%s), and retry only after a yes", t.Spec.Name, err, summary))), false, false
	}
	if !accepted(ans) {
		a.metrics.Confirmation(t.Spec.Name, "declined")
		return declinedResult(summary), true, false
	}
	if fresh := c.red.String(a.Deps.Summary(ctx, t, c.question)); fresh != summary {
		return mcp.NewToolResultError(t.Spec.Name + ": what the change would do moved while the user was asked (now: " + fresh +
			"): nothing was changed; call again to ask about the change as it is now"), false, false
	}
	a.metrics.Confirmation(t.Spec.Name, "accepted")
	c.granted = summary // should the call come back for other input, it is not asked twice
	return nil, false, false
}

// accepted is an explicit yes: "accept" with confirm ticked.
func accepted(r *mcp.ElicitationResult) bool {
	if r.Action != mcp.ElicitationResponseActionAccept {
		return false
	}
	c, _ := r.Content.(map[string]any)
	return c[confirmID] == true
}

func declinedResult(summary string) *mcp.CallToolResult {
	change := "Not confirmed by the user, so nothing was changed: " + summary
	out := map[string]any{"declined": true, "declinedChange": change}
	text, _ := json.Marshal(out)
	return mcp.NewToolResultStructured(out, string(text))
}

// record appends the call's audit line, if there is an audit log.
func (a *App) record(ctx context.Context, c call, outcome audit.Outcome, reqID, msg string, start time.Time) {
	if a.safety.audit == nil {
		return
	}
	t := c.tool
	args := c.red.JSON(mustJSON(c.shown))
	msg = c.red.String(msg)
	session, client := sessionAndClient(ctx)
	who, _ := oauth.FromContext(ctx)
	if len(msg) > 2000 {
		msg = msg[:2000] + "…"
	}
	err := a.safety.audit.Append(audit.Entry{Time: start, Session: session, Client: client, Subject: who.Subject, Issuer: who.Issuer, Tool: t.Spec.Name,
		Arguments: args, Outcome: outcome, RequestID: reqID, Error: msg, Changed: c.changed,
		DurationMS: float64(time.Since(start).Microseconds()) / 1000})
	if err != nil {
		a.Log.Error().Str("tool", t.Spec.Name).Str("outcome", string(outcome)).Str("error", err.Error()).Msg("audit log write failed")
		a.warnClient(ctx, "the audit log could not be written: "+err.Error(), map[string]any{"tool": t.Spec.Name})
	}
}

func mustJSON(v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		return []byte("null")
	}
	return raw
}

func sessionAndClient(ctx context.Context) (session, client string) {
	sess := server.ClientSessionFromContext(ctx)
	if sess != nil {
		session = shortHash(sess.SessionID()) // the id is bearer-like: a hash tells sessions apart
	}
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.ClientInfo != nil {
		client = info.ClientInfo.Name
	} else if ci, ok := sess.(server.SessionWithClientInfo); ok {
		client = ci.GetClientInfo().Name
	}
	return session, client
}

// resultText joins a result's text contents (already redacted by the tool layer).
func resultText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := mcp.AsTextContent(c); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// resultFacts finds the cloud request id and the changed flag in a
// structured result.
func resultFacts(res *mcp.CallToolResult) (reqID string, changed *bool) {
	m, _ := res.StructuredContent.(map[string]any)
	if m == nil && len(res.RawStructuredContent) > 0 { // tools hand over the encoded bytes
		_ = json.Unmarshal(res.RawStructuredContent, &m)
	}
	for _, k := range []string{"RequestId", "requestId", "request_id"} {
		if s, ok := m[k].(string); ok && s != "" {
			reqID = s
			break
		}
	}
	for _, k := range []string{"changed", "Changed"} {
		if b, ok := m[k].(bool); ok {
			changed = &b
			break
		}
	}
	return reqID, changed
}
