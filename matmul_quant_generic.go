package lcrun

import (
	"encoding/binary"
	"math"
)

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

func q8KScale(xb []byte) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(xb[Q8_KOffD:]))
}

func q8KBsum(xb []byte, i int) int32 {
	return int32(int16(binary.LittleEndian.Uint16(xb[Q8_KOffBsums+2*i:])))
}

// vecDotQ4_K: per super-block, x.d*f16(w.d)*sum_j sc_j*(q.x over sub-block
// j) - x.d*f16(w.dmin)*sum_j m_j*(bsums of sub-block j).
func vecDotQ4_K(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ4_KBytes:][:BlockQ4_KBytes]
		xb := x[b*BlockQ8_KBytes:][:BlockQ8_KBytes]
		scales := wb[Q4_KOffScales:][:12]
		qs := wb[Q4_KOffQs:][:QKK/2]
		q8 := xb[Q8_KOffQs:][:QKK]
		var sumi, summ int32
		for j := range 8 {
			sc, m := ScaleMinK4(j, scales)
			summ += int32(m) * (q8KBsum(xb, 2*j) + q8KBsum(xb, 2*j+1))
			q := qs[32*(j/2):][:32]
			y := q8[32*j:][:32]
			shift := uint(4 * (j & 1))
			var s int32
			for l := range q {
				s += int32(q[l]>>shift&15) * int32(int8(y[l]))
			}
			sumi += int32(sc) * s
		}
		d := q8KScale(xb)
		sum += d*f16le(wb[Q4_KOffD:])*float32(sumi) - d*f16le(wb[Q4_KOffDmin:])*float32(summ)
	}
	return sum
}

// vecDotQ6_K: per super-block, x.d*f16(w.d)*sum over 16-value sub-blocks s
// of scales[s]*(q.x over s), q = 6-bit value - 32.
func vecDotQ6_K(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ6_KBytes:][:BlockQ6_KBytes]
		xb := x[b*BlockQ8_KBytes:][:BlockQ8_KBytes]
		q8 := xb[Q8_KOffQs:][:QKK]
		var sumi int32
		for h := range 2 {
			ql := wb[Q6_KOffQl+64*h:][:64]
			qh := wb[Q6_KOffQh+32*h:][:32]
			sc := wb[Q6_KOffScales+8*h:][:8]
			y := q8[128*h:][:128]
			// Value 128h + 32g + l; sub-block 8h + 2g + l/16.
			var s [8]int32
			for l := range 32 {
				q0 := int32(ql[l]&15|(qh[l]&3)<<4) - 32
				q1 := int32(ql[l+32]&15|(qh[l]>>2&3)<<4) - 32
				q2 := int32(ql[l]>>4|(qh[l]>>4&3)<<4) - 32
				q3 := int32(ql[l+32]>>4|(qh[l]>>6&3)<<4) - 32
				half := l / 16
				s[0+half] += q0 * int32(int8(y[l]))
				s[2+half] += q1 * int32(int8(y[32+l]))
				s[4+half] += q2 * int32(int8(y[64+l]))
				s[6+half] += q3 * int32(int8(y[96+l]))
			}
			for i, v := range s {
				sumi += int32(int8(sc[i])) * v
			}
		}
		sum += q8KScale(xb) * f16le(wb[Q6_KOffD:]) * float32(sumi)
	}
	return sum
}
