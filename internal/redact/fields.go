package redact

import "strings"

// Free-form configurations (a CloudBase integration instance's Ext) hold
// fields no schema types. For those, a field is secret by a broader rule than
// the redactor's: its name (IsSecretKey, or names common in such configs) or
// a token-shaped value. Fields a schema does type are decided by the schema.

// configSecretSuffixes extend IsSecretKey for names common in integration
// configs (appKey, accessKey, mchKey, credentials).
var configSecretSuffixes = []string{"key", "credential", "credentials", "ciphertext"}

// configPublicSuffixes are names ending like a secret that hold public data.
var configPublicSuffixes = []string{"publickey"}

// LooksSecret decides, without a schema, whether a configuration field's
// value is secret.
func LooksSecret(name string, v any) bool {
	if IsSecretKey(name) {
		return true
	}
	var buf [keyTail]byte
	norm := string(normKey(name, &buf))
	named := false
	for _, s := range configSecretSuffixes {
		named = named || strings.HasSuffix(norm, s)
	}
	for _, s := range configPublicSuffixes {
		named = named && !strings.HasSuffix(norm, s)
	}
	if named {
		return true
	}
	s, ok := v.(string)
	return ok && TokenShaped(s)
}

// TokenShaped reports a long opaque token (a key, ciphertext, a hex digest),
// not words, URLs, e-mail addresses or numbers.
func TokenShaped(s string) bool {
	if len(s) < 20 || strings.Contains(s, "://") || strings.Contains(s, "@") {
		return false
	}
	var lower, upper, digit, other bool
	hex := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
			hex = hex && c <= 'f'
		case c >= 'A' && c <= 'Z':
			upper = true
			hex = hex && c <= 'F'
		case c >= '0' && c <= '9':
			digit = true
		case strings.IndexByte("+/=_-.", c) >= 0:
			other = true
			hex = false
		default:
			return false // spaces and punctuation: prose, not a token
		}
	}
	if !digit && !(upper && lower && other) {
		return false
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	return classes >= 3 || hex && len(s) >= 32 || strings.HasSuffix(s, "=") && classes >= 2
}

// IsMasked reports whether s is already a mask: this package's ("[redacted…]")
// or a cloud's run of asterisks. Writing one back would replace a stored secret.
func IsMasked(s string) bool {
	stars := len(s) >= 3 && strings.Trim(s, "*") == ""
	return stars || strings.HasPrefix(s, "[redacted") && strings.HasSuffix(s, "]")
}
