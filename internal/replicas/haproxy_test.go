package replicas_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// Stateful replicas behind HAProxy with affinity on Mcp-Session-Id: every
// call of a session lands on the replica that created it (a session is
// unknown anywhere else, so one misrouted call would fail with 404). When
// that replica goes away, its sessions answer 404 — the spec's signal to
// re-initialize — and a new session works; the other sessions never notice.
func TestStatefulAffinityBehindHAProxy(t *testing.T) {
	sb, _ := startSandbox(t)
	rs := []*replica{startReplica(t, sb), startReplica(t, sb), startReplica(t, sb)}
	url := startHAProxy(t, true, rs)

	const sessions, calls = 12, 20
	clients := make([]*client.Client, sessions)
	for i := range clients {
		clients[i] = dial(t, url, mcp.LATEST_LEGACY_PROTOCOL_VERSION)
	}
	run := func(cs []*client.Client, n int) {
		var wg sync.WaitGroup
		for i, c := range cs {
			wg.Go(func() {
				for j := range n {
					if err := describe(c); err != nil {
						t.Errorf("session %d call %d: %v", i, j, err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	run(clients, calls)
	if t.Failed() {
		return
	}
	// Log lines travel through a pipe: wait until every call is counted.
	testenv.Eventually(t, "every call in the replicas' logs", func() bool {
		return rs[0].calls()+rs[1].calls()+rs[2].calls() == sessions*calls
	})
	for i, r := range rs {
		if r.calls() == 0 {
			t.Errorf("replica %d served no session: the load balancer did not spread sessions", i)
		}
	}

	// Replica 1 is shut down (SIGTERM). Its sessions are gone with it.
	rs[1].kill(t)
	victimCalls := rs[1].calls() // complete: the process exited and its log was read to the end
	var lost, kept []*client.Client
	for _, c := range clients {
		switch status := post(t, url, c.GetSessionId(), `{"jsonrpc":"2.0","id":7,"method":"ping"}`); status {
		case 404:
			lost = append(lost, c)
		case 200:
			kept = append(kept, c)
		default:
			t.Fatalf("session %s after its replica may have died: status %d, want 200 or 404", c.GetSessionId(), status)
		}
	}
	if want := victimCalls / calls; len(lost) != want {
		t.Errorf("%d sessions answered 404 after replica 1 died, want the %d it served", len(lost), want)
	}
	for _, c := range lost {
		if err := describe(c); !errors.Is(err, transport.ErrSessionTerminated) {
			t.Errorf("a lost session's call: %v, want the client's session-terminated (404) error", err)
		}
		if err := describe(dial(t, url, mcp.LATEST_LEGACY_PROTOCOL_VERSION)); err != nil { // re-initialize: served by a live replica
			t.Errorf("a re-initialized session: %v", err)
		}
	}
	run(kept, 5)
	if rs[1].calls() != victimCalls {
		t.Error("the dead replica served calls")
	}
}

// Stateless replicas behind plain round robin, sharing --state-key-file:
// a destructive call's question comes from one replica and the user's
// answer is checked by another. Then 50 sessions × 100 calls with zero
// errors, spread over every replica, while one replica is shut down mid-run
// (it drains: /readyz turns 503, HAProxy's check takes it out, the calls it
// already had finish).
func TestStatelessRoundRobinSurvivesAReplicaShutdown(t *testing.T) {
	sbURL, sb := startSandbox(t)
	keyFile := filepath.Join(t.TempDir(), "state.key")
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("5e", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := []string{"--stateless", "--drain-delay", "1s", "--state-key-file", keyFile}
	rs := []*replica{startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...), startReplica(t, sbURL, flags...)}
	url := startHAProxy(t, false, rs)

	// The confirmation: nothing else is in flight, so round robin sends the
	// answer to another replica than the question.
	asked := 0
	c := dial(t, url, mcp.LATEST_PROTOCOL_VERSION, client.WithElicitationHandler(elicitFunc(func(mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		asked++
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": true}}}, nil
	})))
	req := mcp.CallToolRequest{}
	req.Params.Name = "cloudbase_modify_login_config"
	req.Params.Arguments = map[string]any{"EmailLogin": false}
	res, err := c.CallTool(context.Background(), req)
	if err != nil || res.IsError || asked != 1 || sb.Count("ModifyLoginConfig") != 1 {
		t.Fatalf("confirmed change across replicas: asked %d, sent %d, %v %+v", asked, sb.Count("ModifyLoginConfig"), err, res)
	}
	rounds := func(r *replica) int { return strings.Count(r.logs.String(), `"tool":"cloudbase_modify_login_config"`) }
	testenv.Eventually(t, "both rounds in the logs", func() bool { return rounds(rs[0])+rounds(rs[1])+rounds(rs[2]) == 2 })
	for i, r := range rs {
		if rounds(r) > 1 {
			t.Fatalf("replica %d served both the question and the answer: round robin did not test sharing", i)
		}
	}
	confirmCalls := 1

	const sessions, calls = 50, 100
	var done atomic.Int64
	// Early enough that calls still run once the replica has drained and
	// exited, on an idle machine too (5000 calls can take 3 s there).
	killAt := int64(sessions * calls / 10)
	killed := make(chan int64, 1) // calls done when the replica was gone
	go func() {
		for done.Load() < killAt {
			time.Sleep(time.Millisecond)
		}
		rs[2].kill(t)
		killed <- done.Load()
	}()
	var wg sync.WaitGroup
	var failures atomic.Int64
	for i := range sessions {
		version := mcp.LATEST_PROTOCOL_VERSION // half the clients on each protocol era
		if i%2 == 1 {
			version = mcp.LATEST_LEGACY_PROTOCOL_VERSION
		}
		c := dial(t, url, version)
		wg.Go(func() {
			for j := range calls {
				if err := describe(c); err != nil {
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
		t.Errorf("replica 2 was gone only after the run (%d calls done): nothing was tested", at)
	}
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d of %d stateless calls failed", n, sessions*calls)
	}
	// Log lines travel through a pipe: wait until every call is counted.
	total := func() int {
		n := 0
		for _, r := range rs {
			n += r.calls()
		}
		return n
	}
	testenv.Eventually(t, "every call in the replicas' logs", func() bool { return total()-confirmCalls*2 >= sessions*calls })
	for i, r := range rs {
		if r.calls() == 0 {
			t.Errorf("replica %d served no call: round robin did not reach it", i)
		}
	}
	if n := total() - confirmCalls*2; n != sessions*calls {
		t.Errorf("replicas served %d calls, want %d (a call was sent twice)", n, sessions*calls)
	}
}
