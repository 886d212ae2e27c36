package redact

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash"
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
	var b [fpHex]byte
	fingerprintInto(&b, s)
	return string(b[:])
}

// fpHasher is a keyed HMAC kept for reuse with its buffers: a new HMAC, the
// value's copy and the sum for every masked value made redaction allocate six
// times as much as it did before masks carried fingerprints.
type fpHasher struct {
	key     []byte
	mac     hash.Hash
	in, sum []byte
}

var fpHashers sync.Pool

func fingerprintInto(dst *[fpHex]byte, s string) {
	key := fingerprintKey()
	h, _ := fpHashers.Get().(*fpHasher)
	if h == nil || !hmac.Equal(h.key, key) { // first use, or SetFingerprintKey since
		h = &fpHasher{key: key, mac: hmac.New(sha256.New, key), sum: make([]byte, 0, sha256.Size)}
	} else {
		h.mac.Reset()
	}
	h.in = append(h.in[:0], s...)
	h.mac.Write(h.in)
	h.sum = h.mac.Sum(h.sum[:0])
	hex.Encode(dst[:], h.sum[:fpHex/2])
	clear(h.in) // no copy of a secret waits in the pool
	if cap(h.in) > 4<<10 {
		h.in = nil // nor a large buffer
	}
	fpHashers.Put(h)
}

// CloudMask is what a value the cloud itself masked becomes ("******",
// "abcd****wxyz"): the stars' count is the cloud's, not the secret's length,
// and a fingerprint of the stars would look the same for every secret.
const CloudMask = maskHead + "set, masked by the cloud]"

// IsCloudMask reports a value the cloud masked in place of a secret.
func IsCloudMask(s string) bool { return isCloudMask(s) }

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
