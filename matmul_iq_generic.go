package lcrun

// Plain-Go twins of the non-linear 4-bit tiles, llama.cpp's
// ggml_vec_dot_iq4_nl_q8_0, _iq4_xs_q8_K and _mxfp4_q8_0: per block
// (IQ4_XS: per 32-value sub-block) the exact integer dot of the table
// levels with the activations, scaled and added in float32.

// dotTable32 is the exact dot of the 32 values that the nibbles qs[0:16]
// index in tab (low nibbles values 0..15, high nibbles 16..31) with the
// 32 int8 activations y.
func dotTable32(qs, y []byte, tab *[16]int8) int32 {
	qs, y = qs[:16], y[:32]
	var s0, s1 int32
	for j, q := range qs {
		s0 += int32(tab[q&0xf]) * int32(int8(y[j]))
		s1 += int32(tab[q>>4]) * int32(int8(y[j+16]))
	}
	return s0 + s1
}

// vecDotIQ4_NL: sum over blocks of f16(x.d)*f16(w.d) * (levels.x).
func vecDotIQ4_NL(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockIQ4_NLBytes:][:BlockIQ4_NLBytes]
		xb := x[b*BlockQ8_0Bytes:][:BlockQ8_0Bytes]
		d := f16le(xb[Q8_0OffD:]) * f16le(wb[IQ4_NLOffD:])
		sum += d * float32(dotTable32(wb[IQ4_NLOffQs:], xb[Q8_0OffQs:], &kvaluesIQ4NL))
	}
	return sum
}

// vecDotIQ4_XS: per super-block, with dd = f16(w.d)*x.d, the sum over
// sub-blocks s of dd*(ls_s-32) * (levels.x over s), each term rounded as
// the reference rounds it.
func vecDotIQ4_XS(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockIQ4_XSBytes:][:BlockIQ4_XSBytes]
		xb := x[b*BlockQ8_KBytes:][:BlockQ8_KBytes]
		dd := f16le(wb[IQ4_XSOffD:]) * q8KScale(xb)
		for s := range QKK / 32 {
			ds := dd * float32(scaleIQ4XS(s, wb)-32)
			sum += ds * float32(dotTable32(wb[IQ4_XSOffQs+16*s:], xb[Q8_KOffQs+32*s:], &kvaluesIQ4NL))
		}
	}
	return sum
}

// vecDotMXFP4: sum over blocks of f16(x.d)*2^(w.e-128) * (levels.x).
func vecDotMXFP4(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockMXFP4Bytes:][:BlockMXFP4Bytes]
		xb := x[b*BlockQ8_0Bytes:][:BlockQ8_0Bytes]
		d := f16le(xb[Q8_0OffD:]) * e8m0Half(wb[MXFP4OffE])
		sum += d * float32(dotTable32(wb[MXFP4OffQs:], xb[Q8_0OffQs:], &kvaluesMXFP4))
	}
	return sum
}
