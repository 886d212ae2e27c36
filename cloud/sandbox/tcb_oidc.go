package sandbox

import (
	"strings"
)

// OIDC discovery, as the @cloudbase/manager-node documentation describes it: with Issuer given, the platform
// fills AuthorizationEndpoint, TokenEndpoint, UserinfoEndpoint and JwksUri
// from <Issuer>/.well-known/openid-configuration, and Scope from its
// scopes_supported when none is given. The sandbox is offline, so it stands
// in for the fetch: Google's published document for accounts.google.com, and
// for any other issuer the endpoints a provider publishes under its issuer.

type oidcDiscovery struct {
	authorization, token, userinfo, jwks, scopes string
}

var knownIssuers = map[string]oidcDiscovery{
	"https://accounts.google.com": {"https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
		"https://openidconnect.googleapis.com/v1/userinfo", "https://www.googleapis.com/oauth2/v3/certs", "openid email profile"},
}

func discover(issuer string) oidcDiscovery {
	issuer = strings.TrimSuffix(issuer, "/")
	if d, ok := knownIssuers[issuer]; ok {
		return d
	}
	return oidcDiscovery{issuer + "/authorize", issuer + "/token", issuer + "/userinfo", issuer + "/.well-known/jwks.json", "openid email profile"}
}

// applyDiscovery fills c from its Issuer. refresh re-fetches (the Issuer
// changed): discovered endpoints replace stored ones; otherwise only empty
// fields are filled.
func applyDiscovery(c *providerConfig, refresh bool) {
	if c == nil || c.Issuer == "" {
		return
	}
	d := discover(c.Issuer)
	fill := func(dst *string, v string) {
		if refresh || *dst == "" {
			*dst = v
		}
	}
	fill(&c.AuthorizationEndpoint, d.authorization)
	fill(&c.TokenEndpoint, d.token)
	fill(&c.UserinfoEndpoint, d.userinfo)
	fill(&c.JwksUri, d.jwks)
	if c.Scope == "" {
		c.Scope = d.scopes
	}
}

// hasOpenIDScope: "For OIDC scenarios, at least openid should be included".
func hasOpenIDScope(scope string) bool {
	for _, s := range strings.Fields(scope) {
		if s == "openid" {
			return true
		}
	}
	return false
}
