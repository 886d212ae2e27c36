package secretpage

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/peer"
)

// A call on protocol 2026-07-28 does not wait for its page: it answers with
// the page's URL and a sealed reference to it, and the same call made again
// — on whichever replica the balancer picks — collects the value here, from
// the replica that issued the page (the owner; over package peer when that
// is another replica). Collecting is bound to the call the page was issued
// for and gives the value once.

// maxCollectSlice bounds one peer request waiting for a value: the wait is
// cut into slices so that no request outlives a balancer's idle timeout.
const maxCollectSlice = 20 * time.Second

// Collect returns the value entered on the page id issued by owner ("" or
// self: this replica) for call, waiting up to wait for the user. ErrNotYet:
// nothing entered yet, the page stays open. ErrOwnerGone: the owner cannot
// be reached, and the page is gone with it.
func (p *Pages) Collect(ctx context.Context, owner, id, call string, wait time.Duration) (string, error) {
	return p.collect(ctx, owner, id, call, wait, take)
}

// Await is Collect without taking the value: nil once the user entered it
// (a call with several pages takes none until all are filled).
func (p *Pages) Await(ctx context.Context, owner, id, call string, wait time.Duration) error {
	_, err := p.collect(ctx, owner, id, call, wait, await)
	return err
}

// Peek is Collect that leaves the value for a later Collect: the question
// that confirms a change compares it with the stored one, and the call made
// again after the user's yes takes it.
func (p *Pages) Peek(ctx context.Context, owner, id, call string, wait time.Duration) (string, error) {
	return p.collect(ctx, owner, id, call, wait, peek)
}

// collectMode is what collect does with a value entered.
type collectMode int

const (
	take  collectMode = iota // return it, and forget the page
	await                    // only wait for it
	peek                     // return it, and keep it for a later take
)

func (p *Pages) collect(ctx context.Context, owner, id, call string, wait time.Duration, mode collectMode) (string, error) {
	r := p.replicas
	if owner == "" || r == nil || r.Peers == nil || owner == r.Self() {
		return p.collectLocal(ctx, id, call, wait, mode, false)
	}
	deadline := time.Now().Add(wait)
	for {
		slice := min(time.Until(deadline), maxCollectSlice)
		if slice < 0 {
			slice = 0
		}
		var out collectAnswer
		more := time.Until(deadline) > slice // this caller waits on after the slice: the page is still waited for
		err := r.Peers.DoWithin(ctx, owner, "secretpage.collect", collectRequest{ID: id, Call: call, WaitMS: slice.Milliseconds(),
			Peek: mode == await, Read: mode == peek, More: more}, &out, slice+5*time.Second)
		if err != nil {
			return "", remoteErr(err)
		}
		if out.Ready {
			return out.Value, nil
		}
		if !time.Now().Before(deadline) {
			return "", ErrNotYet
		}
	}
}

// Withdraw forgets a page whose call will not collect it (the user declined).
func (p *Pages) Withdraw(ctx context.Context, owner, id, call string) {
	r := p.replicas
	if owner == "" || r == nil || r.Peers == nil || owner == r.Self() {
		p.withdrawLocal(id, call)
		return
	}
	_ = r.Peers.Do(ctx, owner, "secretpage.withdraw", collectRequest{ID: id, Call: call}, nil)
}

// collectLocal waits on a page of this replica. Unless more (the caller
// waits on, in another slice), a wait that runs out parks the page: its
// call answers "not yet", and the page tells a user who fills it later to
// say so to the assistant.
func (p *Pages) collectLocal(ctx context.Context, id, call string, wait time.Duration, mode collectMode, more bool) (string, error) {
	bound, ok := p.store.Binding(id)
	if !ok {
		_, err := p.store.Lookup(id, p.now())
		if err == nil || errors.Is(err, ErrUsed) {
			err = ErrUsed // answered and collected
		}
		return "", err
	}
	if bound != call {
		return "", ErrUnknown // issued for another call: it does not exist for this one
	}
	p.unpark(id)
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	notYet := func(err error) bool {
		return (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) && (more || !p.park(id))
	}
	if mode != take {
		err := p.store.Filled(wctx, id)
		if notYet(err) {
			return "", ErrNotYet
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			err = nil // entered as the wait ended
		}
		if errors.Is(err, ErrExpired) {
			p.store.Remove(id)
		}
		if err != nil || mode == await {
			return "", err
		}
		return p.store.Peek(id)
	}
	v, err := p.store.Wait(wctx, id)
	if notYet(err) {
		return "", ErrNotYet // the page stays open for the call made again
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		v, err = p.store.Wait(ctx, id) // entered as the wait ended: there, not waited for
	}
	p.store.Remove(id)
	return v, err
}

func (p *Pages) withdrawLocal(id, call string) {
	if bound, ok := p.store.Binding(id); ok && bound == call {
		p.store.Remove(id)
	}
}

type collectRequest struct {
	ID     string `json:"id"`
	Call   string `json:"c"`
	WaitMS int64  `json:"w,omitempty"`
	Peek   bool   `json:"p,omitempty"` // wait for the value without taking it
	Read   bool   `json:"r,omitempty"` // return the value without taking it
	More   bool   `json:"m,omitempty"` // the caller waits on after this slice
}

// collectAnswer carries the value inside the peer answer, which is sealed
// (encrypted) with the shared key: never on the wire in clear.
type collectAnswer struct {
	Ready bool   `json:"ready"`
	Value string `json:"v,omitempty"`
}

func (p *Pages) collectOps(s *peer.Server) {
	s.Handle("secretpage.collect", func(ctx context.Context, body json.RawMessage) (any, error) {
		var in collectRequest
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, ErrUnknown
		}
		wait := min(time.Duration(in.WaitMS)*time.Millisecond, maxCollectSlice)
		mode := take
		switch {
		case in.Read:
			mode = peek
		case in.Peek:
			mode = await
		}
		v, err := p.collectLocal(ctx, in.ID, in.Call, wait, mode, in.More)
		if errors.Is(err, ErrNotYet) {
			return collectAnswer{}, nil
		}
		if err != nil {
			return nil, err
		}
		return collectAnswer{Ready: true, Value: v}, nil
	})
	s.Handle("secretpage.withdraw", func(_ context.Context, body json.RawMessage) (any, error) {
		var in collectRequest
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, ErrUnknown
		}
		p.withdrawLocal(in.ID, in.Call)
		return struct{}{}, nil
	})
}
