package replicas_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/cloudops-mcp/cloudops-mcp/internal/testenv"
)

// fromAddr is an HTTP client whose connections leave from a given loopback
// address (Linux routes all of 127/8 to lo): one "machine" per client.
func fromAddr(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

func dialSSE(t *testing.T, base, ip string) (*client.Client, *transport.SSE) {
	t.Helper()
	tr, err := transport.NewSSE(base+"/sse", transport.WithHeaders(map[string]string{"Authorization": "Bearer " + token}),
		transport.WithHTTPClient(fromAddr(ip)))
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr)
	if err := c.Start(context.Background()); err != nil { // the stream lives as long as this context
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = "2024-11-05"
	init.Params.ClientInfo = mcp.Implementation{Name: "replicas-sse", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c, tr
}

// Legacy SSE behind HAProxy: a session's stream and its POSTs must reach one
// replica, and only the client's address is visible to the balancer (the
// session id travels inside the stream), so HAProxy pins each source
// address. Nine clients from nine addresses work with zero errors. Then the
// replica holding some of them is SIGKILLed: their POSTs, now routed to
// another replica, get 404 (the session is unknown there; mcp-go alone
// answered 400), and a new SSE connection from the same address works.
func TestSSEAffinityAnd404AfterItsReplicaDies(t *testing.T) {
	sbURL, _ := startSandbox(t)
	rs := []*replica{startReplica(t, sbURL, "--transport", "sse"), startReplica(t, sbURL, "--transport", "sse"), startReplica(t, sbURL, "--transport", "sse")}
	base := strings.TrimSuffix(startHAProxyOn(t, freePort(t), "source", "roundrobin", rs), "/mcp")

	const clients = 9
	type sseClient struct {
		c       *client.Client
		tr      *transport.SSE
		ip      string
		replica int
	}
	cs := make([]*sseClient, clients)
	total := func() int { return rs[0].calls() + rs[1].calls() + rs[2].calls() }
	for i := range cs {
		ip := fmt.Sprintf("127.0.0.%d", i+2)
		c, tr := dialSSE(t, base, ip)
		cs[i] = &sseClient{c: c, tr: tr, ip: ip}
		before := []int{rs[0].calls(), rs[1].calls(), rs[2].calls()}
		if err := describe(c); err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		testenv.Eventually(t, "the call in a replica's log", func() bool { return total() == i+1 })
		for j, r := range rs {
			if r.calls() > before[j] {
				cs[i].replica = j
			}
		}
	}
	for round := range 5 {
		for i, c := range cs {
			if err := describe(c.c); err != nil {
				t.Fatalf("client %d round %d: %v", i, round, err)
			}
		}
	}
	spread := map[int]bool{}
	for _, c := range cs {
		spread[c.replica] = true
	}
	if len(spread) < 2 {
		t.Fatalf("all SSE clients on one replica: the test would not show affinity")
	}

	victim := cs[0].replica
	rs[victim].sigkill(t)
	time.Sleep(500 * time.Millisecond) // HAProxy's checks take it out (2 × 100 ms)
	for i, c := range cs {
		endpoint := c.tr.GetEndpoint()
		req, _ := http.NewRequest(http.MethodPost, endpoint.String(), strings.NewReader(`{"jsonrpc":"2.0","id":99,"method":"ping"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := fromAddr(c.ip).Do(req)
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		res.Body.Close()
		want := http.StatusAccepted
		if c.replica == victim {
			want = http.StatusNotFound
		}
		if res.StatusCode != want {
			t.Errorf("client %d (replica %d, dead %d): POST /message answered %d, want %d", i, c.replica, victim, res.StatusCode, want)
		}
		if c.replica == victim {
			nc, _ := dialSSE(t, base, c.ip) // a new connection from the same address: redispatched to a live replica
			if err := describe(nc); err != nil {
				t.Errorf("client %d after reconnecting: %v", i, err)
			}
		} else if err := describe(c.c); err != nil {
			t.Errorf("client %d on a live replica: %v", i, err)
		}
	}
}
