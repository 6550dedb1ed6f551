package lcrun

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Pool is a set of persistent worker goroutines that the parallel kernels
// (MatMul, Attention, the SSM scans) split their work across. Each worker
// owns scratch buffers that grow to the largest size a kernel asked for and
// are then reused, so a call in steady state allocates nothing.
//
// A nil *Pool is valid everywhere and means one thread (the caller's).
// One Pool runs one kernel at a time: concurrent calls on the same Pool
// wait for each other. Close stops the workers.
type Pool struct {
	mu      sync.Mutex
	threads int
	workers []*worker
	closed  bool

	// The current parallel loop, published to the workers by the atomic
	// store of their mail (see parallel).
	job  job
	n    int64
	next atomic.Int64

	// pending counts the helpers still inside the current loop; the last
	// one to finish signals callerWake, where the caller may be parked.
	pending    atomic.Int32
	callerWake chan struct{} // capacity 1

	// watch decides how long the pollers poll (see spinLong).
	watch cpuWatch

	// Scratch shared by all workers within one kernel call.
	shared scratch

	// The kernels' preallocated job descriptions (kernel.go).
	kernelJobs
}

// job is one parallel loop: run(w, i) does item i on worker w.
type job interface {
	run(w *worker, i int)
}

// worker is one thread of a pool and its private scratch.
type worker struct {
	id int
	s  scratch

	// Handing a loop to helper i >= 1: the caller stores a new generation
	// in mail; the helper, spinning or woken, runs the loop once per
	// generation it sees. A helper that found no mail while polling blocks
	// on wake, which the caller signals with every mail (capacity 1, so the
	// caller never blocks).
	mail atomic.Uint64
	wake chan struct{}
}

// quitMail is the mail that tells a helper to exit (Close).
const quitMail = ^uint64(0)

// How long a helper (and the caller, waiting for the helpers) polls
// before parking. A decode step hands the pool a loop every few
// microseconds, and a parked thread takes longer to wake than a small GEMV
// takes to run, so on a machine of its own the pool polls for spinLong
// (decoding llama-110m Q4_0 with 2 threads in quiet moments of a shared
// 2-core VM: about 400 tokens/s polling 100 µs, 280 polling 2 µs). But
// where the pool's threads share the cores with other work, a poller
// takes CPU time from the thread it waits for (there, 100 µs polls gave
// 160 tokens/s and 2 µs polls 200), so for calmAfter after the pollers
// kept losing their CPU (a look at the clock found more than preemptedGap
// gone since the last; see cpuWatch for what counts) the pool polls for
// spinShort only.
const (
	spinLong     = 100 * time.Microsecond
	spinShort    = 2 * time.Microsecond
	preemptedGap = 50 * time.Microsecond
	calmAfter    = 200 * time.Millisecond
)

// epoch is the origin of the pool's monotonic clock readings.
var epoch = time.Now()

// scratch holds reusable buffers, indexed by a small constant per use so
// that the buffers of one kernel do not overlap.
type scratch struct {
	f [6][]float32
	b [2][]byte
}

// floats returns buffer i with length n, growing it if needed. Its
// contents are whatever the last user left.
func (s *scratch) floats(i, n int) []float32 {
	if cap(s.f[i]) < n {
		s.f[i] = make([]float32, n)
	}
	return s.f[i][:n]
}

// bytes is floats for byte buffers.
func (s *scratch) bytes(i, n int) []byte {
	if cap(s.b[i]) < n {
		s.b[i] = make([]byte, n)
	}
	return s.b[i][:n]
}

// NewPool starts a pool of the given number of threads, the caller's
// included (threads <= 0 means GOMAXPROCS).
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &Pool{threads: threads, callerWake: make(chan struct{}, 1)}
	p.workers = make([]*worker, threads)
	for i := range p.workers {
		w := &worker{id: i}
		p.workers[i] = w
		if i > 0 {
			w.wake = make(chan struct{}, 1)
			go p.serve(w)
		}
	}
	return p
}

// Threads is the number of threads the pool runs kernels on (1 for nil).
func (p *Pool) Threads() int {
	if p == nil {
		return 1
	}
	return p.threads
}

// Close stops the worker goroutines. The pool stays usable, on the
// caller's thread only. Closing twice is harmless.
func (p *Pool) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	for _, w := range p.workers[1:] {
		w.mail.Store(quitMail)
		close(w.wake)
	}
	p.threads = 1
}

// serve is helper w's loop: wait for mail, run the loop it announces,
// report done.
func (p *Pool) serve(w *worker) {
	seen := uint64(0)
	for {
		await(mailChanged{w, seen}, w.wake, &p.watch)
		m := w.mail.Load()
		if m == quitMail {
			return
		}
		seen = m
		p.drain(w)
		if p.pending.Add(-1) == 0 {
			signal(p.callerWake) // always: see parallel
		}
	}
}

// await returns once c is ready: it polls (see spinLong), then blocks on
// wake, which whoever makes c ready signals after doing so, every time: a
// signal sent before the wait is the token waiting in the channel. A stale
// token only costs another look.
func await[C interface{ ready() bool }](c C, wake chan struct{}, watch *cpuWatch) {
	start := time.Since(epoch)
	budget, watching := spinLong, true
	if watch.contended(start) {
		budget, watching = spinShort, false
	}
	last := start
	for i := 1; ; i++ {
		if c.ready() {
			if watching {
				if now := time.Since(epoch); now-last > preemptedGap {
					watch.lost(now)
				}
			}
			return
		}
		if i%64 == 0 {
			now := time.Since(epoch)
			if now-last > preemptedGap {
				if watching {
					watch.lost(now)
				}
				break
			}
			if now-start > budget {
				break
			}
			last = now
			runtime.Gosched() // let this P run other goroutines, e.g. the caller with GOMAXPROCS=1
		}
	}
	for !c.ready() {
		<-wake
	}
}

// mailChanged is ready when helper w has mail other than seen.
type mailChanged struct {
	w    *worker
	seen uint64
}

func (c mailChanged) ready() bool { return c.w.mail.Load() != c.seen }

// helpersDone is ready when no helper is inside the current loop.
type helpersDone struct{ p *Pool }

func (c helpersDone) ready() bool { return c.p.pending.Load() == 0 }

// signal wakes whoever sleeps on c without ever blocking (c has capacity 1).
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// drain runs items of the current job until none is left.
func (p *Pool) drain(w *worker) {
	for {
		i := p.next.Add(1) - 1
		if i >= p.n {
			return
		}
		p.job.run(w, int(i))
	}
}

// parallel runs j.run(w, i) for i in [0, n) across the pool's threads and
// returns when all are done. The caller holds p.mu.
func (p *Pool) parallel(n int, j job) {
	k := min(p.threads, n)
	if k <= 1 {
		w := p.workers[0]
		for i := range n {
			j.run(w, i)
		}
		return
	}
	p.job, p.n = j, int64(n)
	p.next.Store(0)
	p.pending.Store(int32(k - 1))
	for _, w := range p.workers[1:k] {
		w.mail.Store(w.mail.Load() + 1) // only the caller writes mail (under p.mu)
		// Signal whether or not the helper says it sleeps: skipping the send
		// when the flag reads false relied on the store of mail and the load
		// of the flag staying in order, and under qemu-aarch64 on an x86 host
		// they did not (a CI run parked caller and helper for good). A send
		// on the 1-slot channel costs tens of ns; a stale token only makes
		// the next park look once more.
		signal(w.wake)
	}
	p.drain(p.workers[0])
	await(helpersDone{p}, p.callerWake, &p.watch)
	p.job = nil
}

// serialPools hands out one-thread pools for calls on a nil *Pool, so
// that concurrent nil-pool callers do not share scratch.
var serialPools = sync.Pool{New: func() any { return NewPool(1) }}

// acquire locks the pool for one kernel call; a nil receiver borrows a
// one-thread pool. release undoes it.
func (p *Pool) acquire() *Pool {
	if p == nil {
		p = serialPools.Get().(*Pool)
	}
	p.mu.Lock()
	return p
}

func (p *Pool) release(orig *Pool) {
	p.mu.Unlock()
	if orig == nil {
		serialPools.Put(p)
	}
}
