package app_test

import (
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// cloudbase_update_user_key that would leave a required template field out
// (a whole ext without wxpay's privateKey, or extPatch removing basic_auth's
// username) is refused before any page or question (trial 5, P1): nobody
// types a secret or approves "privateKey: removed" for a change refused
// after the yes. On protocol 2026-07-28 and before.
func TestUpdateLackingRequiredFieldRefusedBeforeAsking(t *testing.T) {
	for name, legacy := range map[string]bool{"before 2026-07-28": true, "2026-07-28": false} {
		t.Run(name, func(t *testing.T) {
			se := newSecretEnv(t)
			const key = "wxpay-trial5-apiv3-9a8b7c6d5e4f3a2b"
			u := &roundUser{page: &browserUser{t: t, value: key, action: mcp.ElicitationResponseActionAccept}}
			c, _ := se.Connect(testenv.ClientOptions{Legacy: legacy, URLElicitation: true, Elicit: u.elicit})
			for _, tc := range []struct {
				args map[string]any
				want string
			}{
				{map[string]any{"keyId": "wxpay-main", "ext": `{"appId":"wx0demo0appid","mchId":"1900000109",` +
					`"serialNo":"5157F09EFDC096DE15EBE81A47057A72","apiV3Key":{"ask":true}}`}, "template weixinpaydc requires privateKey"},
				{map[string]any{"keyId": "crm-basic", "extPatch": map[string]any{"username": nil}}, "extPatch: template basic_auth requires username (Username), which the Ext would lack after this patch"},
				{map[string]any{"keyId": "crm-basic", "extPatch": map[string]any{"username": nil, "password": map[string]any{"ask": true}}},
					"extPatch: template basic_auth requires username (Username), which the Ext would lack after this patch"},
			} {
				res := c.Call("cloudbase_update_user_key", tc.args)
				if !res.IsError || !strings.Contains(testenv.Text(res), tc.want) {
					t.Fatalf("%v: %s", tc.args, testenv.Text(res))
				}
			}
			if u.confirms != 0 || len(u.page.urls) != 0 {
				t.Fatalf("asked before refusing: %d questions %q, %d pages", u.confirms, u.questions, len(u.page.urls))
			}
			if n := se.App.Sandbox.Count("UpdateUserKey"); n != 0 {
				t.Fatalf("%d UpdateUserKey calls sent", n)
			}
			// The same whole ext with privateKey kept is asked as before.
			ok := c.Call("cloudbase_update_user_key", map[string]any{"keyId": "crm-basic", "extPatch": map[string]any{"username": "svc-2"}})
			if ok.IsError || u.confirms != 1 {
				t.Fatalf("a change keeping the required fields: %s (%d questions)", testenv.Text(ok), u.confirms)
			}
			se.nowhere(t, key, strings.Join(u.questions, " "))
		})
	}
}
