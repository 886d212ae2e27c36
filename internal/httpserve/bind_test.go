package httpserve

import (
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

func TestCheckBind(t *testing.T) {
	cases := []struct {
		addr, token string
		allow       bool
		wantErr     string // substring; "" means allowed
		wantWarn    bool
	}{
		{addr: "127.0.0.1:8080"},
		{addr: "127.0.0.2:8080"},
		{addr: "localhost:8080"},
		{addr: "[::1]:8080"},
		{addr: "0.0.0.0:8080", wantErr: "--http-token"},
		{addr: ":8080", wantErr: "CLOUDOPS_MCP_HTTP_TOKEN"},
		{addr: "[::]:8080", wantErr: "--allow-unauthenticated"},
		{addr: "192.0.2.10:8080", wantErr: "without a bearer token"},
		{addr: "mcp.example.com:8080", wantErr: "without a bearer token"},
		{addr: "0.0.0.0:8080", token: "a-long-enough-token-0123456789abcdef"},
		{addr: "0.0.0.0:8080", allow: true, wantWarn: true},
		{addr: "no-port", wantErr: "want host:port"},
	}
	for _, c := range cases {
		warn, err := CheckBind(c.addr, c.token, c.allow)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("CheckBind(%q, token=%t, allow=%t): %v", c.addr, c.token != "", c.allow, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("CheckBind(%q): error %v, want one mentioning %q", c.addr, err, c.wantErr)
		case c.wantWarn != (warn != ""):
			t.Errorf("CheckBind(%q, allow=%t): warning %q", c.addr, c.allow, warn)
		}
		// Both reach the operator through the redacting logger: they must survive it intact.
		red := redact.New(redact.Options{})
		if err != nil && red.String(err.Error()) != err.Error() {
			t.Errorf("the log redaction mangles the refusal: %s", red.String(err.Error()))
		}
		if red.String(warn) != warn {
			t.Errorf("the log redaction mangles the warning: %s", red.String(warn))
		}
	}
}

func TestCheckTokenRefusesShortTokens(t *testing.T) {
	if err := CheckToken("x"); err == nil || !strings.Contains(err.Error(), "openssl rand -hex 32") {
		t.Fatalf("CheckToken(x) = %v", err)
	}
	if err := CheckToken(strings.Repeat("a", MinTokenLen)); err != nil {
		t.Fatal(err)
	}
}
