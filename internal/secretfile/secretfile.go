// Package secretfile hands a secret to the user through a file instead of
// through the model: it writes into the operator's secrets folder with mode
// 0600, never overwrites, never leaves the folder (symbolic links included),
// and reports the path and a fingerprint, never the value.
package secretfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/lazyre"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// NamePattern is what a deliverTo name must match: one plain file name, so
// no name can point outside the folder.
const NamePattern = `^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`

var nameRE = lazyre.New(NamePattern)

// Errors a caller can report as an input problem.
var (
	ErrName   = errors.New("must be a plain file name in the secrets folder: letters, digits, '.', '_' or '-', no path separators, at most 128 characters")
	ErrExists = errors.New("already exists in the secrets folder; choose a new name (secret files are never overwritten)")
)

// Dir is the secrets folder. Nothing touches the disk until a delivery.
type Dir struct{ path string }

// New returns the folder at path, or nil when path is empty.
func New(path string) *Dir {
	if path == "" {
		return nil
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return &Dir{path: path}
}

// DefaultPath is <user config dir>/cloudops-mcp/secrets, or "" when the
// platform has no config dir (no $HOME).
func DefaultPath() string {
	base, err := os.UserConfigDir()
	if err != nil || base == "" {
		return ""
	}
	return filepath.Join(base, "cloudops-mcp", "secrets")
}

// Path is the folder's absolute path.
func (d *Dir) Path() string { return d.path }

// Delivery says where a secret went, never what it is.
type Delivery struct {
	Path        string `json:"path" jsonschema_description:"File holding the secret (mode 0600)"`
	KeyID       string `json:"keyId,omitempty" jsonschema_description:"Id of the delivered key"`
	Fingerprint string `json:"fingerprint" jsonschema_description:"The secret's keyed fingerprint, the same [redacted: fp …] mask the server shows for it everywhere else"`
}

// Fingerprint identifies a secret without revealing it: the redactor's keyed
// mask ("[redacted: fp 1a2b3c4d]"), so a delivered key matches the mask of
// the same value in any later result, and a transcript holder cannot confirm
// a guessed token by hashing it (an unkeyed hash would let them).
func Fingerprint(secret string) string { return redact.Mask(secret) }

// Check reports whether name could be delivered to now, without creating
// anything (for dry runs).
func (d *Dir) Check(name string) error {
	if !nameRE.MatchString(name) {
		return ErrName
	}
	if _, err := os.Lstat(filepath.Join(d.path, name)); err == nil {
		return ErrExists
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("secrets folder %s: %w", d.path, err)
	}
	return nil
}

// Reservation is a new, empty 0600 file held until the secret exists. Taking
// it before the cloud call means no secret is ever created that cannot be
// delivered.
type Reservation struct {
	root *os.Root
	f    *os.File
	name string
	path string
	done bool
}

// Reserve creates name exclusively inside the folder (creating the folder
// with mode 0700 if needed). An existing file or link of that name, and any
// name that would resolve outside the folder, is refused.
func (d *Dir) Reserve(name string) (*Reservation, error) {
	if !nameRE.MatchString(name) {
		return nil, ErrName
	}
	if err := os.MkdirAll(d.path, 0o700); err != nil {
		return nil, fmt.Errorf("secrets folder: %w", err)
	}
	if err := privateDir(d.path); err != nil {
		return nil, err
	}
	// os.Root resolves every name inside the folder, refusing links that lead out.
	root, err := os.OpenRoot(d.path)
	if err != nil {
		return nil, fmt.Errorf("secrets folder: %w", err)
	}
	// O_EXCL also fails on an existing symbolic link, whatever it points to.
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		_ = root.Close() // the open error is the one to report
		if errors.Is(err, fs.ErrExist) {
			return nil, ErrExists
		}
		return nil, fmt.Errorf("secrets folder: %w", err)
	}
	if err := f.Chmod(0o600); err != nil { // exact mode whatever the umask
		_ = f.Close() // cleanup after a failure: the chmod error is the one to report
		_ = root.Remove(name)
		_ = root.Close()
		return nil, fmt.Errorf("secrets folder: %w", err)
	}
	return &Reservation{root: root, f: f, name: name, path: filepath.Join(d.path, name)}, nil
}

// Path is where the secret will be.
func (r *Reservation) Path() string { return r.path }

// Commit writes the secret, syncs it to disk and closes the file.
func (r *Reservation) Commit(secret, keyID string) (*Delivery, error) {
	if r.done {
		return nil, errors.New("secretfile: reservation already used")
	}
	r.done = true
	defer r.root.Close()
	_, werr := r.f.WriteString(secret)
	serr := r.f.Sync()
	cerr := r.f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = r.root.Remove(r.name)
		return nil, fmt.Errorf("write %s: %w", r.path, err)
	}
	return &Delivery{Path: r.path, KeyID: keyID, Fingerprint: Fingerprint(secret)}, nil
}

// Abort removes the still-empty file. It does nothing after Commit, so it
// can be deferred.
func (r *Reservation) Abort() {
	if r.done {
		return
	}
	r.done = true
	r.f.Close()
	_ = r.root.Remove(r.name)
	r.root.Close()
}

// MaxRead bounds a secret read from the folder (PEM keys fit).
const MaxRead = 16 << 10

// Errors of Read a caller reports as an input problem (they name no value).
var (
	ErrMissing = errors.New("no such file in the secrets folder")
	ErrLink    = errors.New("is a symbolic link or not a regular file; secrets are read from plain files only")
	ErrLoose   = errors.New("is readable or writable by group or others; run chmod 600 on it")
	ErrOwner   = errors.New("is not owned by the user the server runs as")
	ErrSize    = fmt.Errorf("is empty or larger than %d KB", MaxRead>>10)
)

// Read returns the secret in the folder's file name: a plain file (no link,
// whatever it points to), mode 0600 or stricter, owned by the server's user,
// at most MaxRead bytes; one trailing newline is dropped. The same name rule
// as deliveries keeps it inside the folder. The file is opened once and
// checked through that handle, so it cannot be swapped between check and read.
func (d *Dir) Read(name string) (string, error) {
	if !nameRE.MatchString(name) {
		return "", ErrName
	}
	if err := privateDir(d.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	root, err := os.OpenRoot(d.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w (the folder %s does not exist)", ErrMissing, d.path)
		}
		return "", fmt.Errorf("secrets folder: %w", err)
	}
	defer root.Close()
	li, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", ErrMissing
	} else if err != nil {
		return "", fmt.Errorf("secrets folder: %w", err)
	}
	if !li.Mode().IsRegular() {
		return "", ErrLink
	}
	f, err := root.OpenFile(name, os.O_RDONLY|syscallNoFollow, 0)
	if err != nil {
		return "", fmt.Errorf("secrets folder: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("secrets folder: %w", err)
	}
	switch {
	case !fi.Mode().IsRegular():
		return "", ErrLink
	case fi.Mode().Perm()&0o077 != 0:
		return "", ErrLoose
	case !ownedByMe(fi):
		return "", ErrOwner
	case fi.Size() == 0 || fi.Size() > MaxRead:
		return "", ErrSize
	}
	buf := make([]byte, MaxRead+1)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", fmt.Errorf("secrets folder: %w", err)
	}
	if n > MaxRead {
		return "", ErrSize
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(buf[:n]), "\n"), "\r")
	if s == "" {
		return "", ErrSize
	}
	return s, nil
}

// privateDir makes sure an existing folder is the user's alone: group or
// other permissions are removed (0700), and a folder that cannot be
// tightened is refused with what to do.
func privateDir(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("secrets folder: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("secrets folder %s: not a directory (a link or a file); point --secrets-dir at a private directory", path)
	}
	if fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, 0o700); err != nil { //nolint:gosec // G302: a folder needs x; 0700 is owner-only
		return fmt.Errorf("secrets folder %s is readable by group or others (mode %04o) and could not be set to 0700 (%v); "+
			"run: chmod 700 %s", path, fi.Mode().Perm(), err, path)
	}
	return nil
}
