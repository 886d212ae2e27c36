package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/cloudops-mcp/cloudops-mcp/internal/sealed"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretin"
	"github.com/cloudops-mcp/cloudops-mcp/internal/secretpage"
)

// A secret asked on protocol 2026-07-28 (multi round-trip requests): the
// call answers "input required" with a URL elicitation for the page, and
// the client makes the same call again with the user's answer and the state
// it was given. Nothing waits in between, so this works on --stateless
// replicas: the replica that issued the page (its owner) keeps the one
// pending entry in memory; the state carries a sealed reference to it —
// page id, owner's --advertise-url, expiry, and the call it belongs to —
// and whichever replica gets the call again collects the value from the
// owner (secretpage.Collect, encrypted over the peer channel), once.

// pageRefPurpose binds a sealed page reference to its use.
const pageRefPurpose = "request-state/secret-page"

// pageRef is what the client carries for one page, sealed (AES-GCM): it can
// neither read nor alter it, nor move it to another call.
type pageRef struct {
	Key   string `json:"k"` // the input request's id: "secret:<field>"
	ID    string `json:"i"` // the page id in the owner's memory
	Owner string `json:"o,omitempty"`
	URL   string `json:"u"`
	Exp   int64  `json:"e"`
	Call  string `json:"c"` // tools.CallFingerprint of the call that asked
}

// roundKeys seal page references: the shared state keys, or a key of this
// process when there is no --state-key-file (one process, nothing to share).
func (si *secretInput) roundKeys() (*sealed.Keys, error) {
	if l := si.a.replicas; l != nil {
		return l.keys, nil
	}
	si.localOnce.Do(func() { si.localKeys, si.localErr = sealed.New(si.a.safety.stateKeys) })
	return si.localKeys, si.localErr
}

// askInRound asks for p's secret in a multi round-trip call: on the first
// call it issues a page and returns ErrInputRequired; on the call made
// again with the user's answer it collects the value.
func (si *secretInput) askInRound(ctx context.Context, round *secretin.Round, p secretin.Purpose) (string, error) {
	key := "secret:" + p.Field
	log := si.a.Log.With().Str("tool", p.Tool).Str("field", p.Field).Logger()
	keys, err := si.roundKeys()
	if err != nil {
		return "", fmt.Errorf("the secret page could not be prepared: %v", err)
	}
	action, answered := round.Answers[key]
	sealedRef, ref, err := findPageRef(keys, round, key, time.Now())
	if errors.Is(err, errNoPageRef) && !answered {
		return si.issueInRound(ctx, round, p, key, keys, log)
	}
	if err != nil {
		log.Info().Str("reason", err.Error()).Msg("secret page: the answer came back without a valid page reference")
		return "", err
	}
	// A page carried without an answer was filled in an earlier round while
	// the call waited for its other pages: the user did open it.
	if answered && action != "accept" {
		si.pages.Withdraw(ctx, ref.Owner, ref.ID, ref.Call)
		log.Info().Str("action", action).Msg("secret page: the user did not open it")
		return "", secretin.Unanswered(fmt.Sprintf("the user did not open the secret page (%s); nothing was sent. "+
			"Ask the user how they want to provide it (a file or an allow-listed variable), never in the chat", action))
	}
	// With several pages none is taken until all are filled: a value taken
	// while another page is still empty would be lost with the round.
	filled := si.filledPages(ctx, keys, round)
	if !filled[key] {
		// The page stays open: the same question again, with the same page.
		round.Ask(secretin.PageAsk{Key: key, ElicitationID: ref.ID, URL: ref.URL, Message: fmt.Sprintf(
			"Nothing was entered yet for the %s. Enter it in the page this link opens (the same page as before; it expires at %s UTC), then continue.",
			p.String(), time.Unix(ref.Exp, 0).UTC().Format("15:04"))}, sealedRef)
		log.Info().Msg("secret page: not filled yet; asked again with the same page")
		return "", secretin.ErrInputRequired
	}
	for _, ok := range filled {
		if !ok {
			round.Keep(sealedRef)
			return "", secretin.ErrInputRequired
		}
	}
	var v string
	if secretin.IsPeeking(ctx) {
		// Read for the question before the change: the page keeps the value,
		// and its reference travels on, for the call made after the yes.
		v, err = si.pages.Peek(ctx, ref.Owner, ref.ID, ref.Call, time.Second)
		if err == nil {
			round.Keep(sealedRef)
		}
	} else {
		v, err = si.pages.Collect(ctx, ref.Owner, ref.ID, ref.Call, time.Second) // filled: taking it does not wait
	}
	switch {
	case err == nil:
		log.Info().Bool("from_peer", ref.Owner != "" && ref.Owner != si.replicas.Self()).Msg("secret page: value received")
		return v, nil
	case errors.Is(err, secretpage.ErrExpired):
		log.Info().Msg("secret page: expired")
		return "", secretin.Unanswered("the secret page expired before a value was entered; nothing was sent. Call again for a new page")
	case errors.Is(err, secretpage.ErrOwnerGone):
		log.Warn().Msg("secret page: the replica that issued it cannot be reached")
		return "", secretin.Unanswered("the server replica that issued the secret page cannot be reached (it stopped or restarted), " +
			"and the value entered there is gone with it; nothing was sent. Call again: the user gets a new page")
	case errors.Is(err, secretpage.ErrUsed), errors.Is(err, secretpage.ErrUnknown):
		log.Info().Str("reason", err.Error()).Msg("secret page: nothing to collect (already collected, or withdrawn)")
		return "", secretin.Unanswered("the secret page's value was already collected by an earlier call, or the page was withdrawn " +
			"(each page gives its value once, to the call that asked); nothing was sent. Call again for a new page")
	default: // ErrNotYet cannot follow a filled page; anything else is unexpected
		log.Warn().Str("error", err.Error()).Msg("secret page: no value")
		return "", fmt.Errorf("no value could be collected from the secret page (%v); nothing was sent", err)
	}
}

// issueInRound issues a page for p and adds it to the call's answer.
func (si *secretInput) issueInRound(ctx context.Context, round *secretin.Round, p secretin.Purpose, key string, keys *sealed.Keys, log zerolog.Logger) (string, error) {
	t, err := si.pages.Issue(ctx, sessionKey(ctx), round.Call(), p.String())
	if err != nil {
		if errors.Is(err, secretin.ErrCannotAsk) {
			return "", err
		}
		return "", secretin.CannotAsk("the secret page could not be served: " + err.Error())
	}
	ref := pageRef{Key: key, ID: t.ID, Owner: si.replicas.Self(), URL: t.URL, Exp: t.Expires.Unix(), Call: round.Call()}
	raw, _ := json.Marshal(ref)
	round.Ask(secretin.PageAsk{Key: key, ElicitationID: t.ID, URL: t.URL, Message: fmt.Sprintf(
		"Enter the %s in the page this link opens. The value goes to the cloudops-mcp server only, not to the chat. "+
			"The link works once and expires in %s.", p.String(), humanDuration(time.Until(t.Expires)))}, keys.Seal(pageRefPurpose, raw))
	log.Info().Msg("secret page: issued; the client opens it and makes the call again")
	return "", secretin.ErrInputRequired
}

// filledPages tells, once per round, which of the pages the call carries
// hold a value, waiting up to --secret-page-wait in all for the user.
func (si *secretInput) filledPages(ctx context.Context, keys *sealed.Keys, round *secretin.Round) map[string]bool {
	round.FilledOnce.Do(func() {
		round.Filled = map[string]bool{}
		deadline := time.Now().Add(si.a.Config.SecretPageWait)
		for _, s := range strings.Split(round.State, ".") {
			raw, err := keys.Open(pageRefPurpose, s)
			var ref pageRef
			if err != nil || json.Unmarshal(raw, &ref) != nil || ref.Call != round.Call() {
				continue
			}
			if a, ok := round.Answers[ref.Key]; ok && a != "accept" {
				continue
			}
			err = si.pages.Await(ctx, ref.Owner, ref.ID, ref.Call, max(time.Until(deadline), 0))
			// Any answer but "not yet" (gone, expired, used) is reported
			// when the value is taken.
			round.Filled[ref.Key] = !errors.Is(err, secretpage.ErrNotYet)
		}
	})
	return round.Filled
}

// findPageRef finds, in the state the client carried back, the sealed
// reference to the page asked for key in this very call, unexpired.
func findPageRef(keys *sealed.Keys, round *secretin.Round, key string, now time.Time) (string, pageRef, error) {
	otherKey := false
	for _, s := range strings.Split(round.State, ".") {
		if s == "" {
			continue
		}
		raw, err := keys.Open(pageRefPurpose, s)
		if errors.Is(err, sealed.ErrUnknownKey) {
			otherKey = true
			continue
		}
		var ref pageRef
		if err != nil || json.Unmarshal(raw, &ref) != nil || ref.Key != key || ref.Call != round.Call() {
			continue
		}
		if !now.Before(time.Unix(ref.Exp, 0)) {
			return "", pageRef{}, secretin.Unanswered("the secret page expired before a value was entered; nothing was sent. Call again for a new page")
		}
		return s, ref, nil
	}
	if otherKey {
		return "", pageRef{}, secretin.Unanswered("the secret page was issued with a state key this server does not hold " +
			"(rotated out of --state-key-file, or another deployment's); nothing was sent. Call again for a new page")
	}
	return "", pageRef{}, errNoPageRef
}

// errNoPageRef: the state holds no page of this call for the field. With an
// answer for it, the state did not come back intact.
var errNoPageRef error = noPageRef{}

type noPageRef struct{}

func (noPageRef) Error() string {
	return "the answer about the secret page came back without the page's state " +
		"(the request state is missing, altered, or belongs to another call or other arguments); nothing was sent. Call again for a new page"
}

func (noPageRef) Is(target error) bool { return target == secretin.ErrUnanswered }

// roundKeysOnce holds the process-local key of roundKeys.
type roundKeysOnce struct {
	localOnce sync.Once
	localKeys *sealed.Keys
	localErr  error
}
