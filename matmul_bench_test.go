package lcrun

import (
	"fmt"
	"testing"

	"github.com/lcrun/lcrun/internal/machine"
)

// Benchmarks of MatMul per weight type and implementation
// (impl=generic, impl=avx2, ...): the GEMM of the peak figure
// (1024^3, one thread), the prefill shape of a 110M llama (768x768 weights
// by 512 tokens), the 4096x4096 decode GEMV of the issue (its quantised
// forms fit in a 32 MiB L3) and a 16384x4096 one that streams from DRAM;
// their GB/s (weight bytes read per second) is to be read against
// BenchmarkMemRead and BenchmarkMemCopy.

func BenchmarkMatMul(b *testing.B) {
	type shape struct {
		name             string
		rows, cols, n, t int
		types            []DType
	}
	all := []DType{F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q5_K, TQ1_0, TQ2_0, IQ4_NL, IQ4_XS, MXFP4}
	shapes := []shape{
		{"gemm1024", 1024, 1024, 1024, 1, []DType{F32, F16, Q8_0, Q4_0}},
		{"prefill768x512", 768, 768, 512, 1, all},
		{"gemv4096", 4096, 4096, 1, 1, all},
		{"gemv4096", 4096, 4096, 1, 2, all},
		{"gemv16384x4096", 16384, 4096, 1, 1, []DType{Q8_0, Q4_0}},
		{"gemv16384x4096", 16384, 4096, 1, 2, []DType{Q8_0, Q4_0}},
	}
	r := newRand(11)
	for _, sh := range shapes {
		x := randVec(r, sh.n*sh.cols, 0, 1)
		dst := make([]float32, sh.n*sh.rows)
		for _, typ := range sh.types {
			// Made by the first sub-benchmark the -bench pattern selects,
			// so filtered-out shapes cost nothing.
			var w Matrix
			for _, impl := range matmulSlot(typ).implNames() {
				name := fmt.Sprintf("%s/%v/t=%d/impl=%s", sh.name, typ, sh.t, impl)
				b.Run(name, func(b *testing.B) {
					if w.Data == nil {
						w, _ = randMatrix(b, r, typ, sh.rows, sh.cols, 0)
					}
					defer useKernels(impl)()
					p := NewPool(sh.t)
					defer p.Close()
					b.SetBytes(int64(len(w.Data)))
					clock := machine.StartCPUClock(b)
					calls := 0
					for b.Loop() {
						p.MatMul(dst, w, x, sh.n)
						calls++
					}
					gflop := 2 * float64(sh.rows*sh.cols*sh.n) * float64(calls) / 1e9
					b.ReportMetric(gflop/b.Elapsed().Seconds(), "GFLOP/s")
					if sh.t == 1 {
						clock.Report(b, gflop, "GFLOP/cpu-s")
						clock.Report(b, float64(len(w.Data))*float64(calls)/1e9, "GB/cpu-s")
					}
				})
			}
		}
	}
}

// matmulSlot is the tile slot MatMul uses for weights of type t (the float
// tile for types that are dequantised first), for benchmarking only the
// implementations it has.
func matmulSlot(t DType) slot {
	switch t {
	case F32:
		return matmulF32K
	case F16:
		return matmulF16K
	case BF16:
		return matmulBF16K
	case Q8_0:
		return matmulQ8_0K
	case Q4_0:
		return matmulQ4_0K
	case Q4_K:
		return matmulQ4_KK
	case Q6_K:
		return matmulQ6_KK
	}
	if hasQuantTile(t) {
		return quantSlots[t].slot
	}
	return matmulF32K
}
