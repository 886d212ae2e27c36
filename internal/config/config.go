// Package config turns flags and environment variables into the server's
// configuration. Flags win over the environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// Config is everything main needs to build and run the server.
type Config struct {
	Transport string // stdio | sse | http
	Addr      string
	LogLevel  string

	// CloudBase
	EnvID        string
	Region       string
	SecretID     string
	SecretKey    string
	SessionToken string
	TCBEndpoint  string
	HTTPEndpoint string // CloudBase HTTP API base URL override
	Timeout      time.Duration

	// Telnyx
	TelnyxAPIKey   string
	TelnyxEndpoint string

	// Secrets and safety
	RevealSecrets      bool
	Toolsets           []string
	Tools              []string
	ReadOnly           bool
	DryRun             bool
	ConfirmDestructive bool
	SecretsDir         string
	AuditLog           string

	// HTTP transports
	Stateless            bool
	HTTPToken            string
	AllowUnauthenticated bool
	AllowedOrigins       []string
	MaxBodyBytes         int64
	ShutdownTimeout      time.Duration

	// Sandbox
	Sandbox          bool
	SandboxSecretID  string
	SandboxSecretKey string
	SandboxEnvID     string
	SandboxState     string

	ShowVersion bool
}

// ErrHelp is returned after --help printed the usage.
var ErrHelp = flag.ErrHelp

// Parse reads args (without the program name) and the environment.
func Parse(args []string, getenv func(string) string, usageOut io.Writer) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet("cloudops-mcp", flag.ContinueOnError)
	fs.SetOutput(usageOut)
	env := func(names ...string) string {
		for _, n := range names {
			if v := getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	def := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	var toolsets, toolList, origins string
	fs.StringVar(&c.Transport, "transport", def(env("CLOUDOPS_MCP_TRANSPORT"), "stdio"), "how clients connect: stdio, sse or http")
	fs.StringVar(&c.Addr, "addr", def(env("CLOUDOPS_MCP_ADDR"), "127.0.0.1:8080"), "listen address for sse/http")
	fs.StringVar(&c.LogLevel, "log-level", def(env("CLOUDOPS_MCP_LOG_LEVEL"), "info"), "debug, info, warn or error (logs go to stderr)")
	fs.StringVar(&c.EnvID, "env-id", env("TENCENTCLOUD_TCB_ENVID", "CLOUDBASE_ENV_ID"), "CloudBase environment id (env TENCENTCLOUD_TCB_ENVID or CLOUDBASE_ENV_ID)")
	fs.StringVar(&c.Region, "region", def(env("TENCENTCLOUD_REGION"), "ap-shanghai"), "Tencent Cloud region (env TENCENTCLOUD_REGION)")
	fs.StringVar(&c.TCBEndpoint, "tcb-endpoint", env("CLOUDOPS_MCP_TCB_ENDPOINT"), "CloudBase management API URL (default https://tcb.tencentcloudapi.com)")
	fs.StringVar(&c.HTTPEndpoint, "tcb-http-endpoint", env("CLOUDOPS_MCP_TCB_HTTP_ENDPOINT"), "CloudBase HTTP API base URL (default https://<env>.<region>.tcb-api.tencentcloudapi.com)")
	fs.DurationVar(&c.Timeout, "timeout", 30*time.Second, "per-call timeout for cloud requests")
	fs.StringVar(&c.TelnyxEndpoint, "telnyx-endpoint", env("CLOUDOPS_MCP_TELNYX_ENDPOINT"), "Telnyx API base URL (default https://api.telnyx.com)")
	fs.BoolVar(&c.RevealSecrets, "reveal-secrets", false, "show secrets the cloud returns (client secrets, new API keys); the server's own credentials stay hidden")
	fs.StringVar(&toolsets, "toolsets", def(env("CLOUDOPS_MCP_TOOLSETS"), "all"), "comma list of toolsets: all, cloudbase_auth, cloudbase_integration, cloudbase_http, telnyx")
	fs.StringVar(&toolList, "tools", env("CLOUDOPS_MCP_TOOLS"), "comma list of tool names to allow (on top of --toolsets)")
	fs.BoolVar(&c.ReadOnly, "read-only", false, "register only tools that change nothing")
	fs.BoolVar(&c.DryRun, "dry-run", false, "mutating tools return the request they would send instead of sending it")
	fs.BoolVar(&c.ConfirmDestructive, "confirm-destructive", true, "ask the user (MCP elicitation) before destructive changes when the client supports it")
	fs.StringVar(&c.SecretsDir, "secrets-dir", "", "folder deliverTo writes secrets into (default <user config dir>/cloudops-mcp/secrets)")
	fs.StringVar(&c.AuditLog, "audit-log", env("CLOUDOPS_MCP_AUDIT_LOG"), "append one JSON line per mutating call to this file")
	fs.BoolVar(&c.Stateless, "stateless", false, "Streamable HTTP without sessions (for replicas behind a load balancer)")
	fs.StringVar(&c.HTTPToken, "http-token", env("CLOUDOPS_MCP_HTTP_TOKEN"), "bearer token HTTP clients must send (env CLOUDOPS_MCP_HTTP_TOKEN)")
	fs.BoolVar(&c.AllowUnauthenticated, "allow-unauthenticated", false, "allow a non-loopback --addr without --http-token (only behind your own authenticating proxy)")
	fs.StringVar(&origins, "allowed-origins", env("CLOUDOPS_MCP_ALLOWED_ORIGINS"), "comma list of browser origins allowed to call the HTTP transports (CORS)")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", 1<<20, "largest HTTP request body accepted")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 25*time.Second, "on SIGINT/SIGTERM, how long sse/http wait for in-flight calls before closing connections")
	fs.BoolVar(&c.Sandbox, "sandbox", false, "run against the built-in offline emulator instead of the real clouds")
	fs.StringVar(&c.SandboxSecretID, "sandbox-secret-id", "", "with --sandbox: the SecretId the emulator accepts")
	fs.StringVar(&c.SandboxSecretKey, "sandbox-secret-key", "", "with --sandbox: the SecretKey the emulator accepts")
	fs.StringVar(&c.SandboxEnvID, "sandbox-env-id", "", "with --sandbox: the emulated environment id")
	fs.StringVar(&c.SandboxState, "sandbox-state", "", "with --sandbox: persist emulator state in this file")
	fs.BoolVar(&c.ShowVersion, "version", false, "print the version and exit")
	fs.Usage = func() { Usage(fs) }
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	c.SecretID = env("TENCENTCLOUD_SECRETID")
	c.SecretKey = env("TENCENTCLOUD_SECRETKEY")
	c.SessionToken = env("TENCENTCLOUD_SESSIONTOKEN")
	c.TelnyxAPIKey = env("TELNYX_API_KEY")
	c.Toolsets = splitList(toolsets)
	c.Tools = splitList(toolList)
	c.AllowedOrigins = splitList(origins)
	switch c.Transport {
	case "stdio", "sse", "http":
	default:
		return nil, fmt.Errorf("--transport %q: want stdio, sse or http", c.Transport)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.Timeout <= 0 {
		return nil, errors.New("--timeout must be positive")
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Usage prints the help text a newcomer needs.
func Usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `cloudops-mcp — an MCP server that lets AI assistants manage Tencent CloudBase
(login methods, identity providers, API keys, integrations, data) and Telnyx
account access, without ever showing them a secret.

Usage:
  cloudops-mcp [flags]                 serve MCP (stdio by default)
  cloudops-mcp --sandbox               serve MCP against the built-in offline emulator
  cloudops-mcp sandbox [--addr A]      run only the emulator, for other clients

Try it:  make run   (or: cloudops-mcp --sandbox)
Connect an IDE: command "cloudops-mcp", args ["--sandbox"] (see README.md).

Environment:
  TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY   CloudBase credentials (TENCENTCLOUD_SESSIONTOKEN for temporary keys;
                                                  ~/.tencentcloud/credentials is read too)
  TENCENTCLOUD_TCB_ENVID (or CLOUDBASE_ENV_ID)    the environment to manage
  TENCENTCLOUD_REGION                             region (default ap-shanghai)
  TELNYX_API_KEY                                  Telnyx API key
  CLOUDOPS_MCP_HTTP_TOKEN                         bearer token for --transport sse/http

Flags:
`)
	fs.PrintDefaults()
}
