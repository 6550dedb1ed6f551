package lcrun

import "encoding/binary"

// Plain-Go twins of the quantised tiles: one row of weight blocks dotted
// with one row of quantised activations. Each block's integer sum is exact;
// it is scaled and added in float32 as llama.cpp's ggml_vec_dot_* do.

// quantTileGeneric builds a tile from a row dot product: wBlock and xBlock
// are the block sizes in bytes, qk the values per block.
func quantTileGeneric(dot func(w, x []byte, nb int) float32, wBlock, xBlock, qk int) tile[byte, byte] {
	fn := func(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int) {
		nb := k / qk
		for j := range cols {
			xr := x[j*ldx:][:nb*xBlock]
			for i := range rows {
				dst[j*ldd+i] = dot(w[i*ldw:][:nb*wBlock], xr, nb)
			}
		}
	}
	return tile[byte, byte]{mr: 4, nr: 4, fn: fn}
}

func f16le(b []byte) float32 { return F16ToF32(binary.LittleEndian.Uint16(b)) }

// dot32 is the exact integer dot product of 32 int8 values.
func dot32(w, x []byte) int32 {
	w, x = w[:32], x[:32]
	var s0, s1, s2, s3 int32
	for l := 0; l < 32; l += 4 {
		s0 += int32(int8(w[l])) * int32(int8(x[l]))
		s1 += int32(int8(w[l+1])) * int32(int8(x[l+1]))
		s2 += int32(int8(w[l+2])) * int32(int8(x[l+2]))
		s3 += int32(int8(w[l+3])) * int32(int8(x[l+3]))
	}
	return s0 + s1 + s2 + s3
}

// vecDotQ8_0: sum over blocks of f16(w.d)*f16(x.d) * sum_l w.q[l]*x.q[l].
func vecDotQ8_0(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ8_0Bytes:][:BlockQ8_0Bytes]
		xb := x[b*BlockQ8_0Bytes:][:BlockQ8_0Bytes]
		isum := dot32(wb[Q8_0OffQs:], xb[Q8_0OffQs:])
		sum += f16le(wb[Q8_0OffD:]) * f16le(xb[Q8_0OffD:]) * float32(isum)
	}
	return sum
}

// vecDotQ4_0: as Q8_0 with weight values nibble-8 (low nibbles are values
// 0..15 of the block, high nibbles 16..31).
func vecDotQ4_0(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ4_0Bytes:][:BlockQ4_0Bytes]
		xb := x[b*BlockQ8_0Bytes:][:BlockQ8_0Bytes]
		qs := wb[Q4_0OffQs:][:16]
		lo, hi := xb[Q8_0OffQs:][:16], xb[Q8_0OffQs+16:][:16]
		var s0, s1 int32
		for l := range qs {
			s0 += (int32(qs[l]&15) - 8) * int32(int8(lo[l]))
			s1 += (int32(qs[l]>>4) - 8) * int32(int8(hi[l]))
		}
		sum += f16le(wb[Q4_0OffD:]) * f16le(xb[Q8_0OffD:]) * float32(s0+s1)
	}
	return sum
}

// vecDotQ4_1 dots Q4_1 weights with Q8_1 activations: per block,
// f16(w.d)*f16(x.d) * sum_l q[l]*x.q[l] + f16(w.m)*f16(x.s), the nibbles
// q unsigned (x = d*q + m, and x.s holds x.d*sum(x.q)).
func vecDotQ4_1(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ4_1Bytes:][:BlockQ4_1Bytes]
		xb := x[b*BlockQ8_1Bytes:][:BlockQ8_1Bytes]
		qs := wb[Q4_1OffQs:][:16]
		lo, hi := xb[Q8_1OffQs:][:16], xb[Q8_1OffQs+16:][:16]
		var s0, s1 int32
		for l := range qs {
			s0 += int32(qs[l]&15) * int32(int8(lo[l]))
			s1 += int32(qs[l]>>4) * int32(int8(hi[l]))
		}
		sum += float32(f16le(wb[Q4_1OffD:])*f16le(xb[Q8_1OffD:])*float32(s0+s1)) + float32(f16le(wb[Q4_1OffM:])*f16le(xb[Q8_1OffS:]))
	}
	return sum
}

// vecDotQ5_0 dots Q5_0 weights with Q8_0 activations: as Q4_0 with the
// fifth bit of value l taken from bit l of qh and 16 subtracted.
func vecDotQ5_0(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ5_0Bytes:][:BlockQ5_0Bytes]
		xb := x[b*BlockQ8_0Bytes:][:BlockQ8_0Bytes]
		qh := binary.LittleEndian.Uint32(wb[Q5_0OffQh:])
		qs := wb[Q5_0OffQs:][:16]
		lo, hi := xb[Q8_0OffQs:][:16], xb[Q8_0OffQs+16:][:16]
		var s0, s1 int32
		for l := range qs {
			q0 := int32(qs[l]&15) | int32(qh>>l&1)<<4
			q1 := int32(qs[l]>>4) | int32(qh>>(l+16)&1)<<4
			s0 += (q0 - 16) * int32(int8(lo[l]))
			s1 += (q1 - 16) * int32(int8(hi[l]))
		}
		sum += f16le(wb[Q5_0OffD:]) * f16le(xb[Q8_0OffD:]) * float32(s0+s1)
	}
	return sum
}

// vecDotQ5_1 dots Q5_1 weights with Q8_1 activations: as Q4_1 with the
// fifth bit of value l taken from bit l of qh.
func vecDotQ5_1(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ5_1Bytes:][:BlockQ5_1Bytes]
		xb := x[b*BlockQ8_1Bytes:][:BlockQ8_1Bytes]
		qh := binary.LittleEndian.Uint32(wb[Q5_1OffQh:])
		qs := wb[Q5_1OffQs:][:16]
		lo, hi := xb[Q8_1OffQs:][:16], xb[Q8_1OffQs+16:][:16]
		var s0, s1 int32
		for l := range qs {
			q0 := int32(qs[l]&15) | int32(qh>>l&1)<<4
			q1 := int32(qs[l]>>4) | int32(qh>>(l+16)&1)<<4
			s0 += q0 * int32(int8(lo[l]))
			s1 += q1 * int32(int8(hi[l]))
		}
		sum += float32(f16le(wb[Q5_1OffD:])*f16le(xb[Q8_1OffD:])*float32(s0+s1)) + float32(f16le(wb[Q5_1OffM:])*f16le(xb[Q8_1OffS:]))
	}
	return sum
}
