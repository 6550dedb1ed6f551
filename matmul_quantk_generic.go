package lcrun

import (
	"encoding/binary"
	"math"
)

// Plain-Go twins of the K-quant tiles: a row of Q4_K or Q6_K super-blocks
// dotted with a row of Q8_K activations, each integer sum exact and scaled
// in float32 as llama.cpp's ggml_vec_dot_q4_K_q8_K and _q6_K_q8_K do
// (quantTileGeneric in matmul_quant_generic.go makes tiles of them).

// q8KScale is the float32 scale d of Q8_K block xb; q8KBsum its sum of
// values 16i..16i+15.
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
