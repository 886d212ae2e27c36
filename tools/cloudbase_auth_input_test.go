package tools_test

import (
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// badInput is one invalid call and the words its error must contain (field and rule).
type badInput struct {
	name string
	args map[string]any
	want []string
}

var huge = strings.Repeat("x", 1<<20)

// authBadInputs: per tool, every kind of bad input the schema or a cross-field rule must catch.
var authBadInputs = map[string][]badInput{
	"cloudbase_get_login_config": {
		{"unknown field", map[string]any{"EnvId": "x"}, []string{"EnvId", "unknown field"}},
	},
	"cloudbase_modify_login_config": {
		{"wrong type", map[string]any{"EmailLogin": "yes"}, []string{"EmailLogin", "must be boolean"}},
		{"bad enum", map[string]any{"MfaConfig": map[string]any{"On": "ON"}}, []string{"MfaConfig.On", "TRUE, FALSE"}},
		{"bad period unit", map[string]any{"PwdUpdateStrategy": map[string]any{"PeriodType": "CENTURY"}}, []string{"PwdUpdateStrategy.PeriodType"}},
		{"out of range", map[string]any{"SmsVerificationConfig": map[string]any{"SmsDayLimit": -5}}, []string{"SmsVerificationConfig.SmsDayLimit", "at least -1"}},
		{"unknown field", map[string]any{"WeChatLogin": true}, []string{"WeChatLogin", "unknown field"}},
		{"1 MB string", map[string]any{"SmsVerificationConfig": map[string]any{"Name": huge}}, []string{"SmsVerificationConfig.Name", "too long"}},
		{"nothing to change", map[string]any{}, []string{"at least one"}},
	},
	"cloudbase_describe_client": {
		{"wrong type", map[string]any{"Id": 12}, []string{"Id", "must be string"}},
		{"1 MB string", map[string]any{"Id": huge}, []string{"Id", "too long"}},
	},
	"cloudbase_modify_client": {
		{"MaxDevice out of range", map[string]any{"Id": env, "MaxDevice": 80}, []string{"MaxDevice: must be between -1 and 50", "(got 80)"}},
		{"refresh below range", map[string]any{"Id": env, "RefreshTokenExpiresIn": 60}, []string{"RefreshTokenExpiresIn", "between 1800 and 2592000"}},
		{"refresh above range", map[string]any{"Id": env, "RefreshTokenExpiresIn": 2592001}, []string{"RefreshTokenExpiresIn", "2592001"}},
		{"access below minimum", map[string]any{"Id": env, "AccessTokenExpiresIn": 100}, []string{"AccessTokenExpiresIn", "at least 1800"}},
		{"access not below refresh", map[string]any{"Id": env, "AccessTokenExpiresIn": 9000, "RefreshTokenExpiresIn": 9000}, []string{"AccessTokenExpiresIn: must be less than RefreshTokenExpiresIn"}},
		{"wrong type", map[string]any{"Id": env, "MaxDevice": "5"}, []string{"MaxDevice", "must be integer"}},
		{"fractional", map[string]any{"Id": env, "MaxDevice": 2.5}, []string{"MaxDevice"}},
		{"unknown field", map[string]any{"Id": env, "MaxDevices": 2}, []string{"MaxDevices", "unknown field"}},
	},
	"cloudbase_get_providers": {
		{"unknown field", map[string]any{"Id": "x"}, []string{"Id", "unknown field"}},
	},
	"cloudbase_add_provider": {
		{"missing required", map[string]any{"ProviderType": "CUSTOM"}, []string{"Name: required"}},
		{"bad enum", map[string]any{"Name": map[string]any{"Message": "x"}, "ProviderType": "LDAP"}, []string{"ProviderType", "OIDC"}},
		{"bad pattern", map[string]any{"Name": map[string]any{"Message": "x"}, "ProviderType": "CUSTOM", "Id": "My_IdP"}, []string{"Id: must match ^[a-z0-9]{2,32}$"}},
		{"OAUTH needs config", map[string]any{"Name": map[string]any{"Message": "x"}, "ProviderType": "OAUTH", "Config": map[string]any{"ClientId": "a"}}, []string{"Config.ClientSecret: required for OAUTH", "Config.TokenEndpoint: required"}},
		{"OIDC without issuer", map[string]any{"Name": map[string]any{"Message": "x"}, "ProviderType": "OIDC"}, []string{"Config.JwksUri: required for OIDC"}},
		{"SAML needs metadata", map[string]any{"Name": map[string]any{"Message": "x"}, "ProviderType": "SAML"}, []string{"Config.SamlMetadata: required for SAML"}},
		{"SAML metadata > 10 KB", map[string]any{"Name": map[string]any{"Message": "x"}, "ProviderType": "SAML", "Config": map[string]any{"SamlMetadata": strings.Repeat("m", 10241)}}, []string{"Config.SamlMetadata", "at most 10240"}},
		{"bad URL", map[string]any{"Name": map[string]any{"Message": "x"}, "ProviderType": "CUSTOM", "Homepage": "not a url"}, []string{"Homepage", "uri"}},
		{"bad switch", map[string]any{"Name": map[string]any{"Message": "x"}, "ProviderType": "CUSTOM", "On": "yes"}, []string{"On", "TRUE, FALSE, UNSPECIFIED"}},
		{"1 MB string", map[string]any{"Name": map[string]any{"Message": huge}, "ProviderType": "CUSTOM"}, []string{"Name.Message", "too long"}},
	},
	"cloudbase_modify_provider": {
		{"missing required", map[string]any{"On": "TRUE"}, []string{"Id: required"}},
		{"bad pattern", map[string]any{"Id": "A"}, []string{"Id: must match"}},
		{"template without code", map[string]any{"Id": "email", "EmailConfig": map[string]any{"TemplateConfig": map[string]any{"DefaultTpl": map[string]any{"ZhCN": "<p>hi</p>"}}}}, []string{"EmailConfig.TemplateConfig.DefaultTpl.ZhCN", "{{.VerificationCode}}"}},
		{"template with script", map[string]any{"Id": "email", "EmailConfig": map[string]any{"TemplateConfig": map[string]any{"RegisterSignIn": map[string]any{"EnUS": "{{.VerificationCode}}<script>x()</script>"}}}}, []string{"EmailConfig.TemplateConfig.RegisterSignIn.EnUS", "script"}},
		{"template with css url", map[string]any{"Id": "email", "EmailConfig": map[string]any{"TemplateConfig": map[string]any{"RegisterSignIn": map[string]any{"EnUS": "{{.VerificationCode}}<p style=\"background:url(x)\">"}}}}, []string{"RegisterSignIn.EnUS", "url("}},
		{"port out of range", map[string]any{"Id": "email", "EmailConfig": map[string]any{"SmtpConfig": map[string]any{"SenderAddress": "a@b.co", "ServerHost": "h", "ServerPort": 70000, "AccountUsername": "u", "AccountPassword": "p"}}}, []string{"EmailConfig.SmtpConfig.ServerPort", "between 1 and 65535"}},
		{"smtp missing password", map[string]any{"Id": "email", "EmailConfig": map[string]any{"SmtpConfig": map[string]any{"SenderAddress": "a@b.co", "ServerHost": "h", "ServerPort": 465, "AccountUsername": "u"}}}, []string{"EmailConfig.SmtpConfig.AccountPassword: required"}},
		{"bad security mode", map[string]any{"Id": "email", "EmailConfig": map[string]any{"SmtpConfig": map[string]any{"SenderAddress": "a@b.co", "ServerHost": "h", "ServerPort": 465, "AccountUsername": "u", "AccountPassword": "p", "SecurityMode": "TLS13"}}}, []string{"SecurityMode", "STARTSSL"}},
		{"email config on OIDC", map[string]any{"Id": "google", "EmailConfig": map[string]any{"On": "TRUE"}}, []string{"EmailConfig: only valid for EMAIL"}},
		{"unknown field", map[string]any{"Id": "google", "Secret": "x"}, []string{"Secret", "unknown field"}},
	},
	"cloudbase_delete_provider": {
		{"missing required", map[string]any{}, []string{"Id: required"}},
		{"bad pattern", map[string]any{"Id": "../etc"}, []string{"Id: must match"}},
	},
	"cloudbase_create_api_key": {
		{"missing required", map[string]any{"KeyName": "x"}, []string{"KeyType: required"}},
		{"bad enum", map[string]any{"KeyType": "admin_key"}, []string{"KeyType", "api_key, publish_key"}},
		{"ExpireIn too short", map[string]any{"KeyType": "api_key", "ExpireIn": 3600}, []string{"ExpireIn", "7200"}},
		{"ExpireIn negative", map[string]any{"KeyType": "api_key", "ExpireIn": -1}, []string{"ExpireIn"}},
		{"wrong type", map[string]any{"KeyType": "api_key", "ExpireIn": "never"}, []string{"ExpireIn"}},
		{"1 MB name", map[string]any{"KeyType": "api_key", "KeyName": huge}, []string{"KeyName", "too long"}},
	},
	"cloudbase_describe_api_key_list": {
		{"bad enum", map[string]any{"KeyType": "all"}, []string{"KeyType", "api_key, publish_key"}},
		{"page zero", map[string]any{"PageNumber": 0}, []string{"PageNumber", "at least 1"}},
		{"page size too big", map[string]any{"PageSize": 1000}, []string{"PageSize", "between 1 and 100"}},
	},
	"cloudbase_delete_api_key": {
		{"neither id nor name", map[string]any{}, []string{"KeyId: give exactly one of KeyId and KeyName"}},
		{"both id and name", map[string]any{"KeyId": "k", "KeyName": "n"}, []string{"exactly one"}},
		{"empty", map[string]any{"KeyId": ""}, []string{"KeyId", "too short"}},
	},
}

func TestAuthToolsRejectBadInput(t *testing.T) {
	e := testenv.New(t)
	writes := func() int {
		n := 0
		for _, a := range []string{"ModifyLoginConfig", "ModifyClient", "AddProvider", "ModifyProvider", "DeleteProvider", "CreateApiKey", "DeleteApiKey"} {
			n += e.App.Sandbox.Count(a)
		}
		return n
	}
	for tool, cases := range authBadInputs {
		for _, c := range cases {
			t.Run(tool+"/"+c.name, func(t *testing.T) {
				before := writes()
				msg := e.Err(tool, c.args)
				for _, w := range c.want {
					if !strings.Contains(msg, w) {
						t.Errorf("error %q does not contain %q", msg, w)
					}
				}
				if len(msg) > 2000 {
					t.Errorf("error is %d bytes; it must not echo huge input", len(msg))
				}
				if writes() != before {
					t.Error("invalid input reached the cloud as a write")
				}
			})
		}
	}
	// The server keeps serving after all of that.
	e.OK("cloudbase_get_login_config", nil)
}

func TestEveryAuthToolHasBadInputCases(t *testing.T) {
	e := testenv.New(t)
	for _, tl := range e.App.Tools {
		if tl.Spec.Toolset == "cloudbase_auth" && len(authBadInputs[tl.Spec.Name]) == 0 {
			t.Errorf("%s has no bad-input cases", tl.Spec.Name)
		}
	}
}
