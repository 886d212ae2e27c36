package metrics

// The Prometheus text exposition format (version 0.0.4), written here
// instead of with prometheus/client_golang: that library's package init
// builds a default registry with Go and process collectors and compiles
// regexps in every process, metrics on or off, and with its protobuf
// dependency it was 1.5-2 MB of every start's resident memory
// (BENCHMARKS.md). What the server needs is small: counters, one gauge and
// histograms with fixed label names, and the standard go_* and process_*
// series (runtime.go).

import (
	"bufio"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// maxLabels is the most labels a family here has.
const maxLabels = 3

type labelValues [maxLabels]string

// family is one metric name with its help, type and fixed label names.
type family struct {
	name, help, typ string
	labels          []string
	buckets         []float64      // histograms
	value           func() float64 // a counter read at scrape time, no labels

	mu     sync.RWMutex
	series map[labelValues]*series
}

// series is one combination of label values.
type series struct {
	count atomic.Uint64 // counter value, or a histogram's observation count
	gauge atomic.Int64
	sum   atomic.Uint64   // histogram: float64 bits
	hist  []atomic.Uint64 // histogram: per bucket (not cumulative)
}

func newFamily(name, help, typ string, labels []string, buckets []float64) *family {
	if len(labels) > maxLabels {
		panic("metrics: too many labels for " + name)
	}
	return &family{name: name, help: help, typ: typ, labels: labels, buckets: buckets, series: map[labelValues]*series{}}
}

// with returns the series of these label values, creating it on first use.
func (f *family) with(values ...string) *series {
	var k labelValues
	copy(k[:], values)
	f.mu.RLock()
	s := f.series[k]
	f.mu.RUnlock()
	if s != nil {
		return s
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if s = f.series[k]; s == nil {
		s = &series{}
		if f.buckets != nil {
			s.hist = make([]atomic.Uint64, len(f.buckets))
		}
		f.series[k] = s
	}
	return s
}

func (s *series) inc() { s.count.Add(1) }

// observe records one value of a histogram with buckets.
func (s *series) observe(buckets []float64, v float64) {
	if i, _ := slices.BinarySearch(buckets, v); i < len(buckets) {
		s.hist[i].Add(1)
	}
	for {
		old := s.sum.Load()
		if s.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			break
		}
	}
	s.count.Add(1)
}

// writeTo writes the family: HELP and TYPE, then each series sorted by its
// label values, label pairs in name order (as Prometheus' own client does).
func (f *family) writeTo(w *bufio.Writer) {
	f.mu.RLock()
	keys := make([]labelValues, 0, len(f.series))
	for k := range f.series {
		keys = append(keys, k)
	}
	f.mu.RUnlock()
	if f.value != nil {
		writeHeader(w, f.name, f.help, f.typ)
		writeSample(w, f.name, nil, f.value())
		return
	}
	if len(keys) == 0 && len(f.labels) > 0 {
		return // a vector with no series yet is not exposed
	}
	if len(f.labels) == 0 && len(keys) == 0 {
		f.with() // a plain counter or gauge starts at 0
		keys = append(keys, labelValues{})
	}
	slices.SortFunc(keys, func(a, b labelValues) int {
		for i := range a {
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	order := make([]int, len(f.labels)) // label indexes in name order
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(f.labels[a], f.labels[b]) })
	writeHeader(w, f.name, f.help, f.typ)
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, k := range keys {
		s := f.series[k]
		pairs := make([][2]string, 0, len(order)+1)
		for _, i := range order {
			pairs = append(pairs, [2]string{f.labels[i], k[i]})
		}
		switch f.typ {
		case "counter":
			writeSample(w, f.name, pairs, float64(s.count.Load()))
		case "gauge":
			writeSample(w, f.name, pairs, float64(s.gauge.Load()))
		case "histogram":
			var cum uint64
			for i, b := range f.buckets {
				cum += s.hist[i].Load()
				writeSample(w, f.name+"_bucket", withLabel(pairs, "le", formatFloat(b)), float64(cum))
			}
			n := s.count.Load()
			writeSample(w, f.name+"_bucket", withLabel(pairs, "le", "+Inf"), float64(n))
			writeSample(w, f.name+"_sum", pairs, math.Float64frombits(s.sum.Load()))
			writeSample(w, f.name+"_count", pairs, float64(n))
		}
	}
}

// withLabel is pairs plus one more at the end, where Prometheus' client
// puts a bucket's "le".
func withLabel(pairs [][2]string, name, value string) [][2]string {
	return append(slices.Clone(pairs), [2]string{name, value})
}

// put writes parts. A bufio.Writer keeps its first error and Flush
// returns it, so the single writes need no check.
func put(w *bufio.Writer, parts ...string) {
	for _, p := range parts {
		_, _ = w.WriteString(p)
	}
}

func writeHeader(w *bufio.Writer, name, help, typ string) {
	put(w, "# HELP ", name, " ", helpEscaper.Replace(help), "\n# TYPE ", name, " ", typ, "\n")
}

func writeSample(w *bufio.Writer, name string, pairs [][2]string, v float64) {
	put(w, name)
	for i, p := range pairs {
		sep := ","
		if i == 0 {
			sep = "{"
		}
		put(w, sep, p[0], `="`, valueEscaper.Replace(p[1]), `"`)
	}
	if len(pairs) > 0 {
		put(w, "}")
	}
	put(w, " ", formatFloat(v), "\n")
}

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	valueEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// registry is the families of one Metrics, written in name order, plus
// collectors that write their own series at scrape time.
type registry struct {
	families   []*family
	collectors []func(w *bufio.Writer)
}

func (r *registry) add(f *family) *family {
	r.families = append(r.families, f)
	return f
}

func (r *registry) write(out io.Writer) error {
	w := bufio.NewWriter(out)
	fams := slices.Clone(r.families)
	slices.SortFunc(fams, func(a, b *family) int { return strings.Compare(a.name, b.name) })
	for _, f := range fams {
		f.writeTo(w)
	}
	for _, c := range r.collectors {
		c(w)
	}
	return w.Flush()
}
