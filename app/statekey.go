package app

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// The confirmation state a client carries between asking and answering is
// sealed with a key. One process makes its own; replicas must share one so
// that any of them can open what another sealed.
var stateKeyFile = config.Register[string](config.Setting{Name: "state-key-file", Kind: config.String, Group: "HTTP transports",
	Usage: "file of keys (hex or base64, 32+ bytes, one a line) sealing confirmation state so any replica can check an answer; the first seals, all open (rotate: add the new key on top)"})

// stateKeys loads --state-key-file, or makes a process-local key. Stateless
// HTTP with confirmations on means replicas: without a shared key an answer
// reaching another replica would be refused, so start-up stops instead.
func (a *App) stateKeys() ([][]byte, error) {
	cfg := a.Config
	path := stateKeyFile.Get(cfg)
	if path == "" {
		if cfg.Transport == "http" && cfg.Stateless && cfg.ConfirmDestructive && !cfg.DryRun && !cfg.ReadOnly {
			return nil, errors.New("--stateless asks for confirmations across replicas, so it needs --state-key-file: " +
				"a file all replicas share, holding a random key (create it with: openssl rand -hex 32 > state.key). " +
				"Or turn confirmations off with --confirm-destructive=false")
		}
		if cfg.Transport == "http" && cfg.Stateless && cfg.PublicURL != "" {
			// A secret page's call made again may reach any replica, which
			// must open the page's sealed reference.
			return nil, errors.New("--stateless with --public-url serves secret pages across replicas, so it needs --state-key-file: " +
				"a file all replicas share, holding a random key (create it with: openssl rand -hex 32 > state.key)")
		}
		k := make([]byte, 32)
		_, _ = rand.Read(k)
		return [][]byte{k}, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--state-key-file: %v", err)
	}
	var keys [][]byte
	for i, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, err := hex.DecodeString(line)
		if err != nil {
			k, err = base64.StdEncoding.DecodeString(line)
		}
		if err != nil || len(k) < 32 {
			// The line is a secret: the error names only where it is.
			return nil, fmt.Errorf("--state-key-file %s line %d: want a key of at least 32 bytes in hex or base64 (openssl rand -hex 32)", path, i+1)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("--state-key-file %s holds no key (one a line; create one with: openssl rand -hex 32)", path)
	}
	return keys, nil
}
