package testenv

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
)

// Helpers for the fault-injection and robustness tests.

// FastRetries reopens every provider's clients as the server opened them,
// with millisecond backoffs, so tests of retried failures stay fast. Call it
// before the first tool call (the new clients start without cached tokens).
func (e *Env) FastRetries() {
	e.t.Helper()
	if err := e.App.ReopenClients(cloud.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond}); err != nil {
		e.t.Fatal(err)
	}
}

// CallAs calls a tool under ctx (e.g. carrying session overrides); a protocol error fails the test.
func (e *Env) CallAs(ctx context.Context, name string, args any) *mcp.CallToolResult {
	e.t.Helper()
	res, err := e.CallCtx(ctx, name, args)
	if err != nil {
		e.t.Fatalf("%s: protocol error: %v", name, err)
	}
	return res
}

// CallCtx calls a tool under ctx and returns the protocol error instead of failing.
func (e *Env) CallCtx(ctx context.Context, name string, args any) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	return e.Client.CallTool(ctx, req)
}

// Eventually polls cond until it holds, failing the test after a generous
// deadline. It is a bound on waiting, not a timing assertion.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// NoGoroutineLeak fails t if, after settling, more goroutines run than at
// baseline; it lists the extra goroutines' stacks.
func NoGoroutineLeak(t testing.TB, baseline int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutine leak: %d running, %d before\n%s", runtime.NumGoroutine(), baseline, summarizeStacks(string(buf[:n])))
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

// summarizeStacks keeps each goroutine's header and top frames.
func summarizeStacks(all string) string {
	var b strings.Builder
	for _, g := range strings.Split(all, "\n\n") {
		lines := strings.Split(g, "\n")
		if len(lines) > 7 {
			lines = lines[:7]
		}
		b.WriteString(strings.Join(lines, "\n") + "\n\n")
	}
	return b.String()
}
