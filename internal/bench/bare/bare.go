// Package bare is the floor cloudops-mcp is measured against: a bare mcp-go
// server with one read tool that answers a fixed login-config JSON, either
// from memory or after one pooled HTTP GET to a trivial local endpoint (the
// least any server that must reach a cloud pays per call).
package bare

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// LoginConfig is the fixed answer, shaped like DescribeLoginConfig's.
const LoginConfig = `{"PhoneNumberLogin":true,"EmailLogin":true,"UserNameLogin":true,"AnonymousLogin":false,` +
	`"SmsVerificationConfig":{"Type":"default","Name":"","Method":"","SmsDayLimit":30},` +
	`"MfaConfig":{"On":"FALSE","Sms":"FALSE","Email":"FALSE","RequiredBindPhone":"FALSE"},` +
	`"PwdUpdateStrategy":{"FirstLoginUpdate":false,"PeriodUpdate":false,"PeriodValue":90,"PeriodType":"DAY"},` +
	`"RequestId":"00000000-0000-4000-8000-000000000000"}`

// ToolName is the one tool the bare server offers, named like ours.
const ToolName = "cloudbase_get_login_config"

// NewServer builds the bare server. With upstream set, each call GETs it
// through one pooled client and returns its body; otherwise the fixed JSON.
func NewServer(upstream string) *server.MCPServer {
	s := server.NewMCPServer("bare", "1", server.WithToolCapabilities(false))
	tool := mcp.NewTool(ToolName, mcp.WithDescription("Read the environment's login policy."),
		mcp.WithReadOnlyHintAnnotation(true))
	var fixed map[string]any
	if err := json.Unmarshal([]byte(LoginConfig), &fixed); err != nil {
		panic(err)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute}, Timeout: 30 * time.Second}
	s.AddTool(tool, func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if upstream == "" {
			return mcp.NewToolResultStructured(fixed, LoginConfig), nil
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, upstream, nil)
		if err != nil {
			return nil, err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			return mcp.NewToolResultError(fmt.Sprintf("upstream: %d %v", resp.StatusCode, err)), nil
		}
		var out map[string]any
		if err := json.Unmarshal(body, &out); err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		return mcp.NewToolResultStructured(out, string(body)), nil
	})
	return s
}

// Upstream is the trivial local endpoint: it answers LoginConfig to anything.
func Upstream() http.Handler {
	body := []byte(LoginConfig)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}
