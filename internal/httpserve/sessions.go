package httpserve

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

var errUnknownSession = errors.New("unknown or expired session")

// sessionIDs is the stateful Streamable HTTP session registry: random ids,
// valid until the client deletes the session or it idles out, then forgotten
// (mcp-go's own stateful manager keeps every terminated id forever). An
// unknown id gets 404, on which clients start a new session.
//
// A session unused for ttl is forgotten here too, so Count (what --max-sessions
// is checked against) counts only sessions in use.
type sessionIDs struct {
	ttl time.Duration
	now func() time.Time

	mu   sync.Mutex
	live map[string]time.Time // id → last use
}

func newSessionIDs(ttl time.Duration) *sessionIDs {
	return &sessionIDs{ttl: ttl, now: time.Now, live: map[string]time.Time{}}
}

func (m *sessionIDs) Generate() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	id := "mcp-session-" + hex.EncodeToString(b[:])
	m.mu.Lock()
	m.live[id] = m.now()
	m.mu.Unlock()
	return id
}

func (m *sessionIDs) Validate(id string) (isTerminated bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	last, ok := m.live[id]
	if !ok || m.now().Sub(last) > m.ttl {
		delete(m.live, id)
		return false, errUnknownSession
	}
	m.live[id] = m.now()
	return false, nil
}

func (m *sessionIDs) Terminate(id string) (isNotAllowed bool, err error) {
	m.mu.Lock()
	delete(m.live, id)
	m.mu.Unlock()
	return false, nil
}

// Count forgets idle sessions and returns how many remain.
func (m *sessionIDs) Count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for id, last := range m.live {
		if now.Sub(last) > m.ttl {
			delete(m.live, id)
		}
	}
	return len(m.live)
}
