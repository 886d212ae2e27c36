package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"

	"github.com/cloudops-mcp/cloudops-mcp/cloud/sandbox"
	"github.com/cloudops-mcp/cloudops-mcp/internal/bench/bare"
)

// The floor comparison: cloudops-mcp against a bare mcp-go server on the same
// machine in the same run, each a separate process, driven by one load
// generator (this process, mcp-go's Streamable HTTP client). Phases alternate
// between the servers so that load from other work on the box falls on all of
// them alike; the ratios are what to read, not the absolute figures.

// Floor targets from the issue (cloudops-mcp / bare).
const (
	floorCPUTarget  = 1.5 // CPU per call vs bare + one pooled HTTP call
	floorColdTarget = 1.5 // cold start wall time vs bare
	floorRSSTarget  = 1.3 // cold start peak RSS vs bare
)

// FloorOptions sizes the comparison.
type FloorOptions struct {
	Bin, BareBin     string // cloudops-mcp and the bare server (bench/bare)
	Rounds           int    // alternating load rounds
	Sessions         int    // concurrent MCP sessions per phase
	CallsPerSession  int    // per phase
	ColdRuns         int    // alternating cold starts per server
	Tool             string // the read tool called on cloudops-mcp
	ExtraServerFlags []string
}

// Floor is the result: per server, the per-round samples.
type Floor struct {
	Opts FloorOptions
	// CPU per call (server process utime+stime / calls), one sample per round.
	CPU map[string][]time.Duration
	// The separate sandbox's CPU per call during cloudops-mcp's phases.
	SandboxCPU []time.Duration
	Errors     map[string]int
	Cold       map[string]Dist
	ColdCPU    map[string]Dist // utime+stime of the whole run: steadier than wall time on a busy box
	ColdRSSKB  map[string][]int64
	ColdAnonKB map[string][]int64 // anonymous part of the resident memory after tools/list
	ColdTools  map[string]int
	// Size of each binary: file-backed resident pages follow it.
	BinaryBytes map[string]int64
	// ColdCPURatio is cloudops-mcp's cold-start CPU over the bare server's,
	// per pair of consecutive runs (one of each): its spread shows how far
	// load from elsewhere moves the ratio.
	ColdCPURatio []float64
	// The load average (1, 5, 15 min) when the comparison started and ended.
	LoadStart, LoadEnd string
}

// The servers compared.
const (
	floorBare     = "bare mcp-go"
	floorBareHTTP = "bare mcp-go + 1 pooled HTTP call"
	floorOurs     = "cloudops-mcp"
)

type floorProc struct {
	cmd *exec.Cmd
	url string
}

func (p *floorProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// startFloorProc starts cmd and waits for the line on stderr that names its URL.
func startFloorProc(cmd *exec.Cmd, find func(line string) string) (*floorProc, error) {
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if u := find(sc.Text()); u != "" {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			return &floorProc{cmd: cmd, url: u}, nil
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, fmt.Errorf("%s exited before saying where it listens", cmd.Path)
}

func jsonURL(line string) string {
	var l struct {
		URL string `json:"url"`
	}
	if json.Unmarshal([]byte(line), &l) == nil && strings.HasSuffix(l.URL, "/mcp") {
		return l.URL
	}
	return ""
}

// ourEnv is the environment cloudops-mcp runs with against the separate sandbox.
func ourEnv() []string {
	return append(os.Environ(),
		"TENCENTCLOUD_SECRETID="+sandbox.DefaultSecretID, "TENCENTCLOUD_SECRETKEY="+sandbox.DefaultSecretKey,
		"TENCENTCLOUD_SESSIONTOKEN=", "TELNYX_API_KEY="+sandbox.DefaultTelnyxAPIKey)
}

func ourArgs(sandboxURL string, extra ...string) []string {
	return append([]string{"--tcb-endpoint", sandboxURL, "--tcb-http-endpoint", sandboxURL,
		"--telnyx-endpoint", sandboxURL, "--env-id", sandbox.DefaultEnvID}, extra...)
}

// MeasureFloor runs the comparison.
func MeasureFloor(o FloorOptions) (*Floor, error) {
	if o.Tool == "" {
		o.Tool = bare.ToolName
	}
	f := &Floor{Opts: o, CPU: map[string][]time.Duration{}, Errors: map[string]int{},
		Cold: map[string]Dist{}, ColdCPU: map[string]Dist{}, ColdRSSKB: map[string][]int64{}, ColdAnonKB: map[string][]int64{}, ColdTools: map[string]int{}, BinaryBytes: map[string]int64{},
		LoadStart: loadAvg()}
	defer func() { f.LoadEnd = loadAvg() }()

	// The trivial endpoint the bare server calls lives in this process, as the
	// sandbox lives in its own: neither is counted in a server's CPU.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	up := &http.Server{Handler: bare.Upstream()}
	go func() { _ = up.Serve(ln) }()
	defer up.Close()
	upstream := "http://" + ln.Addr().String() + "/"

	sb, err := startFloorProc(exec.Command(o.Bin, "sandbox", "--addr", "127.0.0.1:0"), func(line string) string {
		if u, ok := strings.CutPrefix(line, "sandbox listening on "); ok {
			if f := strings.Fields(u); len(f) > 0 {
				return f[0]
			}
		}
		return ""
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	defer sb.stop()

	if err := f.coldStarts(o, sb.url); err != nil {
		return nil, err
	}

	servers := map[string]*floorProc{}
	defer func() {
		for _, p := range servers {
			p.stop()
		}
	}()
	start := func(name string, cmd *exec.Cmd) error {
		p, err := startFloorProc(cmd, jsonURL)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		servers[name] = p
		return nil
	}
	if err := start(floorBare, exec.Command(o.BareBin, "-transport", "http")); err != nil {
		return nil, err
	}
	if err := start(floorBareHTTP, exec.Command(o.BareBin, "-transport", "http", "-upstream", upstream)); err != nil {
		return nil, err
	}
	ours := exec.Command(o.Bin, ourArgs(sb.url, append([]string{"--transport", "http", "--addr", "127.0.0.1:0"}, o.ExtraServerFlags...)...)...)
	ours.Env = ourEnv()
	if err := start(floorOurs, ours); err != nil {
		return nil, err
	}

	if o.Rounds == 0 {
		return f, nil
	}
	order := []string{floorBare, floorBareHTTP, floorOurs}
	tool := map[string]string{floorBare: bare.ToolName, floorBareHTTP: bare.ToolName, floorOurs: o.Tool}
	// Warm-up: connections, pools and lazily built state, unmeasured.
	for _, name := range order {
		if _, _, err := loadPhase(servers[name], tool[name], o.Sessions, 10); err != nil {
			return nil, fmt.Errorf("%s warm-up: %w", name, err)
		}
	}
	for r := 0; r < o.Rounds; r++ {
		for i := range order {
			name := order[(r+i)%len(order)] // rotate who goes first
			sbBefore, _ := threadsCPU(sb.cmd.Process.Pid)
			cpu, errs, err := loadPhase(servers[name], tool[name], o.Sessions, o.CallsPerSession)
			if err != nil {
				return nil, fmt.Errorf("%s round %d: %w", name, r+1, err)
			}
			sbAfter, _ := threadsCPU(sb.cmd.Process.Pid)
			calls := o.Sessions * o.CallsPerSession
			f.CPU[name] = append(f.CPU[name], cpu/time.Duration(calls))
			f.Errors[name] += errs
			if name == floorOurs {
				f.SandboxCPU = append(f.SandboxCPU, (sbAfter-sbBefore)/time.Duration(calls))
			}
		}
	}
	return f, nil
}

// loadPhase makes sessions×calls calls and returns the server's CPU time
// spent meanwhile. Sessions are opened before and closed after the window.
func loadPhase(p *floorProc, tool string, sessions, calls int) (time.Duration, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var cs []*client.Client
	defer func() {
		for _, c := range cs {
			_ = c.Close()
		}
	}()
	for i := 0; i < sessions; i++ {
		c, err := NewSession(ctx, p.url)
		if err != nil {
			return 0, 0, err
		}
		cs = append(cs, c)
	}
	before, err := threadsCPU(p.cmd.Process.Pid)
	if err != nil {
		return 0, 0, err
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var toolErrs int
	var firstErr error
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				res, err := CallTool(ctx, c, tool, map[string]any{})
				if err != nil || res.IsError {
					mu.Lock()
					toolErrs++
					if firstErr == nil {
						firstErr = fmt.Errorf("call: %v (tool error: %v)", err, res != nil && res.IsError)
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	after, err := threadsCPU(p.cmd.Process.Pid)
	if err != nil {
		return 0, 0, err
	}
	if toolErrs == sessions*calls {
		return 0, toolErrs, firstErr
	}
	return after - before, toolErrs, nil
}

// coldStarts alternates spawn → initialize → tools/list over stdio between
// the bare server and cloudops-mcp (run as a user runs it: credentials in the
// environment, pointed at the separate sandbox, which tools/list never calls).
func (f *Floor) coldStarts(o FloorOptions, sandboxURL string) error {
	cmds := map[string]func() *exec.Cmd{
		floorBare: func() *exec.Cmd { return exec.Command(o.BareBin) },
		floorOurs: func() *exec.Cmd {
			c := exec.Command(o.Bin, ourArgs(sandboxURL, o.ExtraServerFlags...)...)
			c.Env = ourEnv()
			return c
		},
	}
	for name, bin := range map[string]string{floorBare: o.BareBin, floorOurs: o.Bin} {
		if st, err := os.Stat(bin); err == nil {
			f.BinaryBytes[name] = st.Size()
		}
	}
	order := []string{floorBare, floorOurs}
	walls, cpus := map[string][]time.Duration{}, map[string][]time.Duration{}
	for _, name := range order { // warm the page cache
		if _, err := coldStartCmd(cmds[name]()); err != nil {
			return fmt.Errorf("cold start %s: %w", name, err)
		}
	}
	for i := 0; i < o.ColdRuns; i++ {
		for j := range order {
			name := order[(i+j)%len(order)]
			r, err := coldStartCmd(cmds[name]())
			if err != nil {
				return fmt.Errorf("cold start %s run %d: %w", name, i+1, err)
			}
			walls[name] = append(walls[name], r.wall)
			cpus[name] = append(cpus[name], r.cpu)
			f.ColdRSSKB[name] = append(f.ColdRSSKB[name], r.rssKB)
			f.ColdAnonKB[name] = append(f.ColdAnonKB[name], r.anonKB)
			f.ColdTools[name] = r.tools
		}
	}
	for i := range cpus[floorOurs] {
		f.ColdCPURatio = append(f.ColdCPURatio, float64(cpus[floorOurs][i])/float64(cpus[floorBare][i]))
	}
	for name, w := range walls {
		f.Cold[name], f.ColdCPU[name] = Summarize(w), Summarize(cpus[name])
		slices.Sort(f.ColdRSSKB[name])
		slices.Sort(f.ColdAnonKB[name])
	}
	return nil
}

func medianDur(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

// Markdown renders each side and the ratio for each figure.
func (f *Floor) Markdown() string {
	var b strings.Builder
	o := f.Opts
	fmt.Fprintf(&b, "Each server a separate process; one load generator (this process, mcp-go's Streamable HTTP client), "+
		"%d sessions × %d calls per phase, %d rounds alternating the servers' order; cloudops-mcp calls `%s` on a separate "+
		"`cloudops-mcp sandbox` process, the bare server answers from memory or after one pooled HTTP GET to a trivial "+
		"endpoint in the load generator. CPU is the server process's on-CPU time (its threads' `/proc/<pid>/task/*/schedstat`) over the calls of "+
		"its phase; the ratio is the median of the rounds' ratios. Cold start: %d alternating runs each, spawn → initialize → tools/list over stdio → exit.\n\n",
		o.Sessions, o.CallsPerSession, o.Rounds, o.Tool, o.ColdRuns)
	ours, bareCPU, bareHTTP := medianDur(f.CPU[floorOurs]), medianDur(f.CPU[floorBare]), medianDur(f.CPU[floorBareHTTP])
	b.WriteString("| figure | bare mcp-go | bare + 1 HTTP call | cloudops-mcp | ratio | target | |\n|---|---|---|---|---|---|---|\n")
	// Each round's ratio compares phases run back to back; the median of
	// those, with their spread, is steadier than a ratio of medians.
	var perRound []float64
	for r := range f.CPU[floorOurs] {
		perRound = append(perRound, float64(f.CPU[floorOurs][r])/float64(f.CPU[floorBareHTTP][r]))
	}
	if o.Rounds > 0 {
		rs := spreadOf(perRound)
		within := 0
		for _, x := range perRound {
			if x <= floorCPUTarget {
				within++
			}
		}
		fmt.Fprintf(&b, "| server CPU per read call, median of rounds | %s | %s | %s (+ %s in the sandbox) | %.2f× bare + HTTP (rounds: quartiles %.2f–%.2f, min–max %.2f–%.2f; %d of %d within target); %.2f× bare | ≤ %.1f× bare + HTTP | %s |\n",
			us(bareCPU), us(bareHTTP), us(ours), us(medianDur(f.SandboxCPU)), rs.p50, rs.p25, rs.p75, rs.min, rs.max, within, len(perRound),
			float64(ours)/float64(bareCPU), floorCPUTarget, cpuVerdict(rs, floorCPUTarget))
	}
	bc, oc := f.Cold[floorBare], f.Cold[floorOurs]
	rCold := float64(oc.P50) / float64(bc.P50)
	fmt.Fprintf(&b, "| cold start, median (min–max) | %s (%s–%s), %d tool | | %s (%s–%s), %d tools | %.2f× | ≤ %.1f× | %s |\n",
		ms(bc.P50), ms(bc.Min), ms(bc.Max), f.ColdTools[floorBare], ms(oc.P50), ms(oc.Min), ms(oc.Max), f.ColdTools[floorOurs], rCold, floorColdTarget, verdict(rCold <= floorColdTarget))
	bu, ou := f.ColdCPU[floorBare].P50, f.ColdCPU[floorOurs].P50
	cs := spreadOf(f.ColdCPURatio)
	fmt.Fprintf(&b, "| cold start CPU (utime+stime), median | %s | | %s | %.2f× (pairs of runs: median %.2f×, quartiles %.2f–%.2f) | | |\n",
		ms(bu), ms(ou), float64(ou)/float64(bu), cs.p50, cs.p25, cs.p75)
	br, or := f.ColdRSSKB[floorBare], f.ColdRSSKB[floorOurs]
	if len(br) > 0 && len(or) > 0 {
		bm, om := br[len(br)/2], or[len(or)/2]
		rRSS := float64(om) / float64(bm)
		fmt.Fprintf(&b, "| cold start peak RSS (VmHWM after tools/list), median | %.1f MB | | %.1f MB | %.2f× | ≤ %.1f× | %s |\n",
			float64(bm)/1024, float64(om)/1024, rRSS, floorRSSTarget, verdict(rRSS <= floorRSSTarget))
		ba, oa := f.ColdAnonKB[floorBare], f.ColdAnonKB[floorOurs]
		if len(ba) > 0 && len(oa) > 0 {
			fmt.Fprintf(&b, "| of which anonymous (heap, stacks; smaps_rollup), median | %.1f MB | | %.1f MB | %.2f× | | |\n",
				float64(ba[len(ba)/2])/1024, float64(oa[len(oa)/2])/1024, float64(oa[len(oa)/2])/float64(max(ba[len(ba)/2], 1)))
		}
	}
	if bb, ob := f.BinaryBytes[floorBare], f.BinaryBytes[floorOurs]; bb > 0 && ob > 0 {
		fmt.Fprintf(&b, "| binary size (file-backed pages follow it) | %.1f MB | | %.1f MB | %.2f× | | |\n",
			float64(bb)/(1<<20), float64(ob)/(1<<20), float64(ob)/float64(bb))
	}
	fmt.Fprintf(&b, "\nLoad average (1, 5, 15 min) at the start: %s; at the end: %s.\n", f.LoadStart, f.LoadEnd)
	b.WriteString("\nPer round (µs of server CPU per call, in the order run):\n\n| round | bare | bare + HTTP | cloudops-mcp | sandbox | ratio to bare + HTTP |\n|---|---|---|---|---|---|\n")
	for r := range f.CPU[floorOurs] {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %.2f× |\n", r+1, us(f.CPU[floorBare][r]), us(f.CPU[floorBareHTTP][r]),
			us(f.CPU[floorOurs][r]), us(f.SandboxCPU[r]), float64(f.CPU[floorOurs][r])/float64(f.CPU[floorBareHTTP][r]))
	}
	var errs []string
	for name, n := range f.Errors {
		if n > 0 {
			errs = append(errs, fmt.Sprintf("%s: %d", name, n))
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		fmt.Fprintf(&b, "\nFailed calls: %s\n", strings.Join(errs, ", "))
	}
	return b.String()
}

// FloorErr reports failed calls: the comparison is only valid without any.
func (f *Floor) FloorErr() error {
	for name, n := range f.Errors {
		if n > 0 {
			return fmt.Errorf("%s: %d calls failed", name, n)
		}
	}
	if f.Opts.Rounds > 0 && len(f.CPU[floorOurs]) == 0 {
		return errors.New("no rounds")
	}
	return nil
}

// spread is a sample's median, quartiles and range.
type spread struct{ min, p25, p50, p75, max float64 }

func spreadOf(x []float64) spread {
	if len(x) == 0 {
		return spread{}
	}
	s := slices.Clone(x)
	slices.Sort(s)
	at := func(p float64) float64 { return s[max(0, min(int(math.Ceil(p*float64(len(s))))-1, len(s)-1))] }
	return spread{min: s[0], p25: at(0.25), p50: at(0.5), p75: at(0.75), max: s[len(s)-1]}
}

// cpuVerdict: met only when the upper quartile of the rounds is within the
// target, so that a lucky median on a noisy box does not count.
func cpuVerdict(s spread, target float64) string {
	switch {
	case s.max <= target:
		return "met in every round"
	case s.p75 <= target:
		return "met (upper quartile within)"
	case s.p50 <= target:
		return "**median only**"
	}
	return "**missed**"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// threadsCPU is the CPU time of pid's threads to the nanosecond, summed from
// /proc/<pid>/task/*/schedstat. utime+stime in /proc/<pid>/stat are counted
// in 10 ms ticks by sampling, which alone moved a phase's figure by several
// per cent; it is the fallback where schedstat is missing.
func threadsCPU(pid int) (time.Duration, error) {
	dir := fmt.Sprintf("/proc/%d/task", pid)
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return procCPU(pid)
	}
	var total int64
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/schedstat")
		if err != nil {
			continue // the thread ended meanwhile
		}
		var ns int64
		if _, err := fmt.Sscan(string(b), &ns); err != nil {
			return procCPU(pid)
		}
		total += ns
	}
	return time.Duration(total), nil
}
