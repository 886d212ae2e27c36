// Package sealed encrypts and authenticates small pieces of state with the
// keys replicas share (--state-key-file), so that state one replica hands
// out can be carried by a client, a browser or another replica and opened by
// any replica holding the key. The first key seals; every key opens, which
// is how keys rotate.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// Errors of Open. Neither says anything about the content.
var (
	// ErrUnknownKey: sealed with a key this process does not hold (rotated
	// out, or another deployment's).
	ErrUnknownKey = errors.New("sealed with a key this server does not hold (the key was rotated out, or the state comes from another deployment)")
	// ErrInvalid: not a sealed value, altered, or sealed for another purpose.
	ErrInvalid = errors.New("not a valid sealed value (altered, truncated or meant for something else)")
)

const kidLen = 4

// Keys seal with the first key and open with any.
type Keys struct {
	aeads []cipher.AEAD
	kids  [][]byte
	macs  [][]byte
}

// New derives the sealing keys. Each raw key must hold at least 32 bytes.
func New(raw [][]byte) (*Keys, error) {
	if len(raw) == 0 {
		return nil, errors.New("sealed: no key")
	}
	k := &Keys{}
	for _, r := range raw {
		if len(r) < 32 {
			return nil, errors.New("sealed: a key is shorter than 32 bytes")
		}
		enc := derive(r, "cloudops-mcp/sealed/enc")
		block, err := aes.NewCipher(enc)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.aeads = append(k.aeads, aead)
		k.kids = append(k.kids, derive(r, "cloudops-mcp/sealed/kid")[:kidLen])
		k.macs = append(k.macs, derive(r, "cloudops-mcp/sealed/mac"))
	}
	return k, nil
}

func derive(key []byte, label string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(label))
	return h.Sum(nil)
}

// Seal encrypts plain for purpose (which must match on Open) into a
// URL-safe string: key id, nonce, ciphertext.
func (k *Keys) Seal(purpose string, plain []byte) string {
	aead := k.aeads[0]
	out := make([]byte, 0, kidLen+aead.NonceSize()+len(plain)+aead.Overhead())
	out = append(out, k.kids[0]...)
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	out = append(out, nonce...)
	out = aead.Seal(out, nonce, plain, []byte(purpose))
	return base64.RawURLEncoding.EncodeToString(out)
}

// Open returns what Seal sealed for purpose.
func (k *Keys) Open(purpose, sealed string) ([]byte, error) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(raw) < kidLen {
		return nil, ErrInvalid
	}
	for i, kid := range k.kids {
		if !hmac.Equal(kid, raw[:kidLen]) {
			continue
		}
		aead := k.aeads[i]
		rest := raw[kidLen:]
		if len(rest) < aead.NonceSize()+aead.Overhead() {
			return nil, ErrInvalid
		}
		plain, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], []byte(purpose))
		if err != nil {
			return nil, ErrInvalid
		}
		return plain, nil
	}
	return nil, ErrUnknownKey
}

// Derive returns a secret for label from the sealing key: the same on every
// replica, different per label (e.g. a page's form token).
func (k *Keys) Derive(label string) []byte {
	h := hmac.New(sha256.New, k.macs[0])
	h.Write([]byte(label))
	return h.Sum(nil)
}

// Verify reports whether mac is Derive(label) under any key (rotation).
func (k *Keys) Verify(label string, mac []byte) bool {
	ok := false
	for _, m := range k.macs {
		h := hmac.New(sha256.New, m)
		h.Write([]byte(label))
		ok = hmac.Equal(mac, h.Sum(nil)) || ok
	}
	return ok
}

// KeyID names the sealing key (not secret: a hash prefix), for state sealed
// another way that wants to tell "unknown key" from "altered".
func (k *Keys) KeyID() string { return base64.RawURLEncoding.EncodeToString(k.kids[0]) }

// Holds reports whether id (from KeyID) names one of the keys.
func (k *Keys) Holds(id string) bool {
	for _, kid := range k.kids {
		if base64.RawURLEncoding.EncodeToString(kid) == id {
			return true
		}
	}
	return false
}
