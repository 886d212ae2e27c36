package metrics

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The standard go_* and process_* series, under the names and with the help
// texts Prometheus' Go client gives them, read at scrape time.

type gauge struct {
	name, help, typ string
	v               float64
}

func writeGauges(w *bufio.Writer, gs []gauge) {
	for _, g := range gs {
		writeHeader(w, g.name, g.help, g.typ)
		writeSample(w, g.name, nil, g.v)
	}
}

func writeGoMetrics(w *bufio.Writer) {
	var gc debug.GCStats
	gc.PauseQuantiles = make([]time.Duration, 5)
	debug.ReadGCStats(&gc)
	writeHeader(w, "go_gc_duration_seconds", "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.", "summary")
	for i, q := range []string{"0", "0.25", "0.5", "0.75", "1"} {
		writeSample(w, "go_gc_duration_seconds", [][2]string{{"quantile", q}}, gc.PauseQuantiles[i].Seconds())
	}
	writeSample(w, "go_gc_duration_seconds_sum", nil, gc.PauseTotal.Seconds())
	writeSample(w, "go_gc_duration_seconds_count", nil, float64(gc.NumGC))

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	threads, _ := runtime.ThreadCreateProfile(nil)
	writeGauges(w, []gauge{
		{"go_gc_gogc_percent", "Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function.", "gauge", gogcPercent()},
		{"go_gc_gomemlimit_bytes", "Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function.", "gauge", float64(debug.SetMemoryLimit(-1))},
		{"go_goroutines", "Number of goroutines that currently exist.", "gauge", float64(runtime.NumGoroutine())},
	})
	writeHeader(w, "go_info", "Information about the Go environment.", "gauge")
	writeSample(w, "go_info", [][2]string{{"version", runtime.Version()}}, 1)
	writeGauges(w, []gauge{
		{"go_memstats_alloc_bytes", "Number of bytes allocated in heap and currently in use.", "gauge", float64(ms.Alloc)},
		{"go_memstats_alloc_bytes_total", "Total number of bytes allocated in heap until now, even if released already.", "counter", float64(ms.TotalAlloc)},
		{"go_memstats_buck_hash_sys_bytes", "Number of bytes used by the profiling bucket hash table.", "gauge", float64(ms.BuckHashSys)},
		{"go_memstats_frees_total", "Total number of heap objects frees.", "counter", float64(ms.Frees)},
		{"go_memstats_gc_sys_bytes", "Number of bytes used for garbage collection system metadata.", "gauge", float64(ms.GCSys)},
		{"go_memstats_heap_alloc_bytes", "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes.", "gauge", float64(ms.HeapAlloc)},
		{"go_memstats_heap_idle_bytes", "Number of heap bytes waiting to be used.", "gauge", float64(ms.HeapIdle)},
		{"go_memstats_heap_inuse_bytes", "Number of heap bytes that are in use.", "gauge", float64(ms.HeapInuse)},
		{"go_memstats_heap_objects", "Number of currently allocated objects.", "gauge", float64(ms.HeapObjects)},
		{"go_memstats_heap_released_bytes", "Number of heap bytes released to OS.", "gauge", float64(ms.HeapReleased)},
		{"go_memstats_heap_sys_bytes", "Number of heap bytes obtained from system.", "gauge", float64(ms.HeapSys)},
		{"go_memstats_last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.", "gauge", float64(ms.LastGC) / 1e9},
		{"go_memstats_mallocs_total", "Total number of heap objects allocated, both live and gc-ed.", "counter", float64(ms.Mallocs)},
		{"go_memstats_mcache_inuse_bytes", "Number of bytes in use by mcache structures.", "gauge", float64(ms.MCacheInuse)},
		{"go_memstats_mcache_sys_bytes", "Number of bytes used for mcache structures obtained from system.", "gauge", float64(ms.MCacheSys)},
		{"go_memstats_mspan_inuse_bytes", "Number of bytes in use by mspan structures.", "gauge", float64(ms.MSpanInuse)},
		{"go_memstats_mspan_sys_bytes", "Number of bytes used for mspan structures obtained from system.", "gauge", float64(ms.MSpanSys)},
		{"go_memstats_next_gc_bytes", "Number of heap bytes when next garbage collection will take place.", "gauge", float64(ms.NextGC)},
		{"go_memstats_other_sys_bytes", "Number of bytes used for other system allocations.", "gauge", float64(ms.OtherSys)},
		{"go_memstats_stack_inuse_bytes", "Number of bytes obtained from system for stack allocator in non-CGO environments.", "gauge", float64(ms.StackInuse)},
		{"go_memstats_stack_sys_bytes", "Number of bytes obtained from system for stack allocator.", "gauge", float64(ms.StackSys)},
		{"go_memstats_sys_bytes", "Number of bytes obtained from system.", "gauge", float64(ms.Sys)},
		{"go_sched_gomaxprocs_threads", "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously.", "gauge", float64(runtime.GOMAXPROCS(0))},
		{"go_threads", "Number of OS threads created.", "gauge", float64(threads)},
	})
}

// gogcPercent is GOGC as the user set it (startgc.go raises it for the
// first second of a start only): 100 by default, -1 for off.
func gogcPercent() float64 {
	switch v := os.Getenv("GOGC"); {
	case v == "":
		return 100
	case strings.EqualFold(v, "off"):
		return -1
	default:
		n, err := strconv.Atoi(v)
		if err != nil {
			return 100
		}
		return float64(n)
	}
}

// clockTicks is USER_HZ, which /proc's times are counted in (100 on every
// Linux architecture Go supports, as Prometheus' own procfs assumes).
const clockTicks = 100

// writeProcessMetrics writes what /proc says about this process; nothing
// where there is no /proc.
func writeProcessMetrics(w *bufio.Writer) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return
	}
	// Fields after the command, which is in parentheses and may hold spaces.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	field := func(n int) float64 { // n as numbered in proc(5)
		if n-3 >= len(f) {
			return 0
		}
		v, _ := strconv.ParseFloat(f[n-3], 64)
		return v
	}
	gs := []gauge{{"process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter", (field(14) + field(15)) / clockTicks}}
	var nofile, as syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &nofile) == nil {
		gs = append(gs, gauge{"process_max_fds", "Maximum number of open file descriptors.", "gauge", float64(nofile.Cur)})
	}
	if in, out, ok := netOctets(); ok {
		gs = append(gs,
			gauge{"process_network_receive_bytes_total", "Number of bytes received by the process over the network.", "counter", in},
			gauge{"process_network_transmit_bytes_total", "Number of bytes sent by the process over the network.", "counter", out})
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		gs = append(gs, gauge{"process_open_fds", "Number of open file descriptors.", "gauge", float64(len(fds))})
	}
	gs = append(gs, gauge{"process_resident_memory_bytes", "Resident memory size in bytes.", "gauge", field(24) * float64(os.Getpagesize())})
	if bt := bootTime(); bt > 0 {
		gs = append(gs, gauge{"process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge", bt + field(22)/clockTicks})
	}
	gs = append(gs, gauge{"process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", field(23)})
	if syscall.Getrlimit(syscall.RLIMIT_AS, &as) == nil {
		gs = append(gs, gauge{"process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.", "gauge", float64(as.Cur)})
	}
	writeGauges(w, gs)
}

// bootTime is /proc/stat's btime: seconds since the epoch.
func bootTime() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			n, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return n
		}
	}
	return 0
}

// netOctets reads IpExt InOctets and OutOctets from /proc/self/net/netstat:
// a header line of names, then a line of values.
func netOctets() (in, out float64, ok bool) {
	b, err := os.ReadFile("/proc/self/net/netstat")
	if err != nil {
		return 0, 0, false
	}
	lines := strings.Split(string(b), "\n")
	for i := 0; i+1 < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "IpExt:") || !strings.HasPrefix(lines[i+1], "IpExt:") {
			continue
		}
		names, values := strings.Fields(lines[i]), strings.Fields(lines[i+1])
		for j := 1; j < len(names) && j < len(values); j++ {
			v, _ := strconv.ParseFloat(values[j], 64)
			switch names[j] {
			case "InOctets":
				in, ok = v, true
			case "OutOctets":
				out = v
			}
		}
	}
	return in, out, ok
}
