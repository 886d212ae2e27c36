package cloud

import (
	"context"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// Provider is one cloud the server manages, declared once in its own package
// under cloud/ and listed once in app/providers.go. It says which credentials
// an HTTP client may send per request, how its clients are opened from the
// configuration, and which toolsets use them. Central code (the composition
// root, the HTTP transports) iterates over the registered providers and
// names none; a provider's settings are config.Register calls in its package.
type Provider struct {
	// Name labels the provider in logs and errors ("cloudbase", "telnyx").
	Name string
	// Headers are the credential headers an HTTP client may send to act
	// with its own account for that one request (see Overrides).
	Headers []Header
	// CheckHeaders refuses an incomplete set of this provider's headers
	// (an id without its key) before anything runs; nil accepts any set.
	// The error text names headers, never a value.
	CheckHeaders func(Overrides) error
	// Open builds the provider's clients from env and stores them in
	// env.Clients under their keys. It runs at start-up, and again when a
	// test asks for other retry waits.
	Open func(ctx context.Context, env *Env) error
	// Toolsets are the toolsets whose tools call this provider.
	Toolsets []string
	// Scope is what calls under ctx act on, as a user reads it ("env
	// demo-1"), for confirmation lines and secret pages; nil or "" when the
	// account is all there is.
	Scope func(ctx context.Context, c *Clients) string
	// Describe names what the server manages there, for the instructions
	// the model reads first ("CloudBase environment demo-1 (region
	// ap-shanghai)"); nil or "" says nothing.
	Describe func(c *Clients) string
}

// Header is one per-request credential header.
type Header struct {
	Name string // e.g. "X-Telnyx-Api-Key"
	// Secret values are masked in everything that request's calls return or log.
	Secret bool
}

// Env is what a provider's Open builds its clients from.
type Env struct {
	Config   *config.Config
	Clients  *Clients
	Redactor *redact.Redactor // the provider adds the credentials it uses (AddSecret) and its public names (NotSecret)
	Log      zerolog.Logger
	// Transport wraps a client's transport (nil: the pooled default) with
	// the server's metrics and tracing, labelled service.
	Transport func(service string, base http.RoundTripper) http.RoundTripper
	// OnRetry returns the hook a client calls before each retry.
	OnRetry func(RetryNotice) RetryHook
	// OnToken is told every access token a client mints, before its first
	// use, so it is masked from then on.
	OnToken func(token string)
	// Retry, when not zero, replaces the waits of every client's retry
	// policy (tests: milliseconds instead of seconds).
	Retry RetryPolicy
	// Sandbox is the in-process emulator under --sandbox, else nil.
	Sandbox *Sandbox
}

// RetryNotice says how a client's retries are reported.
type RetryNotice struct {
	Service string // metrics label
	LogKey  string // log field that names the operation
	// WarnClient also sends the calling client a warning notification.
	WarnClient bool
}

// RetryHook is called before a retry with what is retried, the attempt that
// failed, the wait before the next one and the error.
type RetryHook func(ctx context.Context, what string, attempt int, wait time.Duration, err error)

// Sandbox is the offline emulator every provider's clients talk to under
// --sandbox.
type Sandbox struct {
	URL string // base URL on loopback
	// Credentials are the values the emulator accepts, by setting name
	// ("telnyx-api-key"); a provider uses them instead of its configured ones.
	Credentials map[string]string
}

// AllHeaders lists every provider's credential headers.
func AllHeaders(ps []Provider) []Header {
	var out []Header
	for _, p := range ps {
		out = append(out, p.Headers...)
	}
	return out
}
