package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Without credentials the server still starts and every tool says which variable to set.
func TestStartsWithoutCredentialsAndSaysWhatToSet(t *testing.T) {
	t.Setenv("HOME", t.TempDir()) // no ~/.tencentcloud/credentials
	t.Setenv("TENCENTCLOUD_SECRET_ID", "")
	t.Setenv("TENCENTCLOUD_SECRET_KEY", "")
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{}, "TENCENTCLOUD_TCB_ENVID"},
		{map[string]string{"CLOUDBASE_ENV_ID": "env-x"}, "TENCENTCLOUD_SECRETID"},
	} {
		cfg, err := config.Parse(nil, func(k string) string { return tc.env[k] }, &bytes.Buffer{})
		if err != nil {
			t.Fatal(err)
		}
		a, err := app.New(context.Background(), cfg, &bytes.Buffer{})
		if err != nil {
			t.Fatalf("the server must start without credentials: %v", err)
		}
		c, err := client.NewInProcessClient(a.MCP)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		testenv.Initialize(t, c, "")
		req := mcp.CallToolRequest{}
		req.Params.Name = "cloudbase_get_login_config"
		res, err := c.CallTool(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		text := res.Content[0].(mcp.TextContent).Text
		if !res.IsError || !strings.Contains(text, tc.want) {
			t.Errorf("env %v: got %q, want an error naming %s", tc.env, text, tc.want)
		}
		_ = c.Close()
		a.Close()
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	env := map[string]string{"TENCENTCLOUD_TCB_ENVID": "from-env", "TENCENTCLOUD_REGION": "ap-guangzhou"}
	cfg, err := config.Parse([]string{"--env-id", "from-flag"}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	envID, region := config.VarOf[string]("env-id").Get(cfg), config.VarOf[string]("region").Get(cfg)
	if envID != "from-flag" || region != "ap-guangzhou" {
		t.Fatalf("env id %q region %q", envID, region)
	}
	if _, err := config.Parse([]string{"--transport", "carrier-pigeon"}, func(string) string { return "" }, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "stdio, sse or http") {
		t.Fatalf("bad transport: %v", err)
	}
	var help bytes.Buffer
	if _, err := config.Parse([]string{"--help"}, func(string) string { return "" }, &help); err != config.ErrHelp || !strings.Contains(help.String(), "TENCENTCLOUD_SECRETID") || !strings.Contains(help.String(), "make run") {
		t.Fatalf("help: %v\n%s", err, help.String())
	}
}
