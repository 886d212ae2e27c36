package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/rs/zerolog"

	"github.com/cloudops-mcp/cloudops-mcp/internal/httpserve"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretin"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretpage"
)

// secretInput takes secrets in by reference: files in --secrets-dir,
// variables on the --secret-env allow-list, and "ask" through a one-time
// page the client opens for the user (URL-mode elicitation). On stdio the
// page has its own loopback listener, started on first need; on the HTTP
// transports it is served on their listener (see pageBase).
type secretInput struct {
	a     *App
	pages *secretpage.Pages
	// replicas is filled in once the state keys are loaded (replicas.go).
	replicas *secretpage.Replicas
	loop     *secretpage.Loopback

	mu            sync.Mutex
	httpBase      string // origin of the HTTP transport's listener, once bound
	authenticated bool   // the HTTP transport requires a bearer token or OAuth
	// open are pages a call stopped waiting for (--secret-page-wait) that
	// the user may still fill: the same call made again collects the value
	// instead of opening another page. Keyed by session, tool and purpose.
	open map[string]*secretpage.Ticket

	roundKeysOnce
}

func (a *App) buildSecretInput() {
	si := &secretInput{a: a, replicas: &secretpage.Replicas{Self: func() string { return "" }}, open: map[string]*secretpage.Ticket{}}
	si.pages = secretpage.New(secretpage.Options{TTL: a.Config.SecretPageTTL, Base: si.pageBase, Replicas: si.replicas})
	if a.Config.Transport == "stdio" {
		si.loop = &secretpage.Loopback{Pages: si.pages}
		a.stop = append(a.stop, si.loop.Close)
	}
	a.secretIn = si
	a.Deps.SecretsIn = &secretin.Resolver{Dir: a.Deps.Secrets, AllowEnv: a.Config.SecretEnv, Getenv: os.Getenv, Asker: si}
}

// pageBase is the origin the user's browser reaches the page at. Beyond
// loopback the page is only served behind an authenticated, TLS-terminated
// front (--http-token and an https --public-url): the URL is then the only
// capability, and it must not travel in clear.
func (si *secretInput) pageBase(ctx context.Context) (string, error) {
	cfg := si.a.Config
	if si.loop != nil {
		return si.loop.Base(ctx)
	}
	si.mu.Lock()
	base, authenticated := si.httpBase, si.authenticated
	si.mu.Unlock()
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		// A loopback public URL (a balancer on this host) may be plain http.
		tlsOrLoopback := err == nil && (u.Scheme == "https" || (u.Scheme == "http" && httpserve.IsLoopbackHost(u.Host)))
		if !tlsOrLoopback || u.Host == "" || !authenticated {
			return "", secretin.CannotAsk("the secret page is only served beyond loopback behind TLS on an authenticated transport (--http-token or OAuth); --public-url must be https://host")
		}
		return u.Scheme + "://" + u.Host, nil
	}
	if base == "" || !httpserve.IsLoopbackHost(hostOf(base)) {
		return "", secretin.CannotAsk("the server listens beyond loopback and has no https --public-url, so the secret page is not served")
	}
	return base, nil
}

func hostOf(origin string) string {
	u, err := url.Parse(origin)
	if err != nil {
		return ""
	}
	return u.Host
}

// setHTTP records the bound listener and whether calls need authentication (ListenHTTP).
func (si *secretInput) setHTTP(origin string, authenticated bool) {
	si.mu.Lock()
	si.httpBase, si.authenticated = origin, authenticated
	si.mu.Unlock()
}

// CanAsk implements secretin.Prober: whether this call could ask through a
// page, checked before the user is asked to confirm the call.
func (si *secretInput) CanAsk(ctx context.Context) error {
	if reason := si.urlElicitationUnsupported(ctx); reason != "" {
		return secretin.CannotAsk(reason)
	}
	if _, err := si.pageBase(ctx); err != nil {
		if errors.Is(err, secretin.ErrCannotAsk) {
			return err
		}
		return secretin.CannotAsk("the secret page could not be served: " + err.Error())
	}
	return nil
}

// Ask implements secretin.Asker: it issues a page bound to this session and
// call, asks the client to open it, and waits for the user's submission.
func (si *secretInput) Ask(ctx context.Context, p secretin.Purpose) (string, error) {
	a := si.a
	if reason := si.urlElicitationUnsupported(ctx); reason != "" {
		return "", secretin.CannotAsk(reason)
	}
	if round := secretin.RoundFrom(ctx); round != nil && modernRequest(ctx) {
		return si.askInRound(ctx, round, p)
	}
	sess := server.ClientSessionFromContext(ctx)
	sessHash := shortHash(sess.SessionID())
	log := a.Log.With().Str("tool", p.Tool).Str("field", p.Field).Logger()
	binding := sessHash + "/" + p.Tool + "/" + p.String()
	if t := si.takeOpen(binding); t != nil {
		log.Info().Msg("secret page: the call is made again; collecting from the page already open")
		return si.collect(ctx, t, p, binding, log)
	}
	t, err := si.pages.Issue(ctx, sessHash, sessHash+"/"+p.Tool+"/"+p.Field, p.String())
	if err != nil {
		if errors.Is(err, secretin.ErrCannotAsk) {
			return "", err
		}
		return "", secretin.CannotAsk("the secret page could not be served: " + err.Error())
	}
	msg := fmt.Sprintf("Enter the %s in the page this link opens. The value goes to the cloudops-mcp server only, not to the chat. The link works once and expires in %s.",
		p.String(), humanDuration(time.Until(t.Expires)))
	log.Info().Msg("secret page: issued; waiting for the user")
	res, err := a.MCP.RequestURLElicitation(ctx, sess, t.ID, t.URL, msg)
	if err != nil {
		si.pages.Cancel(t)
		log.Warn().Str("error", err.Error()).Msg("secret page: the client did not take the URL elicitation")
		return "", fmt.Errorf("the client could not open the secret page (%v); nothing was sent", err)
	}
	if res.Action != mcp.ElicitationResponseActionAccept {
		si.pages.Cancel(t)
		log.Info().Str("action", string(res.Action)).Msg("secret page: the user did not open it")
		return "", secretin.Unanswered(fmt.Sprintf("the user did not open the secret page (%s); nothing was sent. "+
			"Ask the user how they want to provide it (a file or an allow-listed variable), never in the chat", res.Action))
	}
	return si.collect(ctx, t, p, binding, log)
}

// collect waits up to --secret-page-wait for the page's value. Past that the
// call answers at once, naming the field and what to do, and the page stays
// open for the same call made again: a tool call cannot block for the page's
// whole lifetime, clients give up on it long before.
func (si *secretInput) collect(ctx context.Context, t *secretpage.Ticket, p secretin.Purpose, binding string, log zerolog.Logger) (string, error) {
	a := si.a
	v, err := si.pages.WaitFor(ctx, t, a.Config.SecretPageWait)
	switch {
	case errors.Is(err, secretpage.ErrNotYet):
		si.keepOpen(binding, t)
		log.Info().Msg("secret page: not filled yet; the page stays open")
		return "", secretin.Unanswered(fmt.Sprintf("the user has not entered the %s on the secret page yet (waited %s); nothing was sent. "+
			"The page stays open until %s UTC: when the user says it is done, make this same call again and the value entered is used "+
			"(no new page is opened)", p.String(), humanDuration(a.Config.SecretPageWait), t.Expires.UTC().Format("15:04")))
	case errors.Is(err, secretpage.ErrExpired):
		log.Info().Msg("secret page: expired")
		return "", secretin.Unanswered("the secret page expired before a value was entered; nothing was sent. Call again for a new page")
	case err != nil:
		log.Info().Str("error", err.Error()).Msg("secret page: no value")
		return "", fmt.Errorf("no value was entered on the secret page (%v); nothing was sent", err)
	}
	if sess := server.ClientSessionFromContext(ctx); sess != nil {
		if err := a.MCP.SendElicitationComplete(ctx, sess, t.ID); err != nil {
			log.Debug().Str("error", err.Error()).Msg("secret page: completion notification not sent")
		}
	}
	log.Info().Msg("secret page: value received")
	return v, nil
}

// keepOpen remembers a page its call stopped waiting for; expired ones go.
func (si *secretInput) keepOpen(binding string, t *secretpage.Ticket) {
	si.mu.Lock()
	defer si.mu.Unlock()
	now := time.Now()
	for k, o := range si.open {
		if !now.Before(o.Expires) {
			delete(si.open, k)
		}
	}
	si.open[binding] = t
}

// takeOpen returns the page still open for binding, once.
func (si *secretInput) takeOpen(binding string) *secretpage.Ticket {
	si.mu.Lock()
	defer si.mu.Unlock()
	t := si.open[binding]
	delete(si.open, binding)
	if t == nil || !time.Now().Before(t.Expires) {
		return nil
	}
	return t
}

// urlElicitationUnsupported says why this call cannot ask through a page,
// or "" when it can: the client declared URL-mode elicitation, and either
// sends each request on protocol 2026-07-28 (the page then travels in the
// call's sealed state, see secret_round.go) or holds a session that can
// carry a server-initiated request.
func (si *secretInput) urlElicitationUnsupported(ctx context.Context) string {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		if caps := info.ClientCapabilities; caps == nil || caps.Elicitation == nil || caps.Elicitation.URL == nil {
			return "the client did not declare URL-mode elicitation (capabilities.elicitation.url in the request's _meta)"
		}
		return ""
	}
	if si.a.Config.Stateless {
		return "this server runs --stateless and the client speaks a protocol before " + mcp.LATEST_PROTOCOL_VERSION +
			", where nothing carries a pending page from one request to the next; a client on " + mcp.LATEST_PROTOCOL_VERSION +
			" (multi round-trip requests) can be asked"
	}
	sess := server.ClientSessionFromContext(ctx)
	if _, ok := sess.(server.SessionWithElicitation); !ok || sess == nil {
		return "this connection cannot carry an elicitation (no session)"
	}
	ci, ok := sess.(server.SessionWithClientInfo)
	if !ok {
		return "the client did not declare URL-mode elicitation"
	}
	caps := ci.GetClientCapabilities()
	if caps.Elicitation == nil || caps.Elicitation.URL == nil {
		return "the client did not declare URL-mode elicitation (capabilities.elicitation.url)"
	}
	return ""
}

// shortHash stands for a bearer-like id in logs and page bindings.
func shortHash(s string) string { return httpserve.SessionHash(s) }

// askAdvice is what the instructions can say about {"ask":true} for a
// session: unknown before the client is known (server/discover, the static
// text), then whether this client can open the page.
type askAdvice int

const (
	askUnknown askAdvice = iota
	askWorks
	askImpossible
)

// secretRefInstructions describes the secret reference once, for every tool.
// {"ask":true} is recommended only to a client that can open the page; the
// text sent before the client is known says where each kind works.
func (a *App) secretRefInstructions(ask askAdvice) string {
	var b strings.Builder
	b.WriteString(`To set a secret (client secret, password, token; fields marked writeOnly, and integration fields of type password/secret), ` +
		`put a secret reference where the value goes: `)
	switch ask {
	case askWorks:
		b.WriteString(`{"ask":true} makes the server ask the user on a one-time page your client opens (use this by default); `)
	case askImpossible:
		b.WriteString(`{"ask":true} does NOT work for your client (it cannot open the server's page: no URL-mode elicitation), so use file or env; `)
	default:
		b.WriteString(`{"ask":true} makes the server ask the user on a one-time page, only where the client supports URL-mode elicitation (capabilities.elicitation.url; on a --stateless server, protocol 2026-07-28); otherwise use file, then env; `)
	}
	if a.Deps.Secrets != nil {
		fmt.Fprintf(&b, `{"file":"NAME"} reads a file the user created in %s (mode 600); `, a.Deps.Secrets.Path())
	}
	if len(a.Config.SecretEnv) > 0 {
		fmt.Fprintf(&b, `{"env":"VAR"} reads an allow-listed server variable (%s); `, strings.Join(a.Config.SecretEnv, ", "))
	} else {
		b.WriteString(`{"env":"VAR"} reads a server variable the operator allow-listed with --secret-env (none is now); `)
	}
	if ask == askImpossible {
		b.WriteString("so: to set a secret, use file or env; ")
	} else {
		b.WriteString("so: to set a secret, use ask (where it works), file or env; ")
	}
	b.WriteString("a value typed in the call works but passes through the conversation (the result then warns); never ask the user to paste it into chat. ")
	return b.String()
}

// sessionInstructions rewrites the instructions for the client that just
// initialized: what it declared decides whether {"ask":true} and the
// confirmation question can work for it.
func (a *App) sessionInstructions(ctx context.Context, caps mcp.ClientCapabilities, res *mcp.InitializeResult) {
	if res == nil || res.Instructions == "" || a.Config.ReadOnly {
		return
	}
	sess := server.ClientSessionFromContext(ctx)
	_, carries := sess.(server.SessionWithElicitation)
	// On 2026-07-28 each request carries what asking needs (multi round
	// trip), also on --stateless; before, only a session can.
	carries = mcp.IsModernProtocol(res.ProtocolVersion) || (carries && sess != nil && !a.Config.Stateless)
	ask := askImpossible
	if carries && caps.Elicitation != nil && caps.Elicitation.URL != nil {
		ask = askWorks
	}
	res.Instructions = strings.Replace(res.Instructions, a.secretRefInstructions(askUnknown), a.secretRefInstructions(ask), 1)
	if !a.Config.Stateless && (!carries || caps.Elicitation == nil) {
		res.Instructions = strings.Replace(res.Instructions, confirmAdvice, noConfirmAdvice, 1)
	}
}

// humanDuration reads "10 minutes", "45 seconds".
func humanDuration(d time.Duration) string {
	if d >= time.Minute {
		return fmt.Sprintf("%d minutes", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%d seconds", int(d.Round(time.Second)/time.Second))
}
