package metrics

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape returns what a scraper gets, parsed by Prometheus' own text parser
// (test only: the server does not link it).
func scrape(t *testing.T, m *Metrics) (string, map[string]*dto.MetricFamily) {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("scrape: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	text := rec.Body.String()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("Prometheus cannot parse the exposition: %v\n%s", err, text)
	}
	return text, fams
}

func TestExpositionParsesAndCounts(t *testing.T) {
	m := New(func() float64 { return 7 })
	m.ToolCall("cloudbase_describe_client", "ok", 20*time.Millisecond)
	m.ToolCall("cloudbase_describe_client", "ok", 3*time.Second)
	m.ToolCall("cloudbase_describe_client", "tool_error", 40*time.Second)
	m.Confirmation("tool \"quoted\"\\back\nline", "asked") // escaped, not breaking the format
	m.SessionOpened(t.Context())
	m.SessionOpened(t.Context())
	m.SessionClosed(t.Context())
	text, fams := scrape(t, m)

	for _, want := range []string{
		"# HELP cloudops_tool_calls_total Tool calls by tool and outcome (ok, tool_error, protocol_error).\n# TYPE cloudops_tool_calls_total counter\n",
		`cloudops_tool_calls_total{outcome="ok",tool="cloudbase_describe_client"} 2` + "\n",
		`cloudops_tool_calls_total{outcome="tool_error",tool="cloudbase_describe_client"} 1` + "\n",
		`cloudops_tool_call_duration_seconds_bucket{tool="cloudbase_describe_client",le="0.025"} 1` + "\n",
		`cloudops_tool_call_duration_seconds_bucket{tool="cloudbase_describe_client",le="2.5"} 1` + "\n",
		`cloudops_tool_call_duration_seconds_bucket{tool="cloudbase_describe_client",le="5"} 2` + "\n",
		`cloudops_tool_call_duration_seconds_bucket{tool="cloudbase_describe_client",le="30"} 2` + "\n",
		`cloudops_tool_call_duration_seconds_bucket{tool="cloudbase_describe_client",le="+Inf"} 3` + "\n",
		`cloudops_tool_call_duration_seconds_sum{tool="cloudbase_describe_client"} 43.02` + "\n",
		`cloudops_tool_call_duration_seconds_count{tool="cloudbase_describe_client"} 3` + "\n",
		"cloudops_active_sessions 1\n",
		"cloudops_rate_limited_total 0\n",
		"cloudops_redactions_total 7\n",
		`go_info{version="go`,
		"go_goroutines ",
		`go_gc_duration_seconds{quantile="0.5"} `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	conf := fams["cloudops_confirmations_total"]
	if conf == nil || len(conf.Metric) != 1 || conf.Metric[0].Label[1].GetValue() != "tool \"quoted\"\\back\nline" {
		t.Errorf("a label value with quotes, backslash and newline did not read back: %v", conf)
	}
	if h := fams["cloudops_tool_call_duration_seconds"]; h == nil || h.GetType() != dto.MetricType_HISTOGRAM || h.Metric[0].GetHistogram().GetSampleCount() != 3 {
		t.Errorf("histogram: %v", h)
	}
	for _, name := range []string{"process_cpu_seconds_total", "process_resident_memory_bytes", "process_start_time_seconds", "process_open_fds", "go_memstats_heap_alloc_bytes", "go_threads"} {
		f := fams[name]
		if f == nil || len(f.Metric) != 1 {
			t.Errorf("no %s", name)
			continue
		}
		v := f.Metric[0].GetGauge().GetValue() + f.Metric[0].GetCounter().GetValue()
		if v <= 0 && name != "process_cpu_seconds_total" {
			t.Errorf("%s = %v", name, v)
		}
	}
	if st := fams["process_start_time_seconds"]; st != nil {
		if at := time.Unix(int64(st.Metric[0].GetGauge().GetValue()), 0); time.Since(at) < 0 || time.Since(at) > 24*time.Hour {
			t.Errorf("process_start_time_seconds says %v", at)
		}
	}
	// Families come sorted by name, as Prometheus' client writes them.
	var names []string
	for _, line := range strings.Split(text, "\n") {
		if n, ok := strings.CutPrefix(line, "# TYPE "); ok {
			names = append(names, strings.Fields(n)[0])
		}
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Errorf("families out of order: %s before %s", names[i-1], names[i])
		}
	}
}

// Recording is safe from many goroutines, and no observation is lost.
func TestConcurrentRecording(t *testing.T) {
	m := New(func() float64 { return 0 })
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 500; i++ {
				m.ToolCall("t", "ok", time.Millisecond)
				m.Retry("tencentcloud")
			}
			done <- true
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	_, fams := scrape(t, m)
	if got := fams["cloudops_tool_calls_total"].Metric[0].GetCounter().GetValue(); got != 4000 {
		t.Errorf("tool calls %v, want 4000", got)
	}
	if got := fams["cloudops_tool_call_duration_seconds"].Metric[0].GetHistogram().GetSampleSum(); got < 3.999 || got > 4.001 {
		t.Errorf("latency sum %v, want 4", got)
	}
}

// A scraper asking for gzip (Prometheus does) gets the same exposition
// compressed; q=0 refuses it.
func TestScrapeGzip(t *testing.T) {
	m := New(func() float64 { return 0 })
	m.RateLimited()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	m.Handler().ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", rec.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	p := expfmt.NewTextParser(model.LegacyValidation)
	if _, err := p.TextToMetricFamilies(bytes.NewReader(text)); err != nil || !strings.Contains(string(text), "cloudops_rate_limited_total 1\n") {
		t.Fatalf("gzip body: %v\n%.300s", err, text)
	}
	for _, h := range []string{"gzip;q=0", "identity", ""} {
		if acceptsGzip(h) {
			t.Errorf("Accept-Encoding %q taken as gzip", h)
		}
	}
	if !acceptsGzip("br;q=1.0, GZIP;q=0.5") {
		t.Error("gzip;q=0.5 not taken")
	}
}
