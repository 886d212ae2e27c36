package tools_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Agent trial 4 findings, as the agent met them.

// "Set the OpenAI key of openai-prod from cur.key", giving the whole ext:
// the question says the key is replaced (from the file); the same file again
// asks nothing and changes nothing, and a new baseUrl with the same key asks
// about the baseUrl alone (trial 4, N1).
func TestScenarioWholeExtSameSecretFromFile(t *testing.T) {
	a := newAgent(t)
	const key = "sk-trial4-whole-ext-0123456789abcdef"
	dir := a.env.App.Config.SecretsDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cur.key"), []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	ext := func(baseURL string) map[string]any {
		return map[string]any{"keyId": "openai-prod", "ext": `{"apiKey":{"file":"cur.key"},"baseUrl":"` + baseURL + `"}`}
	}
	first := a.ok("cloudbase_update_user_key", ext("https://api.openai.com/v1"))
	q := a.done(1, 1)
	if first["Changed"] != true || len(q) != 1 || !strings.Contains(q[0], "(apiKey: set → replaced (from file cur.key))") {
		t.Fatalf("rotation: question %q, result %v", q, first)
	}
	again := a.ok("cloudbase_update_user_key", ext("https://api.openai.com/v1"))
	if again["Changed"] != false {
		t.Fatalf("the same key again: %v", again)
	}
	a.done(2, 1) // the same key again asked nothing
	moved := a.ok("cloudbase_update_user_key", ext("https://eu.api.openai.com/v1"))
	q = a.done(3, 2)
	if moved["Changed"] != true || len(q) != 2 || strings.Contains(q[1], "apiKey") || !strings.Contains(q[1], `baseUrl: "https://api.openai.com/v1" → "https://eu.api.openai.com/v1"`) {
		t.Fatalf("a new baseUrl, the same key: question %q, result %v", q, moved)
	}
	if n := a.env.App.Sandbox.Count("UpdateUserKey"); n != 2 {
		t.Fatalf("%d UpdateUserKey calls sent, want 2", n)
	}
	if out := testenv.JSON(first) + testenv.JSON(again) + testenv.JSON(moved) + strings.Join(q, " ") + a.env.Logs.String(); strings.Contains(out, key) {
		t.Fatal("the key came out")
	}
}

// "Connect OpenAI as openai-prod" when that integration exists: the answer
// is that it exists and which tool changes it, before any field the create
// lacks — the agent must not go and ask the user for a key (trial 4, #8).
func TestScenarioCreateExistingUserKeySaysSoFirst(t *testing.T) {
	a := newAgent(t)
	for _, ext := range []string{"", `{"baseUrl":"https://x.example/v1"}`} {
		args := map[string]any{"name": "x", "authTypeCode": "openai_api_key", "keyId": "openai-prod"}
		if ext != "" {
			args["ext"] = ext
		}
		msg := a.fails("cloudbase_create_user_key", args, "keyId: integration openai-prod exists already", "cloudbase_update_user_key")
		if strings.Contains(msg, "requires apiKey") {
			t.Fatalf("asked for the fields of an integration that exists: %s", msg)
		}
	}
	if n := a.env.App.Sandbox.Count("CreateUserKey"); n != 0 {
		t.Fatalf("%d CreateUserKey calls sent", n)
	}
	a.done(2, 0)
}

// "Give okta a client secret from okta.txt" when it has none: the question
// says "(unset) → set", not a fingerprint of the word "(unset" (trial 4, N3);
// the secret itself never shows.
func TestScenarioUnsetSecretReadsUnset(t *testing.T) {
	a := newAgent(t)
	const planted = "okta-trial4-client-secret-7a6b5c4d"
	dir := a.env.App.Config.SecretsDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "okta.txt"), []byte(planted), 0o600); err != nil {
		t.Fatal(err)
	}
	res := a.ok("cloudbase_modify_provider", map[string]any{"Id": "okta", "Config": map[string]any{"ClientSecret": map[string]any{"file": "okta.txt"}}})
	q := a.done(1, 1)
	if len(q) != 1 || !strings.Contains(q[0], "Config.ClientSecret: (unset) → set (from file okta.txt)") || strings.Contains(q[0], "redacted") {
		t.Fatalf("question: %q", q)
	}
	if out := testenv.JSON(res) + strings.Join(q, " ") + a.env.Logs.String(); strings.Contains(out, planted) {
		t.Fatal("the secret came out")
	}
}
