package secretpage

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/peer"
	"github.com/cloudops-mcp/cloudops-mcp/internal/sealed"
)

// Replicas lets a page be answered through any replica behind a load
// balancer. The id in the URL is sealed with the shared state key and names
// the replica whose tool call waits (the owner). Another replica that gets
// the browser's GET or POST opens it and asks the owner over package peer:
// the owner still keeps the one pending entry, so single use holds, and the
// submitted value travels to it sealed.
type Replicas struct {
	Keys  *sealed.Keys
	Self  func() string // this replica's address for its peers; "" while unknown
	Peers *peer.Client
}

// ErrOwnerGone: the replica whose call waits cannot be reached.
var ErrOwnerGone = errors.New("the server replica whose tool call waits for this value cannot be reached (it stopped or restarted); ask your assistant to start again")

// ErrOtherKey: the link was sealed with a key this server does not hold.
var ErrOtherKey = errors.New("this link was issued with a state key this server does not hold (the key was rotated out); ask your assistant to start again")

// answerer is what serving a page needs of the store that owns it.
type answerer interface {
	Lookup(id string, now time.Time) (Pending, error)
	// Fulfil stores the value; awaited: a call still waits for it.
	Fulfil(id string, now time.Time, value string) (awaited bool, err error)
}

// local is the answerer for pages this replica owns.
type local struct{ p *Pages }

func (l local) Lookup(id string, now time.Time) (Pending, error) { return l.p.store.Lookup(id, now) }

func (l local) Fulfil(id string, now time.Time, value string) (bool, error) {
	return l.p.fulfil(id, now, value)
}

type publicID struct {
	ID    string `json:"i"`
	Owner string `json:"o"`
}

const sealPurpose = "secret-page"

// public is the id a URL carries for the local id.
func (p *Pages) public(id string) string {
	r := p.replicas
	if r == nil || r.Keys == nil || r.Self() == "" {
		return id
	}
	raw, _ := json.Marshal(publicID{ID: id, Owner: r.Self()})
	return r.Keys.Seal(sealPurpose, raw)
}

// route resolves a URL's id to the local id and the store that holds it.
func (p *Pages) route(ctx context.Context, public string) (string, answerer, error) {
	r := p.replicas
	if r == nil || r.Keys == nil || len(public) <= 22 { // no shared key, or a bare id: 128 bits, base64url
		return public, local{p}, nil
	}
	raw, err := r.Keys.Open(sealPurpose, public)
	if errors.Is(err, sealed.ErrUnknownKey) {
		return "", nil, ErrOtherKey
	}
	var pub publicID
	if err != nil || json.Unmarshal(raw, &pub) != nil {
		return "", nil, ErrUnknown
	}
	if pub.Owner == r.Self() {
		return pub.ID, local{p}, nil
	}
	return pub.ID, remote{ctx: ctx, owner: pub.Owner, peers: r.Peers}, nil
}

// remote reaches the owner's store.
type remote struct {
	ctx   context.Context
	owner string
	peers *peer.Client
}

type peerLookup struct {
	ID string `json:"id"`
}

type peerFulfil struct {
	ID    string `json:"id"`
	Value string `json:"v"`
}

func (s remote) Lookup(id string, _ time.Time) (Pending, error) {
	var out Pending
	err := s.peers.Do(s.ctx, s.owner, "secretpage.lookup", peerLookup{ID: id}, &out)
	return out, remoteErr(err)
}

// fulfilAnswer says whether the owner's call still waits for the value.
type fulfilAnswer struct {
	Awaited bool `json:"a"`
}

func (s remote) Fulfil(id string, _ time.Time, value string) (bool, error) {
	var out fulfilAnswer
	err := remoteErr(s.peers.Do(s.ctx, s.owner, "secretpage.fulfil", peerFulfil{ID: id, Value: value}, &out))
	return out.Awaited, err
}

// remoteErr turns the owner's answer back into this package's errors.
func remoteErr(err error) error {
	var re *peer.RemoteError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &re):
		for _, known := range []error{ErrUnknown, ErrUsed, ErrExpired} {
			if re.Msg == known.Error() {
				return known
			}
		}
		return ErrUnknown
	default:
		return ErrOwnerGone
	}
}

// PeerOps registers the operations other replicas call on the pages this
// replica owns.
func (p *Pages) PeerOps(s *peer.Server) {
	s.Handle("secretpage.lookup", func(_ context.Context, body json.RawMessage) (any, error) {
		var in peerLookup
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, ErrUnknown
		}
		pend, err := p.store.Lookup(in.ID, p.now())
		if err != nil {
			return nil, err
		}
		// What serving the form needs; not the session or call binding.
		return Pending{ID: pend.ID, CSRF: pend.CSRF, Purpose: pend.Purpose, Expires: pend.Expires}, nil
	})
	s.Handle("secretpage.fulfil", func(_ context.Context, body json.RawMessage) (any, error) {
		var in peerFulfil
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, ErrUnknown
		}
		awaited, err := p.fulfil(in.ID, p.now(), in.Value)
		if err != nil {
			return nil, err
		}
		return fulfilAnswer{Awaited: awaited}, nil
	})
	p.collectOps(s)
}
