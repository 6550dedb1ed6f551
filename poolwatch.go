package lcrun

import (
	"sync/atomic"
	"time"
)

// cpuWatch decides whether the pool's pollers share their cores with
// other work, from the times at which a poller found it had lost its CPU
// (see await).
//
// One loss means little: on a quiet VM a poller that polls for spinLong
// still loses its CPU a few times a second (hypervisor steal, interrupts,
// the Go runtime's own goroutines), and reacting to each of those kept
// the pool polling briefly for most of a decode. Worse, brief polling
// causes losses of its own: a parked helper that the caller wakes is
// queued on the caller's P, so the caller's next runtime.Gosched hands
// that P over and the caller waits for one, which looked like a lost CPU
// and renewed the back-off forever. So losses are only counted while
// polling long, and the pool backs off only after lossesToBackOff losses
// within lossWindow: with other processes on the cores that happens
// within a few milliseconds (losses come every few hundred microseconds),
// on a quiet machine practically never. After calmAfter the pool polls
// long again and so measures afresh.
//
// The counters are updated by several threads without a lock; a race
// can miscount a loss, which only shifts a heuristic by one.
type cpuWatch struct {
	windowStart atomic.Int64 // when the first loss of the current window was seen
	losses      atomic.Int32 // losses seen in the current window
	calmUntil   atomic.Int64 // poll briefly until this time
}

// Times are durations since epoch.
const (
	lossWindow      = 10 * time.Millisecond
	lossesToBackOff = 4
)

// lost records that a poller polling long lost its CPU at now.
func (w *cpuWatch) lost(now time.Duration) {
	n := w.losses.Load()
	if n == 0 || now-time.Duration(w.windowStart.Load()) > lossWindow {
		w.windowStart.Store(int64(now))
		w.losses.Store(1)
		return
	}
	if w.losses.Add(1) >= lossesToBackOff {
		w.calmUntil.Store(int64(now + calmAfter))
		w.losses.Store(0)
	}
}

// contended reports whether pollers should poll only briefly at now.
func (w *cpuWatch) contended(now time.Duration) bool {
	return now < time.Duration(w.calmUntil.Load())
}
