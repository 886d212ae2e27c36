package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// A tccli profile chosen with TENCENTCLOUD_PROFILE signs real requests to the
// sandbox; the start-up line names the profile and file, never the key.
func TestProfileCredentialsEndToEnd(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	const key = "profile-planted-secret-key-0123456789"
	sb, err := sandbox.New(sandbox.Config{Options: []sandbox.Option{sandbox.WithAccounts(sandbox.Account{SecretID: "AKIDprofileUser", SecretKey: key, EnvID: "env-profile"})}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	url, done, err := sb.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); <-done })
	path := filepath.Join(home, ".tccli", "work.credential")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"secretId": "AKIDprofileUser", "secretKey": "`+key+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TENCENTCLOUD_PROFILE": "work", "TENCENTCLOUD_TCB_ENVID": "env-profile"}
	cfg, err := config.Parse([]string{"--tcb-endpoint", url}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	a, err := app.New(context.Background(), cfg, &logs)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !strings.Contains(logs.String(), `"credentials":"profile work from `+path+`"`) || strings.Contains(logs.String(), key) {
		t.Fatalf("start-up line: %s", logs.String())
	}
	text, isErr := callInProcess(t, a, "cloudbase_get_login_config")
	if isErr || strings.Contains(text, key) {
		t.Fatalf("call with profile credentials: %s", text)
	}
}

func TestNoCredentialsWarnsAndListsEveryWay(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	cfg, err := config.Parse(nil, func(k string) string { return map[string]string{"TENCENTCLOUD_TCB_ENVID": "e"}[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	a, err := app.New(context.Background(), cfg, &logs)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !strings.Contains(logs.String(), `"level":"warn"`) || !strings.Contains(logs.String(), "no Tencent Cloud credentials") {
		t.Fatalf("no warning: %s", logs.String())
	}
	text, isErr := callInProcess(t, a, "cloudbase_get_login_config")
	for _, way := range []string{"TENCENTCLOUD_SECRETID", "~/.tencentcloud/credentials", "~/.tccli/default.credential", "--profile", "TENCENTCLOUD_PROFILE", "--credential-source role", "--sandbox"} {
		if !isErr || !strings.Contains(text, way) {
			t.Errorf("the error does not mention %s: %s", way, text)
		}
	}
	// A profile that is named but missing refuses to start, naming the files looked in.
	cfg, _ = config.Parse([]string{"--profile", "typo"}, func(string) string { return "" }, &bytes.Buffer{})
	if _, err := app.New(context.Background(), cfg, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "typo.credential") {
		t.Fatalf("missing profile: %v", err)
	}
}

func callInProcess(t *testing.T, a *app.App, name string) (string, bool) {
	t.Helper()
	c, err := client.NewInProcessClient(a.MCP)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	testenv.Initialize(t, c, "")
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	return res.Content[0].(mcp.TextContent).Text, res.IsError
}
