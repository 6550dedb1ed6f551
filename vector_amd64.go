//go:build !purego && !noasm

package lcrun

// AVX2/FMA implementations of the vector slots (vector.go), generated
// into vector_amd64.s by asm/vector.go. Each doc comment is the Go loop
// the function computes; sums may be reordered (8-lane accumulators) and
// a*b+c fused, as the slots allow.

func init() {
	if !cpu.AVX2FMA {
		return
	}
	dotK.register("avx2", dotAVX2)
	axpyK.register("avx2", axpyAVX2)
	scaleK.register("avx2", scaleAVX2)
	addK.register("avx2", addAVX2)
	mulK.register("avx2", mulAVX2)
	maxK.register("avx2", maxAVX2)
	expSumK.register("avx2", expSumAVX2)
	rmsNormK.register("avx2", rmsNormAVX2)
	siluK.register("avx2", siluAVX2)
	geluK.register("avx2", geluAVX2)
	swigluK.register("avx2", swigluAVX2)
	ropeK.register("avx2", ropeAVX2)
	f16ToF32K.register("avx2", f16ToF32AVX2)
	f32ToF16K.register("avx2", f32ToF16AVX2)
}

// dotAVX2 computes, with y at least as long as x:
//
//	for i := range x { s += x[i] * y[i] }; return s
//
//go:noescape
func dotAVX2(x, y []float32) float32

// axpyAVX2 computes, with y at least as long as x:
//
//	for i := range x { y[i] += a * x[i] }
//
//go:noescape
func axpyAVX2(a float32, x, y []float32)

// scaleAVX2 computes
//
//	for i := range x { x[i] *= a }
//
//go:noescape
func scaleAVX2(a float32, x []float32)

// addAVX2 computes, with x and y at least as long as dst:
//
//	for i := range dst { dst[i] = x[i] + y[i] }
//
//go:noescape
func addAVX2(dst, x, y []float32)

// mulAVX2 computes, with x and y at least as long as dst:
//
//	for i := range dst { dst[i] = x[i] * y[i] }
//
//go:noescape
func mulAVX2(dst, x, y []float32)

// maxAVX2 computes
//
//	m := float32(math.Inf(-1))
//	for _, v := range x { if v > m { m = v } }
//	return m
//
//go:noescape
func maxAVX2(x []float32) float32

// expSumAVX2 computes, with expf as in exp_generic.go (within 2 ulp):
//
//	for i := range x { x[i] = expf(x[i] - m); s += x[i] }; return s
//
//go:noescape
func expSumAVX2(x []float32, m float32) float32

// rmsNormAVX2 computes, for len(x) > 0, dst and w (unless empty) as long
// as x:
//
//	for _, v := range x { sum += float64(v * v) }
//	s := 1 / float32(math.Sqrt(float64(float32(sum/float64(len(x))) + eps)))
//	for i, v := range x { dst[i] = (v * s) * w[i] } // v * s when len(w) == 0
//
//go:noescape
func rmsNormAVX2(dst, x, w []float32, eps float32)

// siluAVX2 computes, with x at least as long as dst:
//
//	for i := range dst { dst[i] = x[i] / (1 + expf(-x[i])) }
//
//go:noescape
func siluAVX2(dst, x []float32)

// geluAVX2 computes, with x at least as long as dst:
//
//	for i := range dst { dst[i] = gelu(x[i]) } // gelu as in vector_generic.go
//
//go:noescape
func geluAVX2(dst, x []float32)

// swigluAVX2 computes, with gate and up at least as long as dst:
//
//	for i := range dst { dst[i] = gate[i] / (1 + expf(-gate[i])) * up[i] }
//
//go:noescape
func swigluAVX2(dst, gate, up []float32)

// ropeAVX2 computes, with m = len(cos) <= len(sin) and 2*m <= len(x):
//
//	a, b := 2*i, 2*i+1 // neox: a, b := i, i+m
//	for i := 0; i < m; i++ {
//		x0, x1 := x[a], x[b]
//		x[a] = x0*cos[i] - x1*sin[i]
//		x[b] = x0*sin[i] + x1*cos[i]
//	}
//
//go:noescape
func ropeAVX2(x, cos, sin []float32, neox bool)

// f16ToF32AVX2 computes, with src at least as long as dst:
//
//	for i := range dst { dst[i] = F16ToF32(src[i]) }
//
// except that a signalling NaN comes out quiet (VCVTPH2PS sets the quiet bit).
//
//go:noescape
func f16ToF32AVX2(dst []float32, src []uint16)

// f32ToF16AVX2 computes, with src at least as long as dst:
//
//	for i := range dst { dst[i] = F32ToF16(src[i]) }
//
//go:noescape
func f32ToF16AVX2(dst []uint16, src []float32)
