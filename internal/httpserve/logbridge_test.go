package httpserve

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// Class 7 (issue 12): mcp-go logs session ids through our bridges ("Sweeping
// expired session" with a session attribute over slog, "panic recovered in SSE
// message handler for session %s" over log.Printf); the lines must carry only
// a short hash of the id.
func TestLogBridgesCarryNoSessionID(t *testing.T) {
	var buf bytes.Buffer
	l := zerolog.New(&buf)
	sseID := (&sseDrain{}).mustID(t)
	httpID := newSessionIDs(0).Generate()
	for _, id := range []string{sseID, httpID} {
		newSlog(l).Info("Sweeping expired session", "session", id)
		newSlog(l).With("sessionID", id).Warn("failed to terminate session during CloseSessions: " + id)
		newSlog(l).Log(context.Background(), 0, "mcp.request", "mcp.session.id", id)
		newStdLog(l).Printf("panic recovered in SSE message handler for session %s: boom", id)
	}
	out := buf.String()
	for _, id := range []string{sseID, httpID, strings.TrimPrefix(httpID, "mcp-session-")} {
		if strings.Contains(out, id) {
			t.Fatalf("a log line holds the session id %s:\n%s", id, out)
		}
	}
	for _, id := range []string{sseID, httpID} {
		if n := strings.Count(out, "session~"+SessionHash(id)); n != 5 {
			t.Fatalf("session %s: %d lines carry its hash, want 5:\n%s", id, n, out)
		}
	}
}

func (d *sseDrain) mustID(t *testing.T) string {
	id, err := d.newSessionID(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
