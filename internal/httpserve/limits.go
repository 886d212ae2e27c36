package httpserve

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// Resource bounds against callers who open sessions (or guess tokens) in a
// loop: each session keeps its client info and state for its idle lifetime.

// MinTokenLen is the shortest bearer token accepted: 32 characters (the hex
// of 16 random bytes) cannot be guessed at any rate a network allows.
const MinTokenLen = 32

// maxInitializeParams bounds an initialize request's params (client info and
// capabilities), which a session keeps for its whole life.
const maxInitializeParams = 8 << 10

// retryAfterFull is what a refused client is told to wait, in seconds.
const retryAfterFull = "30"

// capSessions refuses a new session (an initialize request without a session
// id, or an SSE stream) with 503 and Retry-After once open() reaches max, and
// refuses an initialize whose params exceed maxInitializeParams.
func capSessions(max int, open func() int, sse bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		opening := sse && r.Method == http.MethodGet
		if body := bufferedBody(r); body != nil {
			var msg struct {
				Method string          `json:"method"`
				Params json.RawMessage `json:"params"`
			}
			if json.Unmarshal(body, &msg) == nil && msg.Method == "initialize" {
				if len(msg.Params) > maxInitializeParams {
					reject(w, http.StatusBadRequest, "Bad Request: initialize params (clientInfo, capabilities) exceed "+
						strconv.Itoa(maxInitializeParams>>10)+" KB")
					return
				}
				opening = opening || !sse && r.Header.Get(server.HeaderKeySessionID) == ""
			}
		}
		if opening && max > 0 && open() >= max {
			w.Header().Set("Retry-After", retryAfterFull)
			reject(w, http.StatusServiceUnavailable, "Service Unavailable: the server holds its maximum of "+strconv.Itoa(max)+
				" sessions (--max-sessions); retry later")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// openCounter counts requests in flight through it (open SSE streams).
type openCounter struct{ n atomic.Int64 }

func (c *openCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			c.n.Add(1)
			defer c.n.Add(-1)
		}
		next.ServeHTTP(w, r)
	})
}

func (c *openCounter) open() int { return int(c.n.Load()) }

// failedAuth limits wrong-token attempts per client address: after
// maxFailures within failWindow, the address gets 429 until the window ends.
type failedAuth struct {
	mu    sync.Mutex
	by    map[string]*failures
	now   func() time.Time
	limit int
}

type failures struct {
	n     int
	since time.Time
}

const (
	failWindow      = time.Minute
	maxFailures     = 20
	maxTrackedAddrs = 4096
)

func newFailedAuth() *failedAuth {
	return &failedAuth{by: map[string]*failures{}, now: time.Now, limit: maxFailures}
}

// blocked reports how long addr must wait, or 0.
func (f *failedAuth) blocked(addr string) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.by[addr]
	if e == nil {
		return 0
	}
	left := failWindow - f.now().Sub(e.since)
	if left <= 0 {
		delete(f.by, addr)
		return 0
	}
	if e.n < f.limit {
		return 0
	}
	return left
}

func (f *failedAuth) fail(addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if len(f.by) >= maxTrackedAddrs {
		for k, e := range f.by {
			if now.Sub(e.since) >= failWindow {
				delete(f.by, k)
			}
		}
		if len(f.by) >= maxTrackedAddrs {
			clear(f.by) // a flood from many addresses: forget rather than grow
		}
	}
	e := f.by[addr]
	if e == nil || now.Sub(e.since) >= failWindow {
		e = &failures{since: now}
		f.by[addr] = e
	}
	e.n++
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
