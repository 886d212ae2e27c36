package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/cloud/tcb"
)

// CallRun is one measured level of concurrency.
type CallRun struct {
	Workers int
	Calls   int
	Errors  int
	Elapsed time.Duration
	Lat     Dist
	// AllocsPerCall and BytesPerCall are for the whole process: the load
	// generator, the MCP server and the sandbox all run in it.
	AllocsPerCall, BytesPerCall float64
}

// PerSec is the throughput.
func (r CallRun) PerSec() float64 { return float64(r.Calls) / r.Elapsed.Seconds() }

// Targets from the issue.
const (
	callsPerSecTarget = 5000
	p99Target         = 25 * time.Millisecond
	overheadTarget    = 0.25
)

// runWorkers runs workers goroutines, each calling call(worker) back to back
// for d, and measures every call.
func runWorkers(workers int, d time.Duration, call func(worker int) error) CallRun {
	lats := make([][]time.Duration, workers)
	errs := make([]int, workers)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				err := call(w)
				lats[w] = append(lats[w], time.Since(t0))
				if err != nil {
					errs[w]++
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	var all []time.Duration
	r := CallRun{Workers: workers, Elapsed: elapsed}
	for w := range lats {
		all = append(all, lats[w]...)
		r.Errors += errs[w]
	}
	r.Calls = len(all)
	r.Lat = Summarize(all)
	r.AllocsPerCall = float64(after.Mallocs-before.Mallocs) / float64(r.Calls)
	r.BytesPerCall = float64(after.TotalAlloc-before.TotalAlloc) / float64(r.Calls)
	return r
}

// ToolCallReport compares the MCP tool call over Streamable HTTP with the
// direct cloud-client call it wraps, at each concurrency level.
type ToolCallReport struct {
	Tool      string
	PerLevel  time.Duration
	Latency   time.Duration // emulated cloud latency (the sandbox delays each request)
	MCP       []CallRun
	Direct    []CallRun
	FirstFail string
}

// MeasureToolCalls runs the read tool cloudbase_get_login_config over
// Streamable HTTP with 1 session per worker, then DescribeLoginConfig on the
// server's own CloudBase client with the same number of workers.
// With latency > 0 the sandbox delays every request by it, as a distant cloud would.
func MeasureToolCalls(s *Server, levels []int, perLevel, latency time.Duration) (*ToolCallReport, error) {
	const tool = "cloudbase_get_login_config"
	rep := &ToolCallReport{Tool: tool, PerLevel: perLevel, Latency: latency}
	ctx := context.Background()
	maxLevel := 0
	for _, l := range levels {
		maxLevel = max(maxLevel, l)
	}
	sessions := make([]*client.Client, maxLevel)
	defer func() {
		for _, c := range sessions {
			if c != nil {
				_ = c.Close()
			}
		}
	}()
	var failMu sync.Mutex
	fail := func(err error) {
		failMu.Lock()
		defer failMu.Unlock()
		if rep.FirstFail == "" {
			rep.FirstFail = err.Error()
		}
	}
	for i := range sessions {
		c, err := NewSession(ctx, s.URL)
		if err != nil {
			return nil, fmt.Errorf("session %d: %w", i, err)
		}
		sessions[i] = c
		for j := 0; j < 20; j++ { // warm up: connections, caches, the sandbox's first answers
			if _, err := CallTool(ctx, c, tool, nil); err != nil {
				return nil, err
			}
		}
	}
	s.App.Sandbox.SetFaults(sandbox.Faults{Latency: latency})
	defer s.App.Sandbox.SetFaults(sandbox.Faults{})
	mcpCall := func(w int) error {
		res, err := CallTool(ctx, sessions[w], tool, nil)
		if err == nil && res.IsError {
			err = errors.New("tool error")
		}
		if err != nil {
			fail(err)
		}
		return err
	}
	directCall := func(int) error {
		_, err := tcb.ClientKey.Get(s.App.Deps.Clients).DescribeLoginConfig(ctx)
		if err != nil {
			fail(err)
		}
		return err
	}
	for _, l := range levels {
		rep.MCP = append(rep.MCP, runWorkers(l, perLevel, mcpCall))
		rep.Direct = append(rep.Direct, runWorkers(l, perLevel, directCall))
	}
	return rep, nil
}

// Markdown renders the comparison against the targets.
func (r *ToolCallReport) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Read tool `%s`, %s per level; \"direct\" is the same DescribeLoginConfig on the server's CloudBase client (signing, HTTP to the sandbox, decoding) without MCP.", r.Tool, r.PerLevel)
	if r.Latency > 0 {
		fmt.Fprintf(&b, " The sandbox delays every request by %s, as a distant cloud would.", r.Latency)
	}
	b.WriteString("\n\n")
	b.WriteString("| sessions | path | calls/s | p50 | p99 | max | allocs/call | KB/call | errors |\n|---|---|---|---|---|---|---|---|---|\n")
	for i := range r.MCP {
		for _, x := range []struct {
			name string
			run  CallRun
		}{{"MCP over Streamable HTTP", r.MCP[i]}, {"direct client call", r.Direct[i]}} {
			fmt.Fprintf(&b, "| %d | %s | %.0f | %s | %s | %s | %.0f | %.1f | %d |\n", x.run.Workers, x.name, x.run.PerSec(),
				ms(x.run.Lat.P50), ms(x.run.Lat.P99), ms(x.run.Lat.Max), x.run.AllocsPerCall, x.run.BytesPerCall/1024, x.run.Errors)
		}
	}
	b.WriteString("\n| sessions | MCP-layer overhead (mean latency, MCP vs direct) |\n|---|---|\n")
	for i := range r.MCP {
		fmt.Fprintf(&b, "| %d | %+.0f %% |\n", r.MCP[i].Workers, 100*r.Overhead(i))
	}
	if top := r.top(); top >= 0 && r.Latency == 0 {
		m := r.MCP[top]
		b.WriteString("\n| target | value | |\n|---|---|---|\n")
		fmt.Fprintf(&b, "| ≥ %d calls/s at %d sessions | %.0f | %s |\n", callsPerSecTarget, m.Workers, m.PerSec(), verdict(m.PerSec() >= callsPerSecTarget))
		fmt.Fprintf(&b, "| p99 ≤ %s at %d sessions | %s | %s |\n", ms(p99Target), m.Workers, ms(m.Lat.P99), verdict(m.Lat.P99 <= p99Target))
		fmt.Fprintf(&b, "| MCP-layer overhead ≤ %.0f %% (1 session) | %+.0f %% | %s |\n", 100*overheadTarget, 100*r.Overhead(0), verdict(r.Overhead(0) <= overheadTarget))
	}
	if r.FirstFail != "" {
		fmt.Fprintf(&b, "\nFirst failure: %s\n", r.FirstFail)
	}
	return b.String()
}

// Overhead is (MCP − direct) / direct, on mean latency, at level i.
func (r *ToolCallReport) Overhead(i int) float64 {
	return float64(r.MCP[i].Lat.Mean-r.Direct[i].Lat.Mean) / float64(r.Direct[i].Lat.Mean)
}

func (r *ToolCallReport) top() int {
	best := -1
	for i, m := range r.MCP {
		if best < 0 || m.Workers > r.MCP[best].Workers {
			best = i
		}
	}
	return best
}
