package resources_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
)

func TestCatalogueAndCapabilities(t *testing.T) {
	e := testenv.New(t)
	caps := e.Client.GetServerCapabilities()
	if caps.Resources == nil || !caps.Resources.Subscribe || !caps.Resources.ListChanged || caps.Completions == nil || caps.Prompts == nil {
		t.Fatalf("capabilities: %+v", caps)
	}
	ctx := context.Background()
	list, err := e.Client.ListResources(ctx, mcp.ListResourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	uris := map[string]mcp.Resource{}
	for _, r := range list.Resources {
		uris[r.URI] = r
	}
	for _, u := range []string{resources.TemplatesURI, resources.ProvidersURI} {
		r, ok := uris[u]
		if !ok || r.Title == "" || r.Description == "" || r.MIMEType != "application/json" {
			t.Errorf("resource %s: %+v", u, r)
		}
	}
	tl, err := e.Client.ListResourceTemplates(ctx, mcp.ListResourceTemplatesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tpls := map[string]mcp.ResourceTemplate{}
	for _, rt := range tl.ResourceTemplates {
		tpls[rt.URITemplate.Raw()] = rt
	}
	for _, u := range []string{resources.TemplateURITemplate, resources.ProviderURITemplate} {
		rt, ok := tpls[u]
		if !ok || rt.Title == "" || rt.Description == "" || rt.MIMEType != "application/json" {
			t.Errorf("template %s: %+v", u, rt)
		}
	}
}

func decode(t *testing.T, text string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, text)
	}
	return m
}

func TestTemplateResources(t *testing.T) {
	e := testenv.New(t)
	text, mime, err := e.Read(resources.TemplatesURI)
	if err != nil || mime != "application/json" {
		t.Fatalf("%v %q", err, mime)
	}
	all := decode(t, text)
	var wx map[string]any
	for _, x := range all["Templates"].([]any) {
		if m := x.(map[string]any); m["AuthTypeCode"] == "weixinpaydc" {
			wx = m
		}
	}
	if all["TotalCount"].(float64) < 6 || wx == nil || wx["URI"] != resources.TemplateURI("weixinpaydc") ||
		!slices.Equal(toStrings(wx["SecretFields"]), []string{"apiV3Key", "privateKey"}) {
		t.Fatalf("templates: %s", text)
	}

	text, _, err = e.Read(resources.TemplateURI("weixinpaydc"))
	if err != nil {
		t.Fatal(err)
	}
	one := decode(t, text)
	fields := map[string]map[string]any{}
	for _, f := range one["Fields"].([]any) {
		m := f.(map[string]any)
		fields[m["name"].(string)] = m
	}
	if fields["apiV3Key"]["secret"] != true || fields["appId"]["secret"] != false || fields["appId"]["required"] != true ||
		fields["appId"]["label"] != "AppID" || fields["appId"]["type"] != "text" {
		t.Fatalf("field schema: %v", fields)
	}
	inst := one["Instances"].([]any)
	if one["InstanceCount"] != float64(1) || inst[0].(map[string]any)["KeyID"] != "wxpay-main" || inst[0].(map[string]any)["BindServiceList"] == nil {
		t.Fatalf("instances: %s", text)
	}
	// The instance's Ext (ciphertext) is not part of the template resource.
	stored, err := tcb.ClientKey.Get(e.App.Deps.Clients).GetOneUserKey(context.Background(), tcbKey("wxpay-main"))
	if err != nil {
		t.Fatal(err)
	}
	var ext map[string]any
	_ = json.Unmarshal([]byte(stored.UserKeyInfo.Ext), &ext)
	var shown struct{ Instances []map[string]any }
	_ = json.Unmarshal([]byte(text), &shown)
	if strings.Contains(text, ext["apiV3Key"].(string)) || len(shown.Instances) == 0 || shown.Instances[0]["Ext"] != nil {
		t.Fatalf("template resource shows instance configuration: %s", text)
	}
	if _, _, err := e.Read(resources.TemplateURI("no_such")); err == nil || !strings.Contains(err.Error(), "no_such") ||
		!strings.Contains(err.Error(), resources.TemplatesURI) {
		t.Fatalf("unknown template: %v", err)
	}
}

func TestProviderResourcesAreRedacted(t *testing.T) {
	e := testenv.New(t)
	list, err := tcb.ClientKey.Get(e.App.Deps.Clients).GetProviders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, p := range list.Data {
		if p.Config != nil && p.Config.ClientSecret != "" {
			secrets = append(secrets, p.Config.ClientSecret)
		}
	}
	if len(secrets) < 3 {
		t.Fatalf("the seed should hold client secrets to prove redaction: %d", len(secrets))
	}
	all, _, err := e.Read(resources.ProvidersURI)
	if err != nil {
		t.Fatal(err)
	}
	one, _, err := e.Read(resources.ProviderURI("github"))
	if err != nil {
		t.Fatal(err)
	}
	gh := decode(t, one)
	if gh["Id"] != "github" || gh["ProviderType"] != "OAUTH" || !strings.HasPrefix(gh["Config"].(map[string]any)["ClientSecret"].(string), "[redacted") {
		t.Fatalf("provider: %s", one)
	}
	if m := decode(t, all); len(m["Providers"].([]any)) != int(m["Total"].(float64)) || !strings.Contains(all, resources.ProviderURI("google")) {
		t.Fatalf("providers: %s", all)
	}
	_, _, missing := e.Read(resources.ProviderURI("nope"))
	for _, s := range secrets {
		if strings.Contains(all+one+e.Logs.String(), s) {
			t.Errorf("client secret %.6s… came out", s)
		}
	}
	if missing == nil || !strings.Contains(missing.Error(), "nope") {
		t.Fatalf("unknown provider: %v", missing)
	}
}

func TestResourceCompletions(t *testing.T) {
	e := testenv.New(t)
	tpl := mcp.ResourceReference{Type: "ref/resource", URI: resources.TemplateURITemplate}
	c, err := e.Complete(tpl, "authTypeCode", "WE")
	if err != nil || !slices.Equal(c.Values, []string{"weixinpaydc"}) || c.Total != 1 {
		t.Fatalf("authTypeCode: %+v %v", c, err)
	}
	c, _ = e.Complete(tpl, "authTypeCode", "")
	if len(c.Values) < 6 {
		t.Fatalf("all codes: %+v", c)
	}
	c, err = e.Complete(mcp.ResourceReference{Type: "ref/resource", URI: resources.ProviderURITemplate}, "id", "g")
	if err != nil || !slices.Equal(c.Values, []string{"github", "google"}) {
		t.Fatalf("id: %+v %v", c, err)
	}
	// Live data: a new provider is completed at once.
	e.OK("cloudbase_add_provider", map[string]any{"Id": "gitlab", "ProviderType": "CUSTOM", "Name": map[string]any{"Message": "GitLab"}})
	if c, _ = e.Complete(mcp.ResourceReference{Type: "ref/resource", URI: resources.ProviderURITemplate}, "id", "git"); !slices.Equal(c.Values, []string{"github", "gitlab"}) {
		t.Fatalf("after add: %+v", c)
	}
	if c, err = e.Complete(tpl, "other", ""); err != nil || len(c.Values) != 0 {
		t.Fatalf("unknown argument: %+v %v", c, err)
	}
}

// next returns the next resources/updated URI, failing after a generous wait
// (a liveness bound, not a timing assertion).
func next(t *testing.T, ch <-chan mcp.JSONRPCNotification) string {
	t.Helper()
	for {
		select {
		case n := <-ch:
			if n.Method != mcp.MethodNotificationResourceUpdated {
				continue
			}
			uri, _ := n.Params.AdditionalFields["uri"].(string)
			return uri
		case <-time.After(10 * time.Second):
			t.Fatal("no notifications/resources/updated arrived")
			return ""
		}
	}
}

func TestSubscribedClientsAreNotifiedOfChanges(t *testing.T) {
	e := testenv.New(t)
	ch := e.Notifications()
	for _, u := range []string{resources.ProviderURI("google"), resources.TemplateURI("basic_auth"), resources.ProvidersURI} {
		if err := e.Subscribe(u); err != nil {
			t.Fatal(err)
		}
	}
	// github is not subscribed (only the list is); google is.
	e.OK("cloudbase_modify_provider", map[string]any{"Id": "github", "On": "FALSE"})
	if got := next(t, ch); got != resources.ProvidersURI {
		t.Fatalf("first notification %q, want the providers list", got)
	}
	e.OK("cloudbase_modify_provider", map[string]any{"Id": "google", "AutoSignUpWithProviderUser": "FALSE"})
	got := []string{next(t, ch), next(t, ch)}
	slices.Sort(got)
	if !slices.Equal(got, []string{resources.ProvidersURI, resources.ProviderURI("google")}) {
		t.Fatalf("google change notified %v", got)
	}
	// An integration change notifies its template's resource.
	e.OK("cloudbase_create_user_key", map[string]any{"name": "n", "keyId": "n-1", "authTypeCode": "openai_api_key", "ext": `{"apiKey":"sk-abcdefghijklmnop"}`})
	e.OK("cloudbase_update_user_key", map[string]any{"keyId": "crm-basic", "description": "x"})
	if got := next(t, ch); got != resources.TemplateURI("basic_auth") {
		t.Fatalf("update notified %q, want %s (openai_api_key is not subscribed)", got, resources.TemplateURI("basic_auth"))
	}
	// Dry runs, failures and unsubscribed URIs notify nobody.
	if err := e.Unsubscribe(resources.ProviderURI("google")); err != nil {
		t.Fatal(err)
	}
	e.Err("cloudbase_delete_provider", map[string]any{"Id": "nope"})
	e.OK("cloudbase_modify_provider", map[string]any{"Id": "google", "On": "FALSE"})
	if got := next(t, ch); got != resources.ProvidersURI {
		t.Fatalf("after unsubscribing google got %q", got)
	}
	e.OK("cloudbase_delete_user_key", map[string]any{"keyId": "crm-basic"})
	if got := next(t, ch); got != resources.TemplateURI("basic_auth") {
		t.Fatalf("after failed delete / unsubscribe got %q", got)
	}
}

func tcbKey(id string) *tcb.GetOneUserKeyRequest {
	return &tcb.GetOneUserKeyRequest{KeyID: id, NeedPwd: true}
}

func toStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
