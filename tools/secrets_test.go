package tools_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// TestSecretsOfFollowsTheSchema: writeOnly fields and template password
// fields are found by SecretsOf and withheld from the arguments it returns,
// whatever the field is called (apiV3Key looks like nothing in particular).
func TestSecretsOfFollowsTheSchema(t *testing.T) {
	e := testenv.New(t)
	byName := map[string]tools.Tool{}
	for _, tl := range e.App.Tools {
		byName[tl.Spec.Name] = tl
	}
	for _, c := range []struct {
		tool   string
		args   map[string]any
		secret string
	}{
		{"cloudbase_add_provider", map[string]any{"Id": "p1", "ProviderType": "OAUTH",
			"Config": map[string]any{"ClientId": "cid-visible", "ClientSecret": "planted-client-secret-1"}}, "planted-client-secret-1"},
		{"telnyx_create_integration_secret", map[string]any{"identifier": "s1", "type": "bearer", "token": "planted-bearer-token-2"}, "planted-bearer-token-2"},
		{"cloudbase_create_user_key", map[string]any{"name": "pay", "authTypeCode": "weixinpaydc",
			"ext": `{"appId":"wx-visible-app","mchId":"1900000109","apiV3Key":"planted-v3-key-3","serialNo":"5157F09E","privateKey":"planted-pem-4"}`}, "planted-v3-key-3"},
		{"cloudbase_update_user_key", map[string]any{"keyId": "wxpay-main", "authTypeCode": "weixinpaydc",
			"extPatch": map[string]any{"apiV3Key": "planted-v3-key-5"}}, "planted-v3-key-5"},
	} {
		tl, ok := byName[c.tool]
		if !ok {
			t.Fatalf("no tool %s", c.tool)
		}
		sec := e.App.Deps.SecretsOf(context.Background(), tl, c.args)
		if !contains(sec.Values, c.secret) {
			t.Errorf("%s: secrets %q lack the planted value", c.tool, sec.Values)
		}
		if shown := testenv.JSON(sec.Args); strings.Contains(shown, c.secret) || !strings.Contains(shown, "[redacted]") {
			t.Errorf("%s: withheld args %s", c.tool, shown)
		}
		if c.tool == "cloudbase_create_user_key" && !strings.Contains(testenv.JSON(sec.Args), "wx-visible-app") {
			t.Errorf("%s: a field the template types text was withheld: %s", c.tool, testenv.JSON(sec.Args))
		}
		if !strings.Contains(testenv.JSON(c.args), c.secret) {
			t.Errorf("%s: the caller's arguments were modified in place", c.tool)
		}
	}
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}
