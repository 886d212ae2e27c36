// Package httpserve serves the MCP server over HTTP — Streamable HTTP on /mcp
// or the legacy SSE transport on /sse + /message — with what exposing it
// takes: bearer-token auth, Host/Origin checks, per-request cloud credentials,
// a body limit, read/write/idle timeouts, /healthz, and a bounded graceful
// shutdown that lets in-flight calls finish.
package httpserve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"
	"github.com/rs/zerolog"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/rpcerr"
)

// Options configures a Server. Zero durations and sizes get the defaults below.
type Options struct {
	Transport      string // "http" (Streamable HTTP) or "sse"
	Addr           string // host:port; port 0 picks a free one
	Token          string // bearer token; empty means no authentication
	AllowedOrigins []string
	MaxBodyBytes   int64 // default 1 MiB
	Stateless      bool  // Streamable HTTP without sessions

	ShutdownTimeout   time.Duration // bound on waiting for in-flight calls; default 25 s
	DrainDelay        time.Duration // on shutdown, keep serving with /readyz 503 this long first; default 0
	ReadHeaderTimeout time.Duration // default 10 s
	ReadTimeout       time.Duration // to receive a request body; default 30 s
	WriteStallTimeout time.Duration // per write, so streams may live long; default 30 s
	IdleTimeout       time.Duration // keep-alive connections; default 120 s
	SessionIdleTTL    time.Duration // stateful sessions without activity are dropped; default 1 h
	MaxSessions       int           // open sessions (Streamable HTTP) or streams (SSE); more get 503; default 1000
	KeepAlive         time.Duration // ping on open streams, for proxies that cut idle ones; default 25 s

	// Auth, when set, replaces the bearer-token check (OAuth access tokens);
	// Routes are extra unauthenticated endpoints (its metadata).
	Auth   func(http.Handler) http.Handler
	Routes map[string]http.Handler

	// Providers declare the credential headers a client may send per request
	// (cloud.Provider.Headers); no other header is read as a credential.
	Providers []cloud.Provider

	Redactor *redact.Redactor // required: client-sent secrets are registered with it
	Log      zerolog.Logger
	// Explain adds what exists to a not-found answer (rpcerr.Explainer); optional.
	Explain rpcerr.Explainer
}

// DefaultMaxSessions bounds open sessions when Options.MaxSessions is 0.
const DefaultMaxSessions = 1000

// Server is the HTTP transport in front of one MCP server.
type Server struct {
	opts       Options
	handler    http.Handler
	srv        *http.Server
	ln         net.Listener
	streamable *server.StreamableHTTPServer
	sessions   *sessionIDs
	sse        *server.SSEServer
	drain      *sseDrain
	draining   atomic.Bool // new calls are refused
	unready    atomic.Bool // /readyz says draining (set first, before draining)
	fresh      freshConns
	rounds     atomic.Int64 // shutdown loop iterations, so tests can wait for the loop to act
}

// New builds the transport's handler; Listen and Serve put it on the network.
func New(mcp *server.MCPServer, o Options) (*Server, error) {
	if o.Redactor == nil {
		return nil, errors.New("httpserve: a redactor is required")
	}
	o.MaxBodyBytes = orDefault(o.MaxBodyBytes, 1<<20)
	o.ShutdownTimeout = orDefault(o.ShutdownTimeout, 25*time.Second)
	o.ReadHeaderTimeout = orDefault(o.ReadHeaderTimeout, 10*time.Second)
	o.ReadTimeout = orDefault(o.ReadTimeout, 30*time.Second)
	o.WriteStallTimeout = orDefault(o.WriteStallTimeout, 30*time.Second)
	o.IdleTimeout = orDefault(o.IdleTimeout, 120*time.Second)
	o.SessionIdleTTL = orDefault(o.SessionIdleTTL, time.Hour)
	if o.MaxSessions <= 0 {
		o.MaxSessions = DefaultMaxSessions
	}
	o.KeepAlive = orDefault(o.KeepAlive, 25*time.Second)
	s := &Server{opts: o}

	mux := http.NewServeMux()
	mux.Handle("/healthz", liveness())
	mux.Handle("/readyz", readiness(&s.unready))
	for path, h := range o.Routes {
		mux.Handle(path, h)
	}
	auth := func(h http.Handler) http.Handler { return requireToken(o.Token, o.Log, h) }
	if o.Auth != nil {
		auth = o.Auth
	}
	protect := func(h http.Handler) http.Handler {
		return auth(readBody(o.MaxBodyBytes, o.ReadTimeout, &s.draining, credentials(o.Providers, o.Redactor, withProtocolVersion(h))))
	}
	switch o.Transport {
	case "http":
		s.sessions = newSessionIDs(o.SessionIdleTTL)
		s.streamable = server.NewStreamableHTTPServer(mcp, s.streamableOptions()...)
		open := s.sessions.Count
		if o.Stateless {
			open = func() int { return 0 } // nothing is kept between requests
		}
		mux.Handle("/mcp", protect(capSessions(o.MaxSessions, open, false, rpcerr.Handler(s.streamable, o.Explain))))
	case "sse":
		s.drain = newSSEDrain()
		s.sse = server.NewSSEServer(mcp, s.sseOptions()...)
		streams := &openCounter{}
		mux.Handle("/sse", protect(capSessions(o.MaxSessions, streams.open, true, streams.wrap(s.drain.stream(rpcerr.Handler(s.sse, o.Explain))))))
		mux.Handle("/message", protect(capSessions(o.MaxSessions, streams.open, true, s.drain.message(rpcerr.Handler(s.sse, o.Explain)))))
	default:
		return nil, fmt.Errorf("httpserve: transport %q: want http or sse", o.Transport)
	}
	s.handler = stallTimeout(o.WriteStallTimeout, guardOrigin(o.AllowedOrigins, mux))
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          newStdLog(o.Log),
		ConnState:         s.fresh.track,
	}
	return s, nil
}

func (s *Server) streamableOptions() []server.StreamableHTTPOption {
	opts := []server.StreamableHTTPOption{
		server.WithEndpointPath("/mcp"),
		server.WithStreamableHTTPLogger(newSlog(s.opts.Log)),
		server.WithHeartbeatInterval(s.opts.KeepAlive),
	}
	if s.opts.Stateless {
		opts = append(opts, server.WithStateLess(true))
	} else {
		opts = append(opts, server.WithSessionIdManager(s.sessions), server.WithSessionIdleTTL(s.opts.SessionIdleTTL))
	}
	if len(s.opts.AllowedOrigins) > 0 {
		opts = append(opts, server.WithStreamableHTTPCORS(s.corsOptions()...))
	}
	return opts
}

func (s *Server) sseOptions() []server.SSEOption {
	opts := []server.SSEOption{
		server.WithSSEEndpoint("/sse"),
		server.WithMessageEndpoint("/message"),
		server.WithSessionIDGenerator(s.drain.newSessionID),
		server.WithKeepAliveInterval(s.opts.KeepAlive),
	}
	if len(s.opts.AllowedOrigins) > 0 {
		opts = append(opts, server.WithSSECORS(s.corsOptions()...))
	}
	return opts
}

func (s *Server) corsOptions() []server.CORSOption {
	return []server.CORSOption{
		server.WithCORSAllowedOrigins(s.opts.AllowedOrigins...),
		server.WithCORSAllowedHeaders(append([]string{"Content-Type", "Authorization", server.HeaderKeySessionID,
			"Mcp-Protocol-Version", "Last-Event-ID"}, s.credentialHeaders()...)...),
		server.WithCORSExposedHeaders(server.HeaderKeySessionID, "WWW-Authenticate"),
		server.WithCORSMaxAge(600),
	}
}

// Handler is the whole transport as an http.Handler (tests, embedding).
func (s *Server) Handler() http.Handler { return s.handler }

// Listen binds the configured address.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.opts.Addr, err)
	}
	s.ln = ln
	return nil
}

// URL is the endpoint clients connect to (after Listen).
func (s *Server) URL() string {
	path := "/mcp"
	if s.sse != nil {
		path = "/sse"
	}
	return "http://" + s.ln.Addr().String() + path
}

// Origin is scheme://host:port of the bound listener (after Listen).
func (s *Server) Origin() string { return "http://" + s.ln.Addr().String() }

// Serve serves until ctx ends, then shuts down gracefully: no new
// connections or calls, in-flight calls finish within ShutdownTimeout, then
// the rest is closed. A shutdown that had to cut calls off is logged, not an error.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Load balancers poll /readyz every few seconds: until they notice, they
	// still send work here, so keep serving it for the drain delay.
	s.unready.Store(true)
	if d := s.opts.DrainDelay; d > 0 {
		s.opts.Log.Info().Int64("drain_delay_ms", d.Milliseconds()).Msg("shutting down: /readyz now answers 503; still serving during the drain delay")
		select {
		case err := <-errc:
			return err
		case <-time.After(d):
		}
	}
	return s.shutdown()
}

func (s *Server) shutdown() error {
	s.draining.Store(true)
	log := s.opts.Log
	log.Info().Int64("bound_ms", s.opts.ShutdownTimeout.Milliseconds()).Msg("shutting down: refusing new calls, waiting for in-flight ones")
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.srv.Shutdown(ctx) }()
	if s.streamable != nil {
		_ = s.streamable.Shutdown(ctx) // stops its session sweeper and closes listening streams
	}
	// Open streams never end by themselves. A Streamable HTTP call answers on
	// its own POST, so its streams can close at once; an SSE call answers on
	// the session's stream, which closes once no accepted request waits.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if errors.Is(err, context.DeadlineExceeded) {
				_ = s.srv.Close()
				log.Warn().Int64("bound_ms", s.opts.ShutdownTimeout.Milliseconds()).Msg("shutdown bound reached: closed the connections still open")
				return nil
			}
			if err == nil {
				log.Info().Msg("HTTP transport stopped")
			}
			return err
		case <-tick.C:
			s.rounds.Add(1)
			s.fresh.closeAll()
			if s.streamable != nil {
				s.streamable.CloseSessions(ctx)
			}
			if s.sse != nil && s.drain.idle() {
				s.sse.CloseSessions()
			}
		}
	}
}

func orDefault[T int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
