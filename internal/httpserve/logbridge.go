package httpserve

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log"
	"log/slog"
	"regexp"
	"strings"

	"github.com/rs/zerolog"
)

// mcp-go's HTTP transport logs through slog and net/http through log.Logger;
// both are routed into the server's zerolog logger so its redaction applies.
// mcp-go puts session ids in some lines ("Sweeping expired session", "panic
// ... for session %s"); an id is bearer-like, so the bridges mask it first.

// sessionIDPattern matches the ids this package mints: "mcp-session-" + 32 hex
// (Streamable HTTP) and 32 bare hex (SSE).
var sessionIDPattern = regexp.MustCompile(`mcp-session-[0-9a-f]{32}\b|\b[0-9a-f]{32}\b`)

// MaskSessionIDs replaces each session id in s by "session~" and a short hash
// of it (the same hash audit lines carry), so lines still tell sessions apart.
func MaskSessionIDs(s string) string {
	if len(s) < 32 {
		return s
	}
	return sessionIDPattern.ReplaceAllStringFunc(s, func(id string) string { return "session~" + SessionHash(id) })
}

// SessionHash is the short hash that stands for a session id in logs and audit lines.
func SessionHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:8])
}

type slogBridge struct {
	log   zerolog.Logger
	attrs []slog.Attr
}

func newSlog(l zerolog.Logger) *slog.Logger { return slog.New(&slogBridge{log: l}) }

func (b *slogBridge) Enabled(_ context.Context, level slog.Level) bool {
	return b.log.GetLevel() <= zerologLevel(level)
}

func (b *slogBridge) Handle(_ context.Context, rec slog.Record) error {
	ev := b.log.WithLevel(zerologLevel(rec.Level)).Str("component", "mcp-go")
	add := func(a slog.Attr) bool {
		ev = ev.Str(a.Key, MaskSessionIDs(a.Value.String()))
		return true
	}
	for _, a := range b.attrs {
		add(a)
	}
	rec.Attrs(add)
	ev.Msg(MaskSessionIDs(rec.Message))
	return nil
}

func (b *slogBridge) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &slogBridge{log: b.log, attrs: append(append([]slog.Attr(nil), b.attrs...), attrs...)}
}

func (b *slogBridge) WithGroup(string) slog.Handler { return b }

func zerologLevel(l slog.Level) zerolog.Level {
	switch {
	case l >= slog.LevelError:
		return zerolog.ErrorLevel
	case l >= slog.LevelWarn:
		return zerolog.WarnLevel
	case l >= slog.LevelInfo:
		return zerolog.InfoLevel
	default:
		return zerolog.DebugLevel
	}
}

type stdBridge struct{ log zerolog.Logger }

func (w stdBridge) Write(p []byte) (int, error) {
	w.log.Warn().Str("component", "net/http").Msg(MaskSessionIDs(strings.TrimSpace(string(p))))
	return len(p), nil
}

func newStdLog(l zerolog.Logger) *log.Logger { return log.New(stdBridge{l}, "", 0) }
