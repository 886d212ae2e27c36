// Package telnyx is the Telnyx v2 REST client for the account access API
// (access IPs, addresses, SSO providers, billing groups, integration secrets,
// telephony tokens). It retries like the official SDK where a retry cannot
// apply a change twice, never re-sends a POST or PATCH that may have arrived,
// and maps the API's {"errors":[...]} envelope to *APIError.
package telnyx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// DefaultEndpoint is the public API host; the client adds the /v2 prefix.
const DefaultEndpoint = "https://api.telnyx.com"

// maxResponseBytes bounds what is read of one answer.
const maxResponseBytes = 8 << 20

// Config configures a Client.
type Config struct {
	// APIKey is the bearer key; a session's HeaderAPIKey wins over it.
	APIKey string
	// Endpoint is the API base URL (with or without /v2); empty means DefaultEndpoint.
	Endpoint string
	// Timeout bounds one call including retries and their waits; zero means 30 s.
	Timeout time.Duration
	Retry   RetryPolicy
	// Transport replaces the HTTP transport (tests, fault injection).
	Transport http.RoundTripper
	// OnRetry is told about each retry, e.g. to log it. It never sees bodies.
	OnRetry func(ctx context.Context, op string, attempt int, wait time.Duration, err error)
}

// RetryPolicy bounds retries. A Retry-After longer than MaxRetryAfter ends
// the call with the 429 (and the wait in its hint).
type RetryPolicy = cloud.RetryPolicy

// DefaultRetry fills a policy's zero fields: the SDK's 3 attempts, 0.5 s
// doubling to 8 s, and Retry-After honoured up to 30 s.
var DefaultRetry = RetryPolicy{MaxAttempts: 3, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second,
	MaxRetryAfter: 30 * time.Second}

// Client calls the Telnyx v2 API. It is safe for concurrent use.
type Client struct {
	cfg  Config
	base string // e.g. https://api.telnyx.com/v2
	http *http.Client
}

// New validates cfg and returns a client. A missing key is not an error here:
// calls fail with ErrNoAPIKey so the server can still start (and HTTP
// sessions can bring their own key).
func New(cfg Config) (*Client, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	cfg.Retry = cfg.Retry.WithDefaults(DefaultRetry)
	endpoint := strings.TrimRight(cfg.Endpoint, "/")
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.RawQuery != "" {
		return nil, fmt.Errorf("telnyx endpoint %q: want http(s)://host[:port][/path]", cfg.Endpoint)
	}
	if !strings.HasSuffix(endpoint, "/v2") {
		endpoint += "/v2"
	}
	tr := cfg.Transport
	if tr == nil {
		tr = cloud.PooledTransport()
	}
	hc := &http.Client{Transport: tr,
		// A redirect would re-send a body to a place nobody chose.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Client{cfg: cfg, base: endpoint, http: hc}, nil
}

// Endpoint is the API base URL in use, /v2 included.
func (c *Client) Endpoint() string { return c.base }

// apiKey is the key calls under ctx use: the session's, else the configured one.
func (c *Client) apiKey(ctx context.Context) string {
	if k := cloud.OverridesFrom(ctx).Get(HeaderAPIKey); k != "" {
		return k
	}
	return c.cfg.APIKey
}

// HasAPIKey reports whether calls under ctx have a key to send.
func (c *Client) HasAPIKey(ctx context.Context) bool { return c.apiKey(ctx) != "" }

// request is one operation as it goes on the wire.
type request struct {
	method, path string
	query        url.Values
	body         any    // nil: no body
	accept       string // empty: application/json
	// mutating requests change something: under dry run they are not sent.
	mutating bool
	// writeOnly body fields are masked in a dry-run preview.
	writeOnly []string
}

// safe reports whether the request may be sent again after it may have
// arrived: GET and DELETE are idempotent; a POST or PATCH is not.
func (r *request) safe() bool {
	return r.method == http.MethodGet || r.method == http.MethodDelete || !r.mutating
}

func (r *request) op() string { return r.method + " " + r.path }

// DryRunRequest is what a mutating call would have sent (never the key).
type DryRunRequest struct {
	Method string         `json:"method"`
	URL    string         `json:"url"`
	Body   map[string]any `json:"body,omitempty"`
}

// response is a successful answer.
type response struct {
	body        []byte
	contentType string
}

// do sends r and returns the 2xx answer, retrying where that is safe.
func (c *Client) do(ctx context.Context, r *request) (*response, error) {
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("encode %s request: %w", r.op(), err)
		}
	}
	if r.mutating && cloud.IsDryRun(ctx) {
		return nil, &cloud.DryRunError{Service: "telnyx", Request: preview(r, u, payload)}
	}
	key := c.apiKey(ctx)
	if key == "" {
		return nil, ErrNoAPIKey
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	mayHaveApplied := false // an earlier attempt may have reached the API
	for attempt := 1; ; attempt++ {
		resp, sent, err := c.send(ctx, r, u, key, payload)
		retry := false
		var wait time.Duration
		switch {
		case err == nil:
			return resp, nil
		case ctx.Err() != nil:
			if (sent || mayHaveApplied) && !r.safe() {
				return nil, &OutcomeUnknownError{Method: r.method, Path: r.path, Err: ctx.Err()}
			}
			return nil, fmt.Errorf("Telnyx %s failed: %w", r.op(), ctx.Err())
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			apiErr.Retried = attempt - 1
			if apiErr.Status == http.StatusNotFound && mayHaveApplied && r.method == http.MethodDelete {
				return nil, &OutcomeUnknownError{Method: r.method, Path: r.path, Err: errors.New(
					"an earlier attempt may have arrived and the retry found no such record: most likely that attempt deleted it")}
			}
			switch {
			case apiErr.Status == http.StatusTooManyRequests:
				// Rejected before it ran: safe to repeat for any method.
				retry, wait = true, apiErr.RetryAfter
				if wait > c.cfg.Retry.MaxRetryAfter {
					return nil, apiErr
				}
			case apiErr.Status == http.StatusRequestTimeout || apiErr.Status == http.StatusConflict || apiErr.Status >= 500:
				if r.safe() {
					retry = true
				} else if apiErr.Status >= 500 {
					return nil, &OutcomeUnknownError{Method: r.method, Path: r.path, Err: apiErr}
				}
			}
			if apiErr.noRetry { // the API said x-should-retry: false
				retry = false
			}
			mayHaveApplied = mayHaveApplied || apiErr.Status >= 500
		} else {
			// No usable answer. Re-sending is safe if the request never left,
			// or if sending it twice cannot change anything twice.
			if sent && !r.safe() {
				return nil, &OutcomeUnknownError{Method: r.method, Path: r.path, Err: err}
			}
			retry = true
			mayHaveApplied = mayHaveApplied || sent
			if un := cloud.Unreachable(cloud.HostOf(u), err); un != nil && !sent {
				// Could not connect: say what to check; a name that does not
				// resolve is not retried.
				err, retry = un, un.Retryable()
			}
			err = &TransportError{Method: r.method, Path: r.path, Err: err}
		}
		if !retry || attempt >= c.cfg.Retry.MaxAttempts {
			return nil, err
		}
		if wait <= 0 {
			wait = c.cfg.Retry.Backoff(attempt)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return nil, err // no time left to wait: report the answer we have
		}
		if c.cfg.OnRetry != nil {
			c.cfg.OnRetry(ctx, r.op(), attempt, wait, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("Telnyx %s failed: %w while waiting to retry after: %w", r.op(), ctx.Err(), err)
		case <-t.C:
		}
	}
}

// send performs one attempt. sent reports whether the whole request was
// written to the connection, i.e. whether the API may have acted on it.
// A non-2xx answer is an *APIError (sent is then true).
func (c *Client) send(ctx context.Context, r *request, u, key string, payload []byte) (*response, bool, error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			wrote.Store(true)
		}
	}}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), r.method, u, body)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	accept := r.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "cloudops-mcp")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, wrote.Load(), err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, true, fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, true, parseAPIError(r, resp, raw)
	}
	return &response{body: raw, contentType: resp.Header.Get("Content-Type")}, true, nil
}

// parseAPIError reads the {"errors":[...]} envelope; any other body (an HTML
// error page, a bare message) becomes a single item so nothing is lost.
func parseAPIError(r *request, resp *http.Response, raw []byte) *APIError {
	e := &APIError{Method: r.method, Path: r.path, Status: resp.StatusCode,
		RequestID:  firstHeader(resp.Header, "X-Request-Id", "X-Telnyx-Request-Id"),
		RetryAfter: retryAfter(resp.Header, time.Now()),
		noRetry:    strings.EqualFold(resp.Header.Get("X-Should-Retry"), "false")}
	var env struct {
		Errors  []errorItemWire `json:"errors"`
		Message string          `json:"message"`
	}
	if isJSON(resp.Header.Get("Content-Type")) && json.Unmarshal(raw, &env) == nil && (len(env.Errors) > 0 || env.Message != "") {
		for _, it := range env.Errors {
			e.Errors = append(e.Errors, it.item())
		}
		if len(e.Errors) == 0 {
			e.Errors = []ErrorItem{{Title: env.Message}}
		}
		return e
	}
	if text := strings.TrimSpace(string(raw)); text != "" && !strings.HasPrefix(text, "<") && len(text) <= 300 {
		e.Errors = []ErrorItem{{Title: text}}
	}
	return e
}

// errorItemWire accepts the docs' "detail" and the SDK's "description".
type errorItemWire struct {
	Code        json.RawMessage `json:"code"`
	Title       string          `json:"title"`
	Detail      string          `json:"detail"`
	Description string          `json:"description"`
	Source      ErrorSource     `json:"source"`
	Meta        ErrorMeta       `json:"meta"`
}

func (w errorItemWire) item() ErrorItem {
	code := strings.Trim(string(w.Code), `"`) // documented as a string, sometimes sent as a number
	if code == "null" {
		code = ""
	}
	detail := w.Detail
	if detail == "" {
		detail = w.Description
	}
	return ErrorItem{Code: code, Title: w.Title, Detail: detail, Source: w.Source, Meta: w.Meta}
}

// retryAfter reads retry-after-ms (the SDK's first choice), then Retry-After
// as seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// preview is the dry-run view of a request, write-only secrets masked.
func preview(r *request, u string, payload []byte) DryRunRequest {
	p := DryRunRequest{Method: r.method, URL: u}
	if payload != nil {
		_ = json.Unmarshal(payload, &p.Body)
		for _, k := range r.writeOnly {
			if s, ok := p.Body[k].(string); ok {
				p.Body[k] = redact.Mask(s)
			}
		}
	}
	return p
}

// decodeRecord decodes a single-record answer. Most operations wrap the record
// in {"data": ...}; access IP operations return it bare. Both are accepted.
func decodeRecord(r *request, resp *response, out any) error {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	raw := resp.body
	if err := json.Unmarshal(raw, &env); err == nil && len(env.Data) > 0 && env.Data[0] == '{' {
		raw = env.Data
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return undecodable(r, fmt.Errorf("the answer is not valid JSON for this operation (%v)", err))
	}
	return nil
}

// undecodable reports an answer that could not be read: for a change that
// arrived, the outcome is unknown, not failed.
func undecodable(r *request, err error) error {
	if r.mutating {
		return &OutcomeUnknownError{Method: r.method, Path: r.path, Err: err}
	}
	return &TransportError{Method: r.method, Path: r.path, Err: err}
}

// record performs r and decodes a single record into out.
func (c *Client) record(ctx context.Context, r *request, out any) error {
	resp, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	return decodeRecord(r, resp, out)
}

// pathID escapes an id for use as one path segment.
func pathID(id string) string { return url.PathEscape(id) }
