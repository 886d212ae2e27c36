package bench

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// ColdStart is the wall time from spawning the binary with --sandbox over
// stdio, through initialize and tools/list, to its exit when stdin closes;
// and its peak RSS (VmHWM) once it has answered tools/list.
type ColdStart struct {
	Runs        int
	Wall        Dist
	PeakRSSKB   []int64 // per run, sorted
	Tools       int
	ListedBytes int
}

// Targets from the issue.
const (
	coldStartTarget = 30 * time.Millisecond
	coldRSSTargetKB = 30 << 10
)

// MeasureColdStart runs the binary runs times after one unmeasured warm-up
// run (which fills the page cache).
func MeasureColdStart(bin string, runs int) (*ColdStart, error) {
	if _, err := coldStartOnce(bin); err != nil {
		return nil, err
	}
	res := &ColdStart{Runs: runs}
	var walls []time.Duration
	for i := 0; i < runs; i++ {
		r, err := coldStartOnce(bin)
		if err != nil {
			return nil, fmt.Errorf("run %d: %w", i+1, err)
		}
		walls = append(walls, r.wall)
		res.PeakRSSKB = append(res.PeakRSSKB, r.rssKB)
		res.Tools, res.ListedBytes = r.tools, r.listed
	}
	res.Wall = Summarize(walls)
	slices.Sort(res.PeakRSSKB)
	return res, nil
}

type coldRun struct {
	wall, cpu     time.Duration
	rssKB         int64
	anonKB        int64 // of the resident memory after tools/list, the anonymous part (heap, stacks); the rest is file pages of the binary and libraries
	tools, listed int
}

const (
	initializeLine  = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"cloudops-bench","version":"1"}}}`
	initializedLine = `{"jsonrpc":"2.0","method":"notifications/initialized"}`
	toolsListLine   = `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
)

func coldStartOnce(bin string) (coldRun, error) {
	return coldStartCmd(exec.Command(bin, "--sandbox"))
}

// coldStartCmd spawns cmd (a stdio MCP server), initializes it, lists its
// tools, closes stdin and waits for the exit.
func coldStartCmd(cmd *exec.Cmd) (coldRun, error) {
	cmd.Stderr = io.Discard
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return coldRun{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return coldRun{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return coldRun{}, err
	}
	kill := func(err error) (coldRun, error) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return coldRun{}, err
	}
	// A hung server must fail the run, not the benchmark session.
	watchdog := time.AfterFunc(20*time.Second, func() { _ = cmd.Process.Kill() })
	defer watchdog.Stop()
	out := bufio.NewReaderSize(stdout, 1<<20)
	if _, err := io.WriteString(stdin, initializeLine+"\n"); err != nil {
		return kill(err)
	}
	if _, err := readResponse(out, 1); err != nil {
		return kill(fmt.Errorf("initialize: %w", err))
	}
	if _, err := io.WriteString(stdin, initializedLine+"\n"+toolsListLine+"\n"); err != nil {
		return kill(err)
	}
	raw, err := readResponse(out, 2)
	if err != nil {
		return kill(fmt.Errorf("tools/list: %w", err))
	}
	// Peak RSS of the exec'd program itself. The child's getrusage maxrss is
	// not it: Linux folds the pre-exec address space (shared with this
	// process by vfork) into it, so it reported this process's RSS.
	rss, err := procStatusKB(cmd.Process.Pid, "VmHWM")
	if err != nil {
		return kill(fmt.Errorf("VmHWM: %w", err))
	}
	var anon int64
	_, _ = fmt.Sscanf(procField(fmt.Sprintf("/proc/%d/smaps_rollup", cmd.Process.Pid), "Anonymous"), "%d kB", &anon)
	_ = stdin.Close()
	if err := cmd.Wait(); err != nil {
		return coldRun{}, fmt.Errorf("exit: %w", err)
	}
	wall := time.Since(start)
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	var list struct {
		Result struct{ Tools []json.RawMessage } `json:"result"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return coldRun{}, err
	}
	return coldRun{wall: wall, cpu: cpu, rssKB: rss, anonKB: anon, tools: len(list.Result.Tools), listed: len(raw)}, nil
}

// readResponse reads lines until the response with the given id, skipping notifications.
func readResponse(r *bufio.Reader, id int) ([]byte, error) {
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return nil, err
		}
		var m struct {
			ID    any             `json:"id"`
			Error json.RawMessage `json:"error"`
		}
		if json.Unmarshal(line, &m) != nil {
			return nil, fmt.Errorf("not JSON: %.200s", line)
		}
		if fmt.Sprint(m.ID) != fmt.Sprint(id) {
			continue
		}
		if len(m.Error) > 0 {
			return nil, errors.New(string(m.Error))
		}
		return line, nil
	}
}

// Markdown renders the result against the targets.
func (c *ColdStart) Markdown() string {
	var b strings.Builder
	medRSS := c.PeakRSSKB[len(c.PeakRSSKB)/2]
	maxRSS := c.PeakRSSKB[len(c.PeakRSSKB)-1]
	fmt.Fprintf(&b, "| metric (%d runs) | value | target | |\n|---|---|---|---|\n", c.Runs)
	fmt.Fprintf(&b, "| wall time, median | %s | ≤ %s | %s |\n", ms(c.Wall.P50), ms(coldStartTarget), verdict(c.Wall.P50 <= coldStartTarget))
	fmt.Fprintf(&b, "| wall time, min / p90 / max | %s / %s / %s | | |\n", ms(c.Wall.Min), ms(c.Wall.P90), ms(c.Wall.Max))
	fmt.Fprintf(&b, "| wall time, stddev | %s | | |\n", ms(c.Wall.Stddev))
	fmt.Fprintf(&b, "| peak RSS, median / max | %.1f / %.1f MB | ≤ %d MB | %s |\n", float64(medRSS)/1024, float64(maxRSS)/1024,
		coldRSSTargetKB>>10, verdict(maxRSS <= coldRSSTargetKB))
	fmt.Fprintf(&b, "| tools listed | %d (%d bytes) | | |\n", c.Tools, c.ListedBytes)
	return b.String()
}
