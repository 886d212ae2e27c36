package sandbox

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/spf13/pflag"

	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// The emulated account's settings, for `cloudops-mcp --sandbox` (the
// sandbox subcommand has flags of its own).
var (
	SecretIDSetting = config.Register[string](config.Setting{Name: "sandbox-secret-id", Kind: config.String, Group: "Sandbox",
		Usage: "with --sandbox: the SecretId the emulator accepts"})
	SecretKeySetting = config.Register[string](config.Setting{Name: "sandbox-secret-key", Kind: config.String, Group: "Sandbox",
		Usage: "with --sandbox: the SecretKey the emulator accepts"})
	EnvIDSetting = config.Register[string](config.Setting{Name: "sandbox-env-id", Kind: config.String, Group: "Sandbox",
		Usage: "with --sandbox: the emulated environment id"})
)

// ConfigFrom is the sandbox a server started with --sandbox runs: one
// account (the documented defaults unless set), its environment in the
// region the server is configured for, state persisted in --sandbox-state.
func ConfigFrom(cfg *config.Config) Config {
	acct := Account{SecretID: or(SecretIDSetting.Get(cfg), DefaultSecretID), SecretKey: or(SecretKeySetting.Get(cfg), DefaultSecretKey),
		EnvID: or(EnvIDSetting.Get(cfg), DefaultEnvID)}
	return Config{Options: []Option{WithAccounts(acct), WithRegion(config.VarOf[string]("region").Get(cfg))}, StateFile: cfg.SandboxState}
}

// Identity is what a log line may show of the emulated account: its ids,
// never its key.
func (s *Server) Identity() map[string]string {
	a := s.accounts()[0]
	return map[string]string{"env_id": a.EnvID, "secret_id": a.SecretID}
}

// cloudbaseFlags are the sandbox subcommand's flags for the emulated
// account (its own: the server's --sandbox-* settings are above).
func cloudbaseFlags(fs *pflag.FlagSet) func() (Option, string) {
	secretID := fs.String("secret-id", DefaultSecretID, "the SecretId the emulator accepts")
	secretKey := fs.String("secret-key", DefaultSecretKey, `the SecretKey it accepts; "generate" makes a random one and prints it`)
	envID := fs.String("env-id", DefaultEnvID, "the emulated CloudBase environment id")
	return func() (Option, string) {
		note := ""
		if *secretKey == "generate" {
			b := make([]byte, 24)
			_, _ = rand.Read(b)
			*secretKey, note = hex.EncodeToString(b), "(SecretKey generated for this run)"
		}
		return WithAccounts(Account{SecretID: *secretID, SecretKey: *secretKey, EnvID: *envID}), note
	}
}
