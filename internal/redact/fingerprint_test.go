package redact

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var fpRE = regexp.MustCompile(`\[redacted: fp [0-9a-f]{8}\]`)

// fpNorm writes every fingerprint mask as "[fp]", so table tests state what is
// masked without spelling out hashes; the fingerprint itself is tested below.
func fpNorm(s string) string { return fpRE.ReplaceAllString(s, "[fp]") }

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// The fingerprint is keyed: the same value keeps its fingerprint, another
// value gets another, a mask carries neither the value's length nor any of
// its characters, and another key gives other fingerprints (a brute-forcer
// without the key has nothing to compare guesses with).
func TestFingerprintStableAndKeyed(t *testing.T) {
	old := fingerprintKey()
	t.Cleanup(func() { fp.mu.Lock(); fp.key = old; fp.mu.Unlock() })

	a, b := Mask("gho_secretValue0001"), Mask("gho_secretValue0002")
	if a != Mask("gho_secretValue0001") {
		t.Fatal("the same secret changed fingerprint")
	}
	if a == b {
		t.Fatalf("two secrets share fingerprint %s", a)
	}
	if !fpRE.MatchString(a) || fpRE.FindString(a) != a {
		t.Fatalf("mask %q: want [redacted: fp <8 hex>], no length", a)
	}
	if Mask("abc") == Mask("abd") || len(Mask("abc")) != len(Mask(strings.Repeat("x", 500))) {
		t.Fatal("short secrets must differ and every mask has one length")
	}

	SetFingerprintKey([]byte("replica-shared-key-0123456789abcdef"))
	shared := Mask("gho_secretValue0001")
	if shared == a {
		t.Fatal("another key gave the same fingerprint: it is not keyed")
	}
	SetFingerprintKey([]byte("replica-shared-key-0123456789abcdef"))
	if Mask("gho_secretValue0001") != shared {
		t.Fatal("replicas with the same key material disagree")
	}
}

// A value the cloud masked is shown as such: not as a length (the stars'
// count) and not as one fingerprint shared by every secret.
func TestCloudMask(t *testing.T) {
	for _, in := range []string{"******", "***", "****************", "ab12****yz89"} {
		if got := Mask(in); got != CloudMask {
			t.Errorf("Mask(%q) = %q, want %q", in, got, CloudMask)
		}
	}
	for _, in := range []string{"**", "pass*word", "a * b"} {
		if Mask(in) == CloudMask {
			t.Errorf("Mask(%q) took an ordinary value for a cloud mask", in)
		}
	}
	r := New(Options{})
	got := string(r.JSON([]byte(`{"apiKey":"******","ClientSecret":"real-secret-1"}`)))
	if !strings.Contains(got, `"apiKey":"`+CloudMask+`"`) || strings.Contains(got, "6 chars") {
		t.Fatalf("cloud mask in JSON: %s", got)
	}
	if again := string(r.JSON([]byte(got))); again != got {
		t.Fatalf("masking is not idempotent:\n%s\n%s", got, again)
	}
}

// Masks of earlier formats are recognised: never masked a second time (a
// fingerprint of a mask would pose as a secret), never written back.
func TestOldMaskFormatsRecognised(t *testing.T) {
	r := New(Options{})
	for _, old := range []string{"[redacted]", "[redacted: 36 chars]", "[redacted: 40 chars, …8bd8]", CloudMask, Mask("x-secret-1")} {
		if Mask(old) != old || !IsMasked(old) {
			t.Errorf("%q is not recognised as a mask", old)
		}
		doc := string(must(json.Marshal(map[string]string{"ClientSecret": old, "note": "password=" + old})))
		if got := string(r.JSON([]byte(doc))); got != doc {
			t.Errorf("mask %q masked again: %s", old, got)
		}
	}
}

// An exact registered secret shows the fingerprint of the value whatever
// form it came out in, so Before and After of a change compare.
func TestExactSecretFingerprintSameInEveryForm(t *testing.T) {
	secret := "Rotated-Secret_0123456789"
	r := New(Options{})
	r.AddSecret(secret)
	want := Mask(secret)
	for _, form := range []string{secret, strings.ToUpper(secret), encodedForms(secret)[4]} {
		if got := r.String("v " + form + " end"); got != "v "+want+" end" {
			t.Errorf("form %q: %q, want the fingerprint %s", form, got, want)
		}
	}
	if got := string(r.JSON([]byte(`{"ClientSecret":"` + secret + `"}`))); got != `{"ClientSecret":"`+want+`"}` {
		t.Errorf("under a secret name: %s", got)
	}
}
