// Package app assembles the server from a config: logging, redaction, cloud
// clients (or the in-process sandbox), the MCP server with its tools,
// resources and prompts, and the transport.
package app

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"go.opentelemetry.io/otel/trace"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/metrics"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/rpcerr"
	"github.com/cloudops-mcp/cloudops-mcp/internal/version"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// Version is the version reported to clients (internal/version: link-time, else build info).
var Version = version.Short()

// App is a built server, ready to serve on a transport.
type App struct {
	Config   *config.Config
	Log      zerolog.Logger
	Redactor *redact.Redactor
	Deps     *tools.Deps
	Toolsets []*tools.Toolset // every toolset; register serves those with a selected tool
	Tools    []tools.Tool     // the selected tools (--toolsets, --tools, --read-only)
	MCP      *server.MCPServer
	Sandbox  *sandbox.Server
	// SandboxURL is the in-process sandbox's base URL when --sandbox is on.
	SandboxURL string

	safety          *safety // the operator's guards (safety.go)
	mintedTokens    *mintedTokens
	writeScope      string            // the OAuth scope mutating tools need (oauth.go)
	readScope       string            // the OAuth scope read-only tools need (oauth.go)
	secretIn        *secretInput      // secrets taken in by reference (secret_input.go)
	replicas        *replicaLink      // peers sharing --state-key-file (replicas.go)
	metrics         *metrics.Metrics  // nil unless --metrics-addr (metrics.go)
	tracer          trace.Tracer      // no-op unless OTEL_TRACES_EXPORTER (tracing.go)
	tracing         bool              // tracer is not the no-op one
	dynamic         *dynamic          // nil unless --dynamic-toolsets (dynamic.go)
	unserved        map[string]string // tools the selection leaves out -> why, and the fix (unserved.go)
	hiddenPrompts   map[string]bool   // prompts registered only to say they are not served (unserved.go)
	hiddenResources map[string]bool   // resources and templates likewise (unserved.go)
	// MetricsURL is where /metrics is served, once ServeMetrics ran.
	MetricsURL string
	stop       []func()
}

// New builds the server. With cfg.Sandbox it starts the emulator on loopback
// and points every client at it with the emulator's credentials.
func New(ctx context.Context, cfg *config.Config, stderr io.Writer) (*App, error) {
	a := &App{Config: cfg}
	a.Redactor = redact.New(redact.Options{RevealCloudSecrets: cfg.RevealSecrets})
	a.Log = newLogger(cfg.LogLevel, stderr, a.Redactor)
	a.mintedTokens = &mintedTokens{red: a.Redactor}
	a.newMetrics()
	if err := a.startTracing(ctx); err != nil {
		return nil, err
	}
	if cfg.Sandbox {
		if err := a.startSandbox(ctx); err != nil {
			return nil, err
		}
	}
	a.Redactor.AddSecret(cfg.HTTPToken) // each provider adds the credentials it uses
	a.Deps = &tools.Deps{Clients: &cloud.Clients{}, Scope: a.scope,
		Redactor: a.Redactor, Log: a.Log, ReadOnly: cfg.ReadOnly, Secrets: secretsDir(cfg.SecretsDir)}
	a.buildSecretInput()
	if err := a.openClients(ctx, cloud.RetryPolicy{}); err != nil {
		return nil, err
	}
	a.Toolsets = tools.Toolsets(a.Deps)
	var err error
	var all []tools.Tool
	for _, ts := range a.Toolsets {
		all = append(all, ts.Tools...)
	}
	a.Tools, err = a.selectTools(all)
	if err != nil {
		return nil, err
	}
	a.unserved = a.unservedTools(all)
	a.Redactor.NotSecret(a.nonSecrets(all)...)
	if a.dynamic, err = a.newDynamic(); err != nil {
		return nil, err
	}
	a.MCP = a.newMCPServer()
	return a, nil
}

func (a *App) startSandbox(ctx context.Context) error {
	sb, err := sandbox.New(sandbox.ConfigFrom(a.Config))
	if err != nil {
		return err
	}
	sctx, cancel := context.WithCancel(context.Background())
	url, done, err := sb.Listen(sctx, "127.0.0.1:0")
	if err != nil {
		cancel()
		return err
	}
	a.stop = append(a.stop, func() { cancel(); <-done })
	a.Sandbox, a.SandboxURL = sb, url
	ev := a.Log.Info().Str("endpoint", url)
	id := sb.Identity()
	for _, k := range slices.Sorted(maps.Keys(id)) {
		ev = ev.Str(k, id[k])
	}
	ev.Msg("sandbox running (offline emulator; no real cloud is called)")
	return nil
}

func (a *App) newMCPServer() *server.MCPServer {
	opts := []server.ServerOption{
		server.WithTitle("CloudOps MCP"),
		server.WithToolHandlerMiddleware(a.recoverPanics),
		server.WithToolCapabilities(a.dynamic != nil), // the list changes only when a session enables a toolset
		server.WithLogging(),
		server.WithInstructions(a.instructions()),
		server.WithToolHandlerMiddleware(a.logCalls),
		server.WithToolFilter(legacyTitles),
	}
	opts = append(opts, a.safetyOptions()...)
	opts = append(opts, a.sessionHooks()...)
	if a.dynamic != nil {
		opts = append(opts, server.WithToolFilter(a.dynamic.filter))
	}
	s := server.NewMCPServer("cloudops-mcp", Version, opts...)
	a.register(s)
	return s
}

// recoverPanics turns a panic in a tool into a JSON-RPC error (a bug, not a
// user fault) that names no detail; the panic value is logged, redacted. It
// replaces mcp-go's WithRecovery, whose error text carried the panic value
// to the client unredacted.
func (a *App) recoverPanics(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
		defer func() {
			if r := recover(); r != nil {
				a.Log.Error().Str("tool", req.Params.Name).Str("panic", fmt.Sprint(r)).Msg("tool panicked")
				res, err = nil, fmt.Errorf("internal error in %s; the server logged it", req.Params.Name)
			}
		}()
		return next(ctx, req)
	}
}

// logCalls logs each tool call's name, outcome and duration; never its arguments.
func (a *App) logCalls(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		ctx, endSpan := a.traceTool(ctx, req.Params.Name)
		res, err := next(ctx, req)
		ev := a.Log.Info()
		outcome := "ok"
		switch {
		case err != nil:
			ev, outcome = a.Log.Error().Str("error", err.Error()), "protocol_error"
		case res != nil && res.IsError:
			outcome = "tool_error"
		}
		a.metrics.ToolCall(req.Params.Name, outcome, time.Since(start))
		endSpan(outcome)
		ev.Str("tool", req.Params.Name).Str("outcome", outcome).Int64("took_ms", time.Since(start).Milliseconds()).Msg("tool call")
		return res, err
	}
}

// Serve runs the configured transport until ctx ends or the client leaves.
func (a *App) Serve(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	stopMetrics, err := a.ServeMetrics(ctx)
	if err != nil {
		return err
	}
	defer stopMetrics()
	switch a.Config.Transport {
	case "stdio":
		a.Log.Info().Str("transport", "stdio").Int("tools", len(a.Tools)).Msg("serving MCP on stdin/stdout")
		stdio := server.NewStdioServer(a.MCP)
		stdio.SetErrorLogger(newStdLogger(a.Log))
		return stdio.Listen(ctx, stdin, rpcerr.Writer(stdout, a.explainNotFound)) // prompt/resource error codes: see rpcerr
	default:
		return a.serveHTTP(ctx)
	}
}

// Close stops what New started.
func (a *App) Close() {
	for i := len(a.stop) - 1; i >= 0; i-- {
		a.stop[i]()
	}
	a.stop = nil
}

func newLogger(level string, stderr io.Writer, r *redact.Redactor) zerolog.Logger {
	lvl, err := zerolog.ParseLevel(strings.ToLower(level))
	if err != nil {
		lvl = zerolog.InfoLevel
	}
	var w io.Writer = stderr
	if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		w = zerolog.ConsoleWriter{Out: stderr, TimeFormat: time.TimeOnly}
	}
	return zerolog.New(r.Writer(w)).Level(lvl).With().Timestamp().Logger()
}
