package redact

import "testing"

func TestLooksSecret(t *testing.T) {
	cases := []struct {
		name  string
		value any
		want  bool
	}{
		{"apiKey", "short", true}, // by name
		{"appKey", "x", true},
		{"mchKey", 123456, true},
		{"clientSecret", "abc", true},
		{"credentials", "a", true},
		{"publicKey", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG", false}, // the name is public; a base64 blob alone would be withheld
		{"data", "U2FsdGVkX1+q3fQz0j9T0Hn8x3dQ1XcR2l5Vh6A4mRs=", true}, // base64 ciphertext
		{"digest", "5157f09efdc096de15ebe81a47057a72", true},           // 32 hex
		{"token2", "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2", true},
		{"baseUrl", "https://api.example.com/v1/Abc123XyZ789Abc123", false},
		{"email", "someone.long.name@example.com", false},
		{"note", "a sentence with spaces in it, fine", false},
		{"appId", "wx0demo0appid", false},
		{"mchId", "1900000109", false},
		{"count", 12, false},
		{"flag", true, false},
		{"words", "alongwordwithoutdigitsatall", false},
	}
	for _, c := range cases {
		if got := LooksSecret(c.name, c.value); got != c.want {
			t.Errorf("LooksSecret(%q, %v) = %v, want %v", c.name, c.value, got, c.want)
		}
	}
}
