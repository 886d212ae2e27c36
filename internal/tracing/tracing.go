// Package tracing sets up OpenTelemetry traces from the standard OTEL_*
// variables. It is off unless OTEL_TRACES_EXPORTER names an exporter
// ("otlp": OTLP over HTTP, configured by OTEL_EXPORTER_OTLP_* as the
// specification says); OTEL_SDK_DISABLED=true turns it off regardless.
package tracing

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Setup returns the tracer provider the environment asks for and its
// shutdown (which flushes). Off: a no-op provider.
func Setup(ctx context.Context, getenv func(string) string, version string) (trace.TracerProvider, func(context.Context) error, error) {
	off := func(context.Context) error { return nil }
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		return noop.NewTracerProvider(), off, nil
	}
	switch exp := strings.ToLower(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER"))); exp {
	case "", "none":
		return noop.NewTracerProvider(), off, nil
	case "otlp":
		if p := getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"); p == "" && getenv("OTEL_EXPORTER_OTLP_PROTOCOL") != "" && getenv("OTEL_EXPORTER_OTLP_PROTOCOL") != "http/protobuf" ||
			p != "" && p != "http/protobuf" {
			return nil, nil, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL: only http/protobuf is supported")
		}
		exporter, err := newExporter(getenv) // OTEL_EXPORTER_OTLP_* (otlp.go)
		if err != nil {
			return nil, nil, fmt.Errorf("OTEL_TRACES_EXPORTER=otlp: %w", err)
		}
		tp := NewProvider(sdktrace.WithBatcher(exporter), version)
		return tp, tp.Shutdown, nil
	default:
		return nil, nil, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: want otlp or none", exp)
	}
}

// NewProvider is an SDK provider named after this service (OTEL_SERVICE_NAME
// and OTEL_RESOURCE_ATTRIBUTES override), sampling as OTEL_TRACES_SAMPLER says.
func NewProvider(export sdktrace.TracerProviderOption, version string) *sdktrace.TracerProvider {
	res, _ := resource.Merge(resource.NewSchemaless(semconv.ServiceName("cloudops-mcp"), semconv.ServiceVersion(version)),
		resource.Environment())
	return sdktrace.NewTracerProvider(export, sdktrace.WithResource(res))
}
