package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/cloudops-mcp/cloudops-mcp/tools"
)

// A confirmation's request state travels through the client and comes back
// with the answer. It is sealed (HMAC) over the tool, the exact arguments and
// a payload: a nonce (single use), an expiry (confirmTTL), the session that
// was asked, and the summary the user saw. A replayed, expired, foreign or
// forged state is ignored, and the user is asked again.

// The keys come from statekey.go: the first seals, every one opens, so keys
// rotate and stateless replicas share them (--state-key-file). The nonce is
// used up where it was made: with a shared key the state names the replica
// that asked (its owner), and a replica receiving the answer has the owner
// take the nonce (replicas.go). An owner that cannot be reached takes
// nothing: the user is asked again, so a replay never passes for fresh.

// confirmTTL is how long a question stays answerable.
const confirmTTL = 5 * time.Minute

// maxPendingNonces bounds the nonces remembered; past it, answers are asked
// again rather than the table growing.
const maxPendingNonces = 10000

type statePayload struct {
	Nonce   string `json:"n"`
	Expires int64  `json:"e"`
	Session string `json:"s"`
	Summary string `json:"m"`
	Owner   string `json:"o,omitempty"` // replica holding the nonce (replicas.go)
	Key     string `json:"k,omitempty"` // names the sealing key: "rotated out" is told apart from "altered"
	// Yes: the user already said yes to Summary; the call came back for
	// other input (a secret page) and is not asked again.
	Yes bool `json:"y,omitempty"`
}

// nonceTake and nonceAnswer: a replica asks the owner to use a nonce up.
type nonceTake struct {
	Nonce   string `json:"n"`
	Expires int64  `json:"e"`
}

type nonceAnswer struct {
	Fresh bool `json:"fresh"`
}

type usedNonces struct {
	mu   sync.Mutex
	now  func() time.Time
	seen map[string]time.Time // nonce → its expiry
}

func newUsedNonces() *usedNonces {
	return &usedNonces{now: time.Now, seen: map[string]time.Time{}}
}

// take marks nonce used and reports whether it was fresh.
func (u *usedNonces) take(nonce string, exp time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	now := u.now()
	if _, dup := u.seen[nonce]; dup {
		return false
	}
	if len(u.seen) >= maxPendingNonces {
		for n, e := range u.seen {
			if now.After(e) {
				delete(u.seen, n)
			}
		}
		if len(u.seen) >= maxPendingNonces {
			return false
		}
	}
	u.seen[nonce] = exp
	return true
}

// sessionKey names the session a question was asked in (a hash: the id is
// bearer-like); "" without a session (stateless, in-process).
func sessionKey(ctx context.Context) string {
	if sess := server.ClientSessionFromContext(ctx); sess != nil && sess.SessionID() != "" {
		return shortHash(sess.SessionID())
	}
	return ""
}

// modernRequest: the client sends its capabilities with each request.
func modernRequest(ctx context.Context) bool {
	info := server.RequestProtocolInfoFromContext(ctx)
	return info != nil && info.Modern
}

// sealState is "<payload>.<mac>", both base64url.
func (a *App) sealState(t tools.Tool, args map[string]any, summary, session string, yes bool) string {
	var n [16]byte
	_, _ = rand.Read(n[:])
	p := statePayload{Nonce: hex.EncodeToString(n[:]), Expires: a.safety.used.now().Add(confirmTTL).Unix(), Session: session, Summary: summary,
		Owner: a.replicas.selfURL(), Yes: yes}
	if a.replicas != nil {
		p.Key = a.replicas.keys.KeyID()
	}
	raw, _ := json.Marshal(p)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(raw) + "." + enc.EncodeToString(stateMAC(a.safety.stateKeys[0], t, args, raw))
}

// openState returns the summary a valid, fresh, unused state was sealed with,
// for this tool, these arguments and this session, and whether it records
// the user's yes; it uses the state up.
func (a *App) openState(ctx context.Context, t tools.Tool, args map[string]any, state, session string) (summary string, yes, ok bool) {
	enc := base64.RawURLEncoding
	s, m, ok := strings.Cut(state, ".")
	if !ok {
		return "", false, false
	}
	raw, err1 := enc.DecodeString(s)
	mac, err2 := enc.DecodeString(m)
	if err1 != nil || err2 != nil {
		return "", false, false
	}
	valid := false
	for _, k := range a.safety.stateKeys {
		valid = valid || hmac.Equal(mac, stateMAC(k, t, args, raw))
	}
	var p statePayload
	if json.Unmarshal(raw, &p) != nil || p.Nonce == "" {
		return "", false, false
	}
	if !valid {
		if p.Key != "" && a.replicas != nil && !a.replicas.keys.Holds(p.Key) {
			a.Log.Info().Str("tool", t.Spec.Name).Msg("confirmation: the answer's state was sealed with a key this server does not hold (rotated out of --state-key-file); asking again")
		}
		return "", false, false
	}
	exp := time.Unix(p.Expires, 0)
	if !a.safety.used.now().Before(exp) || p.Session != session {
		return "", false, false
	}
	if !a.takeNonce(ctx, t, p, exp) {
		return "", false, false
	}
	return p.Summary, p.Yes, true
}

func stateMAC(key []byte, t tools.Tool, args map[string]any, payload []byte) []byte {
	canon, _ := json.Marshal(args) // map keys are sorted: one encoding per value
	h := hmac.New(sha256.New, key)
	for _, p := range [][]byte{[]byte(t.Spec.Name), canon, payload} {
		h.Write(p)
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// takeNonce uses the nonce up on the replica that made it.
func (a *App) takeNonce(ctx context.Context, t tools.Tool, p statePayload, exp time.Time) bool {
	self := a.replicas.selfURL()
	if p.Owner == "" || p.Owner == self {
		fresh := a.safety.used.take(p.Nonce, exp)
		if !fresh {
			a.Log.Info().Str("tool", t.Spec.Name).Msg("confirmation: this answer was already used (replayed); asking again")
		}
		return fresh
	}
	var ans nonceAnswer
	if err := a.replicas.peers.Do(ctx, p.Owner, "confirm.nonce", nonceTake{Nonce: p.Nonce, Expires: p.Expires}, &ans); err != nil {
		a.Log.Warn().Str("tool", t.Spec.Name).Str("error", err.Error()).Msg("confirmation: the replica that asked could not settle the answer; asking again")
		return false
	}
	if !ans.Fresh {
		a.Log.Info().Str("tool", t.Spec.Name).Msg("confirmation: this answer was already used (replayed); asking again")
	}
	return ans.Fresh
}
