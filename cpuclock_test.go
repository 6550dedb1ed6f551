package lcrun

import (
	"runtime"
	"testing"
	"time"
)

// cpuClock times a single-threaded benchmark by the CPU time of its own
// thread as well as by the wall clock, so that a figure taken while other
// processes share the cores still says what the code does per cycle it
// gets (the "/cpu-s" metrics). It pins the goroutine to its thread.
type cpuClock struct {
	start time.Duration
	ok    bool
}

func startCPUClock(b *testing.B) cpuClock {
	runtime.LockOSThread()
	b.Cleanup(runtime.UnlockOSThread)
	t, ok := threadCPUTime()
	return cpuClock{t, ok}
}

// report adds work per CPU-second as unit (e.g. "GFLOP/cpu-s" with work
// in GFLOP), if the platform can tell the thread's CPU time.
func (c cpuClock) report(b *testing.B, work float64, unit string) {
	t, ok := threadCPUTime()
	if !ok || !c.ok || t <= c.start {
		return
	}
	b.ReportMetric(work/(t-c.start).Seconds(), unit)
}
