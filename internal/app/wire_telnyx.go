package app

import (
	"context"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/telnyx"
	"github.com/cloudops-mcp/cloudops-mcp/resources"
	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// buildTelnyx sets up the Telnyx client in a.Deps. It is built even without
// TELNYX_API_KEY: HTTP sessions may bring their own key, and otherwise each
// Telnyx tool answers with what to set.
func (a *App) buildTelnyx() error {
	c, err := telnyx.New(telnyx.Config{APIKey: a.Config.TelnyxAPIKey, Endpoint: a.Config.TelnyxEndpoint, Timeout: a.Config.Timeout,
		OnRetry: func(ctx context.Context, op string, attempt int, wait time.Duration, err error) {
			a.Log.Warn().Str("telnyx", op).Int("attempt", attempt).Dur("wait", wait).Str("error", err.Error()).Msg("retrying")
		}})
	if err != nil {
		return err
	}
	a.Deps.Telnyx = c
	return nil
}

// registerTelnyxResources adds the Telnyx SSO provider resources when the
// Telnyx toolset is served, and extends argument completion to them.
func (a *App) registerTelnyxResources(s *server.MCPServer) {
	served := false
	for _, t := range a.Tools {
		served = served || t.Spec.Toolset == tools.ToolsetTelnyx
	}
	if !served {
		return
	}
	set := resources.Telnyx(a.Deps.Telnyx, a.Redactor)
	s.AddResources(set.Resources...)
	s.AddResourceTemplates(set.Templates...)
	// The server has one completion provider: it answers for every area's templates.
	server.WithResourceCompletionProvider(resources.Completer(append(a.resourceSets(), set)...))(s)
}
