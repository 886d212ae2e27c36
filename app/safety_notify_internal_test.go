package app

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/redact"
)

// A retry's error may echo the request; a secret typed into this call lives
// only in the call's scope, and the retry log line must mask it too.
func TestRetryLineMasksTheCallsOwnSecrets(t *testing.T) {
	const typed = "typed-telnyx-token-7Hq2Lx9Pz4"
	var logs bytes.Buffer
	a := &App{Log: zerolog.New(&logs), Redactor: redact.New(redact.Options{})}
	scope := a.Redactor.NewScope()
	scope.Add(typed)
	ctx := redact.WithScope(context.Background(), scope)

	hook := a.retryHook(cloud.RetryNotice{Service: "telnyx", LogKey: "request", WarnClient: true})
	hook(ctx, "POST /integration_secrets", 1, time.Millisecond, errors.New("429 rate limited: token "+typed+" was seen"))

	if strings.Contains(logs.String(), typed) {
		t.Fatalf("the typed secret reached the log: %s", logs.String())
	}
	if !strings.Contains(logs.String(), "retrying") || !strings.Contains(logs.String(), "[redacted") {
		t.Fatalf("no masked retry line: %s", logs.String())
	}
}
