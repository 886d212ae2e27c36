package httpserve

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// Shutdown stops accepting at once, lets the in-flight call finish and
// deliver its answer, then Serve returns nil.
func TestGracefulShutdownCompletesInFlightCall(t *testing.T) {
	for _, kind := range []string{"http", "sse"} {
		t.Run(kind, func(t *testing.T) {
			f := start(t, Options{Transport: kind, ShutdownTimeout: time.Minute})
			c := f.connect(kind, nil)
			type result struct {
				res *mcp.CallToolResult
				err error
			}
			got := make(chan result, 1)
			go func() {
				req := mcp.CallToolRequest{}
				req.Params.Name = "block"
				res, err := c.CallTool(context.Background(), req)
				got <- result{res, err}
			}()
			<-f.entered
			f.cancel()
			waitRefused(t, f.base+"/healthz")
			select {
			case r := <-got:
				t.Fatalf("the call ended before it was released: %+v %v", r.res, r.err)
			default:
			}
			f.waitShutdownRounds(3) // the loop that closes streams has run: the answer must still get through
			f.unblock()
			r := <-got
			if r.err != nil || r.res.IsError || r.res.Content[0].(mcp.TextContent).Text != "finished" {
				t.Fatalf("in-flight call: %+v %v", r.res, r.err)
			}
			if err := <-f.done; err != nil {
				t.Fatalf("Serve: %v", err)
			}
			f.done <- nil // for the fixture's cleanup
			if logs := f.logs.String(); strings.Contains(logs, "shutdown bound reached") || !strings.Contains(logs, "HTTP transport stopped") {
				t.Errorf("shutdown was not clean:\n%s", logs)
			}
		})
	}
}

// The bound holds: a call that never finishes does not keep the process up.
func TestShutdownBoundClosesStuckCalls(t *testing.T) {
	f := start(t, Options{ShutdownTimeout: 50 * time.Millisecond})
	c := f.connect("http", nil)
	go func() {
		req := mcp.CallToolRequest{}
		req.Params.Name = "block"
		_, _ = c.CallTool(context.Background(), req)
	}()
	<-f.entered
	f.cancel()
	if err := <-f.done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	f.done <- nil
	if !strings.Contains(f.logs.String(), "shutdown bound reached") {
		t.Errorf("no warning about the cut-off call:\n%s", f.logs.String())
	}
}

// waitShutdownRounds waits until the shutdown loop ran n times; Serve
// returning first means shutdown did not wait for the call in flight.
func (f *fixture) waitShutdownRounds(n int64) {
	f.t.Helper()
	for f.srv.rounds.Load() < n {
		select {
		case err := <-f.done:
			f.done <- err
			f.t.Fatalf("Serve returned (%v) while a call was in flight", err)
		case <-time.After(time.Millisecond):
		}
	}
}

// waitRefused polls until a new connection to url fails (the listener closed).
func waitRefused(t *testing.T, url string) {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 500 {
		res, err := hc.Get(url)
		if err != nil {
			return
		}
		res.Body.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the server still accepts connections after shutdown began")
}

// With a drain delay, SIGTERM first turns /readyz to 503 while the server
// stays alive and keeps serving calls (the load balancer has not noticed
// yet); only after the delay does the listener close.
func TestDrainDelayKeepsServingWhileNotReady(t *testing.T) {
	f := start(t, Options{DrainDelay: 3 * time.Second})
	c := f.connect("http", nil)
	f.cancel()
	deadline := time.Now().Add(2 * time.Second)
	for do(t, "GET", f.base+"/readyz", nil, nil).status != 503 {
		if time.Now().After(deadline) {
			t.Fatal("/readyz never turned 503 after shutdown began")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if r := do(t, "GET", f.base+"/readyz", nil, nil); r.body != "{\"status\":\"draining\"}\n" {
		t.Errorf("readyz while draining: %s", r.body)
	}
	if r := do(t, "GET", f.base+"/healthz", nil, nil); r.status != 200 {
		t.Errorf("healthz while draining: %d %s", r.status, r.body)
	}
	if got := call(t, c, "whoami"); !strings.HasPrefix(got, "id=") {
		t.Errorf("a call during the drain delay: %q", got)
	}
	if _, err := http.Get(f.base + "/readyz"); err != nil {
		t.Fatalf("the listener closed before the drain delay ended: %v", err)
	}
	waitRefused(t, f.base+"/healthz") // after the delay the listener closes
	if err := <-f.done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	f.done <- nil
}
