package sandbox

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// testdata/state-2026-11.json was written by the sandbox before each
// emulation owned its section (State had typed Envs and Telnyx fields).
// Such a file must keep loading, and saving it again must write the same
// bytes: the format is the emulations' sections under the same keys.
func TestStateFileOfTheTypedStateLoadsAndSavesUnchanged(t *testing.T) {
	old, err := os.ReadFile("testdata/state-2026-11.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{StateFile: path})
	if err != nil {
		t.Fatalf("today's state file: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	env := s.envs()[DefaultEnvID]
	if env == nil || env.Auth == nil || env.Integration == nil || env.Records == nil || s.telnyx() == nil || s.telnyx().TokenKey == "" {
		t.Fatalf("sections not decoded: env %+v, telnyx %+v", env, s.telnyx())
	}
	if err := s.saveLocked(); err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(saved, old) {
		t.Fatalf("saved state differs from the loaded file (%d bytes, was %d)", len(saved), len(old))
	}
}
