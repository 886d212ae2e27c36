package app

import (
	"net/url"
	"sync"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/schemashape"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// mintedTokens registers the access tokens the HTTP API client obtains, so
// no answer or log line can show one, and releases the oldest beyond a bound:
// per-session credentials mint a token each, and the shared redaction list
// must not grow with the number of callers.
type mintedTokens struct {
	red *redact.Redactor

	mu       sync.Mutex
	releases []func() // oldest first
}

// maxMintedTokens is how many recent tokens stay registered (the client caches fewer).
const maxMintedTokens = 64

func (m *mintedTokens) add(token string) {
	if m == nil || m.red == nil {
		return
	}
	release, ok := m.red.Register(token)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.releases = append(m.releases, release)
	if len(m.releases) > maxMintedTokens {
		m.releases[0]()
		m.releases = m.releases[1:]
	}
}

// nonSecrets are values nobody may register as a secret: the sandbox's
// address, the tool names and every field name of
// their input schemas. Masking one would blank out ordinary answers.
func (a *App) nonSecrets(all []tools.Tool) []string {
	var out []string // each provider declares its own (env id, region, endpoint hosts) when it opens
	if u, err := url.Parse(a.SandboxURL); err == nil && u.Host != "" {
		out = append(out, u.Host, u.Hostname())
	}
	for _, t := range all {
		out = append(out, t.Spec.Name)
		out = appendPropertyNames(out, t.InputShape(), 0)
	}
	return out
}

func appendPropertyNames(out []string, s *schemashape.Shape, depth int) []string {
	if s == nil || depth > 16 {
		return out
	}
	for k, p := range s.Properties {
		out = appendPropertyNames(append(out, k), p, depth+1)
	}
	out = appendPropertyNames(out, s.Items, depth+1)
	return appendPropertyNames(out, s.AdditionalProperties, depth+1)
}
