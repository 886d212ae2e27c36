package tools_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

func TestDeliverToWritesTheKeyToAFileNotTheResult(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets")
	auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
	e := testenv.New(t, func(c *config.Config) { c.SecretsDir = dir; c.AuditLog = auditPath })
	res := e.Call("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "ci", "deliverTo": "ci.key"})
	if res.IsError {
		t.Fatal(testenv.Text(res))
	}
	out := res.StructuredContent.(map[string]any)
	del, _ := out["Delivered"].(map[string]any)
	path := filepath.Join(dir, "ci.key")
	if del == nil || del["path"] != path || del["keyId"] != out["KeyId"] || out["KeyId"] == "" {
		t.Fatalf("result: %s", testenv.Text(res))
	}
	if v, ok := out["ApiKey"]; ok && v != "" {
		t.Fatalf("the result carries ApiKey %v", v)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	secret := string(b)
	// The keyed fingerprint, as the redactor masks this value anywhere else.
	if strings.Count(secret, ".") != 2 || del["fingerprint"] != redact.Mask(secret) {
		t.Fatalf("file holds %d bytes, fingerprint %v", len(b), del["fingerprint"])
	}
	// The value appears nowhere the model, a log or the audit trail can see.
	auditLog, _ := os.ReadFile(auditPath)
	for where, s := range map[string]string{"result": testenv.JSON(res), "logs": e.Logs.String(), "audit log": string(auditLog)} {
		if strings.Contains(s, secret) || strings.Contains(s, secret[len(secret)-16:]) {
			t.Fatalf("the delivered key appears in the %s", where)
		}
	}
	// Listing keys afterwards shows it masked like the others.
	if strings.Contains(testenv.JSON(e.OK("cloudbase_describe_api_key_list", nil)), secret) {
		t.Fatal("the key list reveals the delivered key")
	}

	created := e.App.Sandbox.Count("CreateApiKey")
	outside := filepath.Join(filepath.Dir(dir), "outside.key")
	if err := os.Symlink(outside, filepath.Join(dir, "link.key")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, want string }{
		{"ci.key", "deliverTo: already exists"},
		{"link.key", "deliverTo: already exists"},
		{"../outside.key", "deliverTo: must match"},
		{"/tmp/stolen.key", "deliverTo: must match"},
		{"sub/dir.key", "deliverTo: must match"},
	} {
		msg := e.Err("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "deliverTo": c.name})
		if !strings.Contains(msg, c.want) {
			t.Errorf("deliverTo %q: %s", c.name, msg)
		}
	}
	if n := e.App.Sandbox.Count("CreateApiKey"); n != created {
		t.Fatalf("a key was created though it could not be delivered (%d calls, want %d)", n, created)
	}
	if b2, _ := os.ReadFile(path); string(b2) != secret {
		t.Fatal("an existing secret file was overwritten")
	}
	if _, err := os.Lstat(outside); err == nil {
		t.Fatal("a file was written outside the secrets folder")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // ci.key and the planted link; no leftover reservations
		t.Fatalf("secrets folder holds %d entries", len(entries))
	}
}

func TestDeliverToUnderRevealAndDryRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets")
	// --reveal-secrets shows new keys, except one the caller asked to deliver.
	e := testenv.New(t, func(c *config.Config) { c.SecretsDir = dir; c.RevealSecrets = true })
	shown := e.OK("cloudbase_create_api_key", map[string]any{"KeyType": "api_key"})
	if s, _ := shown["ApiKey"].(string); strings.Count(s, ".") != 2 {
		t.Fatalf("--reveal-secrets without deliverTo should show the key: %v", shown)
	}
	res := e.Call("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "deliverTo": "revealed.key"})
	b, err := os.ReadFile(filepath.Join(dir, "revealed.key"))
	if err != nil || res.IsError || strings.Contains(testenv.JSON(res), string(b)) || strings.Contains(e.Logs.String(), string(b)) {
		t.Fatalf("delivered key shown under --reveal-secrets (%v): %s", err, testenv.Text(res))
	}
	// Without deliverTo and without --reveal-secrets no key is minted: the error says how.
	plain := testenv.New(t, func(c *config.Config) { c.SecretsDir = dir })
	if msg := plain.Err("cloudbase_create_api_key", map[string]any{"KeyType": "api_key"}); !strings.Contains(msg, "deliverTo: required") {
		t.Fatalf("withheld key: %s", msg)
	}
	// A dry run checks the name but writes nothing.
	dry := testenv.New(t, func(c *config.Config) { c.SecretsDir = dir; c.DryRun = true })
	out := dry.OK("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "deliverTo": "dry.key"})
	if out["dryRun"] != true || strings.Contains(testenv.JSON(out), "deliverTo") {
		t.Fatalf("dry run: %v", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "dry.key")); err == nil {
		t.Fatal("a dry run created a secret file")
	}
	if msg := dry.Err("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "deliverTo": "revealed.key"}); !strings.Contains(msg, "already exists") {
		t.Fatalf("dry run with a taken name: %s", msg)
	}
}
