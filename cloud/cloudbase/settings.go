package cloudbase

import (
	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// The provider's settings: credentials only from the environment (never a
// flag, so they show in no process list), where else they may come from,
// the environment managed, and the endpoints (proxies, tests).
const group = "Tencent Cloud / CloudBase"

var (
	secretID = config.Register[string](config.Setting{Name: "secret-id", EnvOnly: true, Env: []string{"TENCENTCLOUD_SECRETID", "TENCENTCLOUD_SECRET_ID"}, Kind: config.String, Group: group,
		Usage: "API key id; when unset, the profile files are read (see --profile)"})
	secretKey = config.Register[string](config.Setting{Name: "secret-key", EnvOnly: true, Secret: true, Env: []string{"TENCENTCLOUD_SECRETKEY", "TENCENTCLOUD_SECRET_KEY"}, Kind: config.String, Group: group,
		Usage: "API key secret"})
	sessionToken = config.Register[string](config.Setting{Name: "session-token", EnvOnly: true, Secret: true, Env: []string{"TENCENTCLOUD_SESSIONTOKEN", "TENCENTCLOUD_SESSION_TOKEN"}, Kind: config.String, Group: group,
		Usage: "token of temporary credentials"})
	profile = config.Register[string](config.Setting{Name: "profile", Env: []string{"TENCENTCLOUD_PROFILE", "TCCLI_PROFILE"}, Kind: config.String, Default: "default", Group: group,
		Usage: "credential profile: [NAME] in ~/.tencentcloud/credentials, else tccli's ~/.tccli/NAME.credential (re-read when the file changes)"})
	credentialsFile = config.Register[string](config.Setting{Name: "credentials-file", Env: []string{"TENCENTCLOUD_CREDENTIALS_FILE"}, Kind: config.String, Group: group,
		Usage: "read profiles from this file instead of ~/.tencentcloud/credentials"})
	credentialSource = config.Register[string](config.Setting{Name: "credential-source", Kind: config.String, Default: "auto", Group: group,
		Choices: []string{"auto", "env", "profile", "role"},
		Usage:   "auto (environment, then profile files), env, profile, or role: a CVM/TKE node's CAM role from the instance metadata service, renewed before it expires (never probed unless chosen)"})
	roleName = config.Register[string](config.Setting{Name: "role-name", Kind: config.String, Group: group,
		Usage: "with --credential-source role: the CAM role bound to the instance (default: the one the metadata service names)"})
	envID = config.Register[string](config.Setting{Name: "env-id", Env: []string{"TENCENTCLOUD_TCB_ENVID", "CLOUDBASE_ENV_ID"}, Kind: config.String, Group: group,
		Usage: "the CloudBase environment to manage"})
	region = config.Register[string](config.Setting{Name: "region", Env: []string{"TENCENTCLOUD_REGION"}, Kind: config.String, Default: tcb.DefaultRegion, Group: group,
		Usage: "Tencent Cloud region"})

	endpoint = config.Register[string](config.Setting{Name: "tcb-endpoint", Kind: config.String, Group: "Endpoints (proxies, tests)",
		Usage: "CloudBase management API URL (default " + tcb.DefaultEndpoint + ")"})
	httpEndpoint = config.Register[string](config.Setting{Name: "tcb-http-endpoint", Kind: config.String, Group: "Endpoints (proxies, tests)",
		Usage: "CloudBase HTTP API base URL (default https://<env>.<region>.tcb-api.tencentcloudapi.com)"})
)

// settings are the values the clients are built from: the configured ones,
// or under --sandbox the emulator's account and address.
type settings struct {
	cred                   tcb.Credential
	envID, region          string
	endpoint, httpEndpoint string
}

func settingsOf(env *cloud.Env) settings {
	cfg := env.Config
	s := settings{
		cred:  tcb.Credential{SecretID: secretID.Get(cfg), SecretKey: secretKey.Get(cfg), SessionToken: sessionToken.Get(cfg)},
		envID: envID.Get(cfg), region: region.Get(cfg), endpoint: endpoint.Get(cfg), httpEndpoint: httpEndpoint.Get(cfg),
	}
	if sb := env.Sandbox; sb != nil {
		c := sb.Credentials
		s.cred = tcb.Credential{SecretID: c[secretID.Name()], SecretKey: c[secretKey.Name()]}
		s.envID, s.endpoint, s.httpEndpoint = c[envID.Name()], sb.URL, sb.URL
	}
	return s
}
