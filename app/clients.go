package app

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
)

// sandboxHTTPEndpoint gives sandbox requests hosts shaped like the cloud's, so
// the sandbox reads the environment from the Host header as the cloud does
// (and a session's env override reaches the right one). The .invalid domain
// never resolves: without the sandbox dialer nothing could leave the machine.
const sandboxHTTPEndpoint = "http://{env}.{region}.tcb-api.sandbox.invalid"

// buildHTTPAPI sets up the CloudBase HTTP API client in a.Deps. Every access
// token it obtains is registered with the redactor before its first use.
func (a *App) buildHTTPAPI() error {
	c, err := tcb.NewHTTP(a.HTTPAPIConfig())
	if err != nil {
		return err
	}
	a.Deps.HTTPAPI = c
	return nil
}

// HTTPAPIConfig is the HTTP API client's configuration as the flags make it
// (tests rebuild the client from it with other retry or clock settings).
func (a *App) HTTPAPIConfig() tcb.HTTPConfig {
	cfg := a.Config
	hc := tcb.HTTPConfig{
		Credential:  tcb.Credential{SecretID: cfg.SecretID, SecretKey: cfg.SecretKey, SessionToken: cfg.SessionToken},
		Credentials: a.credentials,
		EnvID:       cfg.EnvID, Region: cfg.Region, Endpoint: cfg.HTTPEndpoint, Timeout: cfg.Timeout,
		OnToken: a.mintedTokens.add,
		OnRetry: func(ctx context.Context, what string, attempt int, wait time.Duration, err error) {
			a.onRetry(ctx, what, attempt, wait, err)
		},
	}
	if a.Sandbox != nil && cfg.HTTPEndpoint == a.SandboxURL {
		hc.Endpoint = sandboxHTTPEndpoint
		hc.Transport = dialOnly(strings.TrimPrefix(a.SandboxURL, "http://"))
	}
	hc.Transport = a.cloudTransport("tencentcloud_http", hc.Transport)
	return hc
}

// buildTelnyx sets up the Telnyx client in a.Deps. It is built even without
// TELNYX_API_KEY: HTTP sessions may bring their own key, and otherwise each
// Telnyx tool answers with what to set.
func (a *App) buildTelnyx() error {
	c, err := telnyx.New(telnyx.Config{APIKey: a.Config.TelnyxAPIKey, Endpoint: a.Config.TelnyxEndpoint, Timeout: a.Config.Timeout,
		Transport: a.cloudTransport("telnyx", nil),
		OnRetry: func(ctx context.Context, op string, attempt int, wait time.Duration, err error) {
			a.metrics.Retry("telnyx")
			a.Log.Warn().Str("telnyx", op).Int("attempt", attempt).Int64("wait_ms", wait.Milliseconds()).Str("error", err.Error()).Msg("retrying")
		}})
	if err != nil {
		return err
	}
	a.Deps.Telnyx = c
	return nil
}

// dialOnly is a transport that connects to addr whatever the URL's host.
func dialOnly(addr string) http.RoundTripper {
	t := cloud.NewPooledTransport()
	t.Proxy = nil
	var d net.Dialer
	t.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	return t
}
