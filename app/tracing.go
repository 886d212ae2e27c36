package app

import (
	"context"
	"net/http"
	"os"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/cloudops-mcp/cloudops-mcp/cloud"
	"github.com/cloudops-mcp/cloudops-mcp/internal/metrics"
	"github.com/cloudops-mcp/cloudops-mcp/internal/tracing"
)

// Traces: a span per tool call, a child span per cloud request it makes.
// Attributes are bounded names only (tool, provider, action, outcome, HTTP
// status), never arguments, ids or messages, and still pass the redactor.

// startTracing reads the OTEL_* variables (off unless OTEL_TRACES_EXPORTER is set).
func (a *App) startTracing(ctx context.Context) error {
	tp, shutdown, err := tracing.Setup(ctx, os.Getenv, Version)
	if err != nil {
		return err
	}
	a.UseTracerProvider(tp)
	a.stop = append(a.stop, func() { _ = shutdown(context.Background()) })
	return nil
}

// UseTracerProvider sends the spans to tp (tests, embedding); call it
// before serving.
func (a *App) UseTracerProvider(tp trace.TracerProvider) {
	a.tracer = tp.Tracer("github.com/cloudops-mcp/cloudops-mcp")
	_, off := tp.(noop.TracerProvider)
	a.tracing = !off
}

func (a *App) attr(k, v string) attribute.KeyValue { return attribute.String(k, a.Redactor.String(v)) }

// traceTool opens the tool call's span; end closes it with the outcome.
func (a *App) traceTool(ctx context.Context, tool string) (context.Context, func(outcome string)) {
	if !a.tracing { // spans would go nowhere: skip redacting their attributes
		return ctx, endNothing
	}
	ctx, span := a.tracer.Start(ctx, "tools/call "+tool, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(a.attr("mcp.tool.name", tool)))
	return ctx, func(outcome string) {
		span.SetAttributes(a.attr("mcp.tool.outcome", outcome))
		if outcome != "ok" {
			span.SetStatus(codes.Error, outcome)
		}
		span.End()
	}
}

// traceTransport wraps a cloud client's transport with a client span per request.
func (a *App) traceTransport(provider string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = cloud.PooledTransport()
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if !a.tracing { // nor copy the request for a span that goes nowhere
			return next.RoundTrip(req)
		}
		ctx, span := a.tracer.Start(req.Context(), "cloud "+provider, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(a.attr("cloud.provider", provider), a.attr("cloud.action", metrics.ActionOf(req)),
				a.attr("http.request.method", req.Method)))
		defer span.End()
		res, err := next.RoundTrip(req.WithContext(ctx))
		if err != nil {
			span.SetStatus(codes.Error, "transport error")
			return res, err
		}
		span.SetAttributes(attribute.Int("http.response.status_code", res.StatusCode))
		if res.StatusCode >= 400 {
			span.SetStatus(codes.Error, res.Status)
		}
		return res, err
	})
}

func endNothing(string) {}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
