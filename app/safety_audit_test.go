package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/app"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/audit"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// planted is a secret only the model's arguments carry; it must never be
// written anywhere.
const planted = "planted-oauth-client-secret-7c1e0a94d2"

func oauthProvider(id string) map[string]any {
	return map[string]any{"Id": id, "ProviderType": "OAUTH", "Name": map[string]any{"Message": "Corp"},
		"Config": map[string]any{"ClientId": "corp-client", "ClientSecret": planted, "RedirectUri": "https://app.example/cb",
			"Scope": "openid", "AuthorizationEndpoint": "https://idp.example/auth", "TokenEndpoint": "https://idp.example/token"}}
}

func readAudit(t *testing.T, path string) []audit.Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []audit.Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line is not JSON: %v: %s", err, sc.Bytes())
		}
		out = append(out, e)
	}
	return out
}

func noSecrets(t *testing.T, where, s string) {
	t.Helper()
	for _, secret := range []string{planted, sandbox.DefaultSecretKey, sandbox.DefaultTelnyxAPIKey} {
		if strings.Contains(s, secret) {
			t.Fatalf("%s holds the secret %q:\n%s", where, secret, s)
		}
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	e := testenv.New(t, func(c *config.Config) { c.DryRun = true; c.AuditLog = path })
	key := e.OK("cloudbase_describe_api_key_list", nil)["Data"].([]any)[0].(map[string]any)["KeyId"]
	calls := []struct {
		tool   string
		args   map[string]any
		action string
	}{
		{"cloudbase_modify_login_config", map[string]any{"EmailLogin": false}, "ModifyLoginConfig"},
		{"cloudbase_modify_client", map[string]any{"Id": env, "MaxDevice": 3}, "ModifyClient"},
		{"cloudbase_add_provider", oauthProvider("corp"), "AddProvider"},
		{"cloudbase_modify_provider", map[string]any{"Id": "github", "On": "FALSE"}, "ModifyProvider"},
		{"cloudbase_delete_provider", map[string]any{"Id": "github"}, "DeleteProvider"},
		{"cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "ci", "deliverTo": "ci.key"}, "CreateApiKey"},
		{"cloudbase_delete_api_key", map[string]any{"KeyId": key}, "DeleteApiKey"},
	}
	covered := map[string]bool{}
	for _, c := range calls {
		covered[c.tool] = true
		res := e.Call(c.tool, c.args)
		text := testenv.Text(res)
		noSecrets(t, c.tool+" dry-run result", text)
		m, _ := res.StructuredContent.(map[string]any)
		req, _ := m["request"].(map[string]any)
		body, _ := req["body"].(map[string]any)
		if res.IsError || m["dryRun"] != true || m["service"] != "tcb" || req["action"] != c.action || body["EnvId"] != env {
			t.Fatalf("%s: %s", c.tool, text)
		}
		if n := e.App.Sandbox.Count(c.action); n != 0 {
			t.Fatalf("%s: %s was sent %d times under --dry-run", c.tool, c.action, n)
		}
	}
	if body := testenv.JSON(e.OK("cloudbase_modify_login_config", map[string]any{"EmailLogin": false})); !strings.Contains(body, `"EmailLogin":false`) ||
		!strings.Contains(body, `"PhoneNumberLogin":true`) {
		t.Fatalf("the dry-run request is not the full policy that would be sent: %s", body)
	}
	for _, tl := range e.App.Tools {
		if tl.Spec.Toolset == "cloudbase_auth" && tl.Mutating(false) && !covered[tl.Spec.Name] {
			t.Errorf("mutating tool %s is not covered by the dry-run test", tl.Spec.Name)
		}
	}
	// Reads ran for real, and nothing changed.
	if e.App.Sandbox.Count("DescribeLoginConfig") == 0 {
		t.Fatal("reads did not run under --dry-run")
	}
	if got := e.OK("cloudbase_get_login_config", nil); got["EmailLogin"] != true {
		t.Fatalf("state changed: %v", got)
	}
	lines := readAudit(t, path)
	if len(lines) != len(calls)+1 {
		t.Fatalf("%d audit lines, want %d", len(lines), len(calls)+1)
	}
	for _, l := range lines {
		if l.Outcome != audit.DryRun {
			t.Fatalf("audit line %+v, want outcome dry_run", l)
		}
	}
	raw, _ := os.ReadFile(path)
	noSecrets(t, "audit log", string(raw))
}

func TestAuditLinesPerOutcome(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	e := testenv.New(t, func(c *config.Config) { c.AuditLog = path })
	var want []audit.Outcome
	var tools []string
	expect := func(tool string, o audit.Outcome) { tools, want = append(tools, tool), append(want, o) }

	ok := e.OK("cloudbase_modify_client", map[string]any{"Id": env, "MaxDevice": 4})
	expect("cloudbase_modify_client", audit.OK)
	e.OK("cloudbase_get_login_config", nil) // reads are not audited
	e.OK("cloudbase_add_provider", oauthProvider("corp"))
	expect("cloudbase_add_provider", audit.OK)
	e.Err("cloudbase_modify_client", map[string]any{"Id": "nosuch", "MaxDevice": 3}) // the cloud refuses: code + request id
	expect("cloudbase_modify_client", audit.ToolError)
	bad := oauthProvider("corp2")
	delete(bad["Config"].(map[string]any), "TokenEndpoint")
	e.Err("cloudbase_add_provider", bad) // refused before any call
	expect("cloudbase_add_provider", audit.ToolError)
	e.App.Sandbox.SetFaults(sandbox.Faults{ConnectionReset: 1, AfterApply: true, Match: sandbox.MatchTCBAction("ModifyClient")})
	if msg := e.Err("cloudbase_modify_client", map[string]any{"Id": env, "MaxDevice": 5}); !strings.Contains(msg, "outcome unknown") {
		t.Fatalf("reset after apply: %s", msg)
	}
	expect("cloudbase_modify_client", audit.OutcomeUnknown)
	u := &user{}
	u.answer(mcp.ElicitationResponseActionDecline, nil)
	asker, _ := e.Connect(testenv.ClientOptions{Name: "ide-with-forms", Elicit: u.elicit})
	asker.OK("cloudbase_delete_provider", map[string]any{"Id": "corp"})
	expect("cloudbase_delete_provider", audit.Declined)
	dry := testenv.New(t, func(c *config.Config) { c.AuditLog = path; c.DryRun = true })
	dry.OK("cloudbase_delete_provider", map[string]any{"Id": "github"})
	expect("cloudbase_delete_provider", audit.DryRun)
	// --reveal-secrets shows the model cloud secrets; the audit log still never holds one.
	reveal := testenv.New(t, func(c *config.Config) { c.AuditLog = path; c.RevealSecrets = true })
	reveal.OK("cloudbase_add_provider", oauthProvider("corp3"))
	expect("cloudbase_add_provider", audit.OK)
	e.OK("cloudbase_modify_client", map[string]any{"Id": env, "MaxDevice": 5}) // as the reset call left it: a no-op
	expect("cloudbase_modify_client", audit.OK)

	lines := readAudit(t, path)
	if len(lines) != len(want) {
		t.Fatalf("%d audit lines, want %d: %+v", len(lines), len(want), lines)
	}
	for i, l := range lines {
		if l.Tool != tools[i] || l.Outcome != want[i] {
			t.Errorf("line %d: %s %s, want %s %s", i+1, l.Tool, l.Outcome, tools[i], want[i])
		}
		if l.Time.IsZero() || time.Since(l.Time) > time.Hour || l.Session == "" || l.Client == "" || l.DurationMS < 0 ||
			!strings.HasPrefix(string(l.Arguments), "{") {
			t.Errorf("line %d lacks fields: %+v", i+1, l)
		}
	}
	if c, n := lines[0].Changed, lines[len(lines)-1].Changed; c == nil || !*c || n == nil || *n {
		t.Errorf("changed flags: change %v, no-op %v", c, n)
	}
	if lines[0].RequestID == "" || lines[0].RequestID != ok["RequestId"] || lines[0].Client != "testenv" {
		t.Errorf("ok line: %+v (result RequestId %v)", lines[0], ok["RequestId"])
	}
	if lines[2].RequestID == "" || !strings.Contains(lines[2].Error, "ResourceNotFound") {
		t.Errorf("cloud error line: %+v", lines[2])
	}
	if lines[5].Client != "ide-with-forms" || !strings.Contains(string(lines[5].Arguments), `"corp"`) {
		t.Errorf("declined line: %+v", lines[5])
	}
	if !strings.Contains(string(lines[1].Arguments), `"ClientSecret"`) || !strings.Contains(string(lines[1].Arguments), "redacted") {
		t.Errorf("arguments are not kept redacted: %s", lines[1].Arguments)
	}
	raw, _ := os.ReadFile(path)
	noSecrets(t, "audit log", string(raw))
	noSecrets(t, "server log", e.Logs.String()+reveal.Logs.String())
}

func TestAuditLogUnwritableStopsStartUp(t *testing.T) {
	dir := t.TempDir()
	cfg, _ := config.Parse([]string{"--audit-log", filepath.Join(dir, "missing", "audit.jsonl")}, func(string) string { return "" }, io.Discard)
	a, err := app.New(context.Background(), cfg, io.Discard)
	if err == nil {
		a.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "--audit-log") {
		t.Fatalf("start-up with an unwritable audit log: %v", err)
	}
}

func TestClientWarningsHonourTheLogLevel(t *testing.T) {
	base := testenv.New(t)
	for _, legacy := range []bool{true, false} {
		name := map[bool]string{false: "per-request level", true: "logging/setLevel"}[legacy]
		t.Run(name, func(t *testing.T) {
			c, msgs := base.Connect(testenv.ClientOptions{Legacy: legacy})
			rateLimitOnce := func() {
				base.App.Sandbox.SetFaults(sandbox.Faults{RateLimit: 1, Match: sandbox.MatchTCBAction("DescribeLoginConfig")})
			}
			rateLimitOnce()
			c.OK("cloudbase_get_login_config", nil) // no level asked for yet
			c.SetLevel(mcp.LoggingLevelError)
			rateLimitOnce()
			c.OK("cloudbase_get_login_config", nil) // a warning is below "error"
			c.SetLevel(mcp.LoggingLevelWarning)
			rateLimitOnce()
			c.OK("cloudbase_get_login_config", nil)
			base.App.Sandbox.SetFaults(sandbox.Faults{ConnectionReset: 1, AfterApply: true, Match: sandbox.MatchTCBAction("ModifyClient")})
			c.Err("cloudbase_modify_client", map[string]any{"Id": env, "MaxDevice": map[bool]int{true: 2, false: 3}[legacy]}) // a change each time: a no-op sends nothing
			waitFor(t, "two warnings", func() bool { return len(msgs.All()) >= 2 })
			got := msgs.All()
			// Delivery is in order: had the first two retries been sent, they would be here first.
			if len(got) != 2 {
				t.Fatalf("%d messages, want 2 (the level must filter): %v", len(got), got)
			}
			retry, unknown := got[0], got[1]
			rd, _ := retry["data"].(map[string]any)
			if retry["level"] != "warning" || retry["logger"] != "cloudops-mcp" || rd["action"] != "DescribeLoginConfig" ||
				!strings.Contains(rd["message"].(string), "retrying") {
				t.Fatalf("retry warning: %v", retry)
			}
			ud, _ := unknown["data"].(map[string]any)
			if unknown["level"] != "warning" || ud["tool"] != "cloudbase_modify_client" || !strings.Contains(ud["message"].(string), "outcome unknown") {
				t.Fatalf("outcome-unknown warning: %v", unknown)
			}
			noSecrets(t, "client messages", testenv.JSON(got))
		})
	}
}

// waitFor polls cond with a generous bound: a limit on waiting, not a timing assertion.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
