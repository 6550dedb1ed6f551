package lcrun

import (
	"fmt"
	"testing"
)

// Benchmarks of the vector kernels, one sub-benchmark per implementation
// (impl=generic, impl=avx2, ...) and size, so benchstat can set them side
// by side. Sizes: a 110M-llama row (768), a long FFN row (8192), a long
// attention row (65536, past L1 and L2).

func BenchmarkVector(b *testing.B) {
	r := newRand(9)
	half := make([]uint16, 65536)
	type kernel struct {
		name    string
		slot    slot
		streams int // float32 slices read or written per element
		run     func(x, y, dst []float32)
	}
	kernels := []kernel{
		{"dot", dotK, 2, func(x, y, _ []float32) { Dot(x, y) }},
		{"axpy", axpyK, 3, func(x, y, _ []float32) { Axpy(0.5, x, y) }},
		{"scale", scaleK, 2, func(x, _, _ []float32) { Scale(1.0001, x) }},
		{"add", addK, 3, func(x, y, d []float32) { Add(d, x, y) }},
		{"mul", mulK, 3, func(x, y, d []float32) { Mul(d, x, y) }},
		{"max", maxK, 1, func(x, _, _ []float32) { maxK.fn(x) }},
		{"exp_sum", expSumK, 2, func(x, _, d []float32) { copy(d, x); expSumK.fn(d, 4) }},
		{"rmsnorm", rmsNormK, 4, func(x, y, d []float32) { RMSNorm(d, x, y, 1e-5) }},
		{"silu", siluK, 2, func(x, _, d []float32) { SiLU(d, x) }},
		{"gelu", geluK, 2, func(x, _, d []float32) { GELU(d, x) }},
		{"swiglu", swigluK, 3, func(x, y, d []float32) { SwiGLU(d, x, y) }},
		{"rope", ropeK, 4, func(x, y, d []float32) { RoPE(d, x[:len(x)/2], y[:len(x)/2], false) }},
		{"rope_neox", ropeK, 4, func(x, y, d []float32) { RoPE(d, x[:len(x)/2], y[:len(x)/2], true) }},
		{"f32_to_f16", f32ToF16K, 2, func(x, _, _ []float32) { F32sToF16(half[:len(x)], x) }},
		{"f16_to_f32", f16ToF32K, 2, func(_, _, d []float32) { F16sToF32(d, half[:len(d)]) }},
	}
	for _, k := range kernels {
		for _, n := range []int{768, 8192, 65536} {
			x, y, d := randVec(r, n, 0, 1), randVec(r, n, 0, 1), randVec(r, n, 0, 1)
			for _, impl := range k.slot.implNames() {
				b.Run(fmt.Sprintf("%s/n=%d/impl=%s", k.name, n, impl), func(b *testing.B) {
					defer useKernels(impl)()
					b.SetBytes(int64(4 * n * k.streams))
					for b.Loop() {
						k.run(x, y, d)
					}
					b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
				})
			}
		}
	}
}
