//go:build !purego && !noasm

package machine

import (
	"testing"
)

// The machine's limits, for reading the kernel benchmarks against:
// BenchmarkFMAPeak is one core's FMA throughput (GFLOP/s; /32 gives the
// clock in GHz on cores with two 256-bit FMA pipes), BenchmarkMemCopy and
// BenchmarkMemRead the memory bandwidth a GEMV streaming its weights can
// at best reach.

// requireAVX2 skips where the probes cannot run.
func requireAVX2(b testing.TB) {
	b.Helper()
	if !cpu.AVX2FMA {
		b.Skip("CPU lacks AVX2/FMA/F16C")
	}
}

func BenchmarkFMAPeak(b *testing.B) {
	requireAVX2(b)
	const iters = 1 << 20
	clock := StartCPUClock(b)
	calls := 0
	for b.Loop() {
		fmaLoopAVX2(iters)
		calls++
	}
	gflop := float64(calls) * iters * 12 * 8 * 2 / 1e9
	b.ReportMetric(gflop/b.Elapsed().Seconds(), "GFLOP/s")
	clock.Report(b, gflop, "GFLOP/cpu-s")
}

// bandwidthBytes is far larger than the last-level cache.
const bandwidthBytes = 256 << 20

func BenchmarkMemCopy(b *testing.B) {
	src, dst := make([]byte, bandwidthBytes), make([]byte, bandwidthBytes)
	for i := range src {
		src[i] = byte(i)
	}
	b.SetBytes(bandwidthBytes)
	clock := StartCPUClock(b)
	calls := 0
	for b.Loop() {
		copy(dst, src)
		calls++
	}
	clock.Report(b, float64(calls)*bandwidthBytes/1e9, "GB/cpu-s")
}

func BenchmarkMemRead(b *testing.B) {
	requireAVX2(b)
	src := make([]byte, bandwidthBytes)
	for i := range src {
		src[i] = byte(i)
	}
	b.SetBytes(bandwidthBytes)
	var sink uint64
	clock := StartCPUClock(b)
	calls := 0
	for b.Loop() {
		sink ^= readLoopAVX2(src)
		calls++
	}
	clock.Report(b, float64(calls)*bandwidthBytes/1e9, "GB/cpu-s")
	_ = sink
}

func TestReadLoopAVX2(t *testing.T) {
	requireAVX2(t)
	p := make([]byte, 4096)
	for i := range p {
		p[i] = byte(i * 7)
	}
	var want uint64
	for i := 0; i < len(p); i += 8 {
		var w uint64
		for j := 7; j >= 0; j-- {
			w = w<<8 | uint64(p[i+j])
		}
		want ^= w
	}
	if got := readLoopAVX2(p); got != want {
		t.Fatalf("readLoopAVX2 = %#x, want %#x", got, want)
	}
}
