package lcrun

import (
	"encoding/binary"
	"math"
)

// Scalar helpers shared by the quantisers. They pin down C semantics that
// Go leaves to the platform, so that our quantisers give the same bytes on
// amd64 and arm64 and the same bytes as ggml's C on x86-64.

// f16At reads the binary16 value at b[0:2] as float32.
func f16At(b []byte) float32 { return F16ToF32(binary.LittleEndian.Uint16(b)) }

// putF16 stores f rounded to binary16 at b[0:2].
func putF16(b []byte, f float32) { binary.LittleEndian.PutUint16(b, F32ToF16(f)) }

// nearestInt is ggml's nearest_int: it adds 1.5*2^23 so that the float32
// addition rounds to an integer (ties to even) and reads the integer back
// from the mantissa. For |f| <= 2^22 that is round-half-even; beyond that,
// and for NaN and Inf, it returns whatever the mantissa holds, as ggml
// does. Callers pass float32(a*b) so that no fused multiply-add merges the
// caller's product into this addition.
func nearestInt(f float32) int32 {
	v := f + 12582912
	return int32(math.Float32bits(v)&0x007fffff) - 0x00400000
}

// cInt32 converts like x86-64's CVTTSS2SI, which is what C's (int)f
// compiles to there: truncation toward zero, and the "integer indefinite"
// value math.MinInt32 for NaN and for values out of int32 range. Go's own
// conversion of such values differs between architectures.
func cInt32(f float32) int32 {
	if f >= -2147483648.0 && f < 2147483648.0 { // false for NaN
		return int32(f)
	}
	return math.MinInt32
}

// cInt8 is C's (int8_t)f on x86-64: the low byte of cInt32.
func cInt8(f float32) int8 { return int8(cInt32(f)) }

// roundAwayInt8 is C's (int8_t)roundf(f) on x86-64: round half away from
// zero, then the low byte of CVTTSS2SI. It avoids math.Round, which is not
// an intrinsic, because Q8_0 activation quantisation calls it per value.
func roundAwayInt8(f float32) int8 {
	if !(f > -(1<<23) && f < 1<<23) {
		// NaN, ±Inf, or so large that f is already an integer.
		return cInt8(f)
	}
	r := float32(int32(f)) // truncated; f - r is exact
	if f-r >= 0.5 {
		r++
	} else if r-f >= 0.5 {
		r--
	}
	return int8(int32(r))
}

// cMax is C's MAX(a, b) macro, a > b ? a : b, whose NaN behaviour (a NaN b
// is returned, a NaN a is dropped) the reference quantisers inherit.
func cMax(a, b float32) float32 {
	if a > b {
		return a
	}
	return b
}

// absf clears the sign bit (C's fabsf).
func absf(f float32) float32 {
	return math.Float32frombits(math.Float32bits(f) &^ (1 << 31))
}
