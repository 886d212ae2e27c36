package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// Load is a bounded load test of the built binary over Streamable HTTP.
type Load struct {
	Sessions, CallsPerSession int
	Bound                     time.Duration
	Tools                     []string // the read tools cycled through
	Calls                     int
	ProtocolErrors            int // transport or JSON-RPC failures: must be zero
	ToolErrors                int // isError results (cloud answers), reported, not failures
	FirstProtocolError        string
	Elapsed                   time.Duration
	Lat                       Dist
	RSSStartKB, RSSEndKB      int64
	RSSPeakKB                 int64 // VmHWM: the kernel's high-water mark
	RSSSamples                int
	HealthyAfter              bool
	// ServerCPU is the server process's user+system CPU time during the calls
	// (sandbox included): per call, it says what one call costs the server
	// apart from the load generator.
	ServerCPU time.Duration
}

// RunLoad starts bin with --sandbox --transport http, opens sessions
// concurrent sessions that each make callsPerSession calls to tools (empty:
// every read tool that needs no argument), and samples the server's RSS
// throughout. It fails if the whole run does not end within bound.
func RunLoad(bin string, sessions, callsPerSession int, bound time.Duration, tools []string) (*Load, error) {
	cmd := exec.Command(bin, "--sandbox", "--transport", "http", "--addr", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	url, err := serverURL(stderr)
	if err != nil {
		return nil, err
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()

	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	res := &Load{Sessions: sessions, CallsPerSession: callsPerSession, Bound: bound}
	res.RSSStartKB, _ = procStatusKB(cmd.Process.Pid, "VmRSS")

	first, err := NewSession(ctx, url)
	if err != nil {
		return nil, err
	}
	res.Tools = tools
	if len(tools) == 0 {
		res.Tools, err = argumentlessReadTools(ctx, first)
	}
	_ = first.Close()
	if err != nil {
		return nil, err
	}

	stopSampling := sampleRSS(cmd.Process.Pid, &res.RSSSamples)
	cpuBefore, _ := procCPU(cmd.Process.Pid)
	var mu sync.Mutex
	var lats []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for s := 0; s < sessions; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local, toolErrs, protoErrs, firstErr := oneSession(ctx, url, res.Tools, s, callsPerSession)
			mu.Lock()
			defer mu.Unlock()
			lats = append(lats, local...)
			res.ToolErrors += toolErrs
			res.ProtocolErrors += protoErrs
			if firstErr != "" && res.FirstProtocolError == "" {
				res.FirstProtocolError = firstErr
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	cpuAfter, _ := procCPU(cmd.Process.Pid)
	res.ServerCPU = cpuAfter - cpuBefore
	stopSampling()
	res.Calls = len(lats)
	res.Lat = Summarize(lats)
	res.RSSEndKB, _ = procStatusKB(cmd.Process.Pid, "VmRSS")
	res.RSSPeakKB, _ = procStatusKB(cmd.Process.Pid, "VmHWM")
	res.HealthyAfter = healthy(strings.TrimSuffix(url, "/mcp") + "/healthz")
	if ctx.Err() != nil {
		return res, fmt.Errorf("the load did not finish within %s", bound)
	}
	return res, nil
}

func oneSession(ctx context.Context, url string, tools []string, s, calls int) (lats []time.Duration, toolErrs, protoErrs int, firstErr string) {
	c, err := NewSession(ctx, url)
	if err != nil {
		return nil, 0, calls, "session: " + err.Error()
	}
	defer c.Close()
	for i := 0; i < calls; i++ {
		t0 := time.Now()
		res, err := CallTool(ctx, c, tools[(s+i)%len(tools)], map[string]any{})
		lats = append(lats, time.Since(t0))
		switch {
		case err != nil:
			protoErrs++
			if firstErr == "" {
				firstErr = err.Error()
			}
		case res.IsError:
			toolErrs++
		}
	}
	return lats, toolErrs, protoErrs, firstErr
}

// argumentlessReadTools lists the read-only tools with no required argument.
func argumentlessReadTools(ctx context.Context, c *client.Client) ([]string, error) {
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, t := range list.Tools {
		if t.Annotations.ReadOnlyHint == nil || !*t.Annotations.ReadOnlyHint {
			continue
		}
		var schema struct{ Required []string }
		raw := t.RawInputSchema
		if len(raw) == 0 {
			raw, _ = json.Marshal(t.InputSchema)
		}
		if json.Unmarshal(raw, &schema) == nil && len(schema.Required) == 0 {
			names = append(names, t.Name)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("no read tool without required arguments")
	}
	sort.Strings(names)
	return names, nil
}

// serverURL reads the server's log until it says where it listens.
func serverURL(stderr io.Reader) (string, error) {
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		var line struct {
			URL string `json:"url"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && strings.HasSuffix(line.URL, "/mcp") {
			return line.URL, nil
		}
	}
	return "", errors.New("the server exited before logging its URL")
}

// sampleRSS polls /proc every 50 ms so that VmHWM is backed by samples; it
// returns a stop function.
func sampleRSS(pid int, samples *int) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if _, err := procStatusKB(pid, "VmRSS"); err == nil {
					*samples++
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func procStatusKB(pid int, field string) (int64, error) {
	v := procField(fmt.Sprintf("/proc/%d/status", pid), field)
	var n int64
	_, err := fmt.Sscanf(v, "%d kB", &n)
	return n, err
}

// procCPU is a process's user+system time from /proc/<pid>/stat (clock ticks of 10 ms).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesised command name; utime and stime are the 14th and 15th.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	var ut, st int64
	if _, err := fmt.Sscan(f[11], &ut); err != nil {
		return 0, err
	}
	if _, err := fmt.Sscan(f[12], &st); err != nil {
		return 0, err
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, nil
}

func healthy(url string) bool {
	resp, err := http.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// Markdown renders the load result.
func (l *Load) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d concurrent sessions × %d calls over Streamable HTTP to the built binary (`--sandbox --transport http`), bound %s; tools cycled: %s.\n\n",
		l.Sessions, l.CallsPerSession, l.Bound, strings.Join(l.Tools, ", "))
	b.WriteString("| metric | value |\n|---|---|\n")
	fmt.Fprintf(&b, "| calls | %d in %s (%.0f calls/s) |\n", l.Calls, l.Elapsed.Round(time.Millisecond), float64(l.Calls)/l.Elapsed.Seconds())
	fmt.Fprintf(&b, "| server CPU (user+sys, sandbox included) | %s, %.0f µs per call → at most ~%.0f calls/s per core for the server alone |\n",
		l.ServerCPU.Round(10*time.Millisecond), float64(l.ServerCPU.Microseconds())/float64(l.Calls), float64(l.Calls)/l.ServerCPU.Seconds())
	fmt.Fprintf(&b, "| protocol errors | %d |\n", l.ProtocolErrors)
	fmt.Fprintf(&b, "| tool errors (cloud answers) | %d |\n", l.ToolErrors)
	fmt.Fprintf(&b, "| latency p50 / p99 / max | %s / %s / %s |\n", ms(l.Lat.P50), ms(l.Lat.P99), ms(l.Lat.Max))
	fmt.Fprintf(&b, "| server RSS start / end / peak (VmHWM) | %.1f / %.1f / %.1f MB |\n", float64(l.RSSStartKB)/1024, float64(l.RSSEndKB)/1024, float64(l.RSSPeakKB)/1024)
	fmt.Fprintf(&b, "| /healthz after the load | %v |\n", l.HealthyAfter)
	if l.FirstProtocolError != "" {
		fmt.Fprintf(&b, "\nFirst protocol error: %s\n", l.FirstProtocolError)
	}
	return b.String()
}
