package redact

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
)

// A mask names a secret by a keyed fingerprint: HMAC-SHA256 under a key only
// this process holds, cut to fpHex hex digits. Equal secrets show the same
// fingerprint, so an agent can tell that a rotation changed a value and that a
// no-op kept it; without the key nobody can test guesses against it, so even a
// short password cannot be brute forced from what the conversation shows.
// Replicas that must agree derive the key from a key they share (SetFingerprintKey).

const fpHex = 8

var fp struct {
	once sync.Once
	mu   sync.RWMutex
	key  []byte
}

// fingerprintKey returns the current key, made at random on first use.
func fingerprintKey() []byte {
	fp.once.Do(func() {
		fp.mu.Lock()
		defer fp.mu.Unlock()
		if fp.key == nil {
			k := make([]byte, 32)
			_, _ = rand.Read(k)
			fp.key = k
		}
	})
	fp.mu.RLock()
	defer fp.mu.RUnlock()
	return fp.key
}

// SetFingerprintKey derives the fingerprint key from shared key material (the
// --state-key-file key) so every replica shows the same fingerprint for the
// same secret. Without it each process uses a random key of its own.
func SetFingerprintKey(material []byte) {
	m := hmac.New(sha256.New, material)
	m.Write([]byte("cloudops-mcp redaction fingerprint v1"))
	fingerprintKey() // settle the random default first, then replace it
	fp.mu.Lock()
	fp.key = m.Sum(nil)
	fp.mu.Unlock()
}

// Fingerprint is the keyed fingerprint of a secret value (fpHex hex digits).
func Fingerprint(s string) string {
	m := hmac.New(sha256.New, fingerprintKey())
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))[:fpHex]
}

// CloudMask is what a value the cloud itself masked becomes ("******",
// "abcd****wxyz"): the stars' count is the cloud's, not the secret's length,
// and a fingerprint of the stars would look the same for every secret.
const CloudMask = maskHead + "set, masked by the cloud]"

// isCloudMask reports a value the cloud masked: only asterisks, or a run of 4
// or more asterisks between token characters (the ends a list shows).
func isCloudMask(s string) bool {
	if len(s) >= 3 && strings.Trim(s, "*") == "" {
		return true
	}
	i := strings.Index(s, "****")
	if i < 0 {
		return false
	}
	for j := 0; j < len(s); j++ {
		if s[j] != '*' && !isTokenChar(s[j]) {
			return false
		}
	}
	return true
}

// inMaskText reports whether v occurs in the fixed text of a mask, current or
// old: registering it would make masking a mask change it again.
func inMaskText(v string) bool {
	return strings.Contains(maskHead+"fp ]", v) || strings.Contains(CloudMask, v) ||
		strings.Contains(maskHead+"0123456789 chars, …]", v)
}
