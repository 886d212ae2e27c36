package telnyx_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
)

func TestGETRetriedAfter503(t *testing.T) {
	c, sb, rl := newClient(t, nil)
	sb.InjectTelnyxError("GET /v2/billing_groups", http.StatusServiceUnavailable, 1, 0)
	p, err := c.ListBillingGroups(ctx, telnyx.PageParams{})
	if err != nil || len(p.Data) != 12 {
		t.Fatalf("got %v, want the list after one retry", err)
	}
	if n := sb.Count("GET /v2/billing_groups"); n != 2 || rl.n.Load() != 1 {
		t.Fatalf("%d requests, %d retries; want 2 and 1", n, rl.n.Load())
	}
}

func TestPOSTNotRetriedAfter503(t *testing.T) {
	c, sb, rl := newClient(t, nil)
	sb.InjectTelnyxError("POST /v2/billing_groups", http.StatusServiceUnavailable, 1, 0)
	name := "Once only"
	_, err := c.CreateBillingGroup(ctx, &telnyx.BillingGroupParams{Name: &name})
	var unknown *telnyx.OutcomeUnknownError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "not retried") {
		t.Fatalf("got %v, want an outcome-unknown error", err)
	}
	var apiErr *telnyx.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 503 {
		t.Fatalf("the 503 is not kept inside: %v", err)
	}
	if n := sb.Count("POST /v2/billing_groups"); n != 1 || rl.n.Load() != 0 {
		t.Fatalf("POST sent %d times, %d retries; want exactly once", n, rl.n.Load())
	}
	// PATCH likewise, and 408/409 answers end a change without a retry.
	sb.InjectTelnyxError("PATCH /v2/billing_groups/{id}", http.StatusConflict, 1, 0)
	id := sandboxGroupID(t, c)
	if _, err := c.UpdateBillingGroup(ctx, id, &telnyx.BillingGroupParams{Name: &name}); !errors.As(err, &apiErr) || apiErr.Status != 409 {
		t.Fatalf("PATCH 409: %v", err)
	}
	if n := sb.Count("PATCH /v2/billing_groups/{id}"); n != 1 {
		t.Fatalf("PATCH sent %d times", n)
	}
}

func sandboxGroupID(t *testing.T, c *telnyx.Client) string {
	t.Helper()
	p, err := c.ListBillingGroups(ctx, telnyx.PageParams{Size: 1})
	if err != nil || len(p.Data) == 0 {
		t.Fatalf("no billing group: %v", err)
	}
	return p.Data[0].ID
}

func TestRateLimitRetriedForAnyMethodHonouringRetryAfter(t *testing.T) {
	c, sb, rl := newClient(t, nil)
	sb.InjectTelnyxError("POST /v2/billing_groups", http.StatusTooManyRequests, 1, 20*time.Millisecond)
	name := "After a 429"
	if _, err := c.CreateBillingGroup(ctx, &telnyx.BillingGroupParams{Name: &name}); err != nil {
		t.Fatalf("a POST rejected with 429 was not retried: %v", err)
	}
	if n := sb.Count("POST /v2/billing_groups"); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	if len(rl.waits) != 1 || rl.waits[0] != 20*time.Millisecond {
		t.Fatalf("waits %v, want exactly the Retry-After-Ms of 20ms", rl.waits)
	}
	// Still limited after every attempt: the 429 comes back with advice.
	sb.InjectTelnyxError("GET /v2/addresses", http.StatusTooManyRequests, 5, time.Millisecond)
	_, err := c.ListAddresses(ctx, nil, telnyx.PageParams{})
	var apiErr *telnyx.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 429 || apiErr.Retried != 2 || !strings.Contains(err.Error(), "already retried 2 times") {
		t.Fatalf("got %v, want the 429 after 2 retries", err)
	}
	if n := sb.Count("GET /v2/addresses"); n != 3 {
		t.Fatalf("%d attempts, want 3", n)
	}
}

func TestRetryAfterBeyondTheCapIsNotWaitedFor(t *testing.T) {
	c, sb, rl := newClient(t, nil, func(cfg *telnyx.Config) { cfg.Retry.MaxRetryAfter = time.Second })
	sb.InjectTelnyxError("GET /v2/billing_groups", http.StatusTooManyRequests, 1, 90*time.Second)
	_, err := c.ListBillingGroups(ctx, telnyx.PageParams{})
	var apiErr *telnyx.APIError
	if !errors.As(err, &apiErr) || apiErr.RetryAfter != 90*time.Second || !strings.Contains(err.Error(), "wait 1m30s") {
		t.Fatalf("got %v, want the 429 with its Retry-After", err)
	}
	if rl.n.Load() != 0 || sb.Count("GET /v2/billing_groups") != 1 {
		t.Fatal("waited for a Retry-After beyond the cap")
	}
}

// resetFirst drops the connection of the first n requests matching method,
// after the handler ran when apply is set.
func resetFirst(method string, n int32, apply bool) func(http.Handler) http.Handler {
	var left atomic.Int32
	left.Store(n)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == method && left.Add(-1) >= 0 {
				if apply {
					next.ServeHTTP(discard{}, r)
				}
				conn, _, _ := http.NewResponseController(w).Hijack()
				_ = conn.Close()
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}

func TestConnectionDropAfterSending(t *testing.T) {
	// A GET is simply retried.
	c, _, _ := newClient(t, resetFirst("GET", 1, false))
	if _, err := c.ListBillingGroups(ctx, telnyx.PageParams{}); err != nil {
		t.Fatalf("GET after a dropped connection: %v", err)
	}
	// A POST that may have arrived is not: its outcome is unknown, and here it did apply.
	c, sb, _ := newClient(t, resetFirst("POST", 1, true))
	name := "Maybe created"
	_, err := c.CreateBillingGroup(ctx, &telnyx.BillingGroupParams{Name: &name})
	var unknown *telnyx.OutcomeUnknownError
	if !errors.As(err, &unknown) {
		t.Fatalf("got %v, want outcome unknown", err)
	}
	if n := sb.Count("POST /v2/billing_groups"); n != 1 {
		t.Fatalf("POST reached the API %d times, want once", n)
	}
}

func TestDeleteRetryThatFindsNothingReportsTheEarlierAttempt(t *testing.T) {
	c, sb, _ := newClient(t, resetFirst("DELETE", 1, true))
	id := sandboxGroupID(t, c)
	_, err := c.DeleteBillingGroup(ctx, id)
	var unknown *telnyx.OutcomeUnknownError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "most likely that attempt deleted it") {
		t.Fatalf("got %v", err)
	}
	if n := sb.Count("DELETE /v2/billing_groups/{id}"); n != 2 {
		t.Fatalf("%d DELETEs, want the attempt and one retry", n)
	}
}

func TestRefusedConnectionIsRetriedEvenForPOST(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, _, rl := newClient(t, nil, func(cfg *telnyx.Config) { cfg.Endpoint = "http://" + addr })
	name := "never sent"
	_, err = c.CreateBillingGroup(ctx, &telnyx.BillingGroupParams{Name: &name})
	var unknown *telnyx.OutcomeUnknownError
	var transport *telnyx.TransportError
	if errors.As(err, &unknown) || !errors.As(err, &transport) {
		t.Fatalf("got %v, want a transport error (the request never left)", err)
	}
	if rl.n.Load() != 2 {
		t.Fatalf("%d retries, want 2", rl.n.Load())
	}
}

func TestHTMLErrorPageIsNotShown(t *testing.T) {
	c, _, _ := newClient(t, func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><body>Bad gateway</body></html>"))
		})
	})
	_, err := c.GetBillingGroup(ctx, "6f1c2b1e-7d3a-4c55-9a0e-2f4d8b7c9e10")
	var apiErr *telnyx.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 502 || strings.Contains(err.Error(), "<html") {
		t.Fatalf("got %v", err)
	}
}

func TestDryRunSendsNothingAndMasksSecrets(t *testing.T) {
	c, sb, _ := newClient(t, nil)
	dctx := cloud.WithDryRun(ctx)
	_, err := c.CreateIntegrationSecret(dctx, &telnyx.CreateIntegrationSecretParams{Identifier: "pbx", Type: "basic",
		Username: "pbx-admin", Password: "correct-horse-battery-staple"})
	var dry *cloud.DryRunError
	if !errors.As(err, &dry) || dry.Service != "telnyx" {
		t.Fatalf("got %v, want a dry-run result", err)
	}
	req := dry.Request.(telnyx.DryRunRequest)
	if req.Method != "POST" || !strings.HasSuffix(req.URL, "/v2/integration_secrets") || req.Body["identifier"] != "pbx" {
		t.Fatalf("preview %+v", req)
	}
	if s := req.Body["password"].(string); strings.Contains(s, "horse") || !strings.HasPrefix(s, "[redacted") {
		t.Fatalf("password in preview: %q", s)
	}
	if sb.Count("POST /v2/integration_secrets") != 0 {
		t.Fatal("a dry run reached the API")
	}
	// Reads still run, and so does validation, which stores nothing.
	if _, err := c.ListIntegrationSecrets(dctx, nil, telnyx.PageParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ValidateAddress(dctx, &telnyx.ValidateAddressParams{StreetAddress: "1 Main St", PostalCode: "78701", CountryCode: "US"}); err != nil {
		t.Fatal(err)
	}
}

func TestCancellationStopsTheCall(t *testing.T) {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The caller gives up while the client waits out a long Retry-After.
	c, sb, _ := newClient(t, nil, func(cfg *telnyx.Config) {
		cfg.OnRetry = func(context.Context, string, int, time.Duration, error) { cancel() }
	})
	sb.InjectTelnyxError("GET /v2/billing_groups", http.StatusTooManyRequests, 1, 2*time.Second)
	_, err := c.ListBillingGroups(cctx, telnyx.PageParams{})
	var apiErr *telnyx.APIError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &apiErr) || apiErr.Status != 429 {
		t.Fatalf("got %v, want cancelled while waiting out the 429", err)
	}
	if n := sb.Count("GET /v2/billing_groups"); n != 1 {
		t.Fatalf("%d requests after cancellation", n)
	}
}
