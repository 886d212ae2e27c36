package secretfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

const secret = "eyJhbGciOiJIUzI1NiJ9.eyJraWQiOiJrZXktMSJ9.c2lnbmF0dXJlLXNlY3JldA"

func TestCommitWritesMode0600AndReportsNoValue(t *testing.T) {
	d := New(filepath.Join(t.TempDir(), "nested", "secrets"))
	r, err := d.Reserve("server-prod.key")
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Commit(secret, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	r.Abort() // after Commit: a no-op that must not remove the file
	want := filepath.Join(d.Path(), "server-prod.key")
	if got.Path != want || got.KeyID != "key-1" || got.Fingerprint != Fingerprint(secret) {
		t.Fatalf("delivery %+v, want path %s", got, want)
	}
	if got.Fingerprint != redact.Mask(secret) || !strings.HasPrefix(got.Fingerprint, "[redacted: fp ") {
		t.Fatalf("fingerprint %q", got.Fingerprint)
	}
	if strings.Contains(got.Fingerprint+got.Path+got.KeyID, secret[:20]) {
		t.Fatal("delivery reveals the secret")
	}
	fi, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(d.Path()); di.Mode().Perm() != 0o700 {
		t.Fatalf("folder mode %v, want 0700", di.Mode().Perm())
	}
	b, _ := os.ReadFile(want)
	if string(b) != secret {
		t.Fatalf("file holds %q", b)
	}
}

func TestRefusesOverwrite(t *testing.T) {
	d := New(t.TempDir())
	r, err := d.Reserve("a.key")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Commit("first-value-123", "k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reserve("a.key"); !errors.Is(err, ErrExists) {
		t.Fatalf("second reserve: %v, want ErrExists", err)
	}
	if err := d.Check("a.key"); !errors.Is(err, ErrExists) {
		t.Fatalf("check: %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(filepath.Join(d.Path(), "a.key")); string(b) != "first-value-123" {
		t.Fatalf("file was changed: %q", b)
	}
}

func TestRefusesEscapes(t *testing.T) {
	base := t.TempDir()
	d := New(filepath.Join(base, "secrets"))
	outside := filepath.Join(base, "outside")
	for _, name := range []string{"../outside", "/etc/passwd", "/tmp/x", "sub/file", `..\x`, "..", ".", ".hidden", "", "a b", "x\x00y",
		strings.Repeat("a", 129)} {
		if _, err := d.Reserve(name); !errors.Is(err, ErrName) {
			t.Errorf("Reserve(%q): %v, want ErrName", name, err)
		}
		if err := d.Check(name); !errors.Is(err, ErrName) {
			t.Errorf("Check(%q): %v, want ErrName", name, err)
		}
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatal("a file was created outside the folder")
	}
	// A link inside the folder, dangling or not, is never followed or replaced.
	if err := os.MkdirAll(d.Path(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(d.Path(), "link.key")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reserve("link.key"); !errors.Is(err, ErrExists) {
		t.Fatalf("reserve through a dangling link: %v, want ErrExists", err)
	}
	if err := d.Check("link.key"); !errors.Is(err, ErrExists) {
		t.Fatalf("check of a link: %v", err)
	}
	if _, err := os.Lstat(outside); err == nil {
		t.Fatal("the link's target was created")
	}
}

func TestAbortRemovesReservation(t *testing.T) {
	d := New(t.TempDir())
	r, err := d.Reserve("pending.key")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check("pending.key"); !errors.Is(err, ErrExists) {
		t.Fatalf("a reservation must hold the name: %v", err)
	}
	r.Abort()
	if _, err := os.Stat(r.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reserved file left behind: %v", err)
	}
	if _, err := r.Commit("late-value-123", ""); err == nil {
		t.Fatal("commit after abort succeeded")
	}
}

func TestNewEmptyAndDefault(t *testing.T) {
	if New("") != nil {
		t.Fatal("New(\"\") must be nil")
	}
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	t.Setenv("HOME", "/home/u")
	if got := DefaultPath(); got != "/cfg/cloudops-mcp/secrets" {
		t.Fatalf("DefaultPath() = %q", got)
	}
}

// Class 7 (issue 12): an existing --secrets-dir open to group or others is
// tightened to 0700 before a secret is written into it or read from it.
func TestLooseFolderIsTightened(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "secrets")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	res, err := New(dir).Reserve("key.txt")
	if err != nil {
		t.Fatal(err)
	}
	res.Abort()
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("folder mode %v after Reserve (err %v), want 0700", fi.Mode().Perm(), err)
	}
	_ = os.Chmod(dir, 0o750)
	_, _ = New(dir).Read("missing.txt")
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("folder mode %v after Read, want 0700", fi.Mode().Perm())
	}
}
