package secretfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadTakesOnlyPrivatePlainFilesInsideTheFolder(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "secrets")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string, mode os.FileMode) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	write("good", secret+"\n", 0o600)
	write("loose", secret, 0o644)
	write("empty", "", 0o600)
	write("huge", strings.Repeat("x", MaxRead+1), 0o600)
	outside := filepath.Join(base, "outside")
	if err := os.WriteFile(outside, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("good", filepath.Join(dir, "inner-link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	d := New(dir)
	got, err := d.Read("good")
	if err != nil || got != secret {
		t.Fatalf("Read(good) = %q, %v", got, err)
	}
	for name, want := range map[string]error{
		"missing": ErrMissing, "loose": ErrLoose, "empty": ErrSize, "huge": ErrSize,
		"escape": ErrLink, "inner-link": ErrLink, "sub": ErrLink,
		"../outside": ErrName, "/etc/passwd": ErrName, "": ErrName,
	} {
		v, err := d.Read(name)
		if !errors.Is(err, want) {
			t.Errorf("Read(%q) error %v, want %v", name, err, want)
		}
		if v != "" || (err != nil && strings.Contains(err.Error(), secret)) {
			t.Errorf("Read(%q) leaked the value", name)
		}
	}
	if _, err := New(filepath.Join(base, "nope")).Read("good"); !errors.Is(err, ErrMissing) {
		t.Errorf("missing folder: %v", err)
	}
}
