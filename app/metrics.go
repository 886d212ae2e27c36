package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/httpserve"
	"github.com/cloudops-mcp/cloudops-mcp/internal/metrics"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

var metricsAddr = config.Register[string](config.Setting{Name: "metrics-addr", Kind: config.String, Group: "HTTP transports",
	Usage: "serve Prometheus metrics on this host:port at /metrics (off by default; a non-loopback address needs --http-token or --oauth-issuer, whose token scrapers then send)"})

// newMetrics creates the collectors when --metrics-addr is set; otherwise
// a.metrics stays nil and every recording call is a no-op.
func (a *App) newMetrics() {
	if metricsAddr.Get(a.Config) != "" {
		a.metrics = metrics.New(func() float64 { return float64(redact.Redactions()) })
	}
}

// cloudTransport is the transport a cloud client uses: the shared pool,
// counted when metrics are on.
func (a *App) cloudTransport(provider string, tr http.RoundTripper) http.RoundTripper {
	tr = a.traceTransport(provider, tr)
	if a.metrics == nil {
		return tr
	}
	return a.metrics.Transport(provider, tr)
}

// sessionHooks fit the instructions to the client that initialized, keep the active-sessions gauge and, for --dynamic-toolsets,
// forget a closed session's toolsets and enable a tool's toolset on its call.
func (a *App) sessionHooks() []server.ServerOption {
	h := &server.Hooks{} // one set: a second WithHooks would replace the first
	h.AddAfterInitialize(func(ctx context.Context, _ any, req *mcp.InitializeRequest, res *mcp.InitializeResult) {
		a.sessionInstructions(ctx, req.Params.Capabilities, res)
	})
	if a.metrics != nil {
		h.AddOnRegisterSession(func(ctx context.Context, _ server.ClientSession) { a.metrics.SessionOpened(ctx) })
		h.AddOnUnregisterSession(func(ctx context.Context, _ server.ClientSession) { a.metrics.SessionClosed(ctx) })
	}
	h.AddAfterListTools(a.listed)
	h.AddAfterListPrompts(a.listedPrompts)
	h.AddAfterListResources(a.listedResources)
	h.AddAfterListResourceTemplates(a.listedTemplates)
	if a.dynamic != nil {
		h.AddOnUnregisterSession(a.dynamic.forget)
		h.AddBeforeCallTool(a.dynamic.beforeCall)
	}
	return []server.ServerOption{server.WithHooks(h)}
}

// ServeMetrics serves /metrics on --metrics-addr until ctx ends. Loopback
// needs nothing; another address needs --http-token or OAuth (checked with
// the same rule as the transports), and then the scraper must send the token
// or an access token of the issuer.
func (a *App) ServeMetrics(ctx context.Context) (stop func(), err error) {
	addr := metricsAddr.Get(a.Config)
	if a.metrics == nil || addr == "" {
		return func() {}, nil
	}
	authenticated := a.Config.HTTPToken
	var oauthWrap func(http.Handler) http.Handler
	if oauthIssuer.Get(a.Config) != "" {
		// Signed in with the identity provider: scrapers present an access
		// token of the same issuer and audience (any cloudops scope).
		if oauthWrap, _, err = a.oauthOptions(); err != nil {
			return nil, errors.New("--metrics-addr: " + err.Error())
		}
		authenticated = "oauth"
	}
	if _, err := httpserve.CheckBind(addr, authenticated, a.Config.AllowUnauthenticated); err != nil {
		return nil, errors.New("--metrics-addr: " + err.Error())
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, errors.New("--metrics-addr: " + err.Error())
	}
	var h http.Handler = a.metrics.Handler()
	if tok := a.Config.HTTPToken; tok != "" {
		want := sha256.Sum256([]byte("Bearer " + tok))
		next := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got := sha256.Sum256([]byte(r.Header.Get("Authorization")))
			if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="cloudops-mcp metrics"`)
				http.Error(w, "Unauthorized: send the server's bearer token", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	if oauthWrap != nil {
		h = oauthWrap(h)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: newStdLogger(a.Log)}
	go func() { _ = srv.Serve(ln) }()
	a.MetricsURL = "http://" + ln.Addr().String() + "/metrics"
	a.Log.Info().Str("url", a.MetricsURL).Msg("serving Prometheus metrics")
	return func() { _ = srv.Close() }, nil
}
