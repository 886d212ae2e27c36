package app

import (
	"context"
	"net/http"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/httpserve"
	"github.com/cloudops-mcp/cloudops-mcp/internal/peer"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretpage"
)

// serveHTTP runs the SSE or Streamable HTTP transport until ctx ends, then
// shuts down gracefully.
func (a *App) serveHTTP(ctx context.Context) error {
	hs, err := a.ListenHTTP()
	if err != nil {
		return err
	}
	return hs.Serve(ctx)
}

// Session bounds: each session keeps its client's info and state until it
// ends or idles out, so an unbounded number would let any caller with the
// token (or on loopback) exhaust memory.
var (
	maxSessions = config.Register[int64](config.Setting{Name: "max-sessions", Kind: config.Int, Default: "1000", Group: "HTTP transports",
		Usage: "open sessions (http) or streams (sse) at most; more get 503 with Retry-After"})
	sessionIdle = config.Register[time.Duration](config.Setting{Name: "session-idle-timeout", Kind: config.Duration, Default: "30m", Group: "HTTP transports",
		Usage: "a Streamable HTTP session unused this long is forgotten (its client starts a new one)"})
)

// ListenHTTP applies the bind policy (no unauthenticated non-loopback
// address unless --allow-unauthenticated), builds the transport and binds
// --addr; the caller Serves it. Tests use it to learn the bound URL.
func (a *App) ListenHTTP() (*httpserve.Server, error) {
	cfg := a.Config
	if err := httpserve.CheckToken(cfg.HTTPToken); err != nil {
		return nil, err
	}
	auth, routes, err := a.oauthOptions()
	if err != nil {
		return nil, err
	}
	authenticated := cfg.HTTPToken
	if auth != nil {
		authenticated = "oauth" // access tokens authenticate every call
	}
	warning, err := httpserve.CheckBind(cfg.Addr, authenticated, cfg.AllowUnauthenticated)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		a.Log.Warn().Msg(warning)
	}
	if err := a.checkAdvertise(); err != nil {
		return nil, err
	}
	if routes == nil {
		routes = map[string]http.Handler{}
	}
	if h := a.peerRoute(); h != nil {
		routes[peer.Path] = h // sealed with the shared key: no token (replicas.go)
	}
	// One-time secret pages need no token: the unguessable URL is the
	// capability, and the page checks Origin and its form token itself.
	routes[secretpage.Path] = a.secretIn.pages
	hs, err := httpserve.New(a.MCP, httpserve.Options{
		Transport: cfg.Transport, Addr: cfg.Addr, Token: cfg.HTTPToken, AllowedOrigins: cfg.AllowedOrigins,
		MaxBodyBytes: cfg.MaxBodyBytes, Stateless: cfg.Stateless, ShutdownTimeout: cfg.ShutdownTimeout,
		DrainDelay: cfg.DrainDelay, Auth: auth, Routes: routes,
		MaxSessions: int(maxSessions.Get(cfg)), SessionIdleTTL: sessionIdle.Get(cfg),
		Providers: Providers, Redactor: a.Redactor, Log: a.Log, Explain: a.explainNotFound,
	})
	if err != nil {
		return nil, err
	}
	if err := hs.Listen(); err != nil {
		return nil, err
	}
	a.secretIn.setHTTP(hs.Origin(), authenticated != "")
	a.setSelf(hs.Origin())
	a.Log.Info().Str("transport", cfg.Transport).Str("url", hs.URL()).Bool("token_required", cfg.HTTPToken != "").Bool("oauth", auth != nil).
		Bool("stateless", cfg.Stateless).Int("tools", len(a.Tools)).Msg("serving MCP over HTTP")
	return hs, nil
}
