package httpserve

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
)

var errUnknownSession = errors.New("unknown or expired session")

// sessionIDs is the stateful Streamable HTTP session registry: random ids,
// valid until the client deletes the session or it idles out, then forgotten
// (mcp-go's own stateful manager keeps every terminated id forever). An
// unknown id gets 404, on which clients start a new session.
type sessionIDs struct{ live sync.Map }

func (m *sessionIDs) Generate() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	id := "mcp-session-" + hex.EncodeToString(b[:])
	m.live.Store(id, struct{}{})
	return id
}

func (m *sessionIDs) Validate(id string) (isTerminated bool, err error) {
	if _, ok := m.live.Load(id); !ok {
		return false, errUnknownSession
	}
	return false, nil
}

func (m *sessionIDs) Terminate(id string) (isNotAllowed bool, err error) {
	m.live.Delete(id)
	return false, nil
}
