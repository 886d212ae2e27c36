package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/oauth"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// Sign-in with the team's identity provider (docs/deploy.md): the HTTP
// transports become an OAuth 2.1 resource server, scopes decide which tools
// a caller may use, and the audit log names the caller.
const groupOAuth = "OAuth sign-in (HTTP transports)"

var (
	oauthIssuer = config.Register[string](config.Setting{Name: "oauth-issuer", Kind: config.String, Group: groupOAuth,
		Usage: "issuer URL of the team's OpenID provider: accept its JWT access tokens instead of --http-token"})
	oauthResource = config.Register[string](config.Setting{Name: "oauth-resource", Kind: config.String, Group: groupOAuth,
		Usage: "this server's public MCP URL (e.g. https://mcp.example.com/mcp); tokens must carry it as audience"})
	oauthReadScope = config.Register[string](config.Setting{Name: "oauth-read-scope", Kind: config.String, Default: "cloudops:read", Group: groupOAuth,
		Usage: "scope that grants the tools that change nothing; <scope>:<toolset> grants them in one toolset"})
	oauthWriteScope = config.Register[string](config.Setting{Name: "oauth-write-scope", Kind: config.String, Default: "cloudops:write", Group: groupOAuth,
		Usage: "scope that grants every tool; <scope>:<toolset> grants every tool of one toolset"})
	oauthClockSkew = config.Register[time.Duration](config.Setting{Name: "oauth-clock-skew", Kind: config.Duration, Default: "30s", Group: groupOAuth,
		Usage: "leeway for token expiry against this host's clock"})
	rateLimit = config.Register[int64](config.Setting{Name: "rate-limit", Kind: config.Int, Default: "0", Group: groupOAuth,
		Usage: "requests a minute per OAuth subject (0: no limit); over it: 429 with Retry-After"})
	rateBurst = config.Register[int64](config.Setting{Name: "rate-burst", Kind: config.Int, Default: "0", Group: groupOAuth,
		Usage: "requests a subject may send at once (default: a tenth of a minute's worth)"})
)

// oauthOptions returns the transport's authentication and metadata routes
// when --oauth-issuer is set (after OpenID discovery), else nil.
func (a *App) oauthOptions() (auth func(http.Handler) http.Handler, routes map[string]http.Handler, err error) {
	cfg := a.Config
	issuer := oauthIssuer.Get(cfg)
	if issuer == "" {
		return nil, nil, nil
	}
	if cfg.HTTPToken != "" {
		return nil, nil, errors.New("--oauth-issuer and --http-token (CLOUDOPS_MCP_HTTP_TOKEN) both set: choose one way to authenticate")
	}
	if oauthResource.Get(cfg) == "" {
		return nil, nil, errors.New("--oauth-issuer needs --oauth-resource: this server's public MCP URL, the audience its access tokens must carry")
	}
	r, err := oauth.New(context.Background(), oauth.Config{
		Issuer: issuer, Resource: oauthResource.Get(cfg), ReadScope: oauthReadScope.Get(cfg), WriteScope: oauthWriteScope.Get(cfg),
		Toolsets:  tools.ToolsetNames,
		ClockSkew: oauthClockSkew.Get(cfg), RatePerMinute: int(rateLimit.Get(cfg)), Burst: int(rateBurst.Get(cfg)), Log: a.Log,
		OnLimited: a.metrics.RateLimited,
	})
	if err != nil {
		return nil, nil, err
	}
	routes = map[string]http.Handler{}
	for _, p := range r.MetadataPaths() {
		routes[p] = r.Metadata()
	}
	a.writeScope, a.readScope = r.WriteScope(), oauthReadScope.Get(cfg)
	a.Log.Info().Str("issuer", issuer).Str("resource", oauthResource.Get(cfg)).Msg("OAuth: accepting access tokens from the issuer")
	return r.Wrap, routes, nil
}

// scopeRefusal refuses a mutating tool to a caller whose token lacks the
// write scope (nil: allowed). Without OAuth there is no principal: allowed.
func (a *App) scopeRefusal(ctx context.Context, t tools.Tool) *mcp.CallToolResult {
	p, ok := oauth.FromContext(ctx)
	mutating := t.Mutating(a.Config.ReadOnly)
	if !ok || p.Allows(t.Spec.Toolset, mutating) {
		return nil
	}
	need := a.writeScope + " or " + a.writeScope + ":" + t.Spec.Toolset
	if !mutating {
		need = a.readScope + " or " + a.readScope + ":" + t.Spec.Toolset + " (or a write scope)"
	}
	return mcp.NewToolResultError(t.Spec.Name + ": refused: your access token does not carry " + need +
		", which this tool needs; ask your administrator for that scope")
}

// scopeFilter lists to a read-only caller only the tools it may call.
func (a *App) scopeFilter(ctx context.Context, list []mcp.Tool) []mcp.Tool {
	p, ok := oauth.FromContext(ctx)
	if !ok || p.Write {
		return list
	}
	out := make([]mcp.Tool, 0, len(list))
	for _, mt := range list {
		if t, known := a.safety.tools[mt.Name]; known && !p.Allows(t.Spec.Toolset, t.Mutating(a.Config.ReadOnly)) {
			continue
		}
		out = append(out, mt)
	}
	return out
}
