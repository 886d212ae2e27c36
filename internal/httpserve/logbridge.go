package httpserve

import (
	"context"
	"log"
	"log/slog"
	"strings"

	"github.com/rs/zerolog"
)

// mcp-go's HTTP transport logs through slog and net/http through log.Logger;
// both are routed into the server's zerolog logger so its redaction applies.

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
		ev = ev.Str(a.Key, a.Value.String())
		return true
	}
	for _, a := range b.attrs {
		add(a)
	}
	rec.Attrs(add)
	ev.Msg(rec.Message)
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
	w.log.Warn().Str("component", "net/http").Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}

func newStdLog(l zerolog.Logger) *log.Logger { return log.New(stdBridge{l}, "", 0) }
