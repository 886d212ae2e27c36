// Package bench measures cloudops-mcp: cold start of the binary, the tool-call
// path over Streamable HTTP against the direct cloud-client call, redaction
// throughput, the size of the tool catalogue, and a bounded load test. The
// bench command (`make bench`, `make load`) prints the results as Markdown.
package bench

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Dist summarises a sample of durations.
type Dist struct {
	N                             int
	Min, P50, P90, P99, Max, Mean time.Duration
	Stddev                        time.Duration
}

// Summarize computes the distribution of d (which it sorts).
func Summarize(d []time.Duration) Dist {
	if len(d) == 0 {
		return Dist{}
	}
	slices.Sort(d)
	var sum float64
	for _, x := range d {
		sum += float64(x)
	}
	mean := sum / float64(len(d))
	var sq float64
	for _, x := range d {
		sq += (float64(x) - mean) * (float64(x) - mean)
	}
	return Dist{N: len(d), Min: d[0], P50: pct(d, 0.50), P90: pct(d, 0.90), P99: pct(d, 0.99), Max: d[len(d)-1],
		Mean: time.Duration(mean), Stddev: time.Duration(math.Sqrt(sq / float64(len(d))))}
}

// pct is the nearest-rank percentile of sorted d.
func pct(d []time.Duration, p float64) time.Duration {
	i := int(math.Ceil(p*float64(len(d)))) - 1
	return d[max(0, min(i, len(d)-1))]
}

// ms formats a duration in milliseconds with enough digits for sub-ms values.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v < 1:
		return fmt.Sprintf("%.3f ms", v)
	case v < 100:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.0f ms", v)
}

// verdict renders a target check.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}
