package tcb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// bodies records each action's last request body as it went on the wire.
type bodies struct {
	mu sync.Mutex
	m  map[string]map[string]any
}

func (b *bodies) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		b.mu.Lock()
		b.m[r.Header.Get("X-TC-Action")] = m
		b.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (b *bodies) keys(action string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var ks []string
	for k := range b.m[action] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (b *bodies) get(action string) map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.m[action]
}

func TestIntegrationWireNamesAndDefaults(t *testing.T) {
	rec := &bodies{m: map[string]map[string]any{}}
	c, _ := newClient(t, rec.wrap)
	ctx := context.Background()

	if _, err := c.GetUserKeyTemplateList(ctx, &tcb.GetUserKeyTemplateListRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUserKeyList(ctx, &tcb.GetUserKeyListRequest{Name: "openai"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: "openai-prod"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUserKey(ctx, &tcb.CreateUserKeyRequest{Name: "n", KeyID: "wire-1", AuthTypeCode: "no_auth"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateUserKey(ctx, &tcb.UpdateUserKeyRequest{KeyID: "wire-1", Description: "d"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUserKey(ctx, &tcb.DeleteUserKeyRequest{KeyID: "wire-1"}); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		// Offset, Limit and Business always go out with their documented defaults.
		"GetUserKeyTemplateList": {"Business", "EnvId", "Limit", "Offset"},
		"GetUserKeyList":         {"Business", "EnvId", "Limit", "Name", "Offset"},
		"GetOneUserKey":          {"Business", "EnvId", "KeyID", "NeedPwd"},
		// Empty fields are omitted, not sent as null or "".
		"CreateUserKey": {"AuthTypeCode", "Business", "EnvId", "KeyID", "Name"},
		"UpdateUserKey": {"Business", "Description", "EnvId", "KeyID"},
		// DeleteUserKey takes no Business.
		"DeleteUserKey": {"EnvId", "KeyID"},
	}
	for action, keys := range want {
		if got := rec.keys(action); !reflect.DeepEqual(got, keys) {
			t.Errorf("%s body keys = %v, want %v", action, got, keys)
		}
	}
	tl := rec.get("GetUserKeyTemplateList")
	if tl["Offset"] != float64(0) || tl["Limit"] != float64(100) || tl["Business"] != "integration" {
		t.Errorf("template list defaults: %v", tl)
	}
	if one := rec.get("GetOneUserKey"); one["NeedPwd"] != false {
		t.Errorf("NeedPwd default: %v", one)
	}
}

func TestUserKeyLifecycleAgainstSandbox(t *testing.T) {
	c, sb := newClient(t, nil)
	ctx := context.Background()
	ext := `{"username":"svc","password":"plain-for-test","baseUrl":"https://x.example.com"}`
	if _, err := c.CreateUserKey(ctx, &tcb.CreateUserKeyRequest{Name: "crm", KeyID: "crm-2", AuthTypeCode: "basic_auth", Ext: ext}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateUserKey(ctx, &tcb.CreateUserKeyRequest{Name: "crm", KeyID: "crm-2", AuthTypeCode: "basic_auth"})
	if code := apiCode(err); code != "ResourceInUse" {
		t.Fatalf("duplicate KeyID: %v", err)
	}
	masked, err := c.GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: "crm-2"})
	if err != nil {
		t.Fatal(err)
	}
	if masked.UserKeyInfo.Ext == ext || !bytes.Contains([]byte(masked.UserKeyInfo.Ext), []byte(`"password":"******"`)) {
		t.Fatalf("NeedPwd=false must mask the password field: %s", masked.UserKeyInfo.Ext)
	}
	full, err := c.GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: "crm-2", NeedPwd: true})
	if err != nil || full.UserKeyInfo.Ext != ext {
		t.Fatalf("NeedPwd=true must return Ext as stored: %v %q", err, full.UserKeyInfo.Ext)
	}
	// No Ext: the stored one is kept.
	if _, err := c.UpdateUserKey(ctx, &tcb.UpdateUserKeyRequest{KeyID: "crm-2", Name: "crm renamed"}); err != nil {
		t.Fatal(err)
	}
	full, _ = c.GetOneUserKey(ctx, &tcb.GetOneUserKeyRequest{KeyID: "crm-2", NeedPwd: true})
	if full.UserKeyInfo.Ext != ext || full.UserKeyInfo.Name != "crm renamed" {
		t.Fatalf("update without Ext: %+v", full.UserKeyInfo)
	}
	if _, err := c.DeleteUserKey(ctx, &tcb.DeleteUserKeyRequest{KeyID: "crm-2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUserKey(ctx, &tcb.DeleteUserKeyRequest{KeyID: "crm-2"}); apiCode(err) != "ResourceNotFound" {
		t.Fatalf("second delete: %v", err)
	}
	if sb.Count("DeleteUserKey") != 2 {
		t.Fatalf("deletes sent: %d", sb.Count("DeleteUserKey"))
	}
}

func TestAllUserKeyTemplatesAndEnvInfo(t *testing.T) {
	c, _ := newClient(t, nil)
	all, err := c.AllUserKeyTemplates(context.Background(), tcb.GetUserKeyTemplateListRequest{})
	if err != nil || len(all) < 6 {
		t.Fatalf("templates: %v (%d)", err, len(all))
	}
	for _, tpl := range all {
		if _, err := tcb.ParseTemplateFields(tpl.Ext); err != nil {
			t.Errorf("%s: %v", tpl.AuthTypeCode, err)
		}
	}
	info, err := c.DescribeEnvInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := info.EnvInfo.EnvBaseInfo
	if b.EnvId != sandbox.DefaultEnvID || b.Status == "" || b.Region == "" || info.RequestId == "" {
		t.Fatalf("env info: %+v", info)
	}
}

func TestCreateUserKeyUnderDryRunIsNotSent(t *testing.T) {
	c, sb := newClient(t, nil)
	_, err := c.CreateUserKey(cloud.WithDryRun(context.Background()), &tcb.CreateUserKeyRequest{Name: "n", AuthTypeCode: "no_auth"})
	var dry *cloud.DryRunError
	if !errors.As(err, &dry) || sb.Count("CreateUserKey") != 0 {
		t.Fatalf("got %v, %d sent; want a dry run and nothing sent", err, sb.Count("CreateUserKey"))
	}
	body := dry.Request.(tcb.Request).Body
	if body["Business"] != "integration" || body["Name"] != "n" {
		t.Fatalf("dry-run request: %v", body)
	}
}

func TestParseTemplateFields(t *testing.T) {
	f, err := tcb.ParseTemplateFields(`{"fields":[{"name":"k","type":"password","required":true},{"label":"nameless"},{"name":"u","type":"text"}]}`)
	if err != nil || len(f) != 2 || !f[0].Secret() || f[1].Secret() || !f[0].Required {
		t.Fatalf("got %+v, %v", f, err)
	}
	if f, err := tcb.ParseTemplateFields(""); err != nil || f != nil {
		t.Fatalf("empty Ext: %v %v", f, err)
	}
	if _, err := tcb.ParseTemplateFields("not json"); err == nil {
		t.Fatal("invalid Ext parsed")
	}
}

func apiCode(err error) string {
	var e *tcb.APIError
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}
