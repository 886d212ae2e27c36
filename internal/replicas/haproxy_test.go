package replicas_test

import (
	"errors"
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
	sb := startSandbox(t)
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

// Stateless replicas behind plain round robin: 50 sessions × 100 calls with
// zero errors, spread over every replica, while one replica is shut down
// mid-run (it drains: /readyz turns 503, HAProxy's check takes it out, the
// calls it already had finish).
func TestStatelessRoundRobinSurvivesAReplicaShutdown(t *testing.T) {
	sb := startSandbox(t)
	flags := []string{"--stateless", "--drain-delay", "2s"}
	rs := []*replica{startReplica(t, sb, flags...), startReplica(t, sb, flags...), startReplica(t, sb, flags...)}
	url := startHAProxy(t, false, rs)

	const sessions, calls = 50, 100
	var done atomic.Int64
	killAt := int64(sessions * calls / 3)
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
	testenv.Eventually(t, "every call in the replicas' logs", func() bool { return total() >= sessions*calls })
	for i, r := range rs {
		if r.calls() == 0 {
			t.Errorf("replica %d served no call: round robin did not reach it", i)
		}
	}
	if n := total(); n != sessions*calls {
		t.Errorf("replicas served %d calls, want %d (a call was sent twice)", n, sessions*calls)
	}
}
