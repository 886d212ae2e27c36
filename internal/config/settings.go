package config

// The server's own settings, in the order --help and the README show them.
// To add one: append a Setting here with a field in Config (or, from another
// package, call Register), then run `make docs` to refresh the README table.
const (
	groupServer    = "Server"
	groupSafety    = "Safety"
	groupHTTP      = "HTTP transports"
	groupSandbox   = "Sandbox"
	groupEndpoints = "Endpoints (proxies, tests)"
)

var core = []*Setting{
	{Name: "config", Kind: String, Group: groupServer, Usage: "read settings from this TOML, YAML or JSON file (keys are the flag names); flags and environment win over it",
		field: func(c *Config) any { return &c.ConfigFile }},
	{Name: "transport", Kind: String, Default: "stdio", Group: groupServer, Usage: "how clients connect: stdio, sse or http",
		field: func(c *Config) any { return &c.Transport }},
	{Name: "addr", Kind: String, Default: "127.0.0.1:8080", Group: groupServer, Usage: "listen address for sse/http",
		field: func(c *Config) any { return &c.Addr }},
	{Name: "log-level", Kind: String, Default: "info", Group: groupServer, Usage: "debug, info, warn or error; logs are JSON on stderr (coloured text on a terminal), stdout carries only the protocol",
		field: func(c *Config) any { return &c.LogLevel }},
	{Name: "timeout", Kind: Duration, Default: "30s", Group: groupServer, Usage: "per-call timeout for cloud requests; MCP cancellation also cancels the request",
		field: func(c *Config) any { return &c.Timeout }},

	{Name: "toolsets", Kind: List, Default: "all", Group: groupSafety, Usage: "toolsets to serve: all, or toolset names", // tools names them (SetUsage)
		field: func(c *Config) any { return &c.Toolsets }},
	{Name: "tools", Kind: List, Group: groupSafety, Usage: "tool names to allow (alone, or on top of --toolsets)",
		field: func(c *Config) any { return &c.Tools }},
	{Name: "read-only", Kind: Bool, Group: groupSafety, Usage: "register only tools that change nothing",
		field: func(c *Config) any { return &c.ReadOnly }},
	{Name: "dry-run", Kind: Bool, Group: groupSafety, Usage: "mutating tools return the request they would send instead of sending it",
		field: func(c *Config) any { return &c.DryRun }},
	{Name: "confirm-destructive", Kind: Bool, Default: "true", Group: groupSafety, Usage: "ask the user (MCP elicitation) before destructive changes when the client supports it",
		field: func(c *Config) any { return &c.ConfirmDestructive }},
	{Name: "reveal-secrets", Kind: Bool, Group: groupSafety, Usage: "show secrets the cloud returns (client secrets, new API keys); the server's own credentials stay hidden",
		field: func(c *Config) any { return &c.RevealSecrets }},
	{Name: "secrets-dir", Kind: String, Group: groupSafety, Usage: "folder deliverTo writes secrets into (default <user config dir>/cloudops-mcp/secrets)",
		field: func(c *Config) any { return &c.SecretsDir }},
	{Name: "secret-env", Kind: List, Group: groupSafety, Usage: `environment variables a secret reference {"env":"NAME"} may read; no other variable is ever read`,
		field: func(c *Config) any { return &c.SecretEnv }},
	{Name: "secret-page-ttl", Kind: Duration, Default: "10m", Group: groupSafety, Usage: `how long a one-time page for {"ask":true} stays valid`,
		field: func(c *Config) any { return &c.SecretPageTTL }},
	{Name: "secret-page-wait", Kind: Duration, Default: "45s", Group: groupSafety, Usage: `how long one call waits for the user on that page; then it answers "call again when the user is done" and the page stays open (clients time calls out after about a minute)`,
		field: func(c *Config) any { return &c.SecretPageWait }},
	{Name: "audit-log", Kind: String, Group: groupSafety, Usage: "append one JSON line per mutating call to this file",
		field: func(c *Config) any { return &c.AuditLog }},

	{Name: "http-token", Secret: true, Kind: String, Group: groupHTTP, Usage: "bearer token HTTP clients must send (prefer the variable: a flag shows in the process list)",
		field: func(c *Config) any { return &c.HTTPToken }},
	{Name: "stateless", Kind: Bool, Group: groupHTTP, Usage: "Streamable HTTP without sessions (for replicas behind a load balancer)",
		field: func(c *Config) any { return &c.Stateless }},
	{Name: "allow-unauthenticated", Kind: Bool, Group: groupHTTP, Usage: "allow a non-loopback --addr without --http-token (only behind your own authenticating proxy)",
		field: func(c *Config) any { return &c.AllowUnauthenticated }},
	{Name: "allowed-origins", Kind: List, Group: groupHTTP, Usage: "browser origins allowed to call the HTTP transports (CORS)",
		field: func(c *Config) any { return &c.AllowedOrigins }},
	{Name: "public-url", Kind: String, Group: groupHTTP, Usage: "https origin of the TLS-terminating proxy in front of --transport http/sse; with --http-token, secret pages ({\"ask\":true}) are then served beyond loopback",
		field: func(c *Config) any { return &c.PublicURL }},
	{Name: "max-body-bytes", Kind: Int, Default: "1048576", Group: groupHTTP, Usage: "largest HTTP request body accepted (larger ones get 413)",
		field: func(c *Config) any { return &c.MaxBodyBytes }},
	{Name: "shutdown-timeout", Kind: Duration, Default: "25s", Group: groupHTTP, Usage: "on SIGINT/SIGTERM, how long sse/http wait for in-flight calls before closing connections",
		field: func(c *Config) any { return &c.ShutdownTimeout }},
	{Name: "drain-delay", Kind: Duration, Default: "0s", Group: groupHTTP, Usage: "on SIGINT/SIGTERM, keep serving this long with /readyz answering 503 first, so load balancers notice",
		field: func(c *Config) any { return &c.DrainDelay }},

	{Name: "sandbox", Kind: Bool, Group: groupSandbox, Usage: "run against the built-in offline emulator instead of the real clouds",
		field: func(c *Config) any { return &c.Sandbox }},
	{Name: "sandbox-state", Kind: String, Group: groupSandbox, Usage: "with --sandbox: persist emulator state in this file (mode 0600; like the cloud it holds stored secrets in plain text: use test values)",
		field: func(c *Config) any { return &c.SandboxState }},
}
