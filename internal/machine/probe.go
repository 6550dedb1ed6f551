// Package machine measures what the machine can do, for lcrun bench, which
// reports each kernel's speed as a fraction of it: the FMA throughput peak
// (for compute-bound kernels such as prefill matmuls) and the memory
// bandwidth (for decode, where a GEMV streams every weight once per token).
// go test -bench is not available inside the binary, so the probes measure
// for a given wall time and return the rate. The probes are not kernels:
// package lcrun neither runs nor dispatches them.
package machine

import (
	"runtime"
	"sync"
	"time"
)

// machineProbe is the best probe loop set this CPU has. An architecture
// file (probe_amd64.go, probe_arm64.go) replaces the plain-Go loops of
// probe_generic.go in its init; the plain loops stay as the fallback for purego builds and
// other CPUs (where they understate the peak, which Probes names).
var machineProbe = struct {
	name string
	// fma runs iters iterations of fmaFlops independent multiply-adds
	// (flops counted as 2 per lane).
	fma      func(iters int)
	fmaFlops int
	// read reads all of p (len(p) a multiple of readQuantum) and returns
	// the xor of its little-endian 64-bit words.
	read        func(p []byte) uint64
	readQuantum int
}{"generic", fmaLoopGeneric, fmaGenericFlops, readLoopGeneric, 8}

// Probes names the probe loops in use: "avx2", "neon" or "generic".
func Probes() string { return machineProbe.name }

// MeasureFMAPeak runs the FMA probe on threads goroutines at once (each on
// its own OS thread) for about d and returns their combined single-
// precision rate in GFLOP/s.
func MeasureFMAPeak(threads int, d time.Duration) float64 {
	const iters = 1 << 14 // about 10 µs per call at 3 GHz on AVX2
	flopsPerCall := float64(iters) * float64(machineProbe.fmaFlops)
	return parallelRate(threads, d, func() float64 {
		machineProbe.fma(iters)
		return flopsPerCall
	})
}

// MeasureMemRead reads a buffer of size bytes (rounded down to whole
// probe steps; make it several times the last-level cache) on threads
// goroutines, each its own slice of it, for about d and returns the
// combined read bandwidth in GB/s.
func MeasureMemRead(size, threads int, d time.Duration) float64 {
	threads = max(threads, 1)
	q := machineProbe.readQuantum
	part := size / threads / q * q
	if part == 0 {
		return 0
	}
	buf := make([]byte, part*threads)
	for i := range buf {
		buf[i] = byte(i)
	}
	// Calls take the parts in turn, so the whole buffer (larger than the
	// caches) streams through each core.
	var mu sync.Mutex
	var sink uint64
	next := 0
	return parallelRate(threads, d, func() float64 {
		mu.Lock()
		i := next % threads
		next++
		mu.Unlock()
		x := machineProbe.read(buf[i*part : (i+1)*part])
		mu.Lock()
		sink ^= x
		mu.Unlock()
		return float64(part)
	})
}

// MeasureMemCopy copies between two buffers of size bytes on one
// goroutine for about d and returns the bytes copied per second in GB/s
// (the figure memcpy-style benchmarks quote; traffic is twice that).
func MeasureMemCopy(size int, d time.Duration) float64 {
	if size <= 0 {
		return 0
	}
	src, dst := make([]byte, size), make([]byte, size)
	for i := range src {
		src[i] = byte(i)
	}
	return parallelRate(1, d, func() float64 {
		copy(dst, src)
		return float64(size)
	})
}

// parallelRate calls work on threads goroutines (each locked to an OS
// thread) until d has passed (at least once each), after one untimed
// warm-up call each, and returns the summed work per second divided by 1e9.
func parallelRate(threads int, d time.Duration, work func() float64) float64 {
	threads = max(threads, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0.0
	ready := make(chan struct{})
	var start time.Time
	elapsed := time.Duration(0)
	var warm sync.WaitGroup
	warm.Add(threads)
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			work()
			warm.Done()
			<-ready
			// At least one timed call each: a goroutine that starts late
			// on a loaded machine must still count.
			done := work()
			for time.Since(start) < d {
				done += work()
			}
			mu.Lock()
			total += done
			elapsed = max(elapsed, time.Since(start))
			mu.Unlock()
		}()
	}
	warm.Wait()
	start = time.Now()
	close(ready)
	wg.Wait()
	if elapsed <= 0 {
		return 0
	}
	return total / elapsed.Seconds() / 1e9
}
