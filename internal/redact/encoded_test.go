package redact

import (
	"strings"
	"testing"
)

// encodings are the ways a registered secret may be written out whole.
var encodings = map[string]func(string) string{
	"upper": strings.ToUpper, "lower": strings.ToLower,
	"hex":     func(v string) string { return encodedForms(v)[2] },
	"HEX":     func(v string) string { return encodedForms(v)[3] },
	"pct":     func(v string) string { return encodedForms(v)[4] },
	"PCT":     func(v string) string { return encodedForms(v)[5] },
	"json-u":  func(v string) string { return encodedForms(v)[6] },
	"json-U":  func(v string) string { return encodedForms(v)[7] },
	"escaped": func(v string) string { return strings.ReplaceAll(encodedForms(v)[6], `\`, `\\`) }, // \u escapes inside a JSON string
}

// TestExactSecretsMaskedInEncodedForms: the server's own keys, the HTTP token
// and minted tokens are masked when they come out cased, hex-, percent- or
// \u-encoded, in text, in JSON and in log lines.
func TestExactSecretsMaskedInEncodedForms(t *testing.T) {
	secret := "Srv-Own-Key_0123456789abcdef"
	r := New(Options{RevealCloudSecrets: true}) // exact secrets are masked regardless
	r.AddSecret(secret)
	for name, enc := range encodings {
		form := enc(secret)
		for _, doc := range []string{"value " + form + " end", `{"note":"` + form + `"}`, `{"Ext":"{\"v\":\"` + form + `\"}"}`} {
			if out := r.String(doc); strings.Contains(out, form) {
				t.Errorf("%s: String(%s) = %s", name, doc, out)
			}
			if out := string(r.JSON([]byte(doc))); strings.Contains(out, form) {
				t.Errorf("%s: JSON(%s) = %s", name, doc, out)
			}
		}
	}
}

// FuzzEncodedSecretNeverSurvives plants a fuzzed secret, registered, in
// every encoding inside fuzzed text, as text and as a JSON string.
func FuzzEncodedSecretNeverSurvives(f *testing.F) {
	f.Add("Srv-Own-Key_0123456789", "hello ")
	f.Add("tok.ABC~def-123456", `{"a":"`)
	f.Add("pässwörd-Ünïcode-1", "%41")
	f.Add("0123456789abcdef", `\u00`)
	f.Fuzz(func(t *testing.T, secret, filler string) {
		if len(secret) < 12 || len(secret) > 64 || !isPrintableASCIIOrLetters(secret) {
			return
		}
		r := New(Options{})
		r.AddSecret(secret)
		if r.Secrets() == 0 {
			return // refused (e.g. it occurs inside a mask)
		}
		for name, enc := range encodings {
			form := enc(secret)
			if strings.Contains(filler, form) {
				continue
			}
			text := filler + form + filler
			if out := r.String(text); strings.Contains(out, form) {
				t.Fatalf("%s form %q survives String:\n%s", name, form, out)
			}
			doc := string(marshal(map[string]any{"f": text}, false))
			if out := string(r.JSON([]byte(doc))); strings.Contains(out, form) {
				t.Fatalf("%s form %q survives JSON:\n%s", name, form, out)
			}
		}
	})
}

// isPrintableASCIIOrLetters keeps fuzzed secrets to what a key or token holds.
func isPrintableASCIIOrLetters(s string) bool {
	for _, r := range s {
		if r < 0x21 || r == 0x7f || r == '"' || r == '\\' || r == 0xfffd {
			return false
		}
	}
	return true
}
