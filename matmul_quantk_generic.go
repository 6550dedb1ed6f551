package lcrun

import (
	"encoding/binary"
	"math"
)

// Plain-Go twins of the K-quant tiles: a row of Q2_K..Q6_K super-blocks
// dotted with a row of Q8_K activations, each integer sum exact and scaled
// in float32 as llama.cpp's ggml_vec_dot_q*_K_q8_K do (quantTileGeneric in
// matmul_quant_generic.go makes tiles of them). The reference's generic C
// spreads the float sum of Q3_K..Q5_K over 8 lanes; its x86 forms, like
// these, scale one integer sum per super-block.

// q8KScale is the float32 scale d of Q8_K block xb; q8KBsum its sum of
// values 16i..16i+15.
func q8KScale(xb []byte) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(xb[Q8_KOffD:]))
}

func q8KBsum(xb []byte, i int) int32 {
	return int32(int16(binary.LittleEndian.Uint16(xb[Q8_KOffBsums+2*i:])))
}

// vecDotQ2_K: per super-block, x.d*f16(w.d)*sum_s (sc_s&15)*(q.x over
// 16-value sub-block s) - x.d*f16(w.dmin)*sum_s (sc_s>>4)*bsums[s], q the
// 2-bit values. Value 128h + 32g + l is bits 2g, 2g+1 of qs[32h + l], in
// sub-block 8h + 2g + l/16.
func vecDotQ2_K(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ2_KBytes:][:BlockQ2_KBytes]
		xb := x[b*BlockQ8_KBytes:][:BlockQ8_KBytes]
		sc := wb[Q2_KOffScales:][:16]
		q8 := xb[Q8_KOffQs:][:QKK]
		var sumi, summ int32
		for s := range 16 {
			summ += int32(sc[s]>>4) * q8KBsum(xb, s)
		}
		for h := range 2 {
			qs := wb[Q2_KOffQs+32*h:][:32]
			for g := range 4 {
				y := q8[128*h+32*g:][:32]
				shift := uint(2 * g)
				var s0, s1 int32
				for l := range 16 {
					s0 += int32(qs[l]>>shift&3) * int32(int8(y[l]))
					s1 += int32(qs[16+l]>>shift&3) * int32(int8(y[16+l]))
				}
				sumi += int32(sc[8*h+2*g]&15)*s0 + int32(sc[8*h+2*g+1]&15)*s1
			}
		}
		d := q8KScale(xb)
		sum += d*f16le(wb[Q2_KOffD:])*float32(sumi) - d*f16le(wb[Q2_KOffDmin:])*float32(summ)
	}
	return sum
}

// vecDotQ3_K: per super-block, x.d*f16(w.d)*sum_s scaleQ3K(s)*(q.x over
// 16-value sub-block s), q = the 2-bit value as in Q2_K, minus 4 where its
// hmask bit (bit 4h + g of hmask[l]) is clear.
func vecDotQ3_K(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ3_KBytes:][:BlockQ3_KBytes]
		xb := x[b*BlockQ8_KBytes:][:BlockQ8_KBytes]
		scales := wb[Q3_KOffScales:][:12]
		hm := wb[Q3_KOffHmask:][:32]
		q8 := xb[Q8_KOffQs:][:QKK]
		var sumi int32
		for h := range 2 {
			qs := wb[Q3_KOffQs+32*h:][:32]
			for g := range 4 {
				y := q8[128*h+32*g:][:32]
				shift, bit := uint(2*g), uint(4*h+g)
				var s [2]int32
				for l := range 32 {
					q := int32(qs[l]>>shift&3) - 4 + 4*int32(hm[l]>>bit&1)
					s[l/16] += q * int32(int8(y[l]))
				}
				sumi += scaleQ3K(8*h+2*g, scales)*s[0] + scaleQ3K(8*h+2*g+1, scales)*s[1]
			}
		}
		sum += f16le(wb[Q3_KOffD:]) * q8KScale(xb) * float32(sumi)
	}
	return sum
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

// vecDotQ5_K: vecDotQ4_K with a fifth bit per value: bit j of qh[l] is
// bit 4 of value l of sub-block j.
func vecDotQ5_K(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockQ5_KBytes:][:BlockQ5_KBytes]
		xb := x[b*BlockQ8_KBytes:][:BlockQ8_KBytes]
		scales := wb[Q5_KOffScales:][:12]
		qh := wb[Q5_KOffQh:][:32]
		qs := wb[Q5_KOffQs:][:QKK/2]
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
				v := q[l]>>shift&15 | (qh[l]>>uint(j)&1)<<4
				s += int32(v) * int32(int8(y[l]))
			}
			sumi += int32(sc) * s
		}
		d := q8KScale(xb)
		sum += d*f16le(wb[Q5_KOffD:])*float32(sumi) - d*f16le(wb[Q5_KOffDmin:])*float32(summ)
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
