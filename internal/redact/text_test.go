package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

const (
	testJWT     = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	testJWTMask = "[fp]"
	// Fakes assembled from parts, so the source holds nothing shaped like a real credential.
	testTelnyx = "KEY" + "0123456789ABCDEF0123456789ABCDEF" + "_abcdefghijklmnopqrstuv"
	testPEM    = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nq83ZbdD\n-----END RSA " + "PRIVATE KEY-----"
	testCert   = "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----"
	// The process's own credentials in the tests.
	ownSecretKey = "Gu5t7s2oR8qvW3xYz1AbCdEfGhIjKlMn"
	ownTricky    = `pa"ss<wo>rd&x\y` // needs JSON escaping, HTML escaping and URL escaping
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "[fp]"},
		{"12345678901234567890123", "[fp]"},
		{"123456789012345678901234", "[fp]"},
		{"密码密码密码密码密码密码密码密码密码密码密码密码", "[fp]"}, // tail only of token chars
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]}x", "[fp]"},
		{"[redacted]", "[redacted]"},
		{"[redacted: 3 chars]", "[redacted: 3 chars]"},
		{"[redacted: 40 chars, …abcd]", "[redacted: 40 chars, …abcd]"},
	}
	for _, tt := range tests {
		if got := fpNorm(Mask(tt.in)); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Mask(Mask(tt.in)); got != Mask(tt.in) {
			t.Errorf("Mask not idempotent on %q: %q", tt.in, got)
		}
	}
}

func basicHeader(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

// TestStringShapes covers the name and shape rules on free text.
func TestStringShapes(t *testing.T) {
	basic := basicHeader("AKIDclient", "not-registered-secret")
	tests := []struct{ name, in, want string }{
		{"plain prose", "the quick brown fox: jumps = over", "the quick brown fox: jumps = over"},
		{"SecretId alone is an identifier", "SecretId AKID" + "z8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "SecretId AKID" + "z8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"},
		{"jwt", "got " + testJWT + " ok", "got " + testJWTMask + " ok"},
		{"jwt empty signature", "t=x eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. end", "t=x [fp] end"},
		{"not a jwt", "eyJhbGciOiJIUzI1NiJ9 alone", "eyJhbGciOiJIUzI1NiJ9 alone"},
		{"pem private key", "key:\n" + testPEM + "\nafter", "key:\n[fp]\nafter"},
		{"pem truncated", "x -----BEGIN " + "PRIVATE KEY-----\nMIIEvQIBADAN", "x [fp]"},
		{"certificate stays", testCert, testCert},
		{"telnyx key", "key " + testTelnyx + ".", "key [fp]."},
		{"telnyx-like short", "KEY0123_abc", "KEY0123_abc"},
		{"bearer", "Authorization: Bearer abcdefghijklmnop1234", "Authorization: Bearer [fp]"},
		{"bearer upper", "BEARER ABCDEFGHIJKLMNOPQRSTUVWXYZ==", "BEARER [fp]"},
		{"bearer prose", "the bearer of bad news", "the bearer of bad news"},
		{"bearer placeholder", "Bearer <token>", "Bearer <token>"},
		{"basic", "curl -H '" + basic + "'", "curl -H 'Basic [fp]'"},
		{"basic prose", "basic settings and Basic configuration", "basic settings and Basic configuration"},
		{"url password", "dsn postgres://admin:s3cr3t@db:5432/x", "dsn postgres://admin:[fp]@db:5432/x"},
		{"url without password", "https://user@example.com/a?b=c mail a@b.c", "https://user@example.com/a?b=c mail a@b.c"},
		{"query token", "GET /x?access_token=abc123&x=1", "GET /x?access_token=[fp]&x=1"},
		{"env style", "TELNYX_API_KEY=xyz987 TENCENTCLOUD_SECRETKEY=abcdef", "TELNYX_API_KEY=[fp] TENCENTCLOUD_SECRETKEY=[fp]"},
		{"yaml style", "password: hunter2\nuser: bob", "password: [fp]\nuser: bob"},
		{"json style in text", `error body {"ClientSecret": "s p a c e", "KeyId": "k1"}`, `error body {"ClientSecret": "[fp]", "KeyId": "k1"}`},
		{"single quotes", "client_secret='abc def' x", "client_secret='[fp]' x"},
		{"escaped quote inside", `"password":"ab\"cd" x`, `"password":"[fp]" x`},
		{"json-escaped", `"{\"password\":\"hunter22\",\"a\":1}"`, `"{\"password\":\"[fp]\",\"a\":1}"`},
		{"json-escaped twice", `"{\"Ext\":\"{\\\"token\\\":\\\"tok-123\\\"}\"}"`, `"{\"Ext\":\"{\\\"token\\\":\\\"[fp]\\\"}\"}"`},
		{"cookie line", "Cookie: a=1; sid=2\nnext", "Cookie: [fp]\nnext"},
		{"tc3 authorization keeps scheme", "Authorization: TC3-HMAC-SHA256 Credential=AKID/x, Signature=ab12", "Authorization: TC3-HMAC-SHA256 [fp]"},
		{"x-tc-token header", "X-TC-Token: tok_abcdef", "X-TC-Token: [fp]"},
		{"innocent keys", "token_type=bearer expires_in: 3600 NextToken=abc KeyId=k1", "token_type=bearer expires_in: 3600 NextToken=abc KeyId=k1"},
		{"empty and null", `password=, "token": null "secret": true`, `password=, "token": null "secret": true`},
		{"comparisons", "token == x, token => y, url token://x", "token == x, token => y, url token://x"},
		{"time", "at 12:30:00 on 2024-01-01T00:00:00Z", "at 12:30:00 on 2024-01-01T00:00:00Z"},
		{"error messages are prose, not values", "invalid arguments: EmailConfig.SmtpConfig.AccountPassword: required; Secret: unknown field; needPwd: must be boolean",
			"invalid arguments: EmailConfig.SmtpConfig.AccountPassword: required; Secret: unknown field; needPwd: must be boolean"},
		{"action name then prose", "CreateApiKey: outcome unknown: the request was sent", "CreateApiKey: outcome unknown: the request was sent"},
		{"value then more words", "token: abc123 expires: 3600; password: letmein", "token: [fp] expires: 3600; password: [fp]"},
		{"yaml with comment", "client_secret: s3cr3tValue # rotate", "client_secret: [fp] # rotate"},
		{"json object value left to the JSON walker", `{"secret": {"a": 1}`, `{"secret": {"a": 1}`},
		// The words questions and results put where a secret's value would be.
		{"secret states are words", "Config.ClientSecret: (unset) → set (from file k); apiKey: set → replaced; password: removed; token: (none), secret: (withheld) apiKey=(secret) from env K",
			"Config.ClientSecret: (unset) → set (from file k); apiKey: set → replaced; password: removed; token: (none), secret: (withheld) apiKey=(secret) from env K"},
		{"a secret shaped like a state word is masked", "password: (unsetx); ClientSecret: (hunter2) token=(nonexistent) apiKey: replacedX",
			"password: [fp]); ClientSecret: [fp]) token=[fp]) apiKey: [fp]"},
	}
	r := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.String(tt.in)
			if fpNorm(got) != tt.want {
				t.Fatalf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if again := r.String(got); again != got {
				t.Fatalf("not idempotent:\n1st %q\n2nd %q", got, again)
			}
		})
	}
}

// TestExactSecrets: the process's own secrets, in every form and depth, become [redacted] with no tail.
func TestExactSecrets(t *testing.T) {
	r := New(Options{})
	r.AddSecret(ownSecretKey, ownTricky, "", "short")
	htmlEscaped, _ := json.Marshal(ownTricky)
	nested := func(depth int, inner string) string { // inner wrapped as JSON-in-string depth times
		doc := `{"v":"` + inner + `"}`
		for i := 0; i < depth; i++ {
			b, _ := json.Marshal(doc)
			doc = `{"Ext":` + string(b) + `}`
		}
		return doc
	}
	tests := []struct{ name, in string }{
		{"plain", "key is " + ownSecretKey + "."},
		{"glued to text", "x" + ownSecretKey + "y"},
		{"tricky plain", "pw " + ownTricky + " end"},
		{"json-escaped", `{"x":"` + jsonEscape(ownTricky) + `"}`},
		{"html-escaped", `{"x":` + string(htmlEscaped) + `}`},
		{"url-escaped", "?p=" + url.QueryEscape(ownTricky) + "&q=" + url.PathEscape(ownTricky)},
		{"basic auth header", "Authorization: " + basicHeader("AKIDexample", ownSecretKey)},
		{"basic auth, other alignment", "Authorization: " + basicHeader("AKIDexampl", ownSecretKey)},
		{"basic auth, third alignment", "Authorization: " + basicHeader("AKIDexamp", ownSecretKey)},
		{"depth 1", nested(1, ownSecretKey)},
		{"depth 4", nested(4, ownSecretKey)},
		{"tricky depth 3", nested(3, jsonEscape(ownTricky))},
		{"under a secret name", `{"SecretKey":"` + ownSecretKey + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for mode, got := range map[string]string{"String": r.String(tt.in), "JSON": string(r.JSON([]byte(tt.in)))} {
				assertNoOwnSecret(t, mode, tt.in, got)
				if !strings.Contains(fpNorm(got), "[fp]") {
					t.Errorf("%s: no fingerprint mask in %q", mode, got)
				}
				if strings.Contains(got, "…") {
					t.Errorf("%s: exact secret shows a tail: %q", mode, got)
				}
			}
		})
	}
	if got := r.String("short secret and empty stay"); got != "short secret and empty stay" {
		t.Errorf("values under 6 chars must be ignored, got %q", got)
	}
}

func assertNoOwnSecret(t *testing.T, mode, in, got string) {
	t.Helper()
	forms := append(secretForms(ownSecretKey), secretForms(ownTricky)...)
	forms = append(forms, base64Fragments(ownSecretKey)...)
	for _, f := range forms {
		if strings.Contains(got, f) {
			t.Errorf("%s(%q) leaks %q: %q", mode, in, f, got)
		}
	}
	// The secret's core, whatever the escaping around it.
	if strings.Contains(got, "ss<wo>rd") || strings.Contains(got, `ss\u003cwo`) || strings.Contains(got, ownSecretKey[4:20]) {
		t.Errorf("%s(%q) leaks part of a secret: %q", mode, in, got)
	}
}

// TestExactSecretEncoderVariants: the same secret as different encoders write
// it inside JSON text (String mode sees the raw text, not decoded strings).
func TestExactSecretEncoderVariants(t *testing.T) {
	const secret = "ctl\bsecret\u2028<中文>&\f🔑"
	r := New(Options{})
	r.AddSecret(secret)
	for style := 0; style < 16; style++ {
		st := jsonStyle{html: style&1 != 0, lineSeps: style&2 != 0, shortCtl: style&4 != 0, ascii: style&8 != 0}
		in := `{"note":"key ` + escapeJSON(secret, st) + ` end"`
		if got := fpNorm(r.String(in)); got != `{"note":"key [fp] end"` {
			t.Errorf("style %+v: String(%q) = %q", st, in, got)
		}
	}
	r.AddSecret("invalid\xefutf8")
	for _, html := range []bool{false, true} {
		for _, sec := range []string{secret, "invalid\xefutf8"} {
			in := string(marshal("key "+sec+" end", html)) // encoding/json writes \ufffd for the bad byte
			for mode, got := range map[string]string{"String": r.String(in), "JSON": string(r.JSON([]byte(in)))} {
				if fpNorm(got) != `"key [fp] end"` {
					t.Errorf("%s: encoding/json html=%v: %q -> %q", mode, html, in, got)
				}
			}
		}
	}
}

// TestExactSecretGlued: a registered secret inside a longer token masks the
// whole token; a secret with spaces is masked before the key=value rule could
// cut it at the first space.
func TestExactSecretGlued(t *testing.T) {
	r := New(Options{})
	r.AddSecret(testJWT[:20], "correct horse battery")
	tests := []struct{ in, want string }{
		{"t " + testJWT + " x", "t [fp] x"},
		{"password=correct horse battery staple", "password=[fp] staple"},
		{"k=v&q=" + url.QueryEscape("correct horse battery") + "&z=1", "k=v&q=[fp]&z=1"},
	}
	for _, tt := range tests {
		if got := fpNorm(r.String(tt.in)); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestReveal: names and shapes are shown, the process's own secrets never are.
func TestReveal(t *testing.T) {
	r := New(Options{RevealCloudSecrets: true})
	if !r.Reveal() || New(Options{}).Reveal() {
		t.Fatal("Reveal() does not report the option")
	}
	r.AddSecret(ownSecretKey)
	in := `{"ClientSecret":"cs-1","ApiKey":"` + testJWT + `","x":"Bearer abcdefghijklmnop1234 password=pw1 ` + testTelnyx + `","SecretKey":"` + ownSecretKey + `","Ext":"{\"token\":\"` + ownSecretKey + `\"}"}`
	want := `{"ClientSecret":"cs-1","ApiKey":"` + testJWT + `","x":"Bearer abcdefghijklmnop1234 password=pw1 ` + testTelnyx + `","SecretKey":"[fp]","Ext":"{\"token\":\"[fp]\"}"}`
	if got := fpNorm(string(r.JSON([]byte(in)))); got != want {
		t.Errorf("JSON reveal\n got %s\nwant %s", got, want)
	}
	if got := r.String("Authorization: " + basicHeader("AKIDx", ownSecretKey)); fpNorm(got) != "Authorization: Basic [fp]" {
		t.Errorf("String reveal basic = %q", got)
	}
	if got := r.Value(map[string]any{"password": "pw1", "SecretKey": ownSecretKey}); got.(map[string]any)["password"] != "pw1" || got.(map[string]any)["SecretKey"] != Mask(ownSecretKey) {
		t.Errorf("Value reveal = %v", got)
	}
}

// A mask shows no character of the secret: not its tail, not its head.
func TestMaskShowsNoPartOfTheSecret(t *testing.T) {
	for _, secret := range []string{"Tk0abcdefghijklmnopqrstuvWXYZ9876", "sk-proj-0123456789abcdefghijklmnop", "short-secret7"} {
		m := Mask(secret)
		if strings.Contains(m, secret[len(secret)-4:]) || strings.Contains(m, secret[:4]) {
			t.Fatalf("Mask(%q) = %q shows part of the secret", secret, m)
		}
		if !isMask(m) {
			t.Fatalf("Mask(%q) = %q is not recognised as a mask", secret, m)
		}
	}
}
