package machine

import (
	"runtime"
	"time"
)

// CPUClock times a single-threaded benchmark by the CPU time of its own
// thread as well as by the wall clock, so that a figure taken while other
// processes share the cores still says what the code does per cycle it
// gets (the "/cpu-s" metrics). Starting one pins the goroutine to its
// thread.
type CPUClock struct {
	start time.Duration
	ok    bool
}

// Benchmark is what a CPUClock needs of a *testing.B; naming it here
// keeps package testing out of the binaries that link this package.
type Benchmark interface {
	Cleanup(func())
	ReportMetric(n float64, unit string)
}

// StartCPUClock locks the calling goroutine to its OS thread until b ends
// and reads that thread's CPU time.
func StartCPUClock(b Benchmark) CPUClock {
	runtime.LockOSThread()
	b.Cleanup(runtime.UnlockOSThread)
	t, ok := ThreadCPUTime()
	return CPUClock{t, ok}
}

// Report adds work per CPU-second as unit (e.g. "GFLOP/cpu-s" with work
// in GFLOP), if the platform can tell the thread's CPU time.
func (c CPUClock) Report(b Benchmark, work float64, unit string) {
	t, ok := ThreadCPUTime()
	if !ok || !c.ok || t <= c.start {
		return
	}
	b.ReportMetric(work/(t-c.start).Seconds(), unit)
}
