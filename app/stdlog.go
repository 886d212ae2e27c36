package app

import (
	"io"
	"log"
	"strings"

	"github.com/rs/zerolog"

	"github.com/cloudops-mcp/cloudops-mcp/internal/httpserve"
)

// newStdLogger adapts zerolog for libraries that want a *log.Logger.
func newStdLogger(l zerolog.Logger) *log.Logger {
	return log.New(logWriter{l}, "", 0)
}

type logWriter struct{ l zerolog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.l.Warn().Msg(httpserve.MaskSessionIDs(strings.TrimSpace(string(p)))) // mcp-go logs "session %s" through here
	return len(p), nil
}

// LogWriter is an io.Writer into the redacted logger, for the process-wide
// standard logger (libraries such as mcp-go log panics through it).
func (a *App) LogWriter() io.Writer { return logWriter{a.Log} }
