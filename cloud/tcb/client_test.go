package tcb_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// newClient returns a client signed for the sandbox behind wrap (which may
// intercept requests) and the sandbox itself.
func newClient(t *testing.T, wrap func(http.Handler) http.Handler, mod ...func(*tcb.Config)) (*tcb.Client, *sandbox.Server) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	h := sb.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := tcb.Config{
		Credential: tcb.Credential{SecretID: sandbox.DefaultSecretID, SecretKey: sandbox.DefaultSecretKey},
		EnvID:      sandbox.DefaultEnvID, Endpoint: srv.URL, Timeout: 5 * time.Second,
		Retry: tcb.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := tcb.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

func TestCallSignsAndDecodes(t *testing.T) {
	c, _ := newClient(t, nil)
	lc, err := c.DescribeLoginConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !lc.EmailLogin || lc.RequestId == "" {
		t.Fatalf("unexpected login config %+v", lc)
	}
}

func TestWrongKeyIsSignatureFailure(t *testing.T) {
	c, _ := newClient(t, nil, func(cfg *tcb.Config) { cfg.Credential.SecretKey = "wrong-key-0000000000" })
	_, err := c.DescribeLoginConfig(context.Background())
	var apiErr *tcb.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "AuthFailure.SignatureFailure" || apiErr.RequestID == "" {
		t.Fatalf("got %v, want AuthFailure.SignatureFailure with a request id", err)
	}
	if !strings.Contains(apiErr.Hint(), "TENCENTCLOUD_SECRETKEY") {
		t.Fatalf("hint %q does not name the variable", apiErr.Hint())
	}
}

func TestUnknownEnvIsResourceNotFound(t *testing.T) {
	c, _ := newClient(t, nil, func(cfg *tcb.Config) { cfg.EnvID = "other-env" })
	_, err := c.DescribeLoginConfig(context.Background())
	var apiErr *tcb.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "ResourceNotFound" {
		t.Fatalf("got %v, want ResourceNotFound", err)
	}
}

func TestMissingCredentials(t *testing.T) {
	c, _ := newClient(t, nil, func(cfg *tcb.Config) { cfg.Credential = tcb.Credential{} })
	if _, err := c.DescribeLoginConfig(context.Background()); !errors.Is(err, tcb.ErrNoCredentials) {
		t.Fatalf("got %v, want ErrNoCredentials", err)
	}
}

// rateLimitFirst answers RequestLimitExceeded to the first n requests.
func rateLimitFirst(n int32, seen *atomic.Int32) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if seen.Add(1) <= n {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},"RequestId":"rl-1"}}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func TestRateLimitedThenSuccessIsRetried(t *testing.T) {
	var seen atomic.Int32
	var retries atomic.Int32
	c, sb := newClient(t, rateLimitFirst(2, &seen), func(cfg *tcb.Config) {
		cfg.OnRetry = func(context.Context, string, int, time.Duration, error) { retries.Add(1) }
	})
	// Even a create is retried: RequestLimitExceeded is rejected before execution.
	k, err := c.CreateApiKey(context.Background(), &tcb.CreateApiKeyRequest{KeyType: "api_key", KeyName: "retry"})
	if err != nil {
		t.Fatal(err)
	}
	if k.KeyId == "" || seen.Load() != 3 || retries.Load() != 2 || sb.Count("CreateApiKey") != 1 {
		t.Fatalf("key %q, requests %d, retries %d, creates %d; want a key after 3 requests, 2 retries, 1 create",
			k.KeyId, seen.Load(), retries.Load(), sb.Count("CreateApiKey"))
	}
}

func TestRateLimitGivesUpAfterMaxAttempts(t *testing.T) {
	var seen atomic.Int32
	c, _ := newClient(t, rateLimitFirst(100, &seen))
	_, err := c.DescribeLoginConfig(context.Background())
	var apiErr *tcb.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "RequestLimitExceeded" || seen.Load() != 4 {
		t.Fatalf("got %v after %d requests, want RequestLimitExceeded after 4", err, seen.Load())
	}
}

// slowAfterApplying lets the sandbox act, then stalls so the client times out.
func slowAfterApplying(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(httptest.NewRecorder(), r)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
}

func TestTimeoutOnCreateIsOutcomeUnknownAndNotRetried(t *testing.T) {
	c, sb := newClient(t, slowAfterApplying, func(cfg *tcb.Config) { cfg.Timeout = 300 * time.Millisecond })
	_, err := c.CreateApiKey(context.Background(), &tcb.CreateApiKeyRequest{KeyType: "api_key", KeyName: "slow"})
	var unknown *tcb.OutcomeUnknownError
	if !errors.As(err, &unknown) {
		t.Fatalf("got %v, want OutcomeUnknownError", err)
	}
	if n := sb.Count("CreateApiKey"); n != 1 {
		t.Fatalf("CreateApiKey reached the sandbox %d times, want exactly 1 (no blind retry)", n)
	}
}

func TestConnectionRefusedIsRetriedThenReported(t *testing.T) {
	// A closed port: the request is never sent, so retrying is safe even for a create.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	var retries atomic.Int32
	c, err := tcb.New(tcb.Config{Credential: tcb.Credential{SecretID: "id", SecretKey: "key"}, EnvID: "e", Endpoint: url,
		Retry:   tcb.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond},
		OnRetry: func(context.Context, string, int, time.Duration, error) { retries.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateApiKey(context.Background(), &tcb.CreateApiKeyRequest{KeyType: "api_key"})
	var unknown *tcb.OutcomeUnknownError
	if err == nil || errors.As(err, &unknown) || retries.Load() != 3 {
		t.Fatalf("got %v with %d retries; want a plain connection error after 3 retries", err, retries.Load())
	}
}

func TestCancellationStopsTheCall(t *testing.T) {
	c, _ := newClient(t, slowAfterApplying)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	_, err := c.DescribeLoginConfig(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
