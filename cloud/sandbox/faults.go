package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults make the sandbox misbehave the way networks and overloaded APIs do,
// so tests can prove that every call ends in a success or a clear error, that
// no create is sent twice and that cancellation stops work. The counters are
// deterministic ("the next n matching requests"), never random.
type Faults struct {
	// Latency delays every matching request before it is handled. If the
	// client gives up meanwhile, the request is dropped unhandled.
	Latency time.Duration
	// RateLimit rejects the next n matching requests with the API's rate-limit
	// answer, before handling them (as the real APIs do).
	RateLimit int
	// Status500 answers the next n with HTTP 500 and an HTML body.
	Status500 int
	// MalformedJSON answers the next n with a 200 whose body is not JSON.
	MalformedJSON int
	// ConnectionReset resets the connection of the next n without an answer.
	ConnectionReset int
	// CutBody sends the headers and half the body of the next n, then closes.
	CutBody int
	// AfterApply makes the four failures above happen after the request was
	// handled, so its effect persists (the worst case for a create); otherwise
	// they happen before it and nothing changed.
	AfterApply bool
	// Match selects the requests faults apply to; nil means all.
	Match func(*http.Request) bool
}

// Fault names, as Count reports them ("fault:" + name).
const (
	FaultRateLimit     = "rate_limit"
	FaultStatus500     = "status_500"
	FaultMalformedJSON = "malformed_json"
	FaultReset         = "connection_reset"
	FaultCutBody       = "cut_body"
	FaultDelayed       = "delayed" // a request started waiting Latency
	FaultDropped       = "dropped" // the client left during Latency; the request was not handled
)

// MatchTCBAction matches management API calls of the named actions.
func MatchTCBAction(actions ...string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		a := r.Header.Get("X-TC-Action")
		for _, n := range actions {
			if a == n {
				return true
			}
		}
		return false
	}
}

// MatchPath matches requests whose method is method ("" = any) and whose path starts with prefix.
func MatchPath(method, prefix string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return (method == "" || r.Method == method) && strings.HasPrefix(r.URL.Path, prefix)
	}
}

// SetFaults replaces the fault plan (the zero Faults turns injection off).
func (s *Server) SetFaults(f Faults) {
	fi, ok := s.handler.(*faultInjector)
	if !ok {
		panic("sandbox: fault injection is not wired into the handler")
	}
	fi.mu.Lock()
	fi.plan = f
	fi.mu.Unlock()
}

// faultInjector wraps the sandbox handler; it is the outermost layer so that
// it can hijack connections.
type faultInjector struct {
	s    *Server
	next http.Handler
	mu   sync.Mutex
	plan Faults
}

func newFaultInjector(s *Server, next http.Handler) *faultInjector {
	return &faultInjector{s: s, next: next}
}

func (fi *faultInjector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	latency, fault, after := fi.take(r)
	if latency > 0 {
		// The server notices a client leaving only once the body was read.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		fi.count(FaultDelayed)
		t := time.NewTimer(latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			fi.count(FaultDropped)
			return
		case <-t.C:
		}
	}
	if fault == "" {
		fi.next.ServeHTTP(w, r)
		return
	}
	fi.count(fault)
	if fault == FaultRateLimit {
		writeRateLimited(w, r)
		return
	}
	var rec *recorder
	if after {
		rec = newRecorder()
		fi.next.ServeHTTP(rec, r)
	}
	switch fault {
	case FaultStatus500:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("<html><body><h1>500 Internal Server Error</h1></body></html>\n"))
	case FaultMalformedJSON:
		body := []byte(`{"Response":{"RequestId":"`)
		if rec != nil {
			body = rec.body.Bytes()[:rec.body.Len()/2]
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(append(body, "<not json>"...))
	case FaultReset:
		resetConn(w)
	case FaultCutBody:
		body := []byte(`{"Response":{"RequestId":"00000000-0000-0000-0000-000000000000","Padding":"cut here"}}`)
		status := http.StatusOK
		if rec != nil {
			body, status = rec.body.Bytes(), rec.status
		}
		cutBody(w, status, body)
	}
}

// take consumes one fault of the plan for r, in a fixed order.
func (fi *faultInjector) take(r *http.Request) (latency time.Duration, fault string, after bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	p := &fi.plan
	if p.Match != nil && !p.Match(r) {
		return 0, "", false
	}
	for _, c := range []struct {
		n    *int
		name string
	}{{&p.RateLimit, FaultRateLimit}, {&p.Status500, FaultStatus500}, {&p.MalformedJSON, FaultMalformedJSON},
		{&p.ConnectionReset, FaultReset}, {&p.CutBody, FaultCutBody}} {
		if *c.n > 0 {
			*c.n--
			return p.Latency, c.name, p.AfterApply
		}
	}
	return p.Latency, "", false
}

func (fi *faultInjector) count(name string) {
	fi.s.mu.Lock()
	fi.s.counts["fault:"+name]++
	fi.s.mu.Unlock()
}

// writeRateLimited answers in the shape of the API the request was for.
func writeRateLimited(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Header.Get("X-TC-Action") != "":
		writeTCBError(w, newRequestID(), &apiError{"RequestLimitExceeded", "The request frequency exceeds the limit."})
	case strings.HasPrefix(r.URL.Path, "/v2/"):
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"errors": []map[string]string{
			{"code": "10011", "title": "Too many requests", "detail": "The rate limit was exceeded."}}})
	default:
		writeJSON(w, http.StatusTooManyRequests, map[string]string{
			"code": "EXCEED_RATELIMIT", "requestId": randomHex(7), "message": "QPS limit exceeded"})
	}
}

// resetConn closes the connection with an RST and no answer at all.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(fmt.Sprintf("sandbox faults: hijack: %v", err))
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// cutBody promises the whole body in Content-Length, sends half and hangs up.
func cutBody(w http.ResponseWriter, status int, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(fmt.Sprintf("sandbox faults: hijack: %v", err))
	}
	defer conn.Close()
	_, _ = fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n",
		status, http.StatusText(status), strconv.Itoa(len(body)))
	_, _ = buf.Write(body[:len(body)/2])
	_ = buf.Flush()
}

// recorder captures a handled response so a fault can replace or mangle it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}, status: http.StatusOK} }

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
