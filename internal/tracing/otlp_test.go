package tracing

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

type env map[string]string

func (e env) get(k string) string { return e[k] }

// collector records each request it is sent.
type collector struct {
	mu     sync.Mutex
	bodies [][]byte
	hdrs   []http.Header
	status []int           // answers to give, in order; then 200
	answer []byte          // a protobuf body for 200 answers
	stall  []time.Duration // how long to wait before each answer, in order
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err == nil {
			b, _ = io.ReadAll(zr)
		}
	}
	c.mu.Lock()
	c.bodies = append(c.bodies, b)
	c.hdrs = append(c.hdrs, r.Header.Clone())
	st := http.StatusOK
	if len(c.status) > 0 {
		st, c.status = c.status[0], c.status[1:]
	}
	var stall time.Duration
	if len(c.stall) > 0 {
		stall, c.stall = c.stall[0], c.stall[1:]
	}
	c.mu.Unlock()
	select {
	case <-time.After(stall):
	case <-r.Context().Done():
		return
	}
	if st == http.StatusOK && c.answer != nil {
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(st)
		_, _ = w.Write(c.answer)
		return
	}
	w.WriteHeader(st)
	if st != http.StatusOK {
		_, _ = w.Write([]byte("collector says no"))
	}
}

func decode(t *testing.T, b []byte) *coltracepb.ExportTraceServiceRequest {
	t.Helper()
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		t.Fatalf("not an ExportTraceServiceRequest: %v", err)
	}
	return &req
}

// spans covers every attribute type, events, links, status codes, span
// kinds, a remote parent, two resources and scopes with attributes.
func spans() []sdktrace.ReadOnlySpan {
	tid := trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	ts, _ := trace.ParseTraceState("vendor=value")
	sc := func(sid byte, remote bool) trace.SpanContext {
		return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: trace.SpanID{sid}, TraceFlags: trace.FlagsSampled, TraceState: ts, Remote: remote})
	}
	start := time.Date(2026, 11, 30, 21, 0, 0, 123, time.UTC)
	all := []attribute.KeyValue{
		attribute.Bool("b", true), attribute.Bool("f", false), attribute.Int64("i", -42), attribute.Int64("zero", 0),
		attribute.Float64("d", 2.5), attribute.String("s", "tools/call cloudbase_get_login_config"), attribute.String("empty", ""),
		attribute.BoolSlice("bs", []bool{true, false}), attribute.Int64Slice("is", []int64{1, -2}),
		attribute.Float64Slice("ds", []float64{0.5, 0}), attribute.StringSlice("ss", []string{"a", ""}),
		{Key: "bytes", Value: attribute.ByteSliceValue([]byte{0, 1, 2})},
		{Key: "slice", Value: attribute.SliceValue(attribute.StringValue("x"), attribute.Int64Value(7))},
		{Key: "map", Value: attribute.MapValue(attribute.String("k", "v"), attribute.Bool("t", true))},
		{Key: "nothing", Value: attribute.Value{}},
	}
	r1 := resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0", attribute.String("service.name", "cloudops-mcp"), attribute.String("service.version", "test"))
	r2 := resource.NewSchemaless(attribute.String("service.name", "other"))
	scope := instrumentation.Scope{Name: "cloudops-mcp", Version: "1", SchemaURL: "https://example.com/s", Attributes: attribute.NewSet(attribute.String("sa", "v"))}
	stubs := tracetest.SpanStubs{
		{Name: "tools/call x", SpanContext: sc(1, false), Parent: sc(9, true), SpanKind: trace.SpanKindServer,
			StartTime: start, EndTime: start.Add(3 * time.Millisecond), Attributes: all,
			Events:            []sdktrace.Event{{Name: "ev", Time: start.Add(time.Millisecond), Attributes: all[:3], DroppedAttributeCount: 2}},
			Links:             []sdktrace.Link{{SpanContext: sc(7, true), Attributes: all[4:6], DroppedAttributeCount: 1}},
			Status:            sdktrace.Status{Code: codes.Error, Description: "failed"},
			DroppedAttributes: 3, DroppedEvents: 4, DroppedLinks: 5, Resource: r1, InstrumentationScope: scope},
		{Name: "POST", SpanContext: sc(2, false), Parent: sc(1, false), SpanKind: trace.SpanKindClient,
			StartTime: start, EndTime: start.Add(time.Millisecond), Status: sdktrace.Status{Code: codes.Ok}, Resource: r1, InstrumentationScope: scope},
		{Name: "internal", SpanContext: sc(3, false), SpanKind: trace.SpanKindInternal, StartTime: start, EndTime: start, Resource: r1},
		{Name: "producer", SpanContext: sc(4, false), SpanKind: trace.SpanKindProducer, StartTime: start, EndTime: start, Resource: r2},
		{Name: "consumer", SpanContext: sc(5, false), SpanKind: trace.SpanKindConsumer, StartTime: start, EndTime: start, Resource: r2, InstrumentationScope: scope},
		{Name: "unspecified", SpanContext: sc(6, false), StartTime: start, EndTime: start, Resource: r1, InstrumentationScope: scope},
	}
	return stubs.Snapshots()
}

// Our exporter sends what OpenTelemetry's own OTLP/HTTP exporter sends: the
// two requests decode (with the official protobuf types) to equal messages.
func TestExporterMatchesOTLPHTTP(t *testing.T) {
	var theirs, ours collector
	ts, us := httptest.NewServer(&theirs), httptest.NewServer(&ours)
	defer ts.Close()
	defer us.Close()
	ctx := context.Background()
	official, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(ts.URL+"/v1/traces"))
	if err != nil {
		t.Fatal(err)
	}
	if err := official.ExportSpans(ctx, spans()); err != nil {
		t.Fatal(err)
	}
	e, err := newExporter(env{"OTEL_EXPORTER_OTLP_ENDPOINT": us.URL}.get)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ExportSpans(ctx, spans()); err != nil {
		t.Fatal(err)
	}
	want, got := decode(t, theirs.bodies[0]), decode(t, ours.bodies[0])
	// The official exporter groups resources through a map: order them.
	for _, r := range []*coltracepb.ExportTraceServiceRequest{want, got} {
		slices.SortFunc(r.ResourceSpans, func(a, b *tracepb.ResourceSpans) int {
			return strings.Compare(a.Resource.String(), b.Resource.String())
		})
	}
	if len(got.ResourceSpans) != 2 {
		t.Fatalf("want 2 resources, got %d", len(got.ResourceSpans))
	}
	if !proto.Equal(want, got) {
		t.Fatalf("requests differ:\nofficial: %v\nours:     %v", want, got)
	}
	if ct := ours.hdrs[0].Get("Content-Type"); ct != "application/x-protobuf" {
		t.Errorf("Content-Type %q", ct)
	}
}

// Through Setup, as the server runs it: the variables choose the URL,
// headers and compression, and shutting down flushes the batch.
func TestSetupExportsOverOTLPHTTP(t *testing.T) {
	var c collector
	srv := httptest.NewServer(&c)
	defer srv.Close()
	e := env{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": srv.URL + "/custom/path",
		"OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20abc,x-team=ops", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "x-team=traces",
		"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_SERVICE_NAME": "ignored-here"}
	tp, shutdown, err := Setup(context.Background(), e.get, "1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("cloudops-mcp").Start(context.Background(), "tools/call demo")
	span.End()
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(c.bodies) != 1 {
		t.Fatalf("collector got %d requests, want 1", len(c.bodies))
	}
	h := c.hdrs[0]
	if h.Get("Authorization") != "Bearer abc" || h.Get("X-Team") != "traces" || h.Get("Content-Encoding") != "gzip" {
		t.Errorf("headers %v", h)
	}
	req := decode(t, c.bodies[0])
	got := req.ResourceSpans[0].ScopeSpans[0].Spans[0]
	if got.Name != "tools/call demo" || !strings.Contains(req.ResourceSpans[0].Resource.String(), "1.2.3") {
		t.Errorf("exported %v", req)
	}
}

func TestExporterEndpoints(t *testing.T) {
	for _, c := range []struct {
		env  env
		want string
	}{
		{env{}, "https://localhost:4318/v1/traces"},
		{env{"OTEL_EXPORTER_OTLP_INSECURE": "true"}, "http://localhost:4318/v1/traces"},
		{env{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, "http://collector:4318/v1/traces"},
		{env{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector/base/"}, "https://collector/base/v1/traces"},
		{env{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:1", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://b:2"}, "http://b:2/"},
		{env{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://b:2/x/y"}, "https://b:2/x/y"},
	} {
		e, err := newExporter(c.env.get)
		if err != nil || e.url != c.want {
			t.Errorf("%v: %v %v, want %s", c.env, e, err, c.want)
		}
	}
	for _, bad := range []env{
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"},
		{"OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"},
		{"OTEL_EXPORTER_OTLP_TIMEOUT": "10s"},
		{"OTEL_EXPORTER_OTLP_CERTIFICATE": "/nonexistent/ca.pem"},
	} {
		if _, err := newExporter(bad.get); err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_") {
			t.Errorf("%v: error %v, want one naming the variable", bad, err)
		}
	}
	// A malformed endpoint may carry a credential: the error names the
	// variable, never its value.
	for _, name := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"} {
		bad := env{name: "user:planted-otlp-token-7c6b5a@collector:4318"}
		if _, err := newExporter(bad.get); err == nil || strings.Contains(err.Error(), "planted-otlp-token") {
			t.Errorf("%s: error %v, want one without the value", name, err)
		}
	}
}

// A busy collector (503) is asked again; one that refuses (400) is not, and
// the error says what it answered.
func TestExporterRetriesOnlyWhatMayPass(t *testing.T) {
	c := &collector{status: []int{http.StatusServiceUnavailable, http.StatusTooManyRequests}}
	srv := httptest.NewServer(c)
	defer srv.Close()
	e, err := newExporter(env{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL}.get)
	if err != nil {
		t.Fatal(err)
	}
	e.retry = retryPolicy{initial: time.Millisecond, max: 5 * time.Millisecond, elapsed: 5 * time.Second}
	if err := e.ExportSpans(context.Background(), spans()); err != nil || len(c.bodies) != 3 {
		t.Fatalf("after 503 and 429: %v, %d requests, want success on the 3rd", err, len(c.bodies))
	}
	c.status = []int{http.StatusBadRequest}
	err = e.ExportSpans(context.Background(), spans())
	if err == nil || !strings.Contains(err.Error(), "400") || !strings.Contains(err.Error(), "collector says no") || len(c.bodies) != 4 {
		t.Fatalf("after 400: %v, %d requests, want one try and the collector's answer", err, len(c.bodies))
	}
	_ = e.Shutdown(context.Background())
	if err := e.ExportSpans(context.Background(), spans()); err != nil || len(c.bodies) != 4 {
		t.Errorf("export after shutdown sent something: %v", err)
	}
}

// OTEL_EXPORTER_OTLP_TIMEOUT bounds each attempt: a collector that hangs
// once is asked again, and the batch still arrives.
func TestExporterTimeoutIsPerAttempt(t *testing.T) {
	c := &collector{stall: []time.Duration{5 * time.Second}}
	srv := httptest.NewServer(c)
	defer srv.Close()
	e, err := newExporter(env{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL, "OTEL_EXPORTER_OTLP_TIMEOUT": "100"}.get)
	if err != nil {
		t.Fatal(err)
	}
	e.retry = retryPolicy{initial: time.Millisecond, max: 5 * time.Millisecond, elapsed: 5 * time.Second}
	if err := e.ExportSpans(context.Background(), spans()); err != nil || len(c.bodies) != 2 {
		t.Fatalf("after one stalled attempt: %v, %d requests, want success on the 2nd", err, len(c.bodies))
	}
}

// A collector that accepts the request but rejects some spans says so in
// the answer's partial_success: that is an error, as in otlptracehttp.
func TestExporterReportsPartialSuccess(t *testing.T) {
	answer, err := proto.Marshal(&coltracepb.ExportTraceServiceResponse{PartialSuccess: &coltracepb.ExportTracePartialSuccess{
		RejectedSpans: 2, ErrorMessage: "span too large"}})
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{answer: answer}
	srv := httptest.NewServer(c)
	defer srv.Close()
	e, err := newExporter(env{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL}.get)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ExportSpans(context.Background(), spans()); err == nil || !strings.Contains(err.Error(), "rejected 2 spans: span too large") {
		t.Fatalf("partial success: %v", err)
	}
	for i := range answer { // a cut-off or garbled answer is no error and no panic
		partialSuccess(answer[:i])
		partialSuccess(append([]byte{0xff, 0xff}, answer[i:]...))
	}
	c.answer, _ = proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	if err := e.ExportSpans(context.Background(), spans()); err != nil {
		t.Fatalf("full success: %v", err)
	}
}
