package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
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
	if missing := missingSections(&st); missing != "" {
		return false, fmt.Errorf("sandbox state %s lacks %s; it was not written by this sandbox, or was cut: "+
			"delete it (or pass another --sandbox-state) to start from the seed", s.cfg.StateFile, missing)
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

// missingSections names the first part a loaded state lacks ("" if none):
// a state that parses but lacks one would fail on the first call that needs it.
func missingSections(st *State) string {
	for _, em := range emulations {
		if m := em.missing(st); m != "" {
			return m
		}
	}
	return ""
}

// missingEnvs is what a loaded state lacks of the CloudBase environments.
func missingEnvs(st *State) string {
	envs := envsSection.of(st)
	if envs == nil {
		return `the "envs" section`
	}
	ids := make([]string, 0, len(envs))
	for id := range envs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		e := envs[id]
		switch {
		case e == nil:
			return fmt.Sprintf("the body of environment %q", id)
		case e.Auth == nil:
			return fmt.Sprintf(`the "auth" section of environment %q`, id)
		case e.Integration == nil:
			return fmt.Sprintf(`the "integration" section of environment %q`, id)
		case e.Records == nil:
			return fmt.Sprintf(`the "records" section of environment %q`, id)
		}
	}
	return ""
}
