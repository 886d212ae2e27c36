package httpserve

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
)

// sseDrain lets shutdown keep the legacy SSE streams open until every request
// posted to /message has its answer written: over SSE the POST returns 202 at
// once and the answer travels on the session's GET stream later, so waiting
// for HTTP requests alone would cut in-flight calls off.
type sseDrain struct {
	mu      sync.Mutex
	pending map[string]int  // session id → requests accepted, answer not yet written
	live    map[string]bool // sessions whose stream is open here
}

type sessionSlot struct{ id string }

type sessionSlotKey struct{}

func newSSEDrain() *sseDrain { return &sseDrain{pending: map[string]int{}, live: map[string]bool{}} }

// newSessionID is mcp-go's SSE session id generator; it also tells the stream
// wrapper which session its stream carries.
func (d *sseDrain) newSessionID(ctx context.Context, _ *http.Request) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b[:])
	d.mu.Lock()
	if d.live == nil {
		d.live = map[string]bool{}
	}
	d.live[id] = true
	d.mu.Unlock()
	if slot, ok := ctx.Value(sessionSlotKey{}).(*sessionSlot); ok {
		slot.id = id
	}
	return id, nil
}

// stream wraps GET /sse: each response event written settles one pending request.
func (d *sseDrain) stream(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slot := &sessionSlot{}
		r = r.WithContext(context.WithValue(r.Context(), sessionSlotKey{}, slot))
		defer func() { d.forget(slot.id) }()
		next.ServeHTTP(&answerWriter{ResponseWriter: w, onAnswer: func() { d.settle(slot.id) }}, r)
	})
}

// message wraps POST /message: a request mcp-go accepted (202) is pending until answered.
func (d *sseDrain) message(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sid := r.URL.Query().Get("sessionId"); sid != "" && !d.isLive(sid) {
			// Not a session of this process: it ended, or its replica
			// stopped and the balancer sent this here. 404 is Streamable
			// HTTP's "start a new session" (mcp-go alone would answer 400).
			reject(w, http.StatusNotFound, "session not found: it ended or the server process holding it stopped; open a new SSE connection")
			return
		}
		if !isRequest(bufferedBody(r)) {
			next.ServeHTTP(w, r)
			return
		}
		sid := r.URL.Query().Get("sessionId")
		// mcp-go writes 202 before it starts the goroutine that answers, so
		// counting here cannot miss an answer.
		next.ServeHTTP(&acceptWriter{ResponseWriter: w, onAccept: func() { d.add(sid) }}, r)
	})
}

func (d *sseDrain) add(sid string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending[sid]++
}

func (d *sseDrain) settle(sid string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending[sid] > 0 {
		d.pending[sid]--
	}
	if d.pending[sid] == 0 {
		delete(d.pending, sid)
	}
}

// forget drops a session whose stream ended: its answers can no longer be delivered.
func (d *sseDrain) forget(sid string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.pending, sid)
	delete(d.live, sid)
}

func (d *sseDrain) isLive(sid string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.live[sid]
}

// idle reports whether no accepted request waits for its answer.
func (d *sseDrain) idle() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.pending) == 0
}

// answerWriter sees each SSE event mcp-go writes (one Write per event).
type answerWriter struct {
	http.ResponseWriter
	onAnswer func()
}

func (w *answerWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	if err == nil && isAnswerEvent(p) {
		w.onAnswer()
	}
	return n, err
}

func (w *answerWriter) Flush()                      { _ = http.NewResponseController(w.ResponseWriter).Flush() }
func (w *answerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// isAnswerEvent reports whether an SSE event carries a JSON-RPC response.
func isAnswerEvent(p []byte) bool {
	_, data, ok := bytes.Cut(p, []byte("data:"))
	if !ok {
		return false
	}
	return isResponse(bytes.TrimSpace(data))
}

type acceptWriter struct {
	http.ResponseWriter
	onAccept func()
	once     sync.Once
}

func (w *acceptWriter) WriteHeader(code int) {
	if code == http.StatusAccepted {
		w.once.Do(w.onAccept)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *acceptWriter) Flush()                      { _ = http.NewResponseController(w.ResponseWriter).Flush() }
func (w *acceptWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
