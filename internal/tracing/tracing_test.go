package tracing

import (
	"context"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Off unless OTEL_TRACES_EXPORTER asks; OTEL_SDK_DISABLED wins; an unknown
// exporter is a start-up error naming the variable.
func TestSetupFollowsTheEnvironment(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string // "noop", "sdk" or an error fragment
	}{
		{nil, "noop"},
		{map[string]string{"OTEL_TRACES_EXPORTER": "none"}, "noop"},
		{map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}, "noop"},
		{map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, "sdk"},
		{map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, "OTEL_TRACES_EXPORTER"},
		{map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, "http/protobuf"},
	}
	for _, c := range cases {
		tp, shutdown, err := Setup(context.Background(), func(k string) string { return c.env[k] }, "test")
		got := ""
		switch tp.(type) {
		case noop.TracerProvider:
			got = "noop"
		case *sdktrace.TracerProvider:
			got = "sdk"
		}
		if err != nil {
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v: error %v, want %q", c.env, err, c.want)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%v: %s, want %s", c.env, got, c.want)
		}
		_ = shutdown(context.Background())
	}
}
