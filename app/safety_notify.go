package app

import (
	"context"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/audit"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// warnClient sends a warning to the calling client as notifications/message,
// redacted (with the call's own secrets too), at the level the client asked for (logging/setLevel, or the
// per-request level from protocol 2026-07-28 on; mcp-go applies both).
func (a *App) warnClient(ctx context.Context, msg string, fields map[string]any) {
	if a.MCP == nil {
		return
	}
	data := map[string]any{"message": msg}
	for k, v := range fields {
		data[k] = v
	}
	n := mcp.NewLoggingMessageNotification(mcp.LoggingLevelWarning, "cloudops-mcp", a.Redactor.In(ctx).Value(data))
	if err := a.MCP.SendLogMessageToClient(ctx, n); err != nil {
		a.Log.Debug().Str("error", err.Error()).Msg("client warning not delivered")
	}
}

// retryHook is a client's retry hook (cloud.Env.OnRetry): a count, a log
// line naming the operation under n.LogKey and, when n.WarnClient, a warning
// to the calling client.
func (a *App) retryHook(n cloud.RetryNotice) cloud.RetryHook {
	return func(ctx context.Context, what string, attempt int, wait time.Duration, err error) {
		a.metrics.Retry(n.Service)
		// The error may echo the request: mask the call's own secrets too,
		// which the log writer's process-wide redactor does not hold.
		msg := a.Redactor.In(ctx).String(err.Error())
		a.Log.Warn().Str(n.LogKey, what).Int("attempt", attempt).Int64("wait_ms", wait.Milliseconds()).Str("error", msg).Msg("retrying")
		if n.WarnClient {
			a.warnClient(ctx, fmt.Sprintf("%s was rejected before it ran (%s); retrying in %s", what, msg, wait.Round(time.Millisecond)),
				map[string]any{"action": what, "attempt": attempt})
		}
	}
}

// openAudit opens --audit-log. Its lines get the process's redaction and,
// under --reveal-secrets, the name and shape rules too: an audit log never
// holds a secret.
func (a *App) openAudit(s *safety) error {
	red := a.Redactor.JSON
	if a.Redactor.Reveal() {
		strict := redact.New(redact.Options{})
		red = func(b []byte) []byte { return strict.JSON(a.Redactor.JSON(b)) }
	}
	l, err := audit.Open(a.Config.AuditLog, red)
	if err != nil {
		return fmt.Errorf("--audit-log: %w", err)
	}
	if l.Dropped > 0 {
		a.Log.Warn().Str("file", a.Config.AuditLog).Int64("bytes", l.Dropped).
			Msg("audit log ended inside a line (a crash mid-write); removed that unacknowledged fragment")
	}
	a.stop = append(a.stop, func() { _ = l.Close() })
	s.audit = l
	return nil
}
