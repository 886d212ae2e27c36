package secretpage

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// A value entered through another replica reports to its page whether the
// owner's call still waits: a wait slice that the caller continues (more)
// keeps the page waited for; a wait that ran out parks it, and only a new
// wait unparks it.
func TestFulfilSaysWhetherTheCallWaits(t *testing.T) {
	k := bytes.Repeat([]byte{9}, 32)
	a, tsA := replicaPages(t, k)
	b, _ := replicaPages(t, k)
	ctx := context.Background()
	viaB := remote{ctx: ctx, owner: tsA.URL, peers: b.replicas.Peers}

	sliced, _ := a.Issue(ctx, "", "call-1", "p")
	if _, err := a.collectLocal(ctx, sliced.ID, "call-1", 20*time.Millisecond, await, true); !errors.Is(err, ErrNotYet) {
		t.Fatalf("slice: %v", err)
	}
	if awaited, err := viaB.Fulfil(sliced.ID, time.Now(), "v1"); err != nil || !awaited {
		t.Fatalf("entered between slices: awaited %v, %v", awaited, err)
	}

	ran, _ := a.Issue(ctx, "", "call-2", "p")
	if err := b.Await(ctx, tsA.URL, ran.ID, "call-2", 20*time.Millisecond); !errors.Is(err, ErrNotYet) {
		t.Fatalf("await: %v", err)
	}
	again, _ := a.Issue(ctx, "", "call-3", "p")
	if _, err := a.WaitFor(ctx, again, 20*time.Millisecond); !errors.Is(err, ErrNotYet) {
		t.Fatalf("wait: %v", err)
	}
	if awaited, err := viaB.Fulfil(ran.ID, time.Now(), "v2"); err != nil || awaited {
		t.Fatalf("entered after the wait ran out: awaited %v, %v", awaited, err)
	}
	// The call made again waits anew: a value entered now is waited for.
	go func() { _, _ = a.WaitFor(ctx, again, 5*time.Second) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		a.mu.Lock()
		_, parked := a.parked[again.ID]
		a.mu.Unlock()
		if !parked || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if awaited, err := a.fulfil(again.ID, time.Now(), "v3"); err != nil || !awaited {
		t.Fatalf("entered while the call made again waits: awaited %v, %v", awaited, err)
	}
}
