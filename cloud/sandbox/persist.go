package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// load reads StateFile when configured and present.
func (s *Server) load() (bool, error) {
	if s.cfg.StateFile == "" {
		return false, nil
	}
	raw, err := os.ReadFile(s.cfg.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sandbox state: %w", err)
	}
	var st State
	if err := json.Unmarshal(raw, &st); err != nil {
		return false, fmt.Errorf("sandbox state %s is not valid JSON: %w", s.cfg.StateFile, err)
	}
	if st.Envs == nil {
		st.Envs = map[string]*Env{}
	}
	s.state = &st
	return true, nil
}

// saveLocked writes the state atomically: temp file, fsync, rename, so a crash
// leaves either the old or the new state, never a torn file. Caller holds s.mu.
func (s *Server) saveLocked() error {
	if s.cfg.StateFile == "" {
		return nil
	}
	raw, err := json.MarshalIndent(s.state, "", " ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.cfg.StateFile)
	f, err := os.CreateTemp(dir, ".sandbox-state-*")
	if err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(raw); err != nil {
		f.Close()
		return fmt.Errorf("sandbox state: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sandbox state: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	if err := os.Rename(f.Name(), s.cfg.StateFile); err != nil {
		return fmt.Errorf("sandbox state: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
