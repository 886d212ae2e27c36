// Package oauth makes the HTTP transports an OAuth 2.1 resource server as the
// MCP authorization spec describes: it publishes Protected Resource Metadata
// (RFC 9728) naming the team's identity provider, answers 401 with a
// WWW-Authenticate header that points there, and validates the JWT access
// tokens clients bring: signature against the issuer's JWKS (found through
// OpenID discovery, cached, refetched when an unknown key id shows up, so key
// rotation needs nothing), issuer, audience bound to this server's resource
// URL, expiry with a bounded clock skew. Scopes decide what the caller may do;
// calls are rate limited per subject. The token itself never goes further
// than this package: it is removed from the request once checked.
package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/rs/zerolog"
)

// Config configures a Resource.
type Config struct {
	Issuer     string // the identity provider's issuer URL (OpenID discovery runs against it)
	Resource   string // this server's public MCP URL; access tokens must carry it in aud
	ReadScope  string // grants the tools that change nothing; default cloudops:read
	WriteScope string // grants every tool; default cloudops:write
	// Toolsets are listed in the metadata as per-toolset scopes
	// ("<ReadScope>:<toolset>", "<WriteScope>:<toolset>").
	Toolsets  []string
	ClockSkew time.Duration
	// RatePerMinute bounds requests per subject (0: no limit); Burst is how
	// many may come at once (default RatePerMinute/6, at least 1).
	RatePerMinute int
	Burst         int
	HTTPClient    *http.Client // for discovery and JWKS; default http.DefaultClient
	OnLimited     func()       // called on each 429 (metrics); may be nil
	Log           zerolog.Logger
}

// Resource is a configured resource server.
type Resource struct {
	cfg         Config
	verifier    *oidc.IDTokenVerifier
	metadataURL string
	metadata    []byte
	limits      *limiter
}

// New runs OpenID discovery against the issuer (bounded by ctx) and returns
// the resource server. A wrong issuer or resource URL stops start-up with a
// message naming the setting.
func New(ctx context.Context, cfg Config) (*Resource, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("--oauth-issuer is empty")
	}
	res, err := url.Parse(cfg.Resource)
	if err != nil || (res.Scheme != "https" && res.Scheme != "http") || res.Host == "" || res.Fragment != "" {
		return nil, fmt.Errorf("--oauth-resource %q: want this server's absolute MCP URL, e.g. https://mcp.example.com/mcp", cfg.Resource)
	}
	if cfg.ReadScope == "" {
		cfg.ReadScope = "cloudops:read"
	}
	if cfg.WriteScope == "" {
		cfg.WriteScope = "cloudops:write"
	}
	if cfg.HTTPClient != nil {
		ctx = oidc.ClientContext(ctx, cfg.HTTPClient)
	}
	// The provider's key set keeps using this context for JWKS fetches: it
	// must outlive start-up, so only discovery gets the caller's bound.
	keyCtx := context.WithoutCancel(ctx)
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(dctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("--oauth-issuer %s: OpenID discovery failed: %w", cfg.Issuer, err)
	}
	var disc struct {
		JWKS string `json:"jwks_uri"`
	}
	if err := p.Claims(&disc); err != nil || disc.JWKS == "" {
		return nil, fmt.Errorf("--oauth-issuer %s: the discovery document names no jwks_uri", cfg.Issuer)
	}
	keys := oidc.NewRemoteKeySet(keyCtx, disc.JWKS)
	skew := cfg.ClockSkew
	r := &Resource{cfg: cfg, limits: newLimiter(cfg.RatePerMinute, cfg.Burst)}
	r.verifier = oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{
		ClientID: cfg.Resource, // the audience: tokens minted for another resource are refused
		// go-oidc allows no leeway on exp; checking against a clock set back
		// by the skew gives it, within the bound the operator chose.
		Now:                  func() time.Time { return time.Now().Add(-skew) },
		SupportedSigningAlgs: []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"},
	})
	r.metadataURL = res.Scheme + "://" + res.Host + "/.well-known/oauth-protected-resource" + strings.TrimSuffix(res.Path, "/")
	r.metadata, _ = json.Marshal(map[string]any{
		"resource":                 cfg.Resource,
		"authorization_servers":    []string{cfg.Issuer},
		"scopes_supported":         supportedScopes(cfg),
		"bearer_methods_supported": []string{"header"},
		"resource_name":            "cloudops-mcp",
	})
	return r, nil
}

// MetadataPaths are where this server answers with its metadata: the
// RFC 9728 path for its resource URL, and the bare well-known path.
func (r *Resource) MetadataPaths() []string {
	u, _ := url.Parse(r.metadataURL)
	return slices.Compact([]string{"/.well-known/oauth-protected-resource", u.Path})
}

// Metadata serves the Protected Resource Metadata document (no token needed).
func (r *Resource) Metadata() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=300")
		_, _ = w.Write(r.metadata)
	})
}

// Principal is who a validated access token speaks for.
type Principal struct {
	Issuer  string
	Subject string
	Scopes  []string
	// Write is true when the token carries the write scope: every tool.
	Write bool
	// Read is true when it carries the read scope: every tool that changes nothing.
	Read bool
	// Per-toolset scopes, "<write scope>:<toolset>" and "<read scope>:<toolset>":
	// the same, for one toolset only.
	WriteToolsets, ReadToolsets []string
}

// Allows reports whether the caller may use a tool of toolset, one that
// changes something (mutating) or not.
func (p Principal) Allows(toolset string, mutating bool) bool {
	if p.Write || slices.Contains(p.WriteToolsets, toolset) {
		return true
	}
	return !mutating && (p.Read || slices.Contains(p.ReadToolsets, toolset))
}

type principalKey struct{}

// FromContext returns the caller's principal, if the request was
// authenticated by OAuth.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// WithPrincipal puts p on ctx (the middleware does; tests may).
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// WriteScope is the scope mutating tools need (for messages).
func (r *Resource) WriteScope() string { return r.cfg.WriteScope }

// verify checks a raw access token and maps its scopes.
func (r *Resource) verify(ctx context.Context, raw string) (Principal, error) {
	tok, err := r.verifier.Verify(ctx, raw)
	if err != nil {
		return Principal{}, err
	}
	var claims struct {
		Scope string   `json:"scope"` // RFC 9068: space-separated
		Scp   []string `json:"scp"`   // what some providers send instead
	}
	_ = tok.Claims(&claims)
	scopes := append(strings.Fields(claims.Scope), claims.Scp...)
	p := Principal{Issuer: tok.Issuer, Subject: tok.Subject, Scopes: scopes,
		Write: slices.Contains(scopes, r.cfg.WriteScope), Read: slices.Contains(scopes, r.cfg.ReadScope)}
	for _, s := range scopes {
		if ts, ok := strings.CutPrefix(s, r.cfg.WriteScope+":"); ok && ts != "" {
			p.WriteToolsets = append(p.WriteToolsets, ts)
		} else if ts, ok := strings.CutPrefix(s, r.cfg.ReadScope+":"); ok && ts != "" {
			p.ReadToolsets = append(p.ReadToolsets, ts)
		}
	}
	if !p.Write && !p.Read && len(p.WriteToolsets)+len(p.ReadToolsets) == 0 {
		return p, errNoScope
	}
	if p.Subject == "" {
		return p, errors.New("the token names no subject (sub)")
	}
	return p, nil
}

var errNoScope = errors.New("insufficient scope")

func supportedScopes(cfg Config) []string {
	out := []string{cfg.ReadScope, cfg.WriteScope}
	for _, ts := range cfg.Toolsets {
		out = append(out, cfg.ReadScope+":"+ts, cfg.WriteScope+":"+ts)
	}
	return out
}
