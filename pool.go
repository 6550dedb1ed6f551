package lcrun

import (
	"runtime"
	"sync"
	"sync/atomic"
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
	wake    []chan struct{} // wake[i] starts workers[i], i >= 1
	done    sync.WaitGroup
	closed  bool

	// The current parallel loop, published to the workers by the channel
	// send that wakes them.
	job  job
	n    int64
	next atomic.Int64

	// Scratch shared by all workers within one kernel call.
	shared scratch

	// Preallocated job descriptions: starting a call fills one in place,
	// which is what keeps calls free of allocation.
	mm   matmulJobs
	attn attentionJob
	ssm  ssmJob
}

// job is one parallel loop: run(w, i) does item i on worker w.
type job interface {
	run(w *worker, i int)
}

// worker is one thread of a pool and its private scratch.
type worker struct {
	id int
	s  scratch
}

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
	p := &Pool{threads: threads}
	p.workers = make([]*worker, threads)
	p.wake = make([]chan struct{}, threads)
	for i := range p.workers {
		p.workers[i] = &worker{id: i}
		if i > 0 {
			p.wake[i] = make(chan struct{})
			go p.serve(p.workers[i], p.wake[i])
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
	for _, c := range p.wake[1:] {
		close(c)
	}
	p.threads = 1
}

func (p *Pool) serve(w *worker, wake chan struct{}) {
	for range wake {
		p.drain(w)
		p.done.Done()
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
	p.done.Add(k - 1)
	for _, c := range p.wake[1:k] {
		c <- struct{}{}
	}
	p.drain(p.workers[0])
	p.done.Wait()
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
