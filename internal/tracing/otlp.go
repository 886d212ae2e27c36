package tracing

// An OTLP/HTTP (protobuf) span exporter, written here instead of using
// otlptracehttp: that package imports the OTLP collector stubs, and with
// them all of gRPC, gRPC-gateway and the protobuf runtime (66 packages):
// their package init, binary size and page faults were paid by every start
// of the server, tracing on or off, for a feature that is off by default
// (BENCHMARKS.md). What it sends is the same message, field for field
// (TestExporterMatchesOTLPHTTP compares the two byte streams decoded by the
// official protobuf types), configured by the same OTEL_EXPORTER_OTLP_*
// variables.

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/cloudops-mcp/cloudops-mcp/internal/version"
)

// exporter posts each batch to an OTLP/HTTP collector.
type exporter struct {
	url      string
	headers  map[string]string
	gzip     bool
	timeout  time.Duration
	client   *http.Client
	retry    retryPolicy
	shutdown atomic.Bool
}

// retryPolicy: answers 429, 502, 503 and 504 and temporary network errors
// are retried with exponential backoff (or the Retry-After the collector
// asks for), as otlptracehttp does.
type retryPolicy struct {
	initial, max, elapsed time.Duration
}

var defaultRetry = retryPolicy{initial: 5 * time.Second, max: 30 * time.Second, elapsed: time.Minute}

// newExporter reads OTEL_EXPORTER_OTLP_* (the TRACES_ variants win):
// ENDPOINT (a base URL, /v1/traces appended) or TRACES_ENDPOINT (as is),
// INSECURE, HEADERS, COMPRESSION (gzip|none), TIMEOUT (ms), CERTIFICATE,
// CLIENT_CERTIFICATE and CLIENT_KEY.
func newExporter(getenv func(string) string) (*exporter, error) {
	env := func(name string) string {
		if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_" + name)); v != "" {
			return v
		}
		return strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_" + name))
	}
	e := &exporter{timeout: 10 * time.Second, retry: defaultRetry, headers: map[string]string{}}
	scheme, host, urlPath := "https", "localhost:4318", "/v1/traces"
	if b, err := strconv.ParseBool(env("INSECURE")); err == nil && b {
		scheme = "http"
	}
	if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")); v != "" {
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			// The value is not echoed: it may carry credentials (userinfo, a query key).
			return nil, errors.New("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not a URL with a host: want one such as http://collector:4318/v1/traces")
		}
		scheme, host, urlPath = endpointScheme(u), u.Host, u.Path
		if urlPath == "" {
			urlPath = "/"
		}
	} else if v := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")); v != "" {
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			return nil, errors.New("OTEL_EXPORTER_OTLP_ENDPOINT is not a URL with a host: want one such as http://collector:4318")
		}
		scheme, host, urlPath = endpointScheme(u), u.Host, path.Join(u.Path, "/v1/traces")
	}
	e.url = (&url.URL{Scheme: scheme, Host: host, Path: urlPath}).String()
	for _, name := range []string{"HEADERS", "TRACES_HEADERS"} { // the per-signal ones override
		for _, pair := range strings.Split(getenv("OTEL_EXPORTER_OTLP_"+name), ",") {
			k, v, ok := strings.Cut(pair, "=")
			if !ok || strings.TrimSpace(k) == "" {
				continue
			}
			if dv, err := url.PathUnescape(v); err == nil {
				e.headers[strings.TrimSpace(k)] = strings.TrimSpace(dv)
			}
		}
	}
	switch c := strings.ToLower(env("COMPRESSION")); c {
	case "gzip":
		e.gzip = true
	case "", "none":
	default:
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_COMPRESSION %q: want gzip or none", c)
	}
	if v := env("TIMEOUT"); v != "" {
		ms, err := strconv.Atoi(v)
		if err != nil || ms < 0 {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_TIMEOUT %q: want milliseconds", v)
		}
		e.timeout = time.Duration(ms) * time.Millisecond
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if tlsConf, err := tlsFromEnv(env); err != nil {
		return nil, err
	} else if tlsConf != nil {
		tr.TLSClientConfig = tlsConf
	}
	e.client = &http.Client{Transport: tr}
	return e, nil
}

func endpointScheme(u *url.URL) string {
	if strings.EqualFold(u.Scheme, "http") {
		return "http"
	}
	return "https"
}

func tlsFromEnv(env func(string) string) (*tls.Config, error) {
	ca, cert, key := env("CERTIFICATE"), env("CLIENT_CERTIFICATE"), env("CLIENT_KEY")
	if ca == "" && cert == "" && key == "" {
		return nil, nil
	}
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_CERTIFICATE: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_CERTIFICATE %s: no PEM certificate in it", ca)
		}
	}
	if cert != "" || key != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE/CLIENT_KEY: %w", err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// ExportSpans sends one batch.
func (e *exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if e.shutdown.Load() || len(spans) == 0 {
		return nil
	}
	body := encodeRequest(spans)
	if e.gzip {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(body)
		if err := zw.Close(); err != nil {
			return err
		}
		body = b.Bytes()
	}
	// Each attempt has the timeout (OTEL_EXPORTER_OTLP_TIMEOUT); retries go
	// on until the caller's context (the batcher's export timeout) or the
	// retry policy's total time runs out, as in otlptracehttp.
	start, wait := time.Now(), e.retry.initial
	for {
		actx, cancel := context.WithTimeout(ctx, e.timeout)
		retryAfter, err := e.post(actx, body)
		cancel()
		if retryAfter < 0 || err == nil {
			return err
		}
		if retryAfter > 0 {
			wait = retryAfter
		}
		if time.Since(start)+wait > e.retry.elapsed {
			return err
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, e.retry.max)
	}
}

// post sends body once. retryAfter < 0: do not retry; 0: retry with
// backoff; > 0: retry after that long.
func (e *exporter) post(ctx context.Context, body []byte) (retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return -1, err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("User-Agent", "cloudops-mcp/"+version.Version+" OTLP exporter")
	if e.gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	for k, v := range e.headers {
		req.Header.Set(k, v)
	}
	res, err := e.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) && ue.Temporary() {
			return 0, err
		}
		return -1, err
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 == 2 {
		if strings.HasPrefix(res.Header.Get("Content-Type"), "application/x-protobuf") {
			if n, m := partialSuccess(msg); n != 0 || m != "" {
				return -1, fmt.Errorf("OTLP export to %s: the collector rejected %d spans: %s", e.url, n, m)
			}
		}
		return -1, nil
	}
	// The collector's words, briefly: a long body can echo what it was sent.
	err = fmt.Errorf("OTLP export to %s: %s (body: %.512s)", e.url, res.Status, strings.TrimSpace(string(msg)))
	switch res.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if s, perr := strconv.Atoi(res.Header.Get("Retry-After")); perr == nil && s > 0 {
			return time.Duration(s) * time.Second, err
		}
		return 0, err
	}
	return -1, err
}

// Shutdown stops exporting; the SDK's batcher has flushed before.
func (e *exporter) Shutdown(context.Context) error {
	e.shutdown.Store(true)
	e.client.CloseIdleConnections()
	return nil
}

// encodeRequest is an ExportTraceServiceRequest: spans grouped by resource,
// then by instrumentation scope, in the order first seen.
func encodeRequest(spans []sdktrace.ReadOnlySpan) []byte {
	type scopeKey struct {
		r  attribute.Distinct
		is instrumentation.Scope
	}
	type group struct {
		res    *resource.Resource
		scopes []scopeKey
	}
	var order []attribute.Distinct
	groups := map[attribute.Distinct]*group{}
	bySpan := map[scopeKey][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		if s == nil {
			continue
		}
		rk := s.Resource().Equivalent()
		g := groups[rk]
		if g == nil {
			g = &group{res: s.Resource()}
			groups[rk] = g
			order = append(order, rk)
		}
		k := scopeKey{rk, s.InstrumentationScope()}
		if _, seen := bySpan[k]; !seen {
			g.scopes = append(g.scopes, k)
		}
		bySpan[k] = append(bySpan[k], s)
	}
	var req pb
	for _, rk := range order {
		g := groups[rk]
		req.msg(1, func(rs *pb) { // ResourceSpans
			if g.res != nil {
				rs.msg(1, func(r *pb) { keyValuesIter(r, 1, g.res.Iter()) }) // Resource
			}
			for _, k := range g.scopes {
				rs.msg(2, func(ss *pb) { // ScopeSpans
					if k.is != (instrumentation.Scope{}) {
						ss.msg(1, func(sc *pb) { // InstrumentationScope
							sc.str(1, k.is.Name)
							sc.str(2, k.is.Version)
							keyValuesIter(sc, 3, k.is.Attributes.Iter())
						})
					}
					for _, s := range bySpan[k] {
						ss.msg(2, func(sp *pb) { encodeSpan(sp, s) })
					}
					ss.str(3, k.is.SchemaURL)
				})
			}
			if g.res != nil {
				rs.str(3, g.res.SchemaURL())
			}
		})
	}
	return req.b
}

func encodeSpan(p *pb, s sdktrace.ReadOnlySpan) {
	sc := s.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	p.bytes(1, tid[:])
	p.bytes(2, sid[:])
	p.str(3, sc.TraceState().String())
	if psid := s.Parent().SpanID(); psid.IsValid() {
		p.bytes(4, psid[:])
	}
	p.str(5, s.Name())
	p.varint(6, spanKind(s.SpanKind()))
	p.fixed64(7, unixNano(s.StartTime()))
	p.fixed64(8, unixNano(s.EndTime()))
	keyValues(p, 9, s.Attributes())
	p.varint(10, uint64(clampUint32(s.DroppedAttributes())))
	for _, ev := range s.Events() {
		p.msg(11, func(e *pb) {
			e.fixed64(1, unixNano(ev.Time))
			e.str(2, ev.Name)
			keyValues(e, 3, ev.Attributes)
			e.varint(4, uint64(clampUint32(ev.DroppedAttributeCount)))
		})
	}
	p.varint(12, uint64(clampUint32(s.DroppedEvents())))
	for _, l := range s.Links() {
		p.msg(13, func(m *pb) {
			ltid, lsid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
			m.bytes(1, ltid[:])
			m.bytes(2, lsid[:])
			keyValues(m, 4, l.Attributes)
			m.varint(5, uint64(clampUint32(l.DroppedAttributeCount)))
			m.fixed32(6, spanFlags(l.SpanContext.TraceFlags(), l.SpanContext))
		})
	}
	p.varint(14, uint64(clampUint32(s.DroppedLinks())))
	st := s.Status()
	p.msg(15, func(m *pb) { // Status: always present
		m.str(2, st.Description)
		m.varint(3, statusCode(st.Code))
	})
	p.fixed32(16, spanFlags(sc.TraceFlags(), s.Parent()))
}

// OTLP's enums, which number differently from the Go API's.
func spanKind(k trace.SpanKind) uint64 {
	switch k {
	case trace.SpanKindInternal:
		return 1
	case trace.SpanKindServer:
		return 2
	case trace.SpanKindClient:
		return 3
	case trace.SpanKindProducer:
		return 4
	case trace.SpanKindConsumer:
		return 5
	}
	return 0
}

func statusCode(c codes.Code) uint64 {
	switch c {
	case codes.Ok:
		return 1
	case codes.Error:
		return 2
	}
	return 0
}

// spanFlags: the W3C trace flags, and whether the parent is remote (known).
func spanFlags(tf trace.TraceFlags, parent trace.SpanContext) uint32 {
	f := uint32(tf) | 0x100 // SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK
	if parent.IsRemote() {
		f |= 0x200 // SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK
	}
	return f
}

func unixNano(t time.Time) uint64 { return uint64(max(0, t.UnixNano())) }

func clampUint32(v int) uint32 {
	if v < 0 {
		return 0
	}
	return uint32(min(int64(v), math.MaxUint32))
}

func keyValues(p *pb, field uint64, kvs []attribute.KeyValue) {
	for _, kv := range kvs {
		p.msg(field, func(m *pb) { keyValue(m, kv) })
	}
}

func keyValuesIter(p *pb, field uint64, it attribute.Iterator) {
	for it.Next() {
		kv := it.Attribute()
		p.msg(field, func(m *pb) { keyValue(m, kv) })
	}
}

func keyValue(m *pb, kv attribute.KeyValue) {
	m.str(1, string(kv.Key))
	m.msg(2, func(v *pb) { anyValue(v, kv.Value) })
}

// anyValue writes an AnyValue's oneof: present even when zero.
func anyValue(p *pb, v attribute.Value) {
	array := func(n int, item func(i int, a *pb)) {
		p.msg(5, func(arr *pb) {
			for i := 0; i < n; i++ {
				arr.msg(1, func(a *pb) { item(i, a) })
			}
		})
	}
	switch v.Type() {
	case attribute.BOOL:
		p.tag(2, 0)
		b := byte(0)
		if v.AsBool() {
			b = 1
		}
		p.b = append(p.b, b)
	case attribute.INT64:
		p.tag(3, 0)
		p.b = binary.AppendUvarint(p.b, uint64(v.AsInt64())) //nolint:gosec // G115: protobuf int64 is the two's complement, as uint64
	case attribute.FLOAT64:
		p.tag(4, 1)
		p.b = binary.LittleEndian.AppendUint64(p.b, math.Float64bits(v.AsFloat64()))
	case attribute.STRING:
		p.tag(1, 2)
		p.lenPrefixed([]byte(v.AsString()))
	case attribute.BYTESLICE:
		p.tag(7, 2)
		p.lenPrefixed(v.AsByteSlice())
	case attribute.BOOLSLICE:
		s := v.AsBoolSlice()
		array(len(s), func(i int, a *pb) { anyValue(a, attribute.BoolValue(s[i])) })
	case attribute.INT64SLICE:
		s := v.AsInt64Slice()
		array(len(s), func(i int, a *pb) { anyValue(a, attribute.Int64Value(s[i])) })
	case attribute.FLOAT64SLICE:
		s := v.AsFloat64Slice()
		array(len(s), func(i int, a *pb) { anyValue(a, attribute.Float64Value(s[i])) })
	case attribute.STRINGSLICE:
		s := v.AsStringSlice()
		array(len(s), func(i int, a *pb) { anyValue(a, attribute.StringValue(s[i])) })
	case attribute.SLICE:
		s := v.AsSlice()
		array(len(s), func(i int, a *pb) { anyValue(a, s[i]) })
	case attribute.MAP:
		kvs := v.AsMap()
		p.msg(6, func(l *pb) { keyValues(l, 1, kvs) })
	case attribute.EMPTY:
	default:
		p.tag(1, 2)
		p.lenPrefixed([]byte("INVALID"))
	}
}

// pb appends protobuf wire format. Scalars at their zero value are left
// out, as proto3 does; messages are written when asked, even empty.
type pb struct{ b []byte }

func (p *pb) tag(field, wire uint64) { p.b = binary.AppendUvarint(p.b, field<<3|wire) }

func (p *pb) lenPrefixed(b []byte) {
	p.b = binary.AppendUvarint(p.b, uint64(len(b)))
	p.b = append(p.b, b...)
}

func (p *pb) varint(field uint64, v uint64) {
	if v != 0 {
		p.tag(field, 0)
		p.b = binary.AppendUvarint(p.b, v)
	}
}

func (p *pb) fixed64(field uint64, v uint64) {
	if v != 0 {
		p.tag(field, 1)
		p.b = binary.LittleEndian.AppendUint64(p.b, v)
	}
}

func (p *pb) fixed32(field uint64, v uint32) {
	if v != 0 {
		p.tag(field, 5)
		p.b = binary.LittleEndian.AppendUint32(p.b, v)
	}
}

func (p *pb) bytes(field uint64, v []byte) {
	if len(v) > 0 {
		p.tag(field, 2)
		p.lenPrefixed(v)
	}
}

func (p *pb) str(field uint64, s string) {
	if s != "" {
		p.tag(field, 2)
		p.b = binary.AppendUvarint(p.b, uint64(len(s)))
		p.b = append(p.b, s...)
	}
}

func (p *pb) msg(field uint64, write func(*pb)) {
	var child pb
	write(&child)
	p.tag(field, 2)
	p.lenPrefixed(child.b)
}

// partialSuccess reads an ExportTraceServiceResponse's partial_success
// (field 1: rejected_spans = 1, error_message = 2); zero values when absent
// or unreadable.
func partialSuccess(b []byte) (rejected int64, msg string) {
	for len(b) > 0 {
		field, wire, body, rest, ok := nextField(b)
		if !ok {
			return 0, ""
		}
		b = rest
		if field != 1 || wire != 2 {
			continue
		}
		for len(body) > 0 {
			f, w, v, r, ok := nextField(body)
			if !ok {
				return 0, ""
			}
			body = r
			switch {
			case f == 1 && w == 0:
				n, _ := binary.Uvarint(v)
				rejected = int64(n) //nolint:gosec // G115: protobuf int64 is the two's complement, as uint64
			case f == 2 && w == 2:
				msg = string(v)
			}
		}
	}
	return rejected, msg
}

// nextField splits off one field: for a varint its bytes, for a
// length-delimited field its contents, for fixed32/64 their bytes.
func nextField(b []byte) (field, wire uint64, value, rest []byte, ok bool) {
	tag, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, 0, nil, nil, false
	}
	b = b[n:]
	field, wire = tag>>3, tag&7
	switch wire {
	case 0:
		_, m := binary.Uvarint(b)
		if m <= 0 {
			return 0, 0, nil, nil, false
		}
		return field, wire, b[:m], b[m:], true
	case 1, 5:
		size := 8
		if wire == 5 {
			size = 4
		}
		if len(b) < size {
			return 0, 0, nil, nil, false
		}
		return field, wire, b[:size], b[size:], true
	case 2:
		l, m := binary.Uvarint(b)
		if m <= 0 || l > uint64(len(b)-m) { //nolint:gosec // G115: len(b)-m >= 0 since m is within b
			return 0, 0, nil, nil, false
		}
		end := m + int(l) //nolint:gosec // G115: l <= len(b)-m, checked above
		return field, wire, b[m:end], b[end:], true
	}
	return 0, 0, nil, nil, false
}
