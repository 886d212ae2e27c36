package secretpage

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/peer"
	"github.com/cloudops-mcp/cloudops-mcp/internal/sealed"
)

// replicaPages is one replica: its pages and its peer endpoint on one listener.
func replicaPages(t *testing.T, raw ...[]byte) (*Pages, *httptest.Server) {
	t.Helper()
	keys, err := sealed.New(raw)
	if err != nil {
		t.Fatal(err)
	}
	var ts *httptest.Server
	p := New(Options{TTL: time.Minute, Base: func(context.Context) (string, error) { return ts.URL, nil },
		Replicas: &Replicas{Keys: keys, Self: func() string { return ts.URL }, Peers: &peer.Client{Keys: keys}}})
	ps := &peer.Server{Keys: keys}
	p.PeerOps(ps)
	mux := http.NewServeMux()
	mux.Handle(Path, p)
	mux.Handle(peer.Path, ps)
	ts = httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return p, ts
}

// A page issued by replica A (whose call waits) is shown and answered
// through replica B: B opens the sealed id, reaches A, and A's waiting call
// gets the value. Single use holds across replicas; a stopped owner and a
// rotated-out key are refused with what to do.
func TestPageAnsweredThroughAnotherReplica(t *testing.T) {
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	a, tsA := replicaPages(t, k1, k2) // rotation step 1: the new key k2 opens, k1 still seals
	_, tsB := replicaPages(t, k1)
	tk, err := a.Issue(context.Background(), "s1", "s1/7", "ClientSecret for identity provider github")
	if err != nil {
		t.Fatal(err)
	}
	id := tk.URL[strings.LastIndex(tk.URL, "/")+1:]
	if strings.Contains(id, tk.ID) || strings.Contains(id, "127.0.0.1") {
		t.Fatal("the URL shows the local id or the owner in clear")
	}
	onB := tsB.URL + Path + id
	res, body := get(t, onB)
	if res.StatusCode != 200 || !strings.Contains(body, "ClientSecret for identity provider github") {
		t.Fatalf("GET through B: %d %s", res.StatusCode, body)
	}
	csrf := csrfRE.FindStringSubmatch(body)[1]
	got := make(chan string, 1)
	go func() { v, _ := a.Wait(context.Background(), tk); got <- v }()
	if res, body := post(t, onB, tsB.URL, url.Values{"csrf": {csrf}, "secret": {planted}}); res.StatusCode != 200 {
		t.Fatalf("POST through B: %d %s", res.StatusCode, body)
	}
	select {
	case v := <-got:
		if v != planted {
			t.Fatal("A's call got another value")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("A's call never got the value")
	}
	// Single use, wherever the second try lands.
	if res, body := post(t, onB, tsB.URL, url.Values{"csrf": {csrf}, "secret": {planted}}); res.StatusCode != http.StatusGone || !strings.Contains(body, "already used") {
		t.Fatalf("second POST through B: %d %s", res.StatusCode, body)
	}
	if res, _ := post(t, tsA.URL+Path+id, tsA.URL, url.Values{"csrf": {csrf}, "secret": {planted}}); res.StatusCode != http.StatusGone {
		t.Fatalf("second POST on A: %d", res.StatusCode)
	}

	// A replica whose key list no longer holds the sealing key says so.
	_, tsC := replicaPages(t, k2)
	tk2, _ := a.Issue(context.Background(), "s1", "s1/8", "Password")
	id2 := tk2.URL[strings.LastIndex(tk2.URL, "/")+1:]
	if res, body := get(t, tsC.URL+Path+id2); res.StatusCode != 404 || !strings.Contains(body, "state key this server does not hold") {
		t.Fatalf("GET on a replica with another key: %d %s", res.StatusCode, body)
	}
	// Rotation step 2: a replica listing [new, old] serves the old link.
	_, tsD := replicaPages(t, k2, k1)
	if res, body := get(t, tsD.URL+Path+id2); res.StatusCode != 200 {
		t.Fatalf("GET on a rotated replica: %d %s", res.StatusCode, body)
	}
	// The owner stops: its call is gone, and B says so.
	tsA.Close()
	if res, body := get(t, onB[:len(onB)-len(id)]+id2); res.StatusCode != 404 || !strings.Contains(body, "cannot be reached") {
		t.Fatalf("GET after the owner stopped: %d %s", res.StatusCode, body)
	}
}

// Without a shared key (one process), a long made-up id is simply unknown.
func TestLongIDWithoutSharedKey(t *testing.T) {
	var ts *httptest.Server
	p := New(Options{TTL: time.Minute, Base: func(context.Context) (string, error) { return ts.URL, nil },
		Replicas: &Replicas{Self: func() string { return "" }}})
	ts = httptest.NewServer(p)
	t.Cleanup(ts.Close)
	if res, _ := get(t, ts.URL+Path+strings.Repeat("A", 120)); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a long unknown id: %d", res.StatusCode)
	}
}
