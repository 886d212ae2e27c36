// Command bench measures cloudops-mcp and prints the results as Markdown
// (the source of BENCHMARKS.md). `make bench` and `make load` run it.
//
//	go run ./bench [-bin bin/cloudops-mcp] [-runs 30] [-per-level 3s] all|floor|coldstart|toolcall|redact|catalogue|load
//
// floor compares cloudops-mcp with a bare mcp-go server (-bare, built from
// ./bench/bare), side by side in alternating runs.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cloudops-mcp/cloudops-mcp/internal/bench"
)

func main() {
	bin := flag.String("bin", "bin/cloudops-mcp", "the built binary (make build)")
	runs := flag.Int("runs", 30, "cold-start runs (at least 20)")
	perLevel := flag.Duration("per-level", 3*time.Second, "tool-call measurement time per concurrency level and path")
	levels := flag.String("sessions", "1,8,64", "tool-call concurrency levels")
	latency := flag.Duration("cloud-latency", 20*time.Millisecond, "tool calls: also measure with the sandbox delaying each request by this (0: skip)")
	loadSessions := flag.Int("load-sessions", 50, "load test: concurrent sessions")
	loadCalls := flag.Int("load-calls", 200, "load test: calls per session")
	loadBound := flag.Duration("load-bound", 2*time.Minute, "load test: the whole run must end within this")
	loadTools := flag.String("load-tools", "", "load test: comma list of argument-less tools to call (default: every read tool without required arguments)")
	loadMaxRSS := flag.Int("load-max-rss-mb", 128, "load test: fail if the server's peak RSS exceeds this")
	bareBin := flag.String("bare", "bin/bench-bare", "floor: the bare mcp-go server (go build -o bin/bench-bare ./bench/bare)")
	floorRounds := flag.Int("floor-rounds", 11, "floor: alternating load rounds")
	floorSessions := flag.Int("floor-sessions", 16, "floor: concurrent sessions")
	floorCalls := flag.Int("floor-calls", 150, "floor: calls per session per round")
	floorCold := flag.Int("floor-cold-runs", 20, "floor: alternating cold starts per server")
	idlePerHost := flag.Int("idle-conns-per-host", 0, "experiment: raise net/http's default MaxIdleConnsPerHost (2), which the cloud clients' pools inherit")
	flag.Parse()
	if *idlePerHost > 0 {
		t := http.DefaultTransport.(*http.Transport)
		t.MaxIdleConnsPerHost, t.MaxIdleConns = *idlePerHost, max(t.MaxIdleConns, *idlePerHost)
	}
	what := flag.Arg(0)
	if what == "" {
		what = "all"
	}
	floor := bench.FloorOptions{Bin: *bin, BareBin: *bareBin, Rounds: *floorRounds, Sessions: *floorSessions,
		CallsPerSession: *floorCalls, ColdRuns: *floorCold}
	if err := run(what, floor, *bin, *runs, *perLevel, *latency, *levels, *loadSessions, *loadCalls, *loadBound, *loadTools, *loadMaxRSS); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(what string, floor bench.FloorOptions, bin string, runs int, perLevel, latency time.Duration, levels string, loadSessions, loadCalls int, loadBound time.Duration, loadTools string, loadMaxRSSMB int) error {
	fmt.Printf("## Run\n\n%s- Command: `%s`\n\n", bench.ReadMachine().Markdown(), strings.Join(os.Args, " "))
	all := what == "all"
	if all || what == "floor" {
		f, err := bench.MeasureFloor(floor)
		if err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		fmt.Printf("## Against a bare mcp-go server\n\n%s\n", f.Markdown())
		if err := f.FloorErr(); err != nil {
			return fmt.Errorf("floor: %w", err)
		}
	}
	if all || what == "coldstart" {
		if runs < 20 {
			return fmt.Errorf("-runs %d: at least 20", runs)
		}
		c, err := bench.MeasureColdStart(bin, runs)
		if err != nil {
			return fmt.Errorf("cold start: %w", err)
		}
		fmt.Printf("## Cold start\n\n%s\n", c.Markdown())
	}
	if all || what == "catalogue" {
		s, err := bench.StartServer()
		if err != nil {
			return err
		}
		c, err := bench.MeasureCatalogue(s.App)
		s.Close()
		if err != nil {
			return fmt.Errorf("catalogue: %w", err)
		}
		fmt.Printf("## Catalogue size\n\n%s\n", c.Markdown())
		if s, err = bench.StartServer("--dynamic-toolsets"); err != nil {
			return err
		}
		d, err := bench.MeasureCatalogue(s.App)
		s.Close()
		if err != nil {
			return fmt.Errorf("catalogue: %w", err)
		}
		fmt.Printf("%s\n", d.DynamicMarkdown())
	}
	if all || what == "redact" {
		fmt.Printf("## Redaction throughput\n\n%s\n", bench.RedactionMarkdown(bench.MeasureRedaction()))
	}
	if all || what == "toolcall" {
		var ls []int
		for _, f := range strings.Split(levels, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return fmt.Errorf("-sessions %q: want a comma list of positive numbers", levels)
			}
			ls = append(ls, n)
		}
		s, err := bench.StartServer()
		if err != nil {
			return err
		}
		rep, err := bench.MeasureToolCalls(s, ls, perLevel, 0)
		if err != nil {
			s.Close()
			return fmt.Errorf("tool calls: %w", err)
		}
		fmt.Printf("## Tool-call path\n\n%s\n", rep.Markdown())
		if latency > 0 {
			rep, err = bench.MeasureToolCalls(s, []int{1, 8}, perLevel, latency)
			if err != nil {
				s.Close()
				return fmt.Errorf("tool calls with latency: %w", err)
			}
			fmt.Printf("### With %s of emulated cloud latency\n\n%s\n", latency, rep.Markdown())
		}
		s.Close()
	}
	if what == "load" { // not part of "all": `make load` runs it on its own
		var tools []string
		for _, t := range strings.Split(loadTools, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tools = append(tools, t)
			}
		}
		l, err := bench.RunLoad(bin, loadSessions, loadCalls, loadBound, tools)
		if l != nil {
			fmt.Printf("## Load\n\n%s\n", l.Markdown())
		}
		if err != nil {
			return err
		}
		if l.ProtocolErrors > 0 || !l.HealthyAfter || l.RSSPeakKB > int64(loadMaxRSSMB)<<10 {
			return fmt.Errorf("load: %d protocol errors, healthy after: %v, peak RSS %d MB (bound %d MB)",
				l.ProtocolErrors, l.HealthyAfter, l.RSSPeakKB>>10, loadMaxRSSMB)
		}
	}
	return nil
}
