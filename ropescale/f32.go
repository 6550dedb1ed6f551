package ropescale

import "math"

// Single-precision arithmetic as llama.cpp's CPU backend does it.
//
// ggml computes RoPE angles in C float: powf, logf, cosf, sinf and the
// products between them are each rounded to float32. Go's float32 operators
// already round every +, -, *, / to float32 (the conversions below also stop
// the compiler from fusing x*y+z into one FMA, which it may do on arm64); the
// library functions are evaluated in float64 and rounded once. glibc's
// single-precision functions are correctly rounded in practice, and so is a
// float64 result rounded to float32 except when the exact value lies within
// about 2^-29 relative of a float32 rounding boundary, which the golden tests
// show does not happen at the positions and dimensions that matter.

// powf is C's powf(x, y) on float32 arguments.
func powf(x, y float32) float32 { return float32(math.Pow(float64(x), float64(y))) }

// logf is C's logf.
func logf(x float32) float32 { return float32(math.Log(float64(x))) }

// cosSinf returns C's cosf(x) and sinf(x).
func cosSinf(x float32) (c, s float32) {
	sd, cd := math.Sincos(float64(x))
	return float32(cd), float32(sd)
}

// fmaf is C's fmaf(a, b, c): a*b+c with a single rounding to float32.
//
// The product of two float32 values is exact in float64 (48 significant
// bits), so the only inexact step is the float64 sum, and rounding that sum
// again to float32 gives the correctly rounded fmaf unless the float64 sum
// landed exactly on a float32 halfway point while the exact sum did not (then
// round-half-even may go the wrong way). That case is detected with the exact
// error of the float64 addition (Knuth's TwoSum) and resolved towards the
// side the exact sum lies on.
func fmaf(a, b, c float32) float32 {
	p := float64(float64(a) * float64(b)) // exact; the conversion keeps it a separate product
	cc := float64(c)
	s := p + cc
	r := float32(s)
	if math.IsInf(s, 0) || math.IsNaN(s) || float64(r) == s {
		return r
	}
	// TwoSum: err = (p + cc) - s exactly. Each line is one rounded operation;
	// none of them is a product, so nothing can be fused.
	bv := s - p
	av := s - bv
	err := (p - av) + (cc - bv)
	if err == 0 {
		return r
	}
	lo, hi := r, r
	if float64(r) < s {
		hi = math.Nextafter32(r, float32(math.Inf(1)))
	} else {
		lo = math.Nextafter32(r, float32(math.Inf(-1)))
	}
	if s-float64(lo) != float64(hi)-s {
		return r // not a halfway case: the second rounding agrees with the first
	}
	if err > 0 {
		return hi
	}
	return lo
}
