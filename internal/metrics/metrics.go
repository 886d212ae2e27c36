// Package metrics exposes the server's Prometheus metrics. Every label has
// a bounded set of values: tool names and providers come from the code,
// outcomes and answers from fixed lists, and the cloud's own actions and
// error codes are capped per provider (further new values count as
// "other"). No label carries an id, a name a user chose, or a secret.
package metrics

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxValues bounds the distinct values a cloud-supplied label may take.
const maxValues = 64

// Metrics is one server's set of collectors, on its own registry.
type Metrics struct {
	reg            *prometheus.Registry
	toolCalls      *prometheus.CounterVec
	toolLatency    *prometheus.HistogramVec
	cloudCalls     *prometheus.CounterVec
	cloudLatency   *prometheus.HistogramVec
	retries        *prometheus.CounterVec
	outcomeUnknown *prometheus.CounterVec
	confirmations  *prometheus.CounterVec
	sessions       prometheus.Gauge
	rateLimited    prometheus.Counter
	capped         sync.Map // provider+"/"+label -> *capSet
}

// New registers every collector. redactions reads the redaction count.
func New(redactions func() float64) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	f := promautoWith(m.reg)
	m.toolCalls = f.counterVec("cloudops_tool_calls_total", "Tool calls by tool and outcome (ok, tool_error, protocol_error).", "tool", "outcome")
	m.toolLatency = f.histogramVec("cloudops_tool_call_duration_seconds", "Tool call latency.", "tool")
	m.cloudCalls = f.counterVec("cloudops_cloud_requests_total", "Requests to a cloud by provider, action and result (ok, an HTTP status, or the cloud's error code).", "provider", "action", "result")
	m.cloudLatency = f.histogramVec("cloudops_cloud_request_duration_seconds", "Cloud request latency by provider.", "provider")
	m.retries = f.counterVec("cloudops_cloud_retries_total", "Cloud requests sent again after a retryable failure.", "provider")
	m.outcomeUnknown = f.counterVec("cloudops_outcome_unknown_total", "Changes sent without a usable answer (not re-sent).", "tool")
	m.confirmations = f.counterVec("cloudops_confirmations_total", "Destructive calls put to the user, by answer (asked, accepted, declined).", "tool", "answer")
	m.sessions = prometheus.NewGauge(prometheus.GaugeOpts{Name: "cloudops_active_sessions", Help: "MCP sessions open on this replica (stateful HTTP, SSE, stdio)."})
	m.rateLimited = prometheus.NewCounter(prometheus.CounterOpts{Name: "cloudops_rate_limited_total", Help: "Requests refused with 429 by the per-subject rate limit."})
	m.reg.MustRegister(m.sessions, m.rateLimited,
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "cloudops_redactions_total", Help: "Texts in which the redactor masked something."}, redactions),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ToolCall records one finished tool call.
func (m *Metrics) ToolCall(tool, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.toolCalls.WithLabelValues(tool, outcome).Inc()
	m.toolLatency.WithLabelValues(tool).Observe(took.Seconds())
}

// Retry records one retry of a cloud request.
func (m *Metrics) Retry(provider string) {
	if m != nil {
		m.retries.WithLabelValues(provider).Inc()
	}
}

// OutcomeUnknown records a change whose outcome is unknown.
func (m *Metrics) OutcomeUnknown(tool string) {
	if m != nil {
		m.outcomeUnknown.WithLabelValues(tool).Inc()
	}
}

// Confirmation records a question put to the user or its answer.
func (m *Metrics) Confirmation(tool, answer string) {
	if m != nil {
		m.confirmations.WithLabelValues(tool, answer).Inc()
	}
}

// SessionOpened and SessionClosed track active sessions.
func (m *Metrics) SessionOpened(context.Context) {
	if m != nil {
		m.sessions.Inc()
	}
}

func (m *Metrics) SessionClosed(context.Context) {
	if m != nil {
		m.sessions.Dec()
	}
}

// RateLimited records a 429.
func (m *Metrics) RateLimited() {
	if m != nil {
		m.rateLimited.Inc()
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

type factory struct{ reg *prometheus.Registry }

func promautoWith(reg *prometheus.Registry) factory { return factory{reg} }

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) histogramVec(name, help string, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help,
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, labels)
	f.reg.MustRegister(h)
	return h
}
