// Package tcb is the CloudBase (tcb 2018-06-08) management API client. It signs
// with tencentcloud-sdk-go's common client, retries only where a retry cannot
// apply a change twice, and maps failures to typed errors.
package tcb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
)

const (
	service = "tcb"
	version = "2018-06-08"
	// DefaultEndpoint is the public management API host.
	DefaultEndpoint = "https://tcb.tencentcloudapi.com"
	// DefaultRegion is the region the official tools default to.
	DefaultRegion = "ap-shanghai"
)

// Credential is a Tencent Cloud key pair, optionally temporary (SessionToken).
type Credential struct {
	SecretID     string
	SecretKey    string
	SessionToken string
}

// Complete reports whether the pair can sign a request.
func (c Credential) Complete() bool { return c.SecretID != "" && c.SecretKey != "" }

// CredentialProvider supplies the server's own key pair at call time, so
// temporary credentials (a CVM role's, a rewritten profile file) are
// refreshed before they expire instead of being read once at start.
type CredentialProvider func(ctx context.Context) (Credential, error)

// Config configures a Client.
type Config struct {
	Credential Credential
	// Credentials, when set, replaces Credential and is asked on every call.
	Credentials CredentialProvider
	EnvID       string
	Region      string
	// Endpoint is a URL ("http://127.0.0.1:9000") or a bare host; empty means DefaultEndpoint.
	Endpoint string
	// Timeout bounds one call including retries; zero means 30 s.
	Timeout time.Duration
	Retry   RetryPolicy
	// Transport replaces the HTTP transport (tests, fault injection).
	Transport http.RoundTripper
	// OnRetry is told about each retry, e.g. to log it or notify the MCP client.
	OnRetry func(ctx context.Context, action string, attempt int, wait time.Duration, err error)
}

// RetryPolicy bounds the retries of calls that were rejected before execution.
type RetryPolicy = cloud.RetryPolicy

// DefaultRetry fills the zero fields of both CloudBase clients' policies:
// 4 attempts, 200 ms doubling to 3 s.
var DefaultRetry = RetryPolicy{MaxAttempts: 4, BaseDelay: 200 * time.Millisecond, MaxDelay: 3 * time.Second}

// Client calls the tcb API. It is safe for concurrent use.
type Client struct {
	cfg    Config
	scheme string
	host   string

	mu      sync.Mutex
	signers map[Credential]*common.Client
}

// New validates cfg and returns a client. Missing credentials are not an
// error here: calls fail with ErrNoCredentials so the server can still start.
func New(cfg Config) (*Client, error) {
	if cfg.Transport == nil {
		cfg.Transport = cloud.PooledTransport()
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	cfg.Retry = cfg.Retry.WithDefaults(DefaultRetry)
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("tcb endpoint %q: want http(s)://host[:port]", cfg.Endpoint)
	}
	return &Client{cfg: cfg, scheme: u.Scheme, host: u.Host, signers: map[Credential]*common.Client{}}, nil
}

// EnvID is the environment calls under ctx act on: the session's override, else the configured one.
func (c *Client) EnvID(ctx context.Context) string {
	if id := sessionEnvID(cloud.OverridesFrom(ctx)); id != "" {
		return id
	}
	return c.cfg.EnvID
}

// Region is the configured region.
func (c *Client) Region() string { return c.cfg.Region }

// Endpoint is the management API base URL in use.
func (c *Client) Endpoint() string { return c.scheme + "://" + c.host }

// Credential is the key pair calls under ctx sign with.
func (c *Client) Credential(ctx context.Context) (Credential, error) {
	return credentialFor(ctx, c.cfg.Credential, c.cfg.Credentials)
}

// credentialFor picks the session's override, else the provider's current
// pair, else the static one; an incomplete pair is ErrNoCredentials.
func credentialFor(ctx context.Context, static Credential, p CredentialProvider) (Credential, error) {
	if o := sessionCredential(cloud.OverridesFrom(ctx)); o.SecretID != "" || o.SecretKey != "" {
		static, p = o, nil
	}
	if p != nil {
		cred, err := p(ctx)
		if err != nil {
			return Credential{}, err
		}
		static = cred
	}
	if !static.Complete() {
		return Credential{}, ErrNoCredentials
	}
	return static, nil
}

// Request is one management API call as it goes on the wire (after EnvId is filled in).
type Request struct {
	Action string         `json:"action"`
	Region string         `json:"region"`
	Body   map[string]any `json:"body"`
}

// BuildRequest turns params (a struct with wire field names, or a map) into the
// exact body Call would send, with EnvId filled in and empty fields omitted.
func (c *Client) BuildRequest(ctx context.Context, action string, params any) (Request, error) {
	body := map[string]any{}
	if params != nil {
		raw, err := json.Marshal(params)
		if err != nil {
			return Request{}, fmt.Errorf("encode %s request: %w", action, err)
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			return Request{}, fmt.Errorf("encode %s request: %w", action, err)
		}
	}
	env := c.EnvID(ctx)
	if env == "" {
		return Request{}, ErrNoEnv
	}
	body["EnvId"] = env
	return Request{Action: action, Region: c.cfg.Region, Body: body}, nil
}

// Call sends action with params and decodes the Response object into out
// (which may be nil). Mutating calls (mutating=true) are never re-sent once
// the request may have reached the server: a failure then is an
// *OutcomeUnknownError. Calls rejected before execution (RequestLimitExceeded,
// connection refused) are retried with capped exponential backoff and jitter.
func (c *Client) Call(ctx context.Context, action string, params any, out any, mutating bool) error {
	req, err := c.BuildRequest(ctx, action, params)
	if err != nil {
		return err
	}
	if mutating && cloud.IsDryRun(ctx) {
		return &cloud.DryRunError{Service: "tcb", Request: req}
	}
	cred, err := c.Credential(ctx)
	if err != nil {
		return err
	}
	signer, err := c.signer(cred)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()

	var lastErr error
	for attempt := 1; ; attempt++ {
		body, kept, sent, err := c.send(ctx, signer, req)
		if err == nil {
			if kept {
				return decodeKept(action, body, out)
			}
			return decodeResponse(action, body, out)
		}
		lastErr = err
		var apiErr *APIError
		switch {
		case errors.As(err, &apiErr):
			if apiErr.Code != "RequestLimitExceeded" {
				return err
			}
		case ctx.Err() != nil:
			if sent && mutating {
				return &OutcomeUnknownError{Action: action, Err: ctx.Err()}
			}
			return fmt.Errorf("%s: %w", action, ctx.Err())
		case sent:
			if mutating {
				return &OutcomeUnknownError{Action: action, Err: err}
			}
			return &TransportError{Action: action, Err: err}
		}
		if u := cloud.Unreachable(cloud.HostOf(c.Endpoint()), err); u != nil && apiErr == nil {
			// Never sent: a name that does not resolve is not retried, and
			// the message says what to check instead of the SDK's string.
			err = &TransportError{Action: action, Err: u}
			lastErr = err
			if !u.Retryable() {
				return err
			}
		}
		if attempt >= c.cfg.Retry.MaxAttempts {
			return lastErr
		}
		wait := c.cfg.Retry.Backoff(attempt)
		if c.cfg.OnRetry != nil {
			c.cfg.OnRetry(ctx, action, attempt, wait, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			if apiErr != nil {
				return lastErr
			}
			return fmt.Errorf("%s: %w", action, ctx.Err())
		case <-t.C:
		}
	}
}

// send performs one attempt. sent reports whether the whole request was
// written to the connection, i.e. whether the server may have acted on it;
// kept, that body is an answer already checked to be a success envelope.
func (c *Client) send(ctx context.Context, signer *common.Client, req Request) (body []byte, kept, sent bool, err error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			wrote.Store(true)
		}
	}}
	var answer answerSlot
	creq := tchttp.NewCommonRequest(service, version, req.Action)
	creq.SetContext(withAnswerSlot(httptrace.WithClientTrace(ctx, trace), &answer))
	if err := creq.SetActionParameters(req.Body); err != nil {
		return nil, false, false, err
	}
	resp := tchttp.NewCommonResponse()
	err = signer.Send(creq, resp)
	if err != nil {
		var sdkErr *tcerr.TencentCloudSDKError
		if errors.As(err, &sdkErr) && sdkErr.Unwrap() == nil && !strings.HasPrefix(sdkErr.Code, "ClientError") {
			return nil, false, true, &APIError{Action: req.Action, Code: sdkErr.Code, Message: sdkErr.Message, RequestID: sdkErr.RequestId}
		}
		if errors.As(err, &sdkErr) && sdkErr.Code == "ClientError.ParseJsonError" {
			return nil, false, true, &TransportError{Action: req.Action, Err: errors.New("the response was not valid JSON (cut short or garbled)")}
		}
		return nil, false, wrote.Load(), err
	}
	if answer.body != nil {
		return answer.body, true, true, nil
	}
	return resp.GetBody(), false, true, nil
}

// decodeKept decodes a success envelope's Response straight into out, in one
// pass: decoding the envelope first and then its Response scanned the answer
// twice more (a twentieth of a read call's CPU).
func decodeKept(action string, body []byte, out any) error {
	if out == nil {
		return nil
	}
	if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
		return decodeResponse(action, body, out) // and its error for what cannot be decoded into
	}
	env := struct {
		Response any `json:"Response"`
	}{Response: out} // a pointer in an interface: encoding/json decodes into what it points to
	if err := json.Unmarshal(body, &env); err != nil {
		return &TransportError{Action: action, Err: fmt.Errorf("decode response: %w", err)}
	}
	return nil
}

func decodeResponse(action string, body []byte, out any) error {
	var env struct {
		Response json.RawMessage `json:"Response"`
	}
	if err := json.Unmarshal(body, &env); err != nil || len(env.Response) == 0 {
		return &TransportError{Action: action, Err: errors.New("the response has no Response object")}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Response, out); err != nil {
		return &TransportError{Action: action, Err: fmt.Errorf("decode response: %w", err)}
	}
	return nil
}

func (c *Client) signer(cred Credential) (*common.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.signers[cred]; ok {
		return s, nil
	}
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = c.host
	prof.HttpProfile.Scheme = strings.ToUpper(c.scheme)
	prof.HttpProfile.ReqMethod = "POST"
	prof.HttpProfile.ReqTimeout = int(c.cfg.Timeout/time.Second) + 5 // ctx is the real bound
	prof.Language = "en-US"
	prof.NetworkFailureMaxRetries = 0 // our retry policy decides
	prof.RateLimitExceededMaxRetries = 0
	var tcCred *common.Credential
	if cred.SessionToken != "" {
		tcCred = common.NewTokenCredential(cred.SecretID, cred.SecretKey, cred.SessionToken)
	} else {
		tcCred = common.NewCredential(cred.SecretID, cred.SecretKey)
	}
	s := common.NewCommonClient(tcCred, c.cfg.Region, prof)
	if c.cfg.Transport != nil {
		s.WithHttpTransport(answerTransport{next: c.cfg.Transport})
	}
	// The SDK logs through the standard logger; stdout belongs to MCP.
	s.WithDebug(false)
	if len(c.signers) > 256 { // per-session credentials: bound the cache
		clear(c.signers)
	}
	c.signers[cred] = s
	return s, nil
}
