package main

import (
	"os"
	"runtime/debug"
	"sync"
	"time"
)

// Start-up (package init, building 45 tools, the first tools/list) allocates
// about 3.5 MB, just past the trigger of the first garbage collection at the
// default GOGC. That collection freed little (the tools live on) and cost
// 10-15 % of a cold start's CPU and more resident memory than it saved
// (perf stat over 15 starts, GOGC=100 against 400: 17-20 ms against 15-16 ms;
// anonymous RSS 6.0 against 5.5 MB). So the collector waits for a larger heap
// until start-up is over, then the default (or the user's GOGC) applies.
const (
	startupGCPercent = 400
	startupGCWindow  = time.Second
)

// holdGCForStartup raises GOGC until restore is called or window has passed,
// unless the user set GOGC.
func holdGCForStartup(window time.Duration) (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	prev := debug.SetGCPercent(startupGCPercent)
	var once sync.Once
	restore = func() { once.Do(func() { debug.SetGCPercent(prev) }) }
	time.AfterFunc(window, restore)
	return restore
}
