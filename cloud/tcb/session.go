package tcb

import "github.com/cloudops-mcp/cloudops-mcp/cloud"

// Headers an HTTP client may send to act with its own Tencent Cloud key pair
// or on another environment, for one request (cloud.Overrides).
const (
	HeaderSecretID     = "X-TencentCloud-SecretId"
	HeaderSecretKey    = "X-TencentCloud-SecretKey"
	HeaderSessionToken = "X-TencentCloud-SessionToken"
	HeaderEnvID        = "X-CloudBase-Env-Id"
)

// Where the CloudBase provider (cloud/cloudbase) stores its clients.
var (
	ClientKey     = cloud.NewKey[*Client]("cloudbase")
	HTTPClientKey = cloud.NewKey[*HTTPClient]("cloudbase_http")
)

// sessionEnvID is the environment a client sent for this request ("" when none).
func sessionEnvID(o cloud.Overrides) string { return o.Get(HeaderEnvID) }

// sessionCredential is the key pair a client sent for this request (incomplete when none).
func sessionCredential(o cloud.Overrides) Credential {
	return Credential{SecretID: o.Get(HeaderSecretID), SecretKey: o.Get(HeaderSecretKey), SessionToken: o.Get(HeaderSessionToken)}
}
