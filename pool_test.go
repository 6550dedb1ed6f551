package lcrun

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countJob records which worker ran each item.
type countJob struct {
	hits    []atomic.Int32
	workers []atomic.Int32
}

func (j *countJob) run(w *worker, i int) {
	j.hits[i].Add(1)
	j.workers[i].Store(int32(w.id))
}

func TestPoolParallelRunsEveryItemOnce(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 4, 8} {
		p := NewPool(threads)
		require.Equal(t, threads, p.Threads())
		for _, n := range []int{0, 1, 2, 3, 7, 100, 1000} {
			j := &countJob{hits: make([]atomic.Int32, n), workers: make([]atomic.Int32, n)}
			q := p.acquire()
			q.parallel(n, j)
			q.release(p)
			for i := range n {
				require.Equal(t, int32(1), j.hits[i].Load(), "threads=%d n=%d item %d", threads, n, i)
				require.Less(t, j.workers[i].Load(), int32(threads))
			}
		}
		p.Close()
		p.Close()
		assert.Equal(t, 1, p.Threads(), "a closed pool runs on the caller only")
		j := &countJob{hits: make([]atomic.Int32, 5), workers: make([]atomic.Int32, 5)}
		q := p.acquire()
		q.parallel(5, j)
		q.release(p)
		for i := range 5 {
			assert.Equal(t, int32(1), j.hits[i].Load())
		}
	}
}

func TestNilPool(t *testing.T) {
	var p *Pool
	assert.Equal(t, 1, p.Threads())
	p.Close()
	// Concurrent nil-pool callers each get their own serial pool.
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				j := &countJob{hits: make([]atomic.Int32, 10), workers: make([]atomic.Int32, 10)}
				q := p.acquire()
				q.parallel(10, j)
				q.release(p)
				for i := range 10 {
					if j.hits[i].Load() != 1 {
						t.Errorf("item %d ran %d times", i, j.hits[i].Load())
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestScratchReuse(t *testing.T) {
	var s scratch
	a := s.floats(0, 100)
	b := s.floats(0, 50)
	assert.Same(t, &a[0], &b[0], "a smaller request reuses the buffer")
	c := s.floats(1, 10)
	assert.NotSame(t, &a[0], &c[0], "buffers are separate per index")
	assert.Len(t, s.bytes(1, 7), 7)
	allocs := testing.AllocsPerRun(100, func() { s.floats(0, 100); s.bytes(1, 7) })
	assert.Zero(t, allocs)
}

type noopJob struct{ n atomic.Int64 }

func (j *noopJob) run(_ *worker, i int) { j.n.Add(int64(i)) }

func TestPoolParallelAllocatesNothing(t *testing.T) {
	p := NewPool(4)
	defer p.Close()
	j := &noopJob{}
	allocs := testing.AllocsPerRun(200, func() {
		q := p.acquire()
		q.parallel(64, j)
		q.release(p)
	})
	assert.Zero(t, allocs)
}

// TestPoolWakeUp hands loops to the helpers while they poll (no gap) and
// after they have parked (gaps longer than spinLong), on as many and on
// fewer Ps than threads: every item runs once, and Close stops helpers
// in either state.
func TestPoolWakeUp(t *testing.T) {
	cases := []struct {
		name       string
		threads    int
		gap        time.Duration
		gomaxprocs int
	}{
		{"polling", 2, 0, 0},
		{"parked", 2, 3 * spinLong, 0},
		{"mixed 4 threads", 4, spinLong, 0},
		{"one P", 3, 0, 1},
		{"one P parked", 2, 2 * spinLong, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.gomaxprocs > 0 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.gomaxprocs))
			}
			before := runtime.NumGoroutine()
			p := NewPool(c.threads)
			for round := range 40 {
				n := 1 + round%9
				j := &countJob{hits: make([]atomic.Int32, n), workers: make([]atomic.Int32, n)}
				q := p.acquire()
				q.parallel(n, j)
				q.release(p)
				for i := range n {
					require.Equal(t, int32(1), j.hits[i].Load(), "round %d item %d", round, i)
				}
				time.Sleep(c.gap)
			}
			p.Close()
			for wait := 0; runtime.NumGoroutine() > before && wait < 5000; wait++ {
				time.Sleep(time.Millisecond) // polled here: assert.Eventually runs goroutines of its own
			}
			assert.LessOrEqual(t, runtime.NumGoroutine(), before, "helpers exit")
		})
	}
}

// sleepJob's items take a while of wall time.
type sleepJob struct{ d time.Duration }

func (j sleepJob) run(*worker, int) {
	for start := time.Now(); time.Since(start) < j.d; {
	}
}

// TestPoolNoticesLostCPU: with one P for the caller and a helper, the
// helper polls only while the caller yields, so its look at the clock
// finds the caller's whole item gone by, loop after loop: the pool must
// take that as sharing its cores and poll briefly from then on.
func TestPoolNoticesLostCPU(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := NewPool(2)
	defer p.Close()
	require.False(t, p.watch.contended(time.Since(epoch)))
	q := p.acquire()
	for range 2 * lossesToBackOff {
		q.parallel(2, sleepJob{4 * preemptedGap})
	}
	q.release(p)
	assert.True(t, p.watch.contended(time.Since(epoch)), "no lost CPU noticed")
}

// TestCPUWatch feeds cpuWatch losses at given times and asks whether the
// pool should poll briefly at others.
func TestCPUWatch(t *testing.T) {
	ms := time.Millisecond
	type ask struct {
		at        time.Duration
		contended bool
	}
	cases := []struct {
		name   string
		losses []time.Duration
		asks   []ask
	}{
		{"none", nil, []ask{{0, false}, {time.Second, false}}},
		{"one hiccup", []time.Duration{5 * ms}, []ask{{5 * ms, false}, {6 * ms, false}}},
		{"too few in the window", []time.Duration{1 * ms, 2 * ms, 3 * ms}, []ask{{3 * ms, false}}},
		{"enough in the window", []time.Duration{1 * ms, 2 * ms, 3 * ms, 4 * ms}, []ask{
			{4 * ms, true}, {4*ms + calmAfter - 1, true}, {4*ms + calmAfter, false},
		}},
		{"spread over windows", []time.Duration{0, 11 * ms, 22 * ms, 33 * ms, 44 * ms}, []ask{{44 * ms, false}}},
		{"window restarts at a late loss", []time.Duration{0, 9 * ms, 12 * ms, 13 * ms, 14 * ms}, []ask{{14 * ms, false}}},
		{"late loss starts a window that fills", []time.Duration{0, 12 * ms, 13 * ms, 14 * ms, 15 * ms}, []ask{{15 * ms, true}}},
		{"counting restarts after a back-off", []time.Duration{1 * ms, 2 * ms, 3 * ms, 4 * ms, 5 * ms, 6 * ms, 7 * ms}, []ask{
			{4*ms + calmAfter, false},
		}},
		{"a renewed back-off extends the calm", []time.Duration{1 * ms, 2 * ms, 3 * ms, 4 * ms, 5 * ms, 6 * ms, 7 * ms, 8 * ms}, []ask{
			{4*ms + calmAfter, true}, {8*ms + calmAfter, false},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var w cpuWatch
			for _, at := range c.losses {
				w.lost(at)
			}
			for _, a := range c.asks {
				assert.Equal(t, a.contended, w.contended(a.at), "at %v", a.at)
			}
		})
	}
}

// busyJob's items each take a microsecond or two of arithmetic; it
// counts the items helpers ran.
type busyJob struct {
	sink   []float64
	helper *atomic.Int64
}

func (j busyJob) run(w *worker, i int) {
	x := float64(i)
	for range 1000 {
		x = x*0.999 + 1
	}
	j.sink[i] = x
	if w.id != 0 {
		j.helper.Add(1)
	}
}

// BenchmarkPoolParallel times parallel loops of 16 such items, which
// take half as long when the helper joins at once, and reports the share
// of items the helper ran (0.5 at best). The gap between loops decides
// whether the helper is still polling or has parked.
func BenchmarkPoolParallel(b *testing.B) {
	for _, gap := range []time.Duration{0, 20 * time.Microsecond} {
		b.Run(fmt.Sprintf("gap=%s/t=2", gap), func(b *testing.B) {
			p := NewPool(2)
			defer p.Close()
			q := p.acquire()
			defer q.release(p)
			j := busyJob{make([]float64, 16), new(atomic.Int64)}
			var spent time.Duration
			for range b.N {
				start := time.Now()
				q.parallel(16, j)
				spent += time.Since(start)
				for wait := time.Now(); time.Since(wait) < gap; {
				}
			}
			b.ReportMetric(float64(spent.Nanoseconds())/float64(b.N), "ns/loop")
			b.ReportMetric(float64(j.helper.Load())/float64(16*b.N), "helper-share")
		})
	}
}
