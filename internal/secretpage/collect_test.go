package secretpage

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// wireTap records what crosses the wire between replicas.
type wireTap struct {
	mu   sync.Mutex
	seen bytes.Buffer
}

func (w *wireTap) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	w.mu.Lock()
	w.seen.Write(body)
	w.mu.Unlock()
	res.Body = io.NopCloser(bytes.NewReader(body))
	return res, nil
}

// A page issued by replica A for one call, collected by replica B when
// the call is made again there (protocol 2026-07-28): bound to its call,
// given once, encrypted on the hop, "not yet" without using the page up,
// and a stopped owner reported as gone.
func TestCollectFromTheOwner(t *testing.T) {
	k := bytes.Repeat([]byte{7}, 32)
	a, tsA := replicaPages(t, k)
	b, tsB := replicaPages(t, k)
	tap := &wireTap{}
	b.replicas.Peers.HTTP = &http.Client{Transport: tap, Timeout: 5 * time.Second}
	ctx := context.Background()
	tk, err := a.Issue(ctx, "", "call-1", "ClientSecret for identity provider github")
	if err != nil {
		t.Fatal(err)
	}

	// Nothing entered yet: B waits its slice, the page stays open.
	if _, err := b.Collect(ctx, tsA.URL, tk.ID, "call-1", 200*time.Millisecond); !errors.Is(err, ErrNotYet) {
		t.Fatalf("before the user typed: %v", err)
	}
	if err := b.Await(ctx, tsA.URL, tk.ID, "call-1", 100*time.Millisecond); !errors.Is(err, ErrNotYet) {
		t.Fatalf("await before the user typed: %v", err)
	}
	// Another call cannot collect it.
	if _, err := b.Collect(ctx, tsA.URL, tk.ID, "call-2", 0); !errors.Is(err, ErrUnknown) {
		t.Fatalf("another call collected the page: %v", err)
	}
	// The user fills it through B (the browser lands anywhere).
	pub := tk.URL[strings.LastIndex(tk.URL, "/")+1:]
	_, body := get(t, tsB.URL+Path+pub)
	csrf := csrfRE.FindStringSubmatch(body)[1]
	if res, body := post(t, tsB.URL+Path+pub, tsB.URL, url.Values{"csrf": {csrf}, "secret": {planted}}); res.StatusCode != 200 {
		t.Fatalf("POST: %d %s", res.StatusCode, body)
	}
	// Awaiting it (a call with several pages) does not take it.
	for range 2 {
		if err := b.Await(ctx, tsA.URL, tk.ID, "call-1", time.Second); err != nil {
			t.Fatalf("await a filled page: %v", err)
		}
	}
	v, err := b.Collect(ctx, tsA.URL, tk.ID, "call-1", time.Second)
	if err != nil || v != planted {
		t.Fatalf("collect: %v", err)
	}
	tap.mu.Lock()
	clear := strings.Contains(tap.seen.String(), planted)
	tap.mu.Unlock()
	if clear {
		t.Fatal("the value crossed the wire in clear")
	}
	// Once: a second collection, from any replica, is refused.
	if _, err := b.Collect(ctx, tsA.URL, tk.ID, "call-1", 0); !errors.Is(err, ErrUsed) {
		t.Fatalf("second collection through B: %v", err)
	}
	if _, err := a.Collect(ctx, "", tk.ID, "call-1", 0); !errors.Is(err, ErrUsed) {
		t.Fatalf("second collection on A: %v", err)
	}

	// A declined page is withdrawn on its owner.
	tk2, _ := a.Issue(ctx, "", "call-3", "token")
	b.Withdraw(ctx, tsA.URL, tk2.ID, "call-3")
	if _, err := a.Collect(ctx, "", tk2.ID, "call-3", 0); err == nil || errors.Is(err, ErrNotYet) {
		t.Fatalf("a withdrawn page: %v", err)
	}

	// The owner stops: gone, at once.
	tk3, _ := a.Issue(ctx, "", "call-4", "token")
	tsA.Close()
	start := time.Now()
	if _, err := b.Collect(ctx, tsA.URL, tk3.ID, "call-4", 10*time.Second); !errors.Is(err, ErrOwnerGone) {
		t.Fatalf("owner stopped: %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("reporting a stopped owner took %s", took)
	}
}

// An expired page is refused when collected, and stays refused.
func TestCollectExpired(t *testing.T) {
	p := New(Options{TTL: 50 * time.Millisecond, Base: func(context.Context) (string, error) { return "http://127.0.0.1:1", nil }})
	tk, err := p.Issue(context.Background(), "", "call-1", "token")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	for range 2 {
		if _, err := p.Collect(context.Background(), "", tk.ID, "call-1", time.Second); !errors.Is(err, ErrExpired) {
			t.Fatalf("expired page: %v", err)
		}
	}
}
