package tcb_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// fakeClock is a settable clock; the sandbox and the client may get separate ones.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// seenRequest is what the HTTP API sandbox received.
type seenRequest struct{ Method, Path, Host, Auth, Body string }

type requestLog struct {
	mu   sync.Mutex
	reqs []seenRequest
}

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		l.mu.Lock()
		l.reqs = append(l.reqs, seenRequest{r.Method, r.URL.Path, r.Host, r.Header.Get("Authorization"), string(body)})
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (l *requestLog) all() []seenRequest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]seenRequest(nil), l.reqs...)
}

// count counts requests with the method ("" = any) whose path starts with prefix.
func (l *requestLog) count(method, prefix string) int {
	n := 0
	for _, r := range l.all() {
		if (method == "" || r.Method == method) && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

const tokenPathPrefix = "/auth/v1/token/"

type httpEnv struct {
	sb          *sandbox.Server
	client      *tcb.HTTPClient
	log         *requestLog
	sbClock     *fakeClock
	clientClock *fakeClock
	retries     atomic.Int32

	mu     sync.Mutex
	tokens []string // as told to OnToken
}

func (e *httpEnv) seenTokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.tokens...)
}

type httpOpts struct {
	accounts []sandbox.Account
	lifetime time.Duration
	wrap     func(http.Handler) http.Handler
	mod      func(*tcb.HTTPConfig)
}

// dialTo connects to addr whatever host a URL names, as the app does for the
// sandbox, so requests carry the cloud's host names.
func dialTo(addr string, tlsCfg *tls.Config) *http.Transport {
	var d net.Dialer
	return &http.Transport{TLSClientConfig: tlsCfg, DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}}
}

// newHTTPEnv runs the sandbox behind a request log on a TLS test server and a
// client using the default https://{env}.{region}.tcb-api.tencentcloudapi.com.
func newHTTPEnv(t testing.TB, o httpOpts) *httpEnv {
	t.Helper()
	e := &httpEnv{log: &requestLog{}, sbClock: newClock(), clientClock: newClock()}
	sb, err := sandbox.New(sandbox.Config{Options: []sandbox.Option{sandbox.WithAccounts(o.accounts...), sandbox.WithAccessTokenLifetime(o.lifetime)}, Now: e.sbClock.Now})
	if err != nil {
		t.Fatal(err)
	}
	e.sb = sb
	h := sb.Handler()
	if o.wrap != nil {
		h = o.wrap(h)
	}
	srv := httptest.NewTLSServer(e.log.wrap(h))
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr := dialTo(srv.Listener.Addr().String(), &tls.Config{RootCAs: pool, ServerName: "example.com"})
	t.Cleanup(tr.CloseIdleConnections)
	cfg := tcb.HTTPConfig{
		Credential: tcb.Credential{SecretID: sandbox.DefaultSecretID, SecretKey: sandbox.DefaultSecretKey},
		EnvID:      sandbox.DefaultEnvID, Timeout: 5 * time.Second, Transport: tr, Now: e.clientClock.Now,
		Retry: tcb.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond},
		OnToken: func(tok string) {
			e.mu.Lock()
			e.tokens = append(e.tokens, tok)
			e.mu.Unlock()
		},
		OnRetry: func(context.Context, string, int, time.Duration, error) { e.retries.Add(1) },
	}
	if len(o.accounts) > 0 {
		cfg.Credential = tcb.Credential{SecretID: o.accounts[0].SecretID, SecretKey: o.accounts[0].SecretKey}
		cfg.EnvID = o.accounts[0].EnvID
	}
	if o.mod != nil {
		o.mod(&cfg)
	}
	c, err := tcb.NewHTTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

func todos(t *testing.T, c *tcb.HTTPClient, ctx context.Context) *tcb.RecordPage {
	t.Helper()
	page, err := c.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo", Top: 50})
	if err != nil {
		t.Fatal(err)
	}
	return page
}

func TestHTTPTokenExchangeOnTheEnvironmentsHost(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{})
	page := todos(t, e.client, context.Background())
	if len(page.Records) != 8 || page.RequestID == "" {
		t.Fatalf("got %d records, request id %q; want the 8 seeded todos and a request id", len(page.Records), page.RequestID)
	}
	reqs := e.log.all()
	if len(reqs) != 2 {
		t.Fatalf("requests: %+v, want a token exchange then the query", reqs)
	}
	host := sandbox.DefaultEnvID + ".ap-shanghai.tcb-api.tencentcloudapi.com"
	tok, query := reqs[0], reqs[1]
	wantBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte(sandbox.DefaultSecretID+":"+sandbox.DefaultSecretKey))
	if tok.Method != "POST" || tok.Path != tcb.TokenPath || tok.Host != host || tok.Auth != wantBasic ||
		tok.Body != `{"grant_type":"client_credentials"}` {
		t.Fatalf("token exchange %+v: want POST %s on %s with Basic credentials and the grant type", tok, tcb.TokenPath, host)
	}
	seen := e.seenTokens()
	if len(seen) != 1 || query.Method != "GET" || query.Path != "/weda/odata/v1/prod/todo" || query.Host != host || query.Auth != "Bearer "+seen[0] {
		t.Fatalf("query %+v with tokens %d: want GET on %s with the token OnToken was told", query, len(seen), host)
	}
}

func TestHTTPTokenCachedUntilShortlyBeforeExpiry(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{lifetime: 1000 * time.Second})
	ctx := context.Background()
	for range 3 {
		todos(t, e.client, ctx)
	}
	if n := e.log.count("POST", tokenPathPrefix); n != 1 {
		t.Fatalf("%d token exchanges for 3 calls, want 1 (cached)", n)
	}
	// The token lives 1000 s; it is refreshed a tenth of that before it ends.
	e.clientClock.Advance(899 * time.Second)
	e.sbClock.Advance(899 * time.Second)
	todos(t, e.client, ctx)
	if n := e.log.count("POST", tokenPathPrefix); n != 1 {
		t.Fatalf("refreshed at 899 s of 1000: %d exchanges, want still 1", n)
	}
	e.clientClock.Advance(2 * time.Second)
	e.sbClock.Advance(2 * time.Second)
	todos(t, e.client, ctx)
	if n := e.log.count("POST", tokenPathPrefix); n != 2 {
		t.Fatalf("at 901 s of 1000: %d exchanges, want 2 (refreshed ahead of expiry)", n)
	}
	if n := e.sb.Count("http:rejected_token"); n != 0 {
		t.Fatalf("the sandbox rejected %d tokens: the refresh came too late", n)
	}
	if s := e.seenTokens(); len(s) != 2 || s[0] == s[1] {
		t.Fatalf("want two distinct tokens, got %d", len(s))
	}
}

func TestHTTPTokenPerEnvironmentAndCredential(t *testing.T) {
	a := sandbox.Account{SecretID: "AKIDaccountA", SecretKey: "key-of-account-a-000000", EnvID: "env-a-111"}
	b := sandbox.Account{SecretID: "AKIDaccountB", SecretKey: "key-of-account-b-000000", EnvID: "env-b-222"}
	e := newHTTPEnv(t, httpOpts{accounts: []sandbox.Account{a, b}})
	asB := cloud.WithOverrides(context.Background(), cloud.Overrides{tcb.HeaderSecretID: b.SecretID, tcb.HeaderSecretKey: b.SecretKey, tcb.HeaderEnvID: b.EnvID})
	for range 2 {
		todos(t, e.client, context.Background())
		todos(t, e.client, asB)
	}
	if n := e.log.count("POST", tokenPathPrefix); n != 2 {
		t.Fatalf("%d token exchanges, want one per environment+credential", n)
	}
	for _, r := range e.log.all() {
		if strings.HasPrefix(r.Path, "/weda/") && !strings.HasPrefix(r.Host, "env-a-111.") && !strings.HasPrefix(r.Host, "env-b-222.") {
			t.Fatalf("request on host %q", r.Host)
		}
	}
	// Account A's credential cannot reach account B's environment.
	wrong := cloud.WithOverrides(context.Background(), cloud.Overrides{tcb.HeaderEnvID: b.EnvID})
	_, err := e.client.QueryRecords(wrong, tcb.RecordQuery{Datasource: "todo"})
	var herr *tcb.HTTPError
	if !errors.As(err, &herr) || herr.Code != "INVALID_ENV" || herr.RequestID == "" {
		t.Fatalf("got %v, want INVALID_ENV with a request id", err)
	}
}

func TestHTTPConcurrentCallersShareOneTokenExchange(t *testing.T) {
	slowToken := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, tokenPathPrefix) {
				time.Sleep(50 * time.Millisecond) // let the callers pile up behind one exchange
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newHTTPEnv(t, httpOpts{wrap: slowToken})
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.client.QueryRecords(context.Background(), tcb.RecordQuery{Datasource: "sys_user"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := e.log.count("POST", tokenPathPrefix); n != 1 {
		t.Fatalf("%d token exchanges for 32 concurrent callers, want 1", n)
	}
	if n := e.sb.Count("odata:GET"); n != 32 {
		t.Fatalf("%d queries reached the sandbox, want 32", n)
	}
}

func TestHTTPCallerLeavingDoesNotFailTheSharedExchange(t *testing.T) {
	release := make(chan struct{})
	gate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, tokenPathPrefix) {
				<-release
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newHTTPEnv(t, httpOpts{wrap: gate})
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo"})
		first <- err
	}()
	second := make(chan error, 1)
	go func() {
		_, err := e.client.QueryRecords(context.Background(), tcb.RecordQuery{Datasource: "todo"})
		second <- err
	}()
	waitFor(t, func() bool { return e.log.count("POST", tokenPathPrefix) == 1 })
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller: %v, want context.Canceled", err)
	}
	close(release)
	if err := <-second; err != nil {
		t.Fatalf("the other caller failed with the first one: %v", err)
	}
	if n := e.log.count("POST", tokenPathPrefix); n != 1 {
		t.Fatalf("%d token exchanges, want 1", n)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestHTTPInvalidAccessTokenRefreshesAndResendsOnce(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{lifetime: time.Hour})
	ctx := context.Background()
	todos(t, e.client, ctx)
	// The server considers the token expired while the client's clock does not.
	e.sbClock.Advance(2 * time.Hour)
	created, err := e.client.Do(ctx, tcb.HTTPRequest{Method: "POST", Path: "/weda/odata/v1/prod/todo", Body: json.RawMessage(`{"title":"after refresh"}`)})
	if err != nil {
		t.Fatalf("call after server-side expiry: %v", err)
	}
	if created.Status != http.StatusCreated {
		t.Fatalf("status %d, want 201", created.Status)
	}
	if e.sb.Count("http:rejected_token") != 1 || e.log.count("POST", tokenPathPrefix) != 2 || e.sb.Count("odata:POST") != 1 {
		t.Fatalf("rejected %d, exchanges %d, creates %d; want 1 rejection, 1 refresh, 1 create",
			e.sb.Count("http:rejected_token"), e.log.count("POST", tokenPathPrefix), e.sb.Count("odata:POST"))
	}
}

func TestHTTPInvalidAccessTokenTwiceIsReported(t *testing.T) {
	alwaysInvalid := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/weda/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"code":"INVALID_ACCESS_TOKEN","requestId":"79e7c0fc8286e","message":"access token verify failed: jwt expired"}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newHTTPEnv(t, httpOpts{wrap: alwaysInvalid})
	_, err := e.client.Do(context.Background(), tcb.HTTPRequest{Method: "PUT", Path: "/weda/odata/v1/prod/todo('x')", Body: json.RawMessage(`{"title":"t"}`)})
	var herr *tcb.HTTPError
	if !errors.As(err, &herr) || herr.Code != "INVALID_ACCESS_TOKEN" || herr.RequestID != "79e7c0fc8286e" || herr.Status != 401 {
		t.Fatalf("got %v, want INVALID_ACCESS_TOKEN with the answer's request id", err)
	}
	if a, x := e.log.count("PUT", "/weda/"), e.log.count("POST", tokenPathPrefix); a != 2 || x != 2 {
		t.Fatalf("%d sends and %d token exchanges, want exactly one refresh and one resend (2 and 2)", a, x)
	}
	if !strings.Contains(herr.Hint(), "SecretId/SecretKey") {
		t.Fatalf("hint %q", herr.Hint())
	}
}

func TestHTTPErrorFormats(t *testing.T) {
	answers := map[string]struct {
		status int
		body   string
	}{
		"/v1/business-200": {200, `{"Response":{"RequestId":"req-b","Error":{"Code":"InvalidParameter","Message":"Parameter error"}}}`},
		"/v1/common-403":   {403, `{"code":"PERMISSION_DENIED","requestId":"req-c","message":"no access"}`},
		"/v1/oauth-400":    {400, `{"error":"invalid_request","error_description":"bad thing"}`},
		"/v1/html-502":     {502, "<html><body>bad gateway</body></html>"},
		"/v1/redirect":     {302, ""},
		"/v1/ok-common":    {200, `{"code":"SYS_ERR","requestId":"req-s","message":"boom"}`},
		"/v1/ok-record":    {200, `{"code":"A1","message":"a record with code and message fields"}`},
	}
	canned := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a, ok := answers[r.URL.Path]
			if !ok {
				next.ServeHTTP(w, r)
				return
			}
			if a.status == 302 {
				w.Header().Set("Location", "https://elsewhere.example/")
			}
			w.WriteHeader(a.status)
			_, _ = io.WriteString(w, a.body)
		})
	}
	e := newHTTPEnv(t, httpOpts{wrap: canned})
	ctx := context.Background()
	for _, c := range []struct {
		path, code, reqID, msg string
		status                 int
	}{
		{"/v1/business-200", "InvalidParameter", "req-b", "Parameter error", 200},
		{"/v1/common-403", "PERMISSION_DENIED", "req-c", "no access", 403},
		{"/v1/oauth-400", "invalid_request", "", "bad thing", 400},
		{"/v1/html-502", "", "", "Bad Gateway (a non-JSON text/html page of 37 bytes, not shown)", 502},
		{"/v1/redirect", "", "", "redirect, which is not followed", 302},
		{"/v1/ok-common", "SYS_ERR", "req-s", "boom", 200},
	} {
		_, err := e.client.Do(ctx, tcb.HTTPRequest{Method: "GET", Path: c.path})
		var herr *tcb.HTTPError
		if !errors.As(err, &herr) || herr.Code != c.code || herr.RequestID != c.reqID || !strings.Contains(herr.Message, c.msg) || herr.Status != c.status {
			t.Errorf("%s: got %#v, want code %q, request id %q, message %q, status %d", c.path, err, c.code, c.reqID, c.msg, c.status)
		}
	}
	if _, err := e.client.Do(ctx, tcb.HTTPRequest{Method: "GET", Path: "/v1/ok-record"}); err != nil {
		t.Errorf("a record with code/message fields is data, not an error: %v", err)
	}
	// The sandbox's own answers, one per format.
	_, err := e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "no_such_model"})
	var herr *tcb.HTTPError
	if !errors.As(err, &herr) || herr.Code != "ResourceNotFound" || herr.RequestID == "" || herr.Status != 404 {
		t.Fatalf("unknown model: %v, want ResourceNotFound (business format) with a request id", err)
	}
	if !strings.Contains(herr.Error(), "GET /weda/odata/v1/prod/no_such_model") || herr.Hint() == "" {
		t.Fatalf("error %q / hint %q: want the method, path and a hint", herr.Error(), herr.Hint())
	}
	_, err = e.client.QueryRecords(cloud.WithOverrides(ctx, cloud.Overrides{tcb.HeaderEnvID: "nope-env"}), tcb.RecordQuery{Datasource: "todo"})
	if !errors.As(err, &herr) || herr.Code != "INVALID_ENV" || herr.RequestID == "" || !strings.Contains(herr.Hint(), "TENCENTCLOUD_TCB_ENVID") {
		t.Fatalf("unknown env: %v, want INVALID_ENV (common format) with a request id and a hint", err)
	}
}

func TestHTTPRegionAndCredentialErrors(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{mod: func(c *tcb.HTTPConfig) { c.Region = "ap-guangzhou" }})
	_, err := e.client.QueryRecords(context.Background(), tcb.RecordQuery{Datasource: "todo"})
	var herr *tcb.HTTPError
	if !errors.As(err, &herr) || herr.Code != "INVALID_REGION" || !strings.Contains(herr.Hint(), "TENCENTCLOUD_REGION") {
		t.Fatalf("got %v, want INVALID_REGION naming the variable", err)
	}
	e = newHTTPEnv(t, httpOpts{mod: func(c *tcb.HTTPConfig) { c.Credential.SecretKey = "wrong-secret-key-123456" }})
	_, err = e.client.QueryRecords(context.Background(), tcb.RecordQuery{Datasource: "todo"})
	if !errors.As(err, &herr) || herr.Code != "SIGN_PARAM_INVALID" || herr.Path != tcb.TokenPath || !strings.Contains(herr.Hint(), "TENCENTCLOUD_SECRETKEY") {
		t.Fatalf("got %v, want SIGN_PARAM_INVALID from the token endpoint", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-key-123456") {
		t.Fatal("the error quotes the secret key")
	}
	if e.sb.Count("odata:GET") != 0 {
		t.Fatal("a query was sent without a token")
	}
}

func TestHTTPRateLimitRetriesReadsOnly(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{})
	ctx := context.Background()
	e.sb.SetFaults(sandbox.Faults{RateLimit: 2, Match: sandbox.MatchPath("GET", "/weda/")})
	if _, err := e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo"}); err != nil {
		t.Fatalf("rate-limited read was not retried to success: %v", err)
	}
	if e.retries.Load() != 2 || e.sb.Count("odata:GET") != 1 {
		t.Fatalf("%d retries, %d queries handled; want 2 and 1", e.retries.Load(), e.sb.Count("odata:GET"))
	}
	e.retries.Store(0)
	e.sb.SetFaults(sandbox.Faults{RateLimit: 1, Match: sandbox.MatchPath("POST", "/weda/")})
	_, err := e.client.Do(ctx, tcb.HTTPRequest{Method: "POST", Path: "/weda/odata/v1/prod/todo", Body: json.RawMessage(`{"title":"x"}`)})
	var herr *tcb.HTTPError
	if !errors.As(err, &herr) || herr.Code != "EXCEED_RATELIMIT" || !strings.Contains(herr.Hint(), "not resent") {
		t.Fatalf("rate-limited create: %v, want EXCEED_RATELIMIT saying it was not resent", err)
	}
	if e.retries.Load() != 0 || e.sb.Count("odata:POST") != 0 || e.log.count("POST", "/weda/") != 1 {
		t.Fatalf("a rate-limited create was resent: retries %d, sends %d", e.retries.Load(), e.log.count("POST", "/weda/"))
	}
	e.sb.SetFaults(sandbox.Faults{RateLimit: 100, Match: sandbox.MatchPath("GET", "/weda/")})
	_, err = e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo"})
	if !errors.As(err, &herr) || herr.Code != "EXCEED_RATELIMIT" || e.sb.Count("fault:rate_limit") != 2+1+4 {
		t.Fatalf("persistent rate limit: %v after %d answers, want EXCEED_RATELIMIT after 4 attempts", err, e.sb.Count("fault:rate_limit"))
	}
}

func TestHTTPLostAnswerOfAChangeIsOutcomeUnknown(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{})
	ctx := context.Background()
	todos(t, e.client, ctx) // obtain the token first
	e.sb.SetFaults(sandbox.Faults{ConnectionReset: 1, AfterApply: true, Match: sandbox.MatchPath("POST", "/weda/")})
	_, err := e.client.Do(ctx, tcb.HTTPRequest{Method: "POST", Path: "/weda/odata/v1/prod/todo", Body: json.RawMessage(`{"title":"once"}`)})
	var unknown *tcb.OutcomeUnknownError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "POST /weda/odata/v1/prod/todo") {
		t.Fatalf("got %v, want OutcomeUnknownError naming the request", err)
	}
	if n := e.sb.Count("odata:POST"); n != 1 {
		t.Fatalf("the create reached the sandbox %d times, want exactly 1 (no blind resend)", n)
	}
	// A read whose connection is reset before it ran is safe to report as a plain failure.
	e.sb.SetFaults(sandbox.Faults{ConnectionReset: 1, Match: sandbox.MatchPath("GET", "/weda/")})
	_, err = e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo"})
	if err == nil || errors.As(err, &unknown) {
		t.Fatalf("reset read: %v, want a transport error", err)
	}
}

func TestHTTPDryRunSendsNothing(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{})
	ctx := cloud.WithDryRun(context.Background())
	body := json.RawMessage(`{"title":"dry"}`)
	_, err := e.client.Do(ctx, tcb.HTTPRequest{Method: "POST", Path: "/weda/odata/v1/prod/todo", Query: map[string]string{"x": "a b"}, Body: body})
	var dry *cloud.DryRunError
	if !errors.As(err, &dry) || dry.Service != "tcb-http" {
		t.Fatalf("got %v, want a tcb-http DryRunError", err)
	}
	req, ok := dry.Request.(tcb.DryRunHTTPRequest)
	want := "https://" + sandbox.DefaultEnvID + ".ap-shanghai.tcb-api.tencentcloudapi.com/weda/odata/v1/prod/todo?x=a%20b"
	if !ok || req.Method != "POST" || req.URL != want || string(req.Body) != string(body) {
		t.Fatalf("dry-run request %+v, want POST %s with the body", dry.Request, want)
	}
	raw, _ := json.Marshal(dry.Request)
	if strings.Contains(string(raw), sandbox.DefaultSecretKey) || strings.Contains(string(raw), "Basic") || strings.Contains(string(raw), "Bearer") {
		t.Fatalf("dry-run request holds credentials: %s", raw)
	}
	if n := len(e.log.all()); n != 0 {
		t.Fatalf("%d requests sent under dry run (not even a token exchange may happen)", n)
	}
	// Reads still run under dry run.
	if _, err := e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo"}); err != nil {
		t.Fatalf("read under dry run: %v", err)
	}
}

func TestHTTPPathsThatLeaveTheEnvironmentAreRefused(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{})
	for _, p := range []string{
		"", "weda/odata/v1/prod/todo", "https://evil.example/x", "//evil.example/x", "/a/../auth/v1/token/clientCredential",
		"/weda/odata/v1/prod/..", "/./x", "/a/%2e%2e/b", "/a/%2E%2E/b", "/a%2fb", "/a%5cb", "/a/%252e%252e/", "/x?$top=1", "/x#frag",
		`/a\b`, "/a b", "/a\tb", "/é", "/auth/v1/token/clientCredential", "/AUTH/V1/TOKEN/clientCredential", "/auth/v2/token",
		"/x/http://evil.example", "/" + strings.Repeat("a", tcb.MaxPathLen), "/bad%zz",
	} {
		_, err := e.client.Do(context.Background(), tcb.HTTPRequest{Method: "GET", Path: p})
		var rerr *tcb.RequestError
		if !errors.As(err, &rerr) || rerr.Field != "path" {
			t.Errorf("path %q: got %v, want a RequestError on path", p, err)
		}
	}
	for _, p := range []string{"/weda/odata/v1/prod/todo('it''s')", "/v1/functions/hello:invoke", "/weda/odata/v1/pre/sys_user", "/a/b.c/~d@e"} {
		if err := tcb.CheckPath(p); err != nil {
			t.Errorf("path %q refused: %v", p, err)
		}
	}
	other := map[string]string{"envId": "another-env"}
	if _, err := e.client.Do(context.Background(), tcb.HTTPRequest{Method: "GET", Path: "/v1/x", Query: other}); err == nil || !strings.Contains(err.Error(), "query.envId") {
		t.Errorf("query naming another env: %v", err)
	}
	_, err := e.client.Do(context.Background(), tcb.HTTPRequest{Method: "POST", Path: "/v1/x", Body: json.RawMessage(`{"EnvId":"another-env"}`)})
	if err == nil || !strings.Contains(err.Error(), "body.EnvId") {
		t.Errorf("body naming another env: %v", err)
	}
	if n := len(e.log.all()); n != 0 {
		t.Fatalf("%d requests were sent for refused paths", n)
	}
	if _, err := e.client.Do(context.Background(), tcb.HTTPRequest{Method: "TRACE", Path: "/x"}); err == nil {
		t.Fatal("TRACE accepted")
	}
}

func TestHTTPResponseSizeCap(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{mod: func(c *tcb.HTTPConfig) { c.MaxResponseBytes = 600 }})
	ctx := context.Background()
	resp, err := e.client.Do(ctx, tcb.HTTPRequest{Method: "GET", Path: "/weda/odata/v1/prod/todo"})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Truncated || len(resp.Body) != 600 {
		t.Fatalf("truncated %v with %d bytes, want a body cut at 600", resp.Truncated, len(resp.Body))
	}
	_, err = e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo"})
	if err == nil || !strings.Contains(err.Error(), "larger than 600 bytes") {
		t.Fatalf("oversized query: %v, want advice to ask for less", err)
	}
}

func TestHTTPTokenNeverInErrors(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{lifetime: time.Hour})
	ctx := context.Background()
	todos(t, e.client, ctx)
	var msgs []string
	add := func(_ any, err error) {
		if err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	add(e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "missing"}))
	add(e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo", Filter: "nope eq 1"}))
	add(e.client.Do(ctx, tcb.HTTPRequest{Method: "PUT", Path: "/weda/odata/v1/prod/todo('missing')", Body: json.RawMessage(`{"title":"t"}`)}))
	e.sbClock.Advance(3 * time.Hour) // expired server-side: rejected, refreshed, resent
	add(e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo", Select: "nope"}))
	e.sb.SetFaults(sandbox.Faults{MalformedJSON: 1, Match: sandbox.MatchPath("", tokenPathPrefix)})
	add(e.client.QueryRecords(cloud.WithOverrides(ctx, cloud.Overrides{tcb.HeaderSecretID: sandbox.DefaultSecretID, tcb.HeaderSecretKey: sandbox.DefaultSecretKey + "x"}), tcb.RecordQuery{Datasource: "todo"}))
	if len(msgs) != 5 {
		t.Fatalf("want 5 errors, got %d: %q", len(msgs), msgs)
	}
	tokens := append(e.seenTokens(), e.sb.IssuedAccessTokens(sandbox.DefaultEnvID)...)
	if len(tokens) < 2 {
		t.Fatalf("only %d tokens were issued; the test needs the refresh to have happened", len(tokens))
	}
	for _, m := range msgs {
		for _, tok := range tokens {
			if strings.Contains(m, tok) || strings.Contains(m, tok[len(tok)-20:]) {
				t.Fatalf("error %q holds an access token", m)
			}
		}
	}
}

func TestHTTPMissingSettings(t *testing.T) {
	e := newHTTPEnv(t, httpOpts{mod: func(c *tcb.HTTPConfig) { c.Credential = tcb.Credential{} }})
	if _, err := e.client.QueryRecords(context.Background(), tcb.RecordQuery{Datasource: "todo"}); !errors.Is(err, tcb.ErrNoCredentials) {
		t.Fatalf("got %v, want ErrNoCredentials", err)
	}
	e = newHTTPEnv(t, httpOpts{mod: func(c *tcb.HTTPConfig) { c.EnvID = "" }})
	if _, err := e.client.QueryRecords(context.Background(), tcb.RecordQuery{Datasource: "todo"}); !errors.Is(err, tcb.ErrNoEnv) {
		t.Fatalf("got %v, want ErrNoEnv", err)
	}
	// A session env id can never rewrite the host.
	ctx := cloud.WithOverrides(context.Background(), cloud.Overrides{tcb.HeaderEnvID: "evil.example/x#"})
	if _, err := e.client.QueryRecords(ctx, tcb.RecordQuery{Datasource: "todo"}); err == nil || !strings.Contains(err.Error(), "host name") {
		t.Fatalf("got %v, want the env id refused", err)
	}
	if n := len(e.log.all()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestHTTPEndpointForms(t *testing.T) {
	for _, bad := range []string{"ftp://x", "http://", "http://x?y=1", "http://u:p@x", "http://x/#f"} {
		if _, err := tcb.NewHTTP(tcb.HTTPConfig{Endpoint: bad}); err == nil {
			t.Errorf("endpoint %q accepted", bad)
		}
	}
	c, err := tcb.NewHTTP(tcb.HTTPConfig{EnvID: "e-1", Region: "ap-guangzhou", Endpoint: "https://{env}.{region}.tcb-api.example.com/prefix/"})
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := c.BaseURL(context.Background()); u != "https://e-1.ap-guangzhou.tcb-api.example.com/prefix" {
		t.Fatalf("base URL %q", u)
	}
	c, _ = tcb.NewHTTP(tcb.HTTPConfig{EnvID: "e-1", Endpoint: "127.0.0.1:9000"})
	if u, _ := c.BaseURL(context.Background()); u != "https://127.0.0.1:9000" {
		t.Fatalf("fixed base URL %q", u)
	}
}

// BenchmarkHTTPQueryRecordsCachedToken measures a query once the token is
// cached: one HTTPS round trip to the sandbox per call, no token exchange.
func BenchmarkHTTPQueryRecordsCachedToken(b *testing.B) {
	e := newHTTPEnv(b, httpOpts{})
	ctx := context.Background()
	q := tcb.RecordQuery{Datasource: "todo", Filter: "done eq false", OrderBy: "priority", Top: 20}
	for b.Loop() {
		if _, err := e.client.QueryRecords(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	if n := e.log.count("POST", tokenPathPrefix); n != 1 {
		b.Fatalf("%d token exchanges, want 1", n)
	}
}
