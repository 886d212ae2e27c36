package telnyx

import (
	"context"
	"net/url"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// HeaderAPIKey carries an HTTP client's own Telnyx key for one request.
const HeaderAPIKey = "X-Telnyx-Api-Key"

// ClientKey is where Provider stores the client in a cloud.Clients.
var ClientKey = cloud.NewKey[*Client]("telnyx")

// Settings: the key only from the environment (never a flag, so it shows in
// no process list), the endpoint for proxies and tests.
var (
	apiKeySetting = config.Register[string](config.Setting{Name: "telnyx-api-key", EnvOnly: true, Secret: true,
		Env: []string{"TELNYX_API_KEY"}, Kind: config.String, Group: "Telnyx", Usage: "Telnyx API key"})
	endpointSetting = config.Register[string](config.Setting{Name: "telnyx-endpoint", Kind: config.String,
		Group: "Endpoints (proxies, tests)", Usage: "Telnyx API base URL (default " + DefaultEndpoint + ")"})
)

// Toolset is the toolset whose tools call Telnyx.
const Toolset = "telnyx"

// Provider is Telnyx as the server registers it.
var Provider = cloud.Provider{
	Name:     "telnyx",
	Headers:  []cloud.Header{{Name: HeaderAPIKey, Secret: true}},
	Open:     open,
	Toolsets: []string{Toolset},
}

// open builds the client. It is built even without a key: HTTP sessions may
// bring their own, and otherwise each Telnyx tool answers with what to set.
func open(_ context.Context, env *cloud.Env) error {
	key, endpoint := apiKeySetting.Get(env.Config), endpointSetting.Get(env.Config)
	if sb := env.Sandbox; sb != nil {
		key, endpoint = sb.Credentials[apiKeySetting.Name()], sb.URL
	}
	env.Redactor.AddSecret(key)
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		env.Redactor.NotSecret(u.Host, u.Hostname())
	}
	c, err := New(Config{APIKey: key, Endpoint: endpoint, Timeout: env.Config.Timeout,
		Retry:     env.Retry,
		Transport: env.Transport("telnyx", nil),
		OnRetry:   env.OnRetry(cloud.RetryNotice{Service: "telnyx", LogKey: "telnyx"}),
	})
	if err != nil {
		return err
	}
	ClientKey.Set(env.Clients, c)
	return nil
}
