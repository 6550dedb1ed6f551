package lcrun

import "math"

// Vector kernels: the exported API checks lengths once and calls a slot.
// Each slot's doc comment is the Go loop it computes; an implementation
// may reorder the sums (several accumulators, FMA), nothing else. Slots
// are always called with the lengths already checked as stated.

// dotK: dot(x, y) = sum_i x[i]*y[i], len(x) == len(y).
var dotK = newKernel("dot", dotGeneric)

// axpyK: y[i] += a*x[i], len(x) == len(y).
var axpyK = newKernel("axpy", axpyGeneric)

// scaleK: x[i] *= a.
var scaleK = newKernel("scale", scaleGeneric)

// addK: dst[i] = x[i] + y[i]; mulK: dst[i] = x[i] * y[i]; all three of
// the same length (dst may alias x or y).
var (
	addK = newKernel("add", addGeneric)
	mulK = newKernel("mul", mulGeneric)
)

// maxK: the largest x[i], or -Inf for an empty x; NaN entries are
// skipped (comparisons with NaN are false): m = -Inf; if x[i] > m { m = x[i] }.
var maxK = newKernel("max", maxGeneric)

// expSumK: x[i] = exp(x[i] - m) for every i, returning the float32 sum of
// the new values. exp must be within 2 ulp of the true value (expf in
// exp_generic.go is the reference), exp(-Inf) = 0 and NaN stays NaN.
var expSumK = newKernel("exp_sum", expSumGeneric)

// rmsNormK: sum = float64 sum of float32 squares x[i]*x[i];
// s = float32(1/sqrt(float32(sum/n) + eps)) computed in float32;
// dst[i] = (x[i]*s)*w[i], or x[i]*s when w is nil. len(x) == len(dst) ==
// len(w) (when not nil). n > 0.
var rmsNormK = newKernel("rmsnorm", rmsNormGeneric)

// siluK: dst[i] = x[i] / (1 + exp(-x[i])).
// geluK: dst[i] = 0 for x <= -10, x for x >= 10, else
// 0.5*x*(1 + tanh(sqrt(2/pi)*x*(1 + 0.044715*x*x))).
// swigluK: dst[i] = silu(gate[i]) * up[i].
var (
	siluK   = newKernel("silu", siluGeneric)
	geluK   = newKernel("gelu", geluGeneric)
	swigluK = newKernel("swiglu", swigluGeneric)
)

// ropeK rotates pairs of x by the angles whose cos/sin are given,
// m = len(cos) == len(sin), len(x) >= 2*m:
//
//	normal: (x[2i], x[2i+1]); neox: (x[i], x[i+m]), for i < m:
//	x0, x1 := x[a], x[b]
//	x[a] = x0*cos[i] - x1*sin[i]
//	x[b] = x0*sin[i] + x1*cos[i]
var ropeK = newKernel("rope", ropeGeneric)

// f16ToF32K: dst[i] = F16ToF32(src[i]); f32ToF16K: dst[i] = F32ToF16(src[i])
// (round to nearest even); same lengths.
var (
	f16ToF32K = newKernel("f16_to_f32", f16ToF32Generic)
	f32ToF16K = newKernel("f32_to_f16", f32ToF16Generic)
)

func mustSameLen(op string, n ...int) {
	for _, m := range n[1:] {
		if m != n[0] {
			panic("lcrun: " + op + ": slices of different lengths")
		}
	}
}

// Dot returns the dot product of x and y (same length).
func Dot(x, y []float32) float32 {
	mustSameLen("Dot", len(x), len(y))
	return dotK.fn(x, y)
}

// Axpy adds a*x to y (same length).
func Axpy(a float32, x, y []float32) {
	mustSameLen("Axpy", len(x), len(y))
	axpyK.fn(a, x, y)
}

// Scale multiplies x by a in place.
func Scale(a float32, x []float32) { scaleK.fn(a, x) }

// Add sets dst = x + y elementwise (same lengths; dst may be x or y).
func Add(dst, x, y []float32) {
	mustSameLen("Add", len(dst), len(x), len(y))
	addK.fn(dst, x, y)
}

// Mul sets dst = x * y elementwise (same lengths; dst may be x or y).
func Mul(dst, x, y []float32) {
	mustSameLen("Mul", len(dst), len(x), len(y))
	mulK.fn(dst, x, y)
}

// RMSNorm sets dst = x / sqrt(mean(x^2) + eps) * w with llama.cpp's
// numerics: squares summed in float64, the scale computed in float32 and
// applied before the weight. w may be nil (no weight). dst may be x.
func RMSNorm(dst, x, w []float32, eps float32) {
	if w != nil {
		mustSameLen("RMSNorm", len(dst), len(x), len(w))
	} else {
		mustSameLen("RMSNorm", len(dst), len(x))
	}
	if len(x) == 0 {
		return
	}
	rmsNormK.fn(dst, x, w, eps)
}

// Softmax replaces x by exp(x - max) / sum, in place. -Inf entries get
// probability 0; a row of only -Inf (a query that sees no key) becomes all
// zeros rather than NaN. A NaN anywhere, or a +Inf, makes the row NaN.
func Softmax(x []float32) {
	m := maxK.fn(x)
	if math.IsInf(float64(m), -1) { // empty, all -Inf, or only NaN and -Inf
		if hasNaN(x) {
			for i := range x {
				x[i] = float32(math.NaN())
			}
		} else {
			clear(x)
		}
		return
	}
	sum := expSumK.fn(x, m)
	scaleK.fn(1/sum, x)
}

func hasNaN(x []float32) bool {
	for _, v := range x {
		if v != v {
			return true
		}
	}
	return false
}

// SiLU sets dst = x * sigmoid(x) (same length; dst may be x).
func SiLU(dst, x []float32) {
	mustSameLen("SiLU", len(dst), len(x))
	siluK.fn(dst, x)
}

// GELU sets dst = gelu(x), ggml's tanh approximation (same length).
func GELU(dst, x []float32) {
	mustSameLen("GELU", len(dst), len(x))
	geluK.fn(dst, x)
}

// SwiGLU sets dst = silu(gate) * up (same lengths; dst may alias either).
func SwiGLU(dst, gate, up []float32) {
	mustSameLen("SwiGLU", len(dst), len(gate), len(up))
	swigluK.fn(dst, gate, up)
}

// RoPE rotates one head x in place by the angles whose cosines and sines
// are cos and sin (len(cos) == len(sin) = n/2 for n rotated dimensions):
// pairs (2i, 2i+1) in normal (llama) mode, (i, i+n/2) in neox mode.
// Dimensions from n on are left untouched.
func RoPE(x, cos, sin []float32, neox bool) {
	mustSameLen("RoPE", len(cos), len(sin))
	if 2*len(cos) > len(x) {
		panic("lcrun: RoPE: more angles than pairs in x")
	}
	ropeK.fn(x, cos, sin, neox)
}

// F16sToF32 widens src into dst (same length).
func F16sToF32(dst []float32, src []uint16) {
	mustSameLen("F16sToF32", len(dst), len(src))
	f16ToF32K.fn(dst, src)
}

// F32sToF16 narrows src into dst (same length), rounding to nearest even.
func F32sToF16(dst []uint16, src []float32) {
	mustSameLen("F32sToF16", len(dst), len(src))
	f32ToF16K.fn(dst, src)
}
