package app

import (
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// sdkCredential falls back to the Tencent Cloud SDK's providers when the
// TENCENTCLOUD_SECRETID/SECRETKEY variables are not set: its own variables
// (TENCENTCLOUD_SECRET_ID/KEY) and ~/.tencentcloud/credentials profiles.
// The CVM role provider is left out on purpose: it calls the instance
// metadata service over the network at start-up, which a local MCP server
// must not do unasked.
func sdkCredential() (id, key, token string, ok bool) {
	// Each provider in turn; unlike the SDK's chain, a variable that is set
	// but empty does not stop the search.
	for _, p := range []common.Provider{common.DefaultEnvProvider(), common.DefaultProfileProvider()} {
		cred, err := p.GetCredential()
		if err != nil || cred == nil {
			continue
		}
		id, key, token = cred.GetSecretId(), cred.GetSecretKey(), cred.GetToken()
		if id != "" && key != "" {
			return id, key, token, true
		}
	}
	return "", "", "", false
}
