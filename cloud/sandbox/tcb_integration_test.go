package sandbox_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// integrationClient is our tcb client pointed at a sandbox built from cfg.
func integrationClient(t *testing.T, cfg sandbox.Config) (*tcb.Client, *sandbox.Server) {
	t.Helper()
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	c, err := tcb.New(tcb.Config{Credential: tcb.Credential{SecretID: sandbox.DefaultSecretID, SecretKey: sandbox.DefaultSecretKey},
		EnvID: sandbox.DefaultEnvID, Endpoint: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, sb
}

func apiErrCode(err error) string {
	var e *tcb.APIError
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func TestTemplateSeedsCoverConnectorAuthMethods(t *testing.T) {
	c, _ := integrationClient(t, sandbox.Config{})
	ctx := context.Background()
	res, err := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var oauth, none, apiKey, basic bool
	for _, tpl := range res.KeyTemplateList {
		fields, err := tcb.ParseTemplateFields(tpl.Ext)
		if err != nil {
			t.Fatalf("%s: %v", tpl.AuthTypeCode, err)
		}
		oauth = oauth || tpl.AuthURL != "" && tpl.RedirectURI != ""
		none = none || len(fields) == 0
		for _, f := range fields {
			apiKey = apiKey || f.Name == "apiKey" && f.Secret()
			basic = basic || f.Name == "password" && f.Secret()
		}
	}
	if !oauth || !none || !apiKey || !basic || res.TotalCount != len(res.KeyTemplateList) {
		t.Fatalf("seed templates miss an auth method (oauth %v none %v apiKey %v basic %v): %+v", oauth, none, apiKey, basic, res)
	}
	// Paging: TotalCount is the filtered total, pages do not overlap.
	p1, _ := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{Offset: 0, Limit: 2})
	p2, _ := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{Offset: 2, Limit: 2})
	if len(p1.KeyTemplateList) != 2 || len(p2.KeyTemplateList) != 2 || p1.TotalCount != res.TotalCount ||
		p1.KeyTemplateList[0].AuthTypeCode == p2.KeyTemplateList[0].AuthTypeCode {
		t.Fatalf("paging: %+v / %+v", p1, p2)
	}
	past, _ := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{Offset: 1000})
	if len(past.KeyTemplateList) != 0 || past.TotalCount != res.TotalCount {
		t.Fatalf("offset past the end: %+v", past)
	}
	byName, _ := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{AuthTypeName: "wechat"})
	byCode, _ := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{AuthTypeCode: "weixinpaydc"})
	if byName.TotalCount != 1 || byCode.TotalCount != 1 || byCode.KeyTemplateList[0].AuthTypeName != "WeChat Pay" {
		t.Fatalf("filters: %+v / %+v", byName, byCode)
	}
	other, _ := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{Business: "other"})
	if other.TotalCount != 0 {
		t.Fatalf("another business sees integration templates: %+v", other)
	}
	if _, err := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{Offset: -1}); apiErrCode(err) != "InvalidParameterValue" {
		t.Fatalf("negative offset: %v", err)
	}
}

func TestUserKeyListFiltersPagesAndMasks(t *testing.T) {
	c, _ := integrationClient(t, sandbox.Config{})
	ctx := context.Background()
	all, err := c.GetUserKeyList(ctx, &tcb.GetUserKeyListRequest{})
	if err != nil || all.TotalCount < 4 || len(all.UserKeyList) != all.TotalCount {
		t.Fatalf("list: %v %+v", err, all)
	}
	bound := 0
	for _, k := range all.UserKeyList {
		if k.BindServiceList == nil {
			t.Errorf("%s: no BindServiceList", k.KeyID)
		}
		for _, group := range []string{"Mcp", "Apis", "Other"} {
			if l, _ := k.BindServiceList[group].([]any); len(l) > 0 {
				bound++
			}
		}
	}
	if bound < 3 {
		t.Fatalf("seed instances should be bound to services: %+v", all.UserKeyList)
	}
	wx, _ := c.GetUserKeyList(ctx, &tcb.GetUserKeyListRequest{Name: "WXPAY"}) // fuzzy, case-insensitive
	if wx.TotalCount != 1 || !strings.Contains(wx.UserKeyList[0].Ext, `"apiV3Key":"******"`) {
		t.Fatalf("name filter / masking: %+v", wx)
	}
	page, _ := c.GetUserKeyList(ctx, &tcb.GetUserKeyListRequest{Offset: 1, Limit: 1})
	if len(page.UserKeyList) != 1 || page.TotalCount != all.TotalCount || page.UserKeyList[0].KeyID != all.UserKeyList[1].KeyID {
		t.Fatalf("paging: %+v", page)
	}
	byType, _ := c.GetUserKeyList(ctx, &tcb.GetUserKeyListRequest{AuthTypeCode: "github_oauth"})
	if byType.TotalCount != 1 || byType.UserKeyList[0].TicketID == "" {
		t.Fatalf("type filter: %+v", byType)
	}
}

func TestUserKeyWriteRules(t *testing.T) {
	c, sb := integrationClient(t, sandbox.Config{})
	ctx := context.Background()
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"missing name", func() error {
			_, err := c.CreateUserKey(ctx, &tcb.CreateUserKeyRequest{AuthTypeCode: "no_auth"})
			return err
		}, "MissingParameter"},
		{"unknown template", func() error {
			_, err := c.CreateUserKey(ctx, &tcb.CreateUserKeyRequest{Name: "x", AuthTypeCode: "nope"})
			return err
		}, "InvalidParameterValue"},
		{"bad KeyID", func() error {
			_, err := c.CreateUserKey(ctx, &tcb.CreateUserKeyRequest{Name: "x", KeyID: "has space", AuthTypeCode: "no_auth"})
			return err
		}, "InvalidParameterValue"},
		{"duplicate KeyID", func() error {
			_, err := c.CreateUserKey(ctx, &tcb.CreateUserKeyRequest{Name: "x", KeyID: "openai-prod", AuthTypeCode: "no_auth"})
			return err
		}, "ResourceInUse"},
		{"update unknown", func() error {
			_, err := c.UpdateUserKey(ctx, &tcb.UpdateUserKeyRequest{KeyID: "nope", Name: "x"})
			return err
		}, "ResourceNotFound"},
		{"update to unknown template", func() error {
			_, err := c.UpdateUserKey(ctx, &tcb.UpdateUserKeyRequest{KeyID: "openai-prod", AuthTypeCode: "nope"})
			return err
		}, "InvalidParameterValue"},
		{"get unknown", func() error {
			_, err := c.GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: "nope"})
			return err
		}, "ResourceNotFound"},
		{"delete unknown", func() error {
			_, err := c.DeleteUserKey(ctx, &tcb.DeleteUserKeyRequest{KeyID: "nope"})
			return err
		}, "ResourceNotFound"},
		{"unknown field", func() error {
			return c.Call(ctx, "DeleteUserKey", map[string]any{"KeyID": "openai-prod", "Business": "integration"}, nil, true)
		}, "InvalidParameter"},
	}
	for _, tc := range cases {
		if got := apiErrCode(tc.call()); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
	if _, err := c.GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: "openai-prod"}); err != nil {
		t.Fatalf("a rejected delete removed the key: %v", err)
	}
	// A generated KeyID is unique and the result codes are 0.
	res, err := c.CreateUserKey(ctx, &tcb.CreateUserKeyRequest{Name: "gen", AuthTypeCode: "no_auth", DemoCodeFunctionName: "demo-fn"})
	if err != nil || res.CreateResult != 0 || res.DemoCodeFunctionName != "demo-fn" {
		t.Fatalf("create: %v %+v", err, res)
	}
	if sb.Count("CreateUserKey") != 5 {
		t.Fatalf("CreateUserKey count %d", sb.Count("CreateUserKey"))
	}
}

func TestIntegrationStatePersists(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	c, _ := integrationClient(t, sandbox.Config{StateFile: state})
	ext := `{"baseUrl":"https://a.example.com","username":"u","password":"p-123456"}`
	if _, err := c.CreateUserKey(context.Background(), &tcb.CreateUserKeyRequest{Name: "kept", KeyID: "kept-1", AuthTypeCode: "basic_auth", Ext: ext}); err != nil {
		t.Fatal(err)
	}
	c2, _ := integrationClient(t, sandbox.Config{StateFile: state})
	got, err := c2.GetOneUserKey(context.Background(), &tcb.GetOneUserKeyRequest{KeyID: "kept-1", NeedPwd: true})
	if err != nil || got.UserKeyInfo.Ext != ext {
		t.Fatalf("after restart: %v %+v", err, got)
	}
}

// The cloud side of the OIDC rules, for clients that do not check first:
// scopes must include openid; an Issuer fills the endpoints (discovery), and a
// new Issuer on modify re-discovers them.
func TestSandboxOIDCScopeAndDiscovery(t *testing.T) {
	c, _ := integrationClient(t, sandbox.Config{})
	ctx := context.Background()
	_, err := c.AddProvider(ctx, &tcb.AddProviderRequest{Id: "corp", ProviderType: "OIDC", Name: tcb.LocalizedMessage{Message: "Corp"},
		Config: &tcb.ProviderConfig{Issuer: "https://sso.example.com", Scope: "email"}})
	if apiErrCode(err) != "InvalidParameterValue" {
		t.Fatalf("scope without openid: %v", err)
	}
	if _, err := c.AddProvider(ctx, &tcb.AddProviderRequest{Id: "corp", ProviderType: "OIDC", Name: tcb.LocalizedMessage{Message: "Corp"},
		Config: &tcb.ProviderConfig{Issuer: "https://sso.example.com/"}}); err != nil {
		t.Fatal(err)
	}
	get := func() *tcb.ProviderConfig {
		list, err := c.GetProviders(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list.Data {
			if p.Id == "corp" {
				return p.Config
			}
		}
		t.Fatal("corp not listed")
		return nil
	}
	if cfg := get(); cfg.TokenEndpoint != "https://sso.example.com/token" || cfg.JwksUri == "" || cfg.Scope != "openid email profile" {
		t.Fatalf("discovery: %+v", cfg)
	}
	if _, err := c.ModifyProvider(ctx, &tcb.ModifyProviderRequest{Id: "corp", Config: &tcb.ProviderConfig{Issuer: "https://accounts.google.com"}}); err != nil {
		t.Fatal(err)
	}
	if cfg := get(); cfg.TokenEndpoint != "https://oauth2.googleapis.com/token" {
		t.Fatalf("a new Issuer re-discovers: %+v", cfg)
	}
	if _, err := c.ModifyProvider(ctx, &tcb.ModifyProviderRequest{Id: "corp", Config: &tcb.ProviderConfig{Scope: "profile"}}); apiErrCode(err) != "InvalidParameterValue" {
		t.Fatalf("modify to a scope without openid: %v", err)
	}
	if cfg := get(); cfg.Scope != "openid email profile" {
		t.Fatalf("a refused modify changed the stored provider: %+v", cfg)
	}
}
