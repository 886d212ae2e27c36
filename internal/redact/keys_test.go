package redact

import "testing"

func TestIsSecretKey(t *testing.T) {
	secret := []string{
		"ClientSecret", "client_secret", "client-secret", "CLIENT_SECRET", "clientSecret",
		"AccountPassword", "password", "Password", "passwd", "pwd", "secret", "SecretKey", "secret_key",
		"TmpSecretKey", "token", "Token", "access_token", "refresh_token", "id_token", "SessionToken",
		"sessionToken", "csrf-token", "ApiKey", "apiKey", "api_key", "api-key", "x-api-key",
		"x-telnyx-api-key", "X-TC-Token", "x-tc-token", "privateKey", "private_key", "Authorization",
		"authorization", "Proxy-Authorization", "cookie", "Set-Cookie", "sip_password",
		"AccessKeySecret", "passphrase", "Config.ClientSecret", "smtp.password",
		// only the end of a long name matters
		"a_very_long_field_name_that_goes_on_and_on_and_on_and_on_and_ends_with_password",
	}
	notSecret := []string{
		"", "token_type", "tokenType", "tokenEndpoint", "TokenEndpoint", "TokenEndpointAuthMethod",
		"expires_in", "KeyId", "KeyID", "KeyName", "KeyType", "TicketID", "SecretId", "secret_id",
		"TmpSecretId", "ClientId", "client_id", "Name", "Type", "Ext", "EnvId", "RequestId",
		"api_key_ref", "ApiKeyId", "PasswordPolicy", "password_updated_at", "max_tokens", "tokens",
		"secrets", "integration_secrets", "RefreshTokenExpiresIn", "AccessTokenExpiresIn",
		"SamlMetadata", "publicKey", "public_key", "key", "Key", "NextToken", "next_page_token",
		"PageToken", "continuation_token", "username", "sip_username", "identifier", "message",
	}
	for _, k := range secret {
		if !IsSecretKey(k) {
			t.Errorf("IsSecretKey(%q) = false, want true", k)
		}
	}
	for _, k := range notSecret {
		if IsSecretKey(k) {
			t.Errorf("IsSecretKey(%q) = true, want false", k)
		}
	}
}

func TestIsSecretKeyNoAlloc(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { IsSecretKey("TokenEndpointAuthMethod") }); n != 0 {
		t.Fatalf("IsSecretKey allocates %v times", n)
	}
}
