package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

func start(t *testing.T, cfg sandbox.Config) (*sandbox.Server, string) {
	t.Helper()
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(srv.Close)
	return sb, srv.URL
}

// sdkCall signs with the official SDK (not our client) so the verifier is
// checked against an independent signer.
func sdkCall(t *testing.T, url, id, key, token, version, action, body string) error {
	t.Helper()
	prof := profile.NewClientProfile()
	prof.HttpProfile.Endpoint = strings.TrimPrefix(url, "http://")
	prof.HttpProfile.Scheme = "HTTP"
	var cred *common.Credential
	if token != "" {
		cred = common.NewTokenCredential(id, key, token)
	} else {
		cred = common.NewCredential(id, key)
	}
	c := common.NewCommonClient(cred, "ap-shanghai", prof)
	req := tchttp.NewCommonRequest("tcb", version, action)
	if err := req.SetActionParameters(body); err != nil {
		t.Fatal(err)
	}
	return c.Send(req, tchttp.NewCommonResponse())
}

func code(err error) string {
	var e *tcerr.TencentCloudSDKError
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

func TestVerifierAndDispatchErrors(t *testing.T) {
	_, url := start(t, sandbox.Config{Options: []sandbox.Option{sandbox.WithAccounts(
		sandbox.Account{SecretID: "AKIDone", SecretKey: "key-one-0000000000", EnvID: "env-one"},
		sandbox.Account{SecretID: "AKIDtwo", SecretKey: "key-two-0000000000", EnvID: "env-two", SessionToken: "tok-two"},
	)}})
	body := `{"EnvId":"env-one"}`
	cases := []struct {
		name                               string
		id, key, token, version, action, b string
		want                               string
	}{
		{"valid", "AKIDone", "key-one-0000000000", "", "2018-06-08", "DescribeLoginConfig", body, ""},
		{"wrong key", "AKIDone", "key-two-0000000000", "", "2018-06-08", "DescribeLoginConfig", body, "AuthFailure.SignatureFailure"},
		{"unknown SecretId", "AKIDnobody", "key-one-0000000000", "", "2018-06-08", "DescribeLoginConfig", body, "AuthFailure.SecretIdNotFound"},
		{"wrong version", "AKIDone", "key-one-0000000000", "", "2020-01-01", "DescribeLoginConfig", body, "NoSuchVersion"},
		{"unknown action", "AKIDone", "key-one-0000000000", "", "2018-06-08", "DropEverything", body, "InvalidAction"},
		{"missing EnvId", "AKIDone", "key-one-0000000000", "", "2018-06-08", "DescribeLoginConfig", `{}`, "MissingParameter"},
		{"another account's env", "AKIDone", "key-one-0000000000", "", "2018-06-08", "DescribeLoginConfig", `{"EnvId":"env-two"}`, "ResourceNotFound"},
		{"session token required", "AKIDtwo", "key-two-0000000000", "", "2018-06-08", "DescribeLoginConfig", `{"EnvId":"env-two"}`, "AuthFailure.TokenFailure"},
		{"session token given", "AKIDtwo", "key-two-0000000000", "tok-two", "2018-06-08", "DescribeLoginConfig", `{"EnvId":"env-two"}`, ""},
		{"unknown parameter", "AKIDone", "key-one-0000000000", "", "2018-06-08", "DescribeClient", `{"EnvId":"env-one","Id":"env-one","Bogus":1}`, "InvalidParameter"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := code(sdkCall(t, url, c.id, c.key, c.token, c.version, c.action, c.b)); got != c.want {
				t.Fatalf("code %q, want %q", got, c.want)
			}
		})
	}
}

func TestStaleTimestampIsRejected(t *testing.T) {
	_, url := start(t, sandbox.Config{Now: func() time.Time { return time.Now().Add(6 * time.Minute) }})
	err := sdkCall(t, url, sandbox.DefaultSecretID, sandbox.DefaultSecretKey, "", "2018-06-08", "DescribeLoginConfig", `{"EnvId":"`+sandbox.DefaultEnvID+`"}`)
	if code(err) != "AuthFailure.SignatureExpire" {
		t.Fatalf("got %v", err)
	}
}

func TestTamperedBodyIsRejected(t *testing.T) {
	sb, _ := start(t, sandbox.Config{})
	// Sign one body, send another: the payload hash must not match.
	var signed *http.Request
	capture := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { signed = r.Clone(r.Context()) })
	cap := httptest.NewServer(capture)
	defer cap.Close()
	_ = sdkCall(t, cap.URL, sandbox.DefaultSecretID, sandbox.DefaultSecretKey, "", "2018-06-08", "DeleteApiKey", `{"EnvId":"`+sandbox.DefaultEnvID+`","KeyId":"a"}`)
	if signed == nil {
		t.Fatal("nothing captured")
	}
	req := httptest.NewRequest("POST", "http://"+signed.Host+"/", strings.NewReader(`{"EnvId":"`+sandbox.DefaultEnvID+`","KeyId":"b"}`))
	req.Header = signed.Header
	rec := httptest.NewRecorder()
	sb.Handler().ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "AuthFailure.SignatureFailure") || sb.Count("DeleteApiKey") != 0 {
		t.Fatalf("tampered body: %s", rec.Body.String())
	}
}

func TestStatePersistsAcrossRestarts(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	cfg := sandbox.Config{StateFile: file}
	_, url := start(t, cfg)
	c, err := tcb.New(tcb.Config{Credential: tcb.Credential{SecretID: sandbox.DefaultSecretID, SecretKey: sandbox.DefaultSecretKey},
		EnvID: sandbox.DefaultEnvID, Endpoint: url})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.AddProvider(ctx, &tcb.AddProviderRequest{Id: "kept", ProviderType: "CUSTOM", Name: tcb.LocalizedMessage{Message: "Kept"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("state not written: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(file), ".sandbox-state-*"))
	if len(leftovers) != 0 {
		t.Fatalf("temp files left behind: %v", leftovers)
	}
	_, url2 := start(t, cfg)
	c2, _ := tcb.New(tcb.Config{Credential: tcb.Credential{SecretID: sandbox.DefaultSecretID, SecretKey: sandbox.DefaultSecretKey},
		EnvID: sandbox.DefaultEnvID, Endpoint: url2})
	list, err := c2.GetProviders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range list.Data {
		found = found || p.Id == "kept"
	}
	if !found {
		t.Fatal("provider lost across restart")
	}
}

func TestListsMaskApiKeysButNotPublishKeys(t *testing.T) {
	_, url := start(t, sandbox.Config{})
	c, _ := tcb.New(tcb.Config{Credential: tcb.Credential{SecretID: sandbox.DefaultSecretID, SecretKey: sandbox.DefaultSecretKey},
		EnvID: sandbox.DefaultEnvID, Endpoint: url})
	ctx := context.Background()
	created, err := c.CreateApiKey(ctx, &tcb.CreateApiKeyRequest{KeyType: "api_key"})
	if err != nil || strings.Count(created.ApiKey, ".") != 2 {
		t.Fatalf("create: %v %+v", err, created)
	}
	keys, _ := c.DescribeApiKeyList(ctx, &tcb.DescribeApiKeyListRequest{KeyType: "api_key"})
	for _, k := range keys.Data {
		if strings.Count(k.ApiKey, ".") == 2 {
			t.Fatalf("api_key token not masked in list: %q", k.ApiKey)
		}
	}
	pub, _ := c.DescribeApiKeyList(ctx, &tcb.DescribeApiKeyListRequest{KeyType: "publish_key"})
	if len(pub.Data) != 1 || strings.Count(pub.Data[0].ApiKey, ".") != 2 {
		t.Fatalf("publish_key should be listed in full: %+v", pub)
	}
	zero := 0
	if _, err := c.CreateApiKey(ctx, &tcb.CreateApiKeyRequest{KeyType: "api_key", ExpireIn: &zero}); err != nil {
		t.Fatalf("ExpireIn 0 (never) must be accepted: %v", err)
	}
	short := 100
	_, err = c.CreateApiKey(ctx, &tcb.CreateApiKeyRequest{KeyType: "api_key", ExpireIn: &short})
	var apiErr *tcb.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "InvalidParameterValue" {
		t.Fatalf("ExpireIn 100: %v", err)
	}
}
