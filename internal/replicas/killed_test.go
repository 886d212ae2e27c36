package replicas_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// readOnly lists the tools the server annotates readOnlyHint: the only calls
// a client may send again after a broken connection.
func readOnly(t *testing.T, c *client.Client) map[string]bool {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, tl := range res.Tools {
		if tl.Annotations.ReadOnlyHint != nil && *tl.Annotations.ReadOnlyHint {
			out[tl.Name] = true
		}
	}
	return out
}

// One stateless replica is SIGKILLed mid-run (no drain). What is claimed,
// exactly:
//   - HAProxy re-sends only requests whose connection to a replica failed
//     before they were sent (retry-on conn-failure); a request that reached
//     the killed replica comes back as a 502.
//   - The client sends a read again after such a failure, because the tool
//     is annotated readOnlyHint (nothing changes, so sending it twice is
//     harmless); with that, zero of the 50 × 60 reads fail.
//   - A change in flight on the killed replica is not sent again by anyone:
//     the client sees an error, and the cloud saw the request at most once.
func TestStatelessSurvivesASIGKILLedReplica(t *testing.T) {
	sbURL, sb := startSandbox(t)
	keyFile := writeKeyFile(t, strings64("5e"))
	flags := []string{"--stateless", "--state-key-file", keyFile, "--confirm-destructive=false"}
	rs := []*replica{startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...)}

	// The change in flight: "balance first" sends it to r0, the sandbox
	// holds it, and r0 is killed meanwhile.
	first := startHAProxyOn(t, freePort(t), "", "first", rs)
	sb.SetFaults(sandbox.Faults{Latency: 3 * time.Second, Match: sandbox.MatchTCBAction("ModifyLoginConfig")})
	c := dial(t, first, mcp.LATEST_PROTOCOL_VERSION)
	errc := make(chan error, 1)
	go func() {
		req := mcp.CallToolRequest{}
		req.Params.Name = "cloudbase_modify_login_config"
		req.Params.Arguments = map[string]any{"EmailLogin": false}
		res, err := c.CallTool(context.Background(), req)
		if err == nil && res.IsError {
			err = errToolResult
		}
		if err == nil {
			err = errNoError
		}
		errc <- err
	}()
	testenv.Eventually(t, "the change held in the cloud", func() bool { return sb.Count("fault:"+sandbox.FaultDelayed) == 1 })
	rs[0].sigkill(t)
	select {
	case err := <-errc:
		if err == errNoError {
			t.Fatal("the change in flight on the killed replica succeeded: it was sent again somewhere")
		}
		t.Logf("the change in flight failed at the client: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the change in flight never ended")
	}
	time.Sleep(4 * time.Second) // past the sandbox's hold: a re-sent copy would have arrived by now
	if n := sb.Count("fault:" + sandbox.FaultDelayed); n != 1 {
		t.Fatalf("the cloud saw the change %d times, want once", n)
	}
	for i, r := range rs[1:] {
		if r.callsOf("cloudbase_modify_login_config") != 0 {
			t.Fatalf("replica %d ran the change after r0 died: it was re-sent", i+1)
		}
	}
	sb.SetFaults(sandbox.Faults{})

	// The reads: 50 sessions × 60 calls round robin over r1, r2 and a new
	// r3; r2 is SIGKILLed a third of the way through.
	rs = []*replica{rs[1], rs[2], startReplica(t, sbURL, flags...)}
	rr := startHAProxy(t, false, rs)
	probe := dial(t, rr, mcp.LATEST_PROTOCOL_VERSION)
	if !readOnly(t, probe)["cloudbase_describe_client"] {
		t.Fatal("cloudbase_describe_client is not annotated read-only; the retry below would be blind")
	}
	const sessions, calls = 50, 60
	var done, retried, failures atomic.Int64
	killAt := int64(sessions * calls / 3)
	killed := make(chan int64, 1)
	go func() {
		for done.Load() < killAt {
			time.Sleep(time.Millisecond)
		}
		rs[1].sigkill(t)
		killed <- done.Load()
	}()
	var wg sync.WaitGroup
	for i := range sessions {
		c := dial(t, rr, mcp.LATEST_PROTOCOL_VERSION)
		wg.Go(func() {
			for j := range calls {
				err := describe(c)
				for try := 0; err != nil && !isToolError(err) && try < 3; try++ {
					retried.Add(1)
					time.Sleep(300 * time.Millisecond) // HAProxy's checks take the dead replica out (2 × 100 ms)
					err = describe(c)
				}
				if err != nil {
					if failures.Add(1) <= 5 {
						t.Errorf("session %d call %d: %v", i, j, err)
					}
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if at := <-killed; at >= sessions*calls {
		t.Errorf("the replica died only after the run (%d calls done): nothing was tested", at)
	}
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d of %d stateless reads failed", n, sessions*calls)
	}
	if n := retried.Load(); n > sessions {
		t.Errorf("%d reads were sent again: more than the %d that can be in flight at once", n, sessions)
	}
	t.Logf("reads sent again after the SIGKILL: %d of %d", retried.Load(), sessions*calls)
}
