package lcrun

import "encoding/binary"

// Q4_0, Q4_1, Q5_0, Q5_1: 32 values per block, packed as nibbles (value j
// in the low nibble of byte j, value j+16 in its high nibble), plus a
// fifth bit per value in a 32-bit word for the Q5 types.
//
// The quantisers follow ggml's quantize_row_*_ref operation for operation,
// with every product rounded to float32 before the following addition (C
// compiled without FP contraction, as ggml-base is built).

func dequantQ4_0(dst []float32, src []byte) {
	for i := range len(dst) / QK {
		b := src[i*BlockQ4_0Bytes : (i+1)*BlockQ4_0Bytes]
		y := dst[i*QK : (i+1)*QK]
		d := f16At(b[Q4_0OffD:])
		qs := b[Q4_0OffQs : Q4_0OffQs+QK/2]
		for j, q := range qs {
			y[j] = float32(int32(q&0xf)-8) * d
			y[j+QK/2] = float32(int32(q>>4)-8) * d
		}
	}
}

// quantQ4_0: with max the value of largest magnitude (first on ties),
// d = max/-8 and q = min(15, (int8)(x/d + 8.5)), so max itself maps to 0
// and the other values to 0..15 (d is negative when max is positive).
func quantQ4_0(dst []byte, src []float32) {
	for i := range len(src) / QK {
		xb := src[i*QK : (i+1)*QK]
		b := dst[i*BlockQ4_0Bytes : (i+1)*BlockQ4_0Bytes]
		max, _ := signedAbsMax(xb)
		d := max / -8
		id := inverse(d)
		putF16(b[Q4_0OffD:], d)
		qs := b[Q4_0OffQs : Q4_0OffQs+QK/2]
		for j := range qs {
			q0 := min(15, int32(cInt8(float32(xb[j]*id)+8.5)))
			q1 := min(15, int32(cInt8(float32(xb[j+QK/2]*id)+8.5)))
			qs[j] = uint8(q0) | uint8(q1)<<4
		}
	}
}

// inverse is ggml's "d ? 1.0f/d : 0.0f" (NaN counts as non-zero).
func inverse(d float32) float32 {
	if d != 0 {
		return 1 / d
	}
	return 0
}

// minStep is the scale of the min/max formats (Q4_1, Q5_1): the block's
// minimum and d = (max-min)/levels with its inverse.
func minStep(xb []float32, levels float32) (lo, d, id float32) {
	lo, hi := minMax(xb)
	d = (hi - lo) / levels
	return lo, d, inverse(d)
}

// signedAbsMax returns the value of largest magnitude (the first one on
// ties; NaNs never win, as in ggml's "if (amax < fabsf(v))") and that
// magnitude.
func signedAbsMax(x []float32) (max, amax float32) {
	for _, v := range x {
		if a := absf(v); amax < a {
			amax, max = a, v
		}
	}
	return max, amax
}

// minMax is ggml's min/max scan starting from ±FLT_MAX; NaNs never win.
func minMax(x []float32) (lo, hi float32) {
	lo, hi = 3.4028234663852886e38, -3.4028234663852886e38
	for _, v := range x {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi
}

func dequantQ4_1(dst []float32, src []byte) {
	for i := range len(dst) / QK {
		b := src[i*BlockQ4_1Bytes : (i+1)*BlockQ4_1Bytes]
		y := dst[i*QK : (i+1)*QK]
		d := f16At(b[Q4_1OffD:])
		m := f16At(b[Q4_1OffM:])
		qs := b[Q4_1OffQs : Q4_1OffQs+QK/2]
		for j, q := range qs {
			y[j] = float32(float32(q&0xf)*d) + m
			y[j+QK/2] = float32(float32(q>>4)*d) + m
		}
	}
}

// quantQ4_1: d = (max-min)/15, m = min, q = min(15, (int8)((x-min)/d + 0.5)).
func quantQ4_1(dst []byte, src []float32) {
	for i := range len(src) / QK {
		xb := src[i*QK : (i+1)*QK]
		b := dst[i*BlockQ4_1Bytes : (i+1)*BlockQ4_1Bytes]
		lo, d, id := minStep(xb, 15)
		putF16(b[Q4_1OffD:], d)
		putF16(b[Q4_1OffM:], lo)
		qs := b[Q4_1OffQs : Q4_1OffQs+QK/2]
		for j := range qs {
			q0 := min(15, int32(cInt8(float32((xb[j]-lo)*id)+0.5)))
			q1 := min(15, int32(cInt8(float32((xb[j+QK/2]-lo)*id)+0.5)))
			qs[j] = uint8(q0) | uint8(q1)<<4
		}
	}
}

// q5High returns value j's fifth bit, as 0 or 16, from the 32-bit qh word.
func q5High(qh uint32, j int) uint8 { return uint8(qh>>j&1) << 4 }

func dequantQ5_0(dst []float32, src []byte) {
	for i := range len(dst) / QK {
		b := src[i*BlockQ5_0Bytes : (i+1)*BlockQ5_0Bytes]
		y := dst[i*QK : (i+1)*QK]
		d := f16At(b[Q5_0OffD:])
		qh := binary.LittleEndian.Uint32(b[Q5_0OffQh:])
		qs := b[Q5_0OffQs : Q5_0OffQs+QK/2]
		for j, q := range qs {
			y[j] = float32(int32(q&0xf|q5High(qh, j))-16) * d
			y[j+QK/2] = float32(int32(q>>4|q5High(qh, j+QK/2))-16) * d
		}
	}
}

// quantQ5_0: d = max/-16, q = min(31, (int8)(x/d + 16.5)).
func quantQ5_0(dst []byte, src []float32) {
	for i := range len(src) / QK {
		xb := src[i*QK : (i+1)*QK]
		b := dst[i*BlockQ5_0Bytes : (i+1)*BlockQ5_0Bytes]
		max, _ := signedAbsMax(xb)
		d := max / -16
		id := inverse(d)
		putF16(b[Q5_0OffD:], d)
		qs := b[Q5_0OffQs : Q5_0OffQs+QK/2]
		var qh uint32
		for j := range qs {
			q0 := uint8(min(31, int32(cInt8(float32(xb[j]*id)+16.5))))
			q1 := uint8(min(31, int32(cInt8(float32(xb[j+QK/2]*id)+16.5))))
			qs[j] = q0&0xf | (q1&0xf)<<4
			qh |= uint32(q0>>4&1)<<j | uint32(q1>>4&1)<<(j+QK/2)
		}
		binary.LittleEndian.PutUint32(b[Q5_0OffQh:], qh)
	}
}

func dequantQ5_1(dst []float32, src []byte) {
	for i := range len(dst) / QK {
		b := src[i*BlockQ5_1Bytes : (i+1)*BlockQ5_1Bytes]
		y := dst[i*QK : (i+1)*QK]
		d := f16At(b[Q5_1OffD:])
		m := f16At(b[Q5_1OffM:])
		qh := binary.LittleEndian.Uint32(b[Q5_1OffQh:])
		qs := b[Q5_1OffQs : Q5_1OffQs+QK/2]
		for j, q := range qs {
			y[j] = float32(float32(q&0xf|q5High(qh, j))*d) + m
			y[j+QK/2] = float32(float32(q>>4|q5High(qh, j+QK/2))*d) + m
		}
	}
}

// quantQ5_1: d = (max-min)/31, m = min, q = (uint8)((x-min)/d + 0.5)
// (ggml does not clamp here; the values cannot exceed 31).
func quantQ5_1(dst []byte, src []float32) {
	for i := range len(src) / QK {
		xb := src[i*QK : (i+1)*QK]
		b := dst[i*BlockQ5_1Bytes : (i+1)*BlockQ5_1Bytes]
		lo, d, id := minStep(xb, 31)
		putF16(b[Q5_1OffD:], d)
		putF16(b[Q5_1OffM:], lo)
		qs := b[Q5_1OffQs : Q5_1OffQs+QK/2]
		var qh uint32
		for j := range qs {
			q0 := uint8(cInt32(float32((xb[j]-lo)*id) + 0.5))
			q1 := uint8(cInt32(float32((xb[j+QK/2]-lo)*id) + 0.5))
			qs[j] = q0&0xf | (q1&0xf)<<4
			qh |= uint32(q0>>4&1)<<j | uint32(q1>>4&1)<<(j+QK/2)
		}
		binary.LittleEndian.PutUint32(b[Q5_1OffQh:], qh)
	}
}
