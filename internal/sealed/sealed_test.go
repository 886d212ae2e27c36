package sealed

import (
	"bytes"
	"errors"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// Rotation: state sealed with the old key opens on a replica listing
// [new, old]; a replica holding only the new key refuses it as "unknown key",
// not as altered.
func TestRotationAndRefusals(t *testing.T) {
	old, _ := New([][]byte{key(1)})
	rotated, _ := New([][]byte{key(2), key(1)})
	onlyNew, _ := New([][]byte{key(2)})

	s := old.Seal("page", []byte("payload"))
	if got, err := rotated.Open("page", s); err != nil || string(got) != "payload" {
		t.Fatalf("[new, old] opening old state: %q %v", got, err)
	}
	if _, err := onlyNew.Open("page", s); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("only the new key: %v, want ErrUnknownKey", err)
	}
	if _, err := rotated.Open("confirm", s); !errors.Is(err, ErrInvalid) {
		t.Fatalf("another purpose: %v, want ErrInvalid", err)
	}
	b := []byte(s)
	b[len(b)-3] ^= 1
	if _, err := rotated.Open("page", string(b)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("altered: %v, want ErrInvalid", err)
	}
	if n := rotated.Seal("page", []byte("x")); onlyNew.Holds(old.KeyID()) || !rotated.Holds(old.KeyID()) {
		t.Fatal("Holds")
	} else if _, err := onlyNew.Open("page", n); err != nil {
		t.Fatalf("new state on the new replica: %v", err)
	}
	if !rotated.Verify("csrf/1", old.Derive("csrf/1")) || onlyNew.Verify("csrf/1", old.Derive("csrf/1")) {
		t.Fatal("Verify across rotation")
	}
	if _, err := New([][]byte{[]byte("short")}); err == nil {
		t.Fatal("a short key was accepted")
	}
	if bytes.Contains([]byte(s), []byte("payload")) {
		t.Fatal("sealed text shows the payload")
	}
}
