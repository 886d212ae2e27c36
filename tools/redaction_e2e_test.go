package tools_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TestPlantedSecretsNeverComeOut plants secrets in the server's own
// credentials and in cloud data, calls every auth tool (successes and
// failures), and proves no planted value appears in any result or log line.
func TestPlantedSecretsNeverComeOut(t *testing.T) {
	ownKey := "own-secret-key-" + randomHex(12)
	e := testenv.New(t, func(c *configT) { sandbox.SecretKeySetting.Set(c, ownKey) })

	enc := base64.RawURLEncoding
	jwt := enc.EncodeToString([]byte(`{"alg":"HS256"}`)) + "." + enc.EncodeToString([]byte(`{"sub":"planted"}`)) + "." + randomHex(16)
	clientSecret := "client-secret-" + randomHex(10)
	smtpPassword := "smtp-pass-" + randomHex(10)
	planted := []string{ownKey, jwt, clientSecret, smtpPassword}

	var outputs []string
	record := func(tool string, args any) {
		res := e.Call(tool, args)
		outputs = append(outputs, tool+": "+testenv.Text(res)+testenv.JSON(res.StructuredContent))
	}
	record("cloudbase_add_provider", map[string]any{"Id": "planted", "ProviderType": "OAUTH",
		"Name":        map[string]any{"Message": "Planted"},
		"Description": map[string]any{"Message": "the admin key is " + ownKey},
		"Picture":     "https://cdn.example.com/icon.svg?token=" + jwt,
		"Config": map[string]any{"ClientId": "cid", "ClientSecret": clientSecret, "RedirectUri": "https://a.example.com/cb",
			"Scope": "openid", "AuthorizationEndpoint": "https://idp.example.com/auth", "TokenEndpoint": "https://idp.example.com/token"}})
	record("cloudbase_modify_provider", map[string]any{"Id": "email", "EmailConfig": map[string]any{"SmtpConfig": map[string]any{
		"SenderAddress": "a@example.com", "ServerHost": "smtp.example.com", "ServerPort": 465, "AccountUsername": "a", "AccountPassword": smtpPassword}}})
	record("cloudbase_modify_provider", map[string]any{"Id": "planted", "Config": map[string]any{"ClientSecret": clientSecret + "x"}})
	planted = append(planted, clientSecret+"x")
	record("cloudbase_get_providers", nil)
	record("cloudbase_create_api_key", map[string]any{"KeyType": "api_key", "KeyName": "k", "deliverTo": "k.key"})
	record("cloudbase_describe_api_key_list", map[string]any{"KeyType": "publish_key"})
	record("cloudbase_describe_api_key_list", nil)
	record("cloudbase_get_login_config", nil)
	record("cloudbase_modify_login_config", map[string]any{"AnonymousLogin": true})
	record("cloudbase_describe_client", map[string]any{"Id": "nope"})
	record("cloudbase_modify_client", map[string]any{"Id": "planted", "MaxDevice": 2})
	// Secrets passed as arguments to invalid calls must not be echoed by the error.
	record("cloudbase_add_provider", map[string]any{"Id": "BAD", "ProviderType": "OAUTH", "Name": map[string]any{"Message": "x"},
		"Config": map[string]any{"ClientSecret": clientSecret}})
	record("cloudbase_modify_provider", map[string]any{"Id": "planted", "Config": map[string]any{"ClientSecret": strings.Repeat(clientSecret, 2000)}})
	record("cloudbase_delete_provider", map[string]any{"Id": "planted"})
	record("cloudbase_delete_api_key", map[string]any{"KeyId": "key-none"})

	// The publish_key token is returned in full by the cloud: it must be redacted too.
	all := strings.Join(outputs, "\n") + "\n" + e.Logs.String()
	for _, s := range planted {
		if strings.Contains(all, s) {
			t.Errorf("planted secret %.12s… came out", s)
		}
	}
	if strings.Count(all, "eyJ") > 0 {
		t.Errorf("a JWT-shaped value came out")
	}
	if !strings.Contains(all, "[redacted") {
		t.Fatal("nothing was redacted: the test did not exercise redaction")
	}
}
