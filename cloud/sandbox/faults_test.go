package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
)

// The fault plan itself, on the wire: each fault looks like the real failure
// and is consumed exactly once.

func newFaultySandbox(t *testing.T) (*sandbox.Server, string) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	return sb, srv.URL
}

// post sends an unsigned request: the sandbox answers it with an auth error
// unless a fault gets there first, which is all these tests need.
func post(t *testing.T, ctx context.Context, url, action string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"EnvId":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	if action != "" {
		req.Header.Set("X-TC-Action", action)
	}
	// A fresh transport per request: a reset must not poison a pooled connection.
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func tcbErrorCode(t *testing.T, body []byte) string {
	t.Helper()
	var env struct {
		Response struct{ Error struct{ Code string } }
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("not a tcb answer: %s", body)
	}
	return env.Response.Error.Code
}

func TestFaultsOnTheWire(t *testing.T) {
	sb, url := newFaultySandbox(t)
	ctx := context.Background()
	sb.SetFaults(sandbox.Faults{RateLimit: 1, Status500: 1, MalformedJSON: 1, ConnectionReset: 1, CutBody: 1,
		Match: sandbox.MatchTCBAction("CreateApiKey")})

	// Not matched: served normally (an unsigned request is an auth failure).
	if _, body, err := post(t, ctx, url, "DescribeLoginConfig"); err != nil || !strings.HasPrefix(tcbErrorCode(t, body), "AuthFailure") {
		t.Fatalf("unmatched request: %v %s", err, body)
	}
	if _, body, _ := post(t, ctx, url, "CreateApiKey"); tcbErrorCode(t, body) != "RequestLimitExceeded" {
		t.Fatalf("rate limit: %s", body)
	}
	if resp, _, _ := post(t, ctx, url, "CreateApiKey"); resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("500: got %d", resp.StatusCode)
	}
	if _, body, err := post(t, ctx, url, "CreateApiKey"); err != nil || json.Valid(body) {
		t.Fatalf("malformed JSON: %v %q", err, body)
	}
	if _, _, err := post(t, ctx, url, "CreateApiKey"); !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Fatalf("reset: got %v, want a connection reset", err)
	}
	if _, _, err := post(t, ctx, url, "CreateApiKey"); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut body: got %v, want unexpected EOF", err)
	}
	// The plan is used up: back to normal.
	if _, body, err := post(t, ctx, url, "CreateApiKey"); err != nil || !strings.HasPrefix(tcbErrorCode(t, body), "AuthFailure") {
		t.Fatalf("after the plan: %v %s", err, body)
	}
	for _, f := range []string{sandbox.FaultRateLimit, sandbox.FaultStatus500, sandbox.FaultMalformedJSON, sandbox.FaultReset, sandbox.FaultCutBody} {
		if n := sb.Count("fault:" + f); n != 1 {
			t.Errorf("fault %s injected %d times, want 1", f, n)
		}
	}
}

func TestFaultRateLimitSpeaksEachAPI(t *testing.T) {
	sb, url := newFaultySandbox(t)
	sb.SetFaults(sandbox.Faults{RateLimit: 2})
	resp, body, err := post(t, context.Background(), url+"/v2/access_ip_address", "")
	if err != nil || resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), `"10011"`) {
		t.Fatalf("Telnyx: %v %d %s", err, resp.StatusCode, body)
	}
	resp, body, err = post(t, context.Background(), url+"/auth/v1/token/clientCredential", "")
	if err != nil || resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), "EXCEED_RATELIMIT") {
		t.Fatalf("HTTP API: %v %d %s", err, resp.StatusCode, body)
	}
}

func TestFaultLatencyDropsAbandonedRequests(t *testing.T) {
	sb, url := newFaultySandbox(t)
	sb.SetFaults(sandbox.Faults{Latency: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, _, err := post(t, ctx, url, "DescribeLoginConfig"); errc <- err }()
	for sb.Count("fault:"+sandbox.FaultDelayed) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	for sb.Count("fault:"+sandbox.FaultDropped) == 0 {
		time.Sleep(time.Millisecond) // the test's own timeout bounds this wait
	}
}
