package tcb

// The CloudBase HTTP API (documented at docs.cloudbase.net, HTTP API). Server-side callers
// exchange SecretId/SecretKey for an access token at the environment's own
// host, then call its APIs with "Authorization: Bearer <token>". The token is
// managed here and never leaves this file: no result, error or log holds it,
// and every token obtained is passed to OnToken first, so the redactor can
// scrub it even from a response that echoes it.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
)

const (
	// DefaultHTTPEndpoint is the HTTP API base URL; {env} and {region} are filled in per call.
	DefaultHTTPEndpoint = "https://{env}.{region}.tcb-api.tencentcloudapi.com"
	// DefaultMaxResponseBytes bounds the response body read into memory.
	DefaultMaxResponseBytes = 4 << 20
	// TokenPath is where SecretId/SecretKey are exchanged for an access token.
	TokenPath = "/auth/v1/token/clientCredential" //nolint:gosec // G101: a URL path, not a credential
	// tokenMaxLeeway: a token is refreshed this long (or a tenth of its lifetime, if shorter) before it expires.
	tokenMaxLeeway = 5 * time.Minute
	// tokenDefaultLifetime applies when a token answer states no usable expires_in.
	tokenDefaultLifetime = time.Minute
	maxCachedTokens      = 256
)

// HTTPConfig configures an HTTPClient.
type HTTPConfig struct {
	Credential Credential
	// Credentials, when set, replaces Credential and is asked on every call.
	Credentials CredentialProvider
	EnvID       string
	Region      string
	// Endpoint is the base URL. {env} and {region} are replaced per call, so
	// "https://{env}.ap-guangzhou.tcb-api.tencentcloudapi.com" reaches another
	// site. A URL without {env} is used as is for every environment: the server
	// behind it decides the environment (the sandbox: the credential's own).
	// Empty means DefaultHTTPEndpoint.
	Endpoint string
	// Timeout bounds one call including the token exchange and retries; zero means 30 s.
	Timeout time.Duration
	Retry   RetryPolicy
	// Transport replaces the HTTP transport (tests, the sandbox dialer).
	Transport http.RoundTripper
	// MaxResponseBytes bounds a response body; longer ones are cut and flagged. Zero means DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// OnToken is told every access token obtained, before it is used (register it with the redactor).
	OnToken func(token string)
	// OnRetry is told about each retry, e.g. to log it.
	OnRetry func(ctx context.Context, what string, attempt int, wait time.Duration, err error)
	// Now replaces the clock of the token cache (tests).
	Now func() time.Time
}

// HTTPClient calls an environment's CloudBase HTTP API with a managed access
// token. It is safe for concurrent use.
type HTTPClient struct {
	cfg      HTTPConfig
	endpoint string // template, without a trailing slash
	hc       *http.Client

	flights singleflight.Group // one token exchange per cache key at a time
	mu      sync.Mutex
	tokens  map[string]cachedToken
}

type cachedToken struct {
	value     string
	refreshAt time.Time
}

// envLabel is what an env id must look like to become the first label of a host name.
var envLabel = lazyre.New(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// NewHTTP validates cfg and returns a client. Missing credentials are not an
// error here: calls fail with ErrNoCredentials so the server can still start.
func NewHTTP(cfg HTTPConfig) (*HTTPClient, error) {
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	cfg.Retry = cfg.Retry.WithDefaults(DefaultRetry)
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = DefaultHTTPEndpoint
	}
	if !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	endpoint = strings.TrimRight(endpoint, "/")
	u, err := url.Parse(strings.NewReplacer("{env}", "env", "{region}", "region").Replace(endpoint))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("tcb HTTP endpoint %q: want http(s)://host[:port][/prefix], optionally with {env} and {region}", cfg.Endpoint)
	}
	transport := cfg.Transport
	if transport == nil {
		transport = cloud.PooledTransport()
	}
	hc := &http.Client{
		Transport: transport,
		// A redirect could lead the bearer token elsewhere, and would change a POST's meaning.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &HTTPClient{cfg: cfg, endpoint: endpoint, hc: hc, tokens: map[string]cachedToken{}}, nil
}

// EnvID is the environment calls under ctx act on: the session's override, else the configured one.
func (c *HTTPClient) EnvID(ctx context.Context) string {
	if id := sessionEnvID(cloud.OverridesFrom(ctx)); id != "" {
		return id
	}
	return c.cfg.EnvID
}

// Credential is the key pair calls under ctx exchange for a token.
func (c *HTTPClient) Credential(ctx context.Context) (Credential, error) {
	return credentialFor(ctx, c.cfg.Credential, c.cfg.Credentials)
}

// BaseURL is the HTTP API base URL of the environment calls under ctx act on.
func (c *HTTPClient) BaseURL(ctx context.Context) (string, error) {
	env := c.EnvID(ctx)
	if env == "" {
		return "", ErrNoEnv
	}
	if !envLabel.MatchString(env) {
		return "", fmt.Errorf("environment id %q cannot be part of a host name: use letters, digits and '-'", env)
	}
	return strings.NewReplacer("{env}", env, "{region}", c.cfg.Region).Replace(c.endpoint), nil
}

// HTTPRequest is one HTTP API call.
type HTTPRequest struct {
	Method string
	// Path is relative to the environment's host; CheckPath rules apply.
	Path string
	// Query is sent in sorted key order, spaces as %20 (OData servers want that, not '+').
	Query map[string]string
	// Body is JSON for POST and PUT.
	Body json.RawMessage
}

// HTTPResponse is a successful (2xx) answer.
type HTTPResponse struct {
	Status      int
	ContentType string
	RequestID   string
	Body        []byte
	// Truncated: the body was longer than MaxResponseBytes and was cut.
	Truncated bool
}

// DryRunHTTPRequest is what a mutating call under dry run would have sent (no credentials).
type DryRunHTTPRequest struct {
	Method string          `json:"method"`
	URL    string          `json:"url"`
	Body   json.RawMessage `json:"body,omitempty"`
}

// Do sends req with a bearer token, obtaining or refreshing the token as
// needed. An INVALID_ACCESS_TOKEN answer (rejected before execution) leads to
// exactly one refresh and resend. GETs answered EXCEED_RATELIMIT are retried
// with backoff; other methods are never re-sent once they may have arrived:
// a lost answer is then an *OutcomeUnknownError. Errors the API answered are
// *HTTPError.
func (c *HTTPClient) Do(ctx context.Context, req HTTPRequest) (*HTTPResponse, error) {
	method := strings.ToUpper(req.Method)
	if !validMethod(method) {
		return nil, &RequestError{Field: "method", Problem: fmt.Sprintf("must be one of GET, POST, PUT, DELETE (got %q)", req.Method)}
	}
	path, err := NormalizePath(req.Path)
	if err != nil {
		return nil, err
	}
	req.Path = path // what was checked is what is sent
	env := c.EnvID(ctx)
	if err := checkEnvParams(env, req.Query, req.Body); err != nil {
		return nil, err
	}
	base, err := c.BaseURL(ctx)
	if err != nil {
		return nil, err
	}
	target := base + req.Path + encodeQuery(req.Query)
	if err := sameHost(base, target); err != nil {
		return nil, err
	}
	mutating := method != http.MethodGet
	if mutating && cloud.IsDryRun(ctx) {
		return nil, &cloud.DryRunError{Service: "tcb-http", Request: DryRunHTTPRequest{Method: method, URL: target, Body: req.Body}}
	}
	cred, err := c.Credential(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	key := tokenKey(env, cred)
	what := method + " " + req.Path
	refreshed := false
	for attempt := 1; ; attempt++ {
		token, err := c.token(ctx, key, base, cred)
		if err != nil {
			return nil, err
		}
		resp, sent, err := c.send(ctx, method, target, req.Body, "Bearer "+token)
		if err == nil {
			herr := responseError(method, req.Path, resp)
			switch {
			case herr == nil:
				return resp, nil
			case herr.Code == "INVALID_ACCESS_TOKEN" && !refreshed:
				// Revoked or expired early: rejected before execution, so resending is safe.
				refreshed = true
				c.forget(key, token)
				attempt--
				continue
			case herr.Code == "EXCEED_RATELIMIT" && !mutating:
				err = herr
			case mutating && herr.Status >= 500:
				// The server failed after receiving the change: it may or may not have applied it.
				return nil, &OutcomeUnknownError{Action: what, Err: herr}
			default:
				return nil, herr
			}
		} else {
			switch {
			case ctx.Err() != nil:
				if sent && mutating {
					return nil, &OutcomeUnknownError{Action: what, Err: ctx.Err()}
				}
				return nil, fmt.Errorf("%s: %w", what, ctx.Err())
			case sent && mutating:
				return nil, &OutcomeUnknownError{Action: what, Err: err}
			case sent:
				return nil, &TransportError{Action: what, Err: err}
			}
			if u := cloud.Unreachable(cloud.HostOf(target), err); u != nil {
				err = &TransportError{Action: what, Err: u}
				if !u.Retryable() {
					return nil, err
				}
			}
		}
		if attempt >= c.cfg.Retry.MaxAttempts {
			return nil, err
		}
		if werr := c.wait(ctx, what, attempt, err); werr != nil {
			return nil, werr
		}
	}
}

// wait sleeps before retry attempt+1; it returns the error to report if ctx ends first.
func (c *HTTPClient) wait(ctx context.Context, what string, attempt int, cause error) error {
	d := c.cfg.Retry.Backoff(attempt)
	if c.cfg.OnRetry != nil {
		c.cfg.OnRetry(ctx, what, attempt, d, cause)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		var herr *HTTPError
		if errors.As(cause, &herr) {
			return cause
		}
		return fmt.Errorf("%s: %w", what, ctx.Err())
	case <-t.C:
		return nil
	}
}

// tokenKey identifies a cached token: environment and credential, with the
// SecretKey hashed so the cache holds no extra copy of it.
func tokenKey(env string, cred Credential) string {
	sum := sha256.Sum256([]byte(cred.SecretKey))
	return env + "\x00" + cred.SecretID + "\x00" + hex.EncodeToString(sum[:16])
}

// token returns a valid cached token or obtains one; concurrent callers with
// the same key share a single exchange.
func (c *HTTPClient) token(ctx context.Context, key, base string, cred Credential) (string, error) {
	if t, ok := c.cached(key); ok {
		return t, nil
	}
	ch := c.flights.DoChan(key, func() (any, error) {
		// A flight that ended just before this one started may have filled the cache.
		if t, ok := c.cached(key); ok {
			return t, nil
		}
		// One caller leaving must not fail the others waiting on this exchange.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.Timeout)
		defer cancel()
		return c.exchange(fctx, key, base, cred)
	})
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("access token: %w", ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	}
}

func (c *HTTPClient) cached(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tokens[key]
	if !ok || !c.cfg.Now().Before(t.refreshAt) {
		return "", false
	}
	return t.value, true
}

// forget drops key's token if it is still the one that was rejected (another
// caller may already have replaced it).
func (c *HTTPClient) forget(key, token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.tokens[key]; ok && t.value == token {
		delete(c.tokens, key)
	}
}

// tokenAnswer is the token endpoint's success body.
type tokenAnswer struct {
	TokenType   string          `json:"token_type"`
	AccessToken string          `json:"access_token"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

// exchange trades the key pair for a token and caches it. Minting a token
// changes nothing, so every failure that may be transient is retried.
func (c *HTTPClient) exchange(ctx context.Context, key, base string, cred Credential) (string, error) {
	const what = "POST " + TokenPath
	body := json.RawMessage(`{"grant_type":"client_credentials"}`)
	for attempt := 1; ; attempt++ {
		resp, _, err := c.send(ctx, http.MethodPost, base+TokenPath, body, basicAuth(cred))
		if err == nil {
			if herr := responseError(http.MethodPost, TokenPath, resp); herr != nil {
				if herr.Code != "EXCEED_RATELIMIT" {
					return "", herr
				}
				err = herr
			} else {
				return c.store(key, resp)
			}
		} else if ctx.Err() != nil {
			return "", fmt.Errorf("access token: %w", ctx.Err())
		} else if u := cloud.Unreachable(cloud.HostOf(base), err); u != nil {
			err = &TransportError{Action: what, Err: u}
			if !u.Retryable() {
				return "", err
			}
		} else {
			err = &TransportError{Action: what, Err: err}
		}
		if attempt >= c.cfg.Retry.MaxAttempts {
			return "", err
		}
		if werr := c.wait(ctx, what, attempt, err); werr != nil {
			return "", werr
		}
	}
}

// store decodes a token answer, announces the token, then caches it.
func (c *HTTPClient) store(key string, resp *HTTPResponse) (string, error) {
	var ans tokenAnswer
	// The body holds the token: no error below may quote it.
	if resp.Truncated || json.Unmarshal(resp.Body, &ans) != nil {
		return "", &TransportError{Action: "POST " + TokenPath, Err: errors.New("the token answer was not valid JSON")}
	}
	if ans.AccessToken == "" {
		return "", &TransportError{Action: "POST " + TokenPath, Err: errors.New("the token answer has no access_token")}
	}
	if c.cfg.OnToken != nil {
		c.cfg.OnToken(ans.AccessToken)
	}
	if ans.TokenType != "" && !strings.EqualFold(ans.TokenType, "Bearer") {
		return "", &TransportError{Action: "POST " + TokenPath, Err: fmt.Errorf("unsupported token_type %q", ans.TokenType)}
	}
	lifetime := tokenDefaultLifetime
	var secs float64
	if json.Unmarshal(ans.ExpiresIn, &secs) == nil && secs > 0 {
		lifetime = time.Duration(secs * float64(time.Second))
	}
	leeway := min(tokenMaxLeeway, lifetime/10)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tokens) >= maxCachedTokens { // per-session credentials: bound the cache
		clear(c.tokens)
	}
	c.tokens[key] = cachedToken{value: ans.AccessToken, refreshAt: c.cfg.Now().Add(lifetime - leeway)}
	return ans.AccessToken, nil
}

// validMethod: the seed's "Supported HTTP request methods: POST, GET, PUT, DELETE".
func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}
