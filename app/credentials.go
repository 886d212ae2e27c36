package app

import (
	"context"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tccred"
	"github.com/cloudops-mcp/cloudops-mcp/internal/config"
)

// resolveCredentials picks the server's own Tencent Cloud credentials
// (environment, profile files, or an opted-in instance role) and says on
// stderr which source is in use, never the key.
func (a *App) resolveCredentials(ctx context.Context) error {
	cfg := a.Config
	res, err := tccred.Resolve(ctx, tccred.Options{
		Source: cfg.CredentialSource, SecretID: cfg.SecretID, SecretKey: cfg.SecretKey, SessionToken: cfg.SessionToken,
		Profile: cfg.Profile, CredentialsFile: cfg.CredentialsFile, RoleName: cfg.RoleName,
		OnNew: func(c tcb.Credential) { a.Redactor.AddSecret(c.SecretKey, c.SessionToken) },
	})
	if err != nil {
		return &config.Error{Msg: err.Error()}
	}
	if res.Provider == nil {
		a.Log.Warn().Msg(tcb.ErrNoCredentials.Error())
		return nil
	}
	a.credentials = res.Provider
	ev := a.Log.Info().Str("credentials", res.Source)
	if res.Temporary && res.Source == tccred.SourceEnvironment {
		ev = a.Log.Warn().Str("credentials", res.Source)
		ev.Msg("Tencent Cloud credentials: temporary (session token) from the environment, which the server cannot renew; " +
			"use a profile file or --credential-source role for long runs")
		return nil
	}
	ev.Msg("Tencent Cloud credentials")
	return nil
}
