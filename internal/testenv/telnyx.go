package testenv

import (
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
)

// TelnyxClient replaces the Telnyx client with one for the same endpoint
// using apiKey ("" = none) and millisecond backoffs, so tests of retried
// failures stay fast. Call it before the first Telnyx tool call.
func (e *Env) TelnyxClient(apiKey string) {
	e.t.Helper()
	cfg := e.App.Config
	c, err := telnyx.New(telnyx.Config{APIKey: apiKey, Endpoint: cfg.TelnyxEndpoint, Timeout: cfg.Timeout,
		Retry: telnyx.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.App.Deps.Telnyx = c
}

// FastTelnyxRetries keeps the configured key and makes retries fast.
func (e *Env) FastTelnyxRetries() { e.TelnyxClient(e.App.Config.TelnyxAPIKey) }
