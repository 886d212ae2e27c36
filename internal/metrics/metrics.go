// Package metrics exposes the server's Prometheus metrics. Every label has
// a bounded set of values: tool names and providers come from the code,
// outcomes and answers from fixed lists, and the cloud's own actions and
// error codes are capped per provider (further new values count as
// "other"). No label carries an id, a name a user chose, or a secret.
package metrics

import (
	"compress/gzip"
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxValues bounds the distinct values a cloud-supplied label may take.
const maxValues = 64

// Metrics is one server's set of metrics (expo.go writes them).
type Metrics struct {
	reg            registry
	toolCalls      *family
	toolLatency    *family
	cloudCalls     *family
	cloudLatency   *family
	retries        *family
	outcomeUnknown *family
	confirmations  *family
	sessions       *family
	rateLimited    *family
	capped         sync.Map // provider+"/"+label -> *capSet
}

var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New creates every metric. redactions reads the redaction count.
func New(redactions func() float64) *Metrics {
	m := &Metrics{}
	r := &m.reg
	counter := func(name, help string, labels ...string) *family {
		return r.add(newFamily(name, help, "counter", labels, nil))
	}
	histogram := func(name, help string, labels ...string) *family {
		return r.add(newFamily(name, help, "histogram", labels, latencyBuckets))
	}
	m.toolCalls = counter("cloudops_tool_calls_total", "Tool calls by tool and outcome (ok, tool_error, protocol_error).", "tool", "outcome")
	m.toolLatency = histogram("cloudops_tool_call_duration_seconds", "Tool call latency.", "tool")
	m.cloudCalls = counter("cloudops_cloud_requests_total", "Requests to a cloud by provider, action and result (ok, an HTTP status, or the cloud's error code).", "provider", "action", "result")
	m.cloudLatency = histogram("cloudops_cloud_request_duration_seconds", "Cloud request latency by provider.", "provider")
	m.retries = counter("cloudops_cloud_retries_total", "Cloud requests sent again after a retryable failure.", "provider")
	m.outcomeUnknown = counter("cloudops_outcome_unknown_total", "Changes sent without a usable answer (not re-sent).", "tool")
	m.confirmations = counter("cloudops_confirmations_total", "Destructive calls put to the user, by answer (asked, accepted, declined).", "tool", "answer")
	m.sessions = r.add(newFamily("cloudops_active_sessions", "MCP sessions open on this replica (stateful HTTP, SSE, stdio).", "gauge", nil, nil))
	m.rateLimited = counter("cloudops_rate_limited_total", "Requests refused with 429 by the per-subject rate limit.")
	r.add(newFamily("cloudops_redactions_total", "Texts in which the redactor masked something.", "counter", nil, nil)).value = redactions
	// After cloudops_*, in name order too: go_* and process_*.
	r.collectors = append(r.collectors, writeGoMetrics, writeProcessMetrics)
	return m
}

// Handler serves the metrics in the Prometheus text format (0.0.4).
func (m *Metrics) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET")
			http.Error(w, "GET only", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			_ = m.reg.write(w)
			return
		}
		// Prometheus asks for gzip; the text compresses about tenfold.
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
		zw := gzip.NewWriter(w)
		_ = m.reg.write(zw)
		_ = zw.Close()
	})
}

// acceptsGzip reads an Accept-Encoding header: gzip listed without q=0.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// ToolCall records one finished tool call.
func (m *Metrics) ToolCall(tool, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.toolCalls.with(tool, outcome).inc()
	m.toolLatency.with(tool).observe(latencyBuckets, took.Seconds())
}

// Retry records one retry of a cloud request.
func (m *Metrics) Retry(provider string) {
	if m != nil {
		m.retries.with(provider).inc()
	}
}

// OutcomeUnknown records a change whose outcome is unknown.
func (m *Metrics) OutcomeUnknown(tool string) {
	if m != nil {
		m.outcomeUnknown.with(tool).inc()
	}
}

// Confirmation records a question put to the user or its answer.
func (m *Metrics) Confirmation(tool, answer string) {
	if m != nil {
		m.confirmations.with(tool, answer).inc()
	}
}

// SessionOpened and SessionClosed track active sessions.
func (m *Metrics) SessionOpened(context.Context) {
	if m != nil {
		m.sessions.with().gauge.Add(1)
	}
}

func (m *Metrics) SessionClosed(context.Context) {
	if m != nil {
		m.sessions.with().gauge.Add(-1)
	}
}

// RateLimited records a 429.
func (m *Metrics) RateLimited() {
	if m != nil {
		m.rateLimited.with().inc()
	}
}

// capSet admits the first maxValues distinct values of a label.
type capSet struct {
	mu   sync.Mutex
	seen map[string]bool
}

// bound returns v if it is (or can still become) one of the label's known
// values, else "other".
func (m *Metrics) bound(provider, label, v string) string {
	s, _ := m.capped.LoadOrStore(provider+"/"+label, &capSet{seen: map[string]bool{}})
	c := s.(*capSet)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[v] {
		return v
	}
	if len(c.seen) >= maxValues {
		return "other"
	}
	c.seen[v] = true
	return v
}
