package lcrun

import (
	"encoding/binary"
	"math"
)

// Q8_0 and Q8_1: 32 int8 values and an f16 scale per block.

func dequantQ8_0(dst []float32, src []byte) { dequantInt8x32(dst, src, BlockQ8_0Bytes, Q8_0OffQs) }

func dequantQ8_1(dst []float32, src []byte) { dequantInt8x32(dst, src, BlockQ8_1Bytes, Q8_1OffQs) }

// dequantInt8x32 expands blocks of an f16 d at offset 0 and 32 int8 q at
// offQs (Q8_0, Q8_1): x = q*d.
func dequantInt8x32(dst []float32, src []byte, blockBytes, offQs int) {
	for i := range len(dst) / QK {
		b := src[i*blockBytes : (i+1)*blockBytes]
		y := dst[i*QK : (i+1)*QK]
		d := f16At(b)
		qs := b[offQs : offQs+QK]
		for j := range y {
			y[j] = float32(int8(qs[j])) * d
		}
	}
}

// QuantizeRowQ8_0 quantises x (a multiple of 32 values) into Q8_0 blocks
// at the start of dst, exactly as ggml's quantize_row_q8_0_ref: d =
// amax/127 (stored as f16), q = roundf(x * (1/d)) with ties away from
// zero. This is what llama.cpp writes into Q8_0 model files and what it
// quantises activations with on CPUs without a SIMD version (its arm64
// NEON version uses the same scale but rounds ties to even).
//
// Non-finite input: a block holding ±Inf gets d = Inf and all q = 0 (x*0
// and Inf*0 = NaN both convert to 0, as on x86-64), so the whole block
// dequantises to NaN. A NaN is dropped from amax unless it is the last
// value of the block (C's MAX(a, b) keeps b when the comparison fails);
// its own q is 0.
//
// It allocates nothing and panics if len(x) is not a multiple of 32 or dst
// is shorter than len(x)/32*34 bytes.
func QuantizeRowQ8_0(dst []byte, x []float32) {
	if len(x)%QK != 0 {
		panic("lcrun: QuantizeRowQ8_0: length is not a multiple of 32")
	}
	nb := len(x) / QK
	dst = dst[:nb*BlockQ8_0Bytes]
	for i := range nb {
		xb := x[i*QK : (i+1)*QK]
		b := dst[i*BlockQ8_0Bytes : (i+1)*BlockQ8_0Bytes]
		d, _ := quantInt8x32(b[Q8_0OffQs:Q8_0OffQs+QK], xb)
		putF16(b[Q8_0OffD:], d)
	}
}

// quantInt8x32 is the body of ggml's Q8_0/Q8_1 reference quantisers for
// one block: it writes the 32 q and returns d (not yet rounded to f16) and
// the sum of the q.
func quantInt8x32(qs []byte, xb []float32) (d float32, sum int32) {
	qs, xb = qs[:QK], xb[:QK]
	var amax float32
	for _, v := range xb {
		amax = cMax(amax, absf(v))
	}
	d = amax / 127
	id := inverse(d)
	for j, v := range xb {
		q := roundAwayInt8(v * id)
		qs[j] = byte(q)
		sum += int32(q)
	}
	return d, sum
}

// QuantizeRowQ8_0Even is the Q8_0 activation quantiser of llama.cpp's
// x86 AVX/AVX2 build (ggml-cpu quantize_row_q8_0): it scales by
// 127/amax rather than 1/(amax/127) and rounds ties to even
// (VROUNDPS/VCVTPS2DQ), saturating to int8. d is stored as
// f16(amax/127), the same as QuantizeRowQ8_0. The two differ only where
// x*127/amax lands on, or within a rounding of the scale from, a half
// integer (about 3 values in a million on random data); llama.cpp's golden
// outputs on x86 were computed with this one. Checked once byte for byte
// against that AVX2 code, ties included.
// SIMD kernels that quantise activations with VROUNDPS or FCVTNS are
// twins of this function. NaN inputs are not matched lane for lane: here a
// NaN is ignored by amax and its q saturates to -128.
//
// Same length rules as QuantizeRowQ8_0; it allocates nothing.
func QuantizeRowQ8_0Even(dst []byte, x []float32) {
	if len(x)%QK != 0 {
		panic("lcrun: QuantizeRowQ8_0Even: length is not a multiple of 32")
	}
	nb := len(x) / QK
	dst = dst[:nb*BlockQ8_0Bytes]
	for i := range nb {
		xb := x[i*QK : (i+1)*QK]
		b := dst[i*BlockQ8_0Bytes : (i+1)*BlockQ8_0Bytes]
		d, _ := quantEvenInt8x32(b[Q8_0OffQs:Q8_0OffQs+QK], xb)
		putF16(b[Q8_0OffD:], d)
	}
}

// quantEvenInt8x32 is the body of the x86 build's Q8_0/Q8_1 activation
// quantisers for one block: it writes the 32 q (127/amax, ties to even,
// saturated) and returns d = amax/127 (not yet rounded to f16) and the
// sum of the q as the x86 code forms it, of the int32 values before their
// saturation to int8 (VCVTPS2DQ's), wrapping: the same sum for finite
// input.
func quantEvenInt8x32(qs []byte, xb []float32) (d float32, sum int32) {
	qs, xb = qs[:QK], xb[:QK]
	var amax float32
	for _, v := range xb {
		if a := absf(v); a > amax {
			amax = a
		}
	}
	var id float32
	if amax != 0 {
		id = 127 / amax
	}
	for j, v := range xb {
		c := cvtPS2DQ(math.RoundToEven(float64(v * id)))
		qs[j] = byte(packInt8(c))
		sum += c
	}
	return amax / 127, sum
}

// quantizeRowQ8_1Even is the Q8_1 activation quantiser of llama.cpp's x86
// AVX2 build (ggml-cpu quantize_row_q8_1), which its Q4_1 and Q5_1 dot
// products take: the q and d of QuantizeRowQ8_0Even, and s =
// f16(d*sum(q)) with d = amax/127 before its rounding to f16 and the sum
// as quantEvenInt8x32 forms it. (quantQ8_1, the codec, is the reference
// quantize_row_q8_1_ref instead: 1/d and ties away from zero.)
//
// len(x) must be a multiple of 32 and dst at least len(x)/32*36 bytes.
func quantizeRowQ8_1Even(dst []byte, x []float32) {
	for i := range len(x) / QK {
		b := dst[i*BlockQ8_1Bytes : (i+1)*BlockQ8_1Bytes]
		d, sum := quantEvenInt8x32(b[Q8_1OffQs:Q8_1OffQs+QK], x[i*QK:(i+1)*QK])
		putF16(b[Q8_1OffD:], d)
		putF16(b[Q8_1OffS:], float32(sum)*d)
	}
}

// cvtPS2DQ is VCVTPS2DQ of an already rounded value: NaN and values out
// of int32's range (either sign: x*id is +-Inf when amax is subnormal and
// 127/amax overflows) become math.MinInt32, the integer indefinite.
func cvtPS2DQ(r float64) int32 {
	if r != r || r < math.MinInt32 || r >= 1<<31 {
		return math.MinInt32
	}
	return int32(r)
}

// packInt8 is what VPACKSSDW followed by VPACKSSWB make of an int32:
// clamped to int8.
func packInt8(c int32) int8 { return int8(max(-128, min(127, c))) }

// quantQ8_1 follows ggml's quantize_row_q8_1_ref: Q8_0's quantisation plus
// s = f16(sum(q) * d).
func quantQ8_1(dst []byte, src []float32) {
	for i := range len(src) / QK {
		b := dst[i*BlockQ8_1Bytes : (i+1)*BlockQ8_1Bytes]
		d, sum := quantInt8x32(b[Q8_1OffQs:Q8_1OffQs+QK], src[i*QK:(i+1)*QK])
		putF16(b[Q8_1OffD:], d)
		putF16(b[Q8_1OffS:], float32(sum)*d)
	}
}

func dequantQ8_K(dst []float32, src []byte) {
	for i := range len(dst) / QKK {
		b := src[i*BlockQ8_KBytes : (i+1)*BlockQ8_KBytes]
		y := dst[i*QKK : (i+1)*QKK]
		d := math.Float32frombits(binary.LittleEndian.Uint32(b[Q8_KOffD:]))
		qs := b[Q8_KOffQs : Q8_KOffQs+QKK]
		for j := range y {
			y[j] = d * float32(int8(qs[j]))
		}
	}
}

// QuantizeRowQ8_K quantises x (a multiple of 256 values) into Q8_K blocks
// at the start of dst exactly as ggml's quantize_row_q8_K_ref, which is
// also llama.cpp's activation quantiser for K-quant dot products on x86
// and arm64: with max the value of largest magnitude (the first one on
// ties), iscale = -127/max, q = min(127, nearest_int(iscale*x)) (ties to
// even), d = 1/iscale stored as float32, and bsums[k] = sum of q[16k..16k+15].
// An all-zero block gets d = 0, q = 0 and bsums = 0 (ggml leaves bsums
// unwritten there; they are zero for us).
//
// Non-finite input: a block holding ±Inf gets iscale = ∓0, so d = ∓Inf
// and every q = 0 (nearest_int of ±0 and of the NaN that Inf*0 gives is
// 0): the whole block dequantises to NaN. NaNs are ignored by the search
// for max; a block of only NaNs and zeros is quantised as all zero.
//
// It allocates nothing and panics if len(x) is not a multiple of 256 or
// dst is shorter than len(x)/256*292 bytes.
func QuantizeRowQ8_K(dst []byte, x []float32) {
	if len(x)%QKK != 0 {
		panic("lcrun: QuantizeRowQ8_K: length is not a multiple of 256")
	}
	nb := len(x) / QKK
	dst = dst[:nb*BlockQ8_KBytes]
	for i := range nb {
		xb := x[i*QKK : (i+1)*QKK]
		b := dst[i*BlockQ8_KBytes : (i+1)*BlockQ8_KBytes]
		qs := b[Q8_KOffQs : Q8_KOffQs+QKK]
		bsums := b[Q8_KOffBsums : Q8_KOffBsums+QKK/16*2]
		max, amax := signedAbsMax(xb)
		if amax == 0 {
			clear(b)
			continue
		}
		iscale := -127 / max
		for j, v := range xb {
			qs[j] = byte(int8(min(127, nearestInt(float32(iscale*v)))))
		}
		for k := range QKK / 16 {
			var sum int16
			for _, q := range qs[16*k : 16*k+16] {
				sum += int16(int8(q))
			}
			binary.LittleEndian.PutUint16(bsums[2*k:], uint16(sum))
		}
		binary.LittleEndian.PutUint32(b[Q8_KOffD:], math.Float32bits(1/iscale))
	}
}
