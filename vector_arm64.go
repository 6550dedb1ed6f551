//go:build !purego && !noasm

package lcrun

// NEON implementations of the vector slots (vector.go), hand-written in
// vector_arm64.s. Each doc comment is the Go loop the function computes;
// sums may be reordered (4-lane accumulators) and a*b+c fused, as the
// slots allow.

func init() {
	if !cpu.ASIMD {
		return
	}
	dotK.register("neon", dotNEON)
	axpyK.register("neon", axpyNEON)
	scaleK.register("neon", scaleNEON)
	addK.register("neon", addNEON)
	mulK.register("neon", mulNEON)
	maxK.register("neon", maxNEON)
	expSumK.register("neon", expSumNEON)
	rmsNormK.register("neon", rmsNormNEON)
	siluK.register("neon", siluNEON)
	geluK.register("neon", geluNEON)
	swigluK.register("neon", swigluNEON)
	ropeK.register("neon", ropeNEON)
	f16ToF32K.register("neon", f16ToF32NEON)
	f32ToF16K.register("neon", f32ToF16NEON)
}

// dotNEON computes, with y at least as long as x:
//
//	for i := range x { s += x[i] * y[i] }; return s
//
//go:noescape
func dotNEON(x, y []float32) float32

// axpyNEON computes, with y at least as long as x:
//
//	for i := range x { y[i] += a * x[i] }
//
//go:noescape
func axpyNEON(a float32, x, y []float32)

// scaleNEON computes
//
//	for i := range x { x[i] *= a }
//
//go:noescape
func scaleNEON(a float32, x []float32)

// addNEON computes, with x and y at least as long as dst:
//
//	for i := range dst { dst[i] = x[i] + y[i] }
//
//go:noescape
func addNEON(dst, x, y []float32)

// mulNEON computes, with x and y at least as long as dst:
//
//	for i := range dst { dst[i] = x[i] * y[i] }
//
//go:noescape
func mulNEON(dst, x, y []float32)

// maxNEON computes
//
//	m := float32(math.Inf(-1))
//	for _, v := range x { if v > m { m = v } }
//	return m
//
//go:noescape
func maxNEON(x []float32) float32

// expSumNEON computes, with expf as in exp_generic.go (within 2 ulp):
//
//	for i := range x { x[i] = expf(x[i] - m); s += x[i] }; return s
//
//go:noescape
func expSumNEON(x []float32, m float32) float32

// rmsNormNEON computes, for len(x) > 0, dst and w (unless empty) as long
// as x:
//
//	for _, v := range x { sum += float64(v * v) }
//	s := 1 / float32(math.Sqrt(float64(float32(sum/float64(len(x))) + eps)))
//	for i, v := range x { dst[i] = (v * s) * w[i] } // v * s when len(w) == 0
//
//go:noescape
func rmsNormNEON(dst, x, w []float32, eps float32)

// siluNEON computes, with x at least as long as dst:
//
//	for i := range dst { dst[i] = x[i] / (1 + expf(-x[i])) }
//
//go:noescape
func siluNEON(dst, x []float32)

// geluNEON computes, with x at least as long as dst:
//
//	for i := range dst { dst[i] = gelu(x[i]) } // gelu as in vector_generic.go
//
//go:noescape
func geluNEON(dst, x []float32)

// swigluNEON computes, with gate and up at least as long as dst:
//
//	for i := range dst { dst[i] = gate[i] / (1 + expf(-gate[i])) * up[i] }
//
//go:noescape
func swigluNEON(dst, gate, up []float32)

// ropeNEON computes, with m = len(cos) <= len(sin) and 2*m <= len(x):
//
//	a, b := 2*i, 2*i+1 // neox: a, b := i, i+m
//	for i := 0; i < m; i++ {
//		x0, x1 := x[a], x[b]
//		x[a] = x0*cos[i] - x1*sin[i]
//		x[b] = x0*sin[i] + x1*cos[i]
//	}
//
//go:noescape
func ropeNEON(x, cos, sin []float32, neox bool)

// f16ToF32NEON computes, with src at least as long as dst:
//
//	for i := range dst { dst[i] = F16ToF32(src[i]) }
//
// except that a signalling NaN comes out quiet (FCVTL sets the quiet bit).
//
//go:noescape
func f16ToF32NEON(dst []float32, src []uint16)

// f32ToF16NEON computes, with src at least as long as dst:
//
//	for i := range dst { dst[i] = F32ToF16(src[i]) }
//
//go:noescape
func f32ToF16NEON(dst []uint16, src []float32)
