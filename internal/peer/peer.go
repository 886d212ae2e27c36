// Package peer lets one replica ask another to act on single-use state that
// the other owns: the replica that asked a question or issued a secret page
// keeps the one copy of it, and a replica that receives the answer reaches
// the owner here. The owner's address travels inside the sealed state, so no
// membership, discovery or shared store is involved: just one sealed request
// and one sealed answer between two replicas holding the same state key.
//
// Both directions are encrypted and authenticated with the shared keys
// (package sealed): a value handed over (a secret typed into a page) is never
// on the wire in clear, and a request or answer cannot be forged or moved to
// another request.
package peer

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/sealed"
)

// Path is where a replica takes its peers' requests.
const Path = "/_cloudops/peer"

// maxAge bounds how long a request stays valid (clock skew included).
const maxAge = 30 * time.Second

const maxBody = 64 << 10

// Handler acts on one operation. Its error's message is returned to the
// caller; it must not hold a secret.
type Handler func(ctx context.Context, body json.RawMessage) (any, error)

type request struct {
	Op    string          `json:"op"`
	Body  json.RawMessage `json:"b"`
	Exp   int64           `json:"e"`
	Nonce string          `json:"n"`
}

type answer struct {
	Body json.RawMessage `json:"b,omitempty"`
	Err  string          `json:"err,omitempty"`
}

// Server serves the operations registered with Handle.
type Server struct {
	Keys *sealed.Keys
	Now  func() time.Time
	ops  map[string]Handler
}

// Handle registers op.
func (s *Server) Handle(op string, h Handler) {
	if s.ops == nil {
		s.ops = map[string]Handler{}
	}
	s.ops[op] = h
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ServeHTTP takes one sealed request. Anything that does not open with the
// shared keys gets a bare 403: whoever sent it holds no key.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	plain, err := s.Keys.Open("peer/request", string(bytes.TrimSpace(raw)))
	var req request
	if err != nil || json.Unmarshal(plain, &req) != nil {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	now := s.now()
	exp := time.Unix(req.Exp, 0)
	if !now.Before(exp) || exp.Sub(now) > 2*maxAge {
		http.Error(w, "request expired", http.StatusForbidden)
		return
	}
	h := s.ops[req.Op]
	var ans answer
	if h == nil {
		ans.Err = "unknown operation " + req.Op
	} else if out, err := h(r.Context(), req.Body); err != nil {
		ans.Err = err.Error()
	} else if ans.Body, err = json.Marshal(out); err != nil {
		ans.Err = "answer not encodable"
	}
	enc, _ := json.Marshal(ans)
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, s.Keys.Seal("peer/answer/"+req.Nonce, enc))
}

// RemoteError is an operation's own error, as the owner reported it.
type RemoteError struct{ Msg string }

func (e *RemoteError) Error() string { return e.Msg }

// ErrUnreachable: the owner did not answer (it stopped, or the address is
// wrong); the state it owned is gone with it.
var ErrUnreachable = errors.New("the replica that owns this state did not answer")

// Client sends requests to owners.
type Client struct {
	Keys *sealed.Keys
	HTTP *http.Client // default: 5 s timeout
	Now  func() time.Time
}

// Do runs op on the replica at owner (a base URL, http://host:port) and
// decodes its answer into out (may be nil).
func (c *Client) Do(ctx context.Context, owner, op string, in, out any) error {
	return c.do(ctx, owner, op, in, out, c.HTTP)
}

// DoWithin is Do for an operation that may wait on the owner's side (a
// value not entered yet): the whole exchange gets timeout instead of the
// client's default.
func (c *Client) DoWithin(ctx context.Context, owner, op string, in, out any, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hc := c.HTTP
	if hc == nil || hc.Timeout != 0 {
		hc = &http.Client{}
		if c.HTTP != nil {
			hc.Transport = c.HTTP.Transport
		}
	}
	return c.do(ctx, owner, op, in, out, hc)
}

func (c *Client) do(ctx context.Context, owner, op string, in, out any, hc *http.Client) error {
	u, err := url.Parse(owner)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: not a replica address", ErrUnreachable)
	}
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	var n [12]byte
	_, _ = rand.Read(n[:])
	nonce := hex.EncodeToString(n[:])
	reqJSON, _ := json.Marshal(request{Op: op, Body: body, Exp: now().Add(maxAge).Unix(), Nonce: nonce})
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, u.Scheme+"://"+u.Host+Path,
		bytes.NewReader([]byte(c.Keys.Seal("peer/request", reqJSON))))
	if err != nil {
		return err
	}
	hreq.Header.Set("Content-Type", "text/plain")
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Second}
	}
	res, err := hc.Do(hreq)
	if err != nil {
		return fmt.Errorf("%w (%s)", ErrUnreachable, u.Host)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil || res.StatusCode != http.StatusOK {
		return fmt.Errorf("%w (%s: HTTP %d)", ErrUnreachable, u.Host, res.StatusCode)
	}
	plain, err := c.Keys.Open("peer/answer/"+nonce, string(raw))
	var ans answer
	if err != nil || json.Unmarshal(plain, &ans) != nil {
		return fmt.Errorf("%w (%s: the answer did not open with the shared key)", ErrUnreachable, u.Host)
	}
	if ans.Err != "" {
		return &RemoteError{Msg: ans.Err}
	}
	if out != nil && len(ans.Body) > 0 {
		return json.Unmarshal(ans.Body, out)
	}
	return nil
}
