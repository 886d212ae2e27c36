package tccred

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// findProfile returns the first file that has the profile, or nil.
func findProfile(o Options) (*Resolved, error) {
	for i, path := range profilePaths(o) {
		read := readINI
		if i == 1 {
			read = readTCCLI
		}
		cred, err := read(path, o.Profile)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		p := &profileFile{path: path, profile: o.Profile, read: read, onNew: o.OnNew}
		if err := p.load(); err != nil {
			return nil, err
		}
		return &Resolved{Source: fmt.Sprintf("profile %s from %s", o.Profile, path), Provider: p.current, Temporary: cred.SessionToken != ""}, nil
	}
	return nil, nil
}

// profileFile re-reads its file when it changes, so a rotated key or a
// renewed session token (tccli sts, a credential helper) is picked up.
type profileFile struct {
	path, profile string
	read          func(path, profile string) (tcb.Credential, error)
	onNew         func(tcb.Credential)

	mu      sync.Mutex
	modTime time.Time
	size    int64
	cred    tcb.Credential
}

func (p *profileFile) load() error {
	st, err := os.Stat(p.path)
	if err != nil {
		return err
	}
	cred, err := p.read(p.path, p.profile)
	if err != nil {
		return err
	}
	if p.onNew != nil {
		p.onNew(cred)
	}
	p.cred, p.modTime, p.size = cred, st.ModTime(), st.Size()
	return nil
}

func (p *profileFile) current(context.Context) (tcb.Credential, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st, err := os.Stat(p.path); err == nil && (!st.ModTime().Equal(p.modTime) || st.Size() != p.size) {
		// A file being rewritten may be read half-way: keep the last good pair then.
		_ = p.load()
	}
	return p.cred, nil
}

// readINI reads a [profile] section of ~/.tencentcloud/credentials
// (secret_id, secret_key and, for temporary keys, token).
func readINI(path, profile string) (tcb.Credential, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return tcb.Credential{}, err
	}
	var cred tcb.Credential
	section, found := "", false
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.TrimSpace(line[1 : len(line)-1])
			found = found || section == profile
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section != profile {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "secret_id":
			cred.SecretID = v
		case "secret_key":
			cred.SecretKey = v
		case "token", "session_token":
			cred.SessionToken = v
		}
	}
	if !found {
		return tcb.Credential{}, fs.ErrNotExist // no such profile here: look further
	}
	if !cred.Complete() {
		return tcb.Credential{}, fmt.Errorf("%s: profile [%s] needs both secret_id and secret_key", path, profile)
	}
	return cred, nil
}

// readTCCLI reads tccli's ~/.tccli/<profile>.credential (JSON written by
// `tccli configure`).
func readTCCLI(path, _ string) (tcb.Credential, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return tcb.Credential{}, err
	}
	var f struct {
		SecretID  string `json:"secretId"`
		SecretKey string `json:"secretKey"`
		Token     string `json:"token"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return tcb.Credential{}, fmt.Errorf("%s: not a tccli credential file (invalid JSON; run `tccli configure`)", path)
	}
	cred := tcb.Credential{SecretID: f.SecretID, SecretKey: f.SecretKey, SessionToken: f.Token}
	if !cred.Complete() {
		return tcb.Credential{}, fmt.Errorf("%s: needs both secretId and secretKey (run `tccli configure`)", path)
	}
	return cred, nil
}
