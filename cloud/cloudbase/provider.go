// Package cloudbase registers Tencent CloudBase as a provider: the
// management API client and the HTTP API client (cloud/tcb), the server's own
// key pair (cloud/tccred), and the credential headers an HTTP client may send.
package cloudbase

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tccred"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// The CloudBase toolsets (tools/cloudbase_*.go).
const (
	ToolsetAuth        = "cloudbase_auth"
	ToolsetIntegration = "cloudbase_integration"
	ToolsetHTTP        = "cloudbase_http"
)

// Provider is CloudBase as the server registers it.
var Provider = cloud.Provider{
	Name: "cloudbase",
	Headers: []cloud.Header{
		{Name: tcb.HeaderSecretID}, {Name: tcb.HeaderSecretKey, Secret: true},
		{Name: tcb.HeaderSessionToken, Secret: true}, {Name: tcb.HeaderEnvID},
	},
	CheckHeaders: checkHeaders,
	Open:         open,
	Toolsets:     []string{ToolsetAuth, ToolsetIntegration, ToolsetHTTP},
	Scope: func(ctx context.Context, c *cloud.Clients) string {
		if tc := tcb.ClientKey.Get(c); tc != nil {
			return "env " + tc.EnvID(ctx)
		}
		return ""
	},
	Describe: func(c *cloud.Clients) string {
		env, reg := "(none configured)", ""
		if tc := tcb.ClientKey.Get(c); tc != nil {
			if id := tc.EnvID(context.Background()); id != "" {
				env = id
			}
			reg = tc.Region()
		}
		return "CloudBase environment " + env + " (region " + reg + ")"
	},
}

// checkHeaders refuses half a key pair, and a session token without one.
func checkHeaders(o cloud.Overrides) error {
	id, key := o.Get(tcb.HeaderSecretID), o.Get(tcb.HeaderSecretKey)
	if (id == "") != (key == "") {
		return errors.New("send " + tcb.HeaderSecretID + " and " + tcb.HeaderSecretKey + " together")
	}
	if o.Get(tcb.HeaderSessionToken) != "" && id == "" {
		return errors.New(tcb.HeaderSessionToken + " needs " + tcb.HeaderSecretID + " and " + tcb.HeaderSecretKey)
	}
	return nil
}

// open resolves the server's own key pair (unless the sandbox supplies
// one), then builds both clients. Every access token the HTTP API client
// obtains is registered with the redactor before its first use.
func open(ctx context.Context, env *cloud.Env) error {
	s := settingsOf(env)
	env.Redactor.AddSecret(s.cred.SecretKey, s.cred.SessionToken)
	// Masking these would blank out ordinary answers.
	env.Redactor.NotSecret(s.envID, s.region)
	for _, e := range []string{s.endpoint, s.httpEndpoint} {
		if u, err := url.Parse(e); err == nil && u.Host != "" {
			env.Redactor.NotSecret(u.Host, u.Hostname())
		}
	}
	var creds tcb.CredentialProvider
	if env.Sandbox == nil {
		var err error
		if creds, err = resolveCredentials(ctx, env); err != nil {
			return err
		}
	}
	onRetry := env.OnRetry(cloud.RetryNotice{Service: "tencentcloud", LogKey: "action", WarnClient: true})
	c, err := tcb.New(tcb.Config{
		Credential: s.cred, Credentials: creds,
		EnvID: s.envID, Region: s.region, Endpoint: s.endpoint, Timeout: env.Config.Timeout,
		Retry:     env.Retry,
		OnRetry:   onRetry, // a log line and a client warning
		Transport: env.Transport("tencentcloud", nil),
	})
	if err != nil {
		return err
	}
	hc := tcb.HTTPConfig{
		Credential: s.cred, Credentials: creds,
		EnvID: s.envID, Region: s.region, Endpoint: s.httpEndpoint, Timeout: env.Config.Timeout,
		Retry:   env.Retry,
		OnToken: env.OnToken,
		OnRetry: onRetry,
	}
	if sb := env.Sandbox; sb != nil {
		hc.Endpoint = sandboxHTTPEndpoint
		hc.Transport = dialOnly(strings.TrimPrefix(sb.URL, "http://"))
	}
	hc.Transport = env.Transport("tencentcloud_http", hc.Transport)
	h, err := tcb.NewHTTP(hc)
	if err != nil {
		return err
	}
	tcb.ClientKey.Set(env.Clients, c)
	tcb.HTTPClientKey.Set(env.Clients, h)
	return nil
}

// resolveCredentials picks the server's own Tencent Cloud credentials
// (environment, profile files, or an opted-in instance role) and says on
// stderr which source is in use, never the key. Without any, the server
// still starts: HTTP sessions may bring their own.
func resolveCredentials(ctx context.Context, env *cloud.Env) (tcb.CredentialProvider, error) {
	cfg := env.Config
	res, err := tccred.Resolve(ctx, tccred.Options{
		Source: credentialSource.Get(cfg), SecretID: secretID.Get(cfg), SecretKey: secretKey.Get(cfg), SessionToken: sessionToken.Get(cfg),
		Profile: profile.Get(cfg), CredentialsFile: credentialsFile.Get(cfg), RoleName: roleName.Get(cfg),
		OnNew: func(c tcb.Credential) { env.Redactor.AddSecret(c.SecretKey, c.SessionToken) },
	})
	if err != nil {
		return nil, &config.Error{Msg: err.Error()}
	}
	if res.Provider == nil {
		env.Log.Warn().Msg(tcb.ErrNoCredentials.Error())
		return nil, nil
	}
	if res.Temporary && res.Source == tccred.SourceEnvironment {
		env.Log.Warn().Str("credentials", res.Source).
			Msg("Tencent Cloud credentials: temporary (session token) from the environment, which the server cannot renew; " +
				"use a profile file or --credential-source role for long runs")
		return res.Provider, nil
	}
	env.Log.Info().Str("credentials", res.Source).Msg("Tencent Cloud credentials")
	return res.Provider, nil
}

// sandboxHTTPEndpoint gives sandbox requests hosts shaped like the cloud's, so
// the sandbox reads the environment from the Host header as the cloud does
// (and a session's env override reaches the right one). The .invalid domain
// never resolves: without the sandbox dialer nothing could leave the machine.
const sandboxHTTPEndpoint = "http://{env}.{region}.tcb-api.sandbox.invalid"

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
