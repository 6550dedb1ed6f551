package lcrun

// Plain-Go twins of the ternary tiles: a row of TQ1_0 or TQ2_0 blocks
// dotted with a row of Q8_K activations as llama.cpp's
// ggml_vec_dot_tq1_0_q8_K and _tq2_0_q8_K do: per block one exact integer
// sum of (t-1)*x.qs over its 256 values, scaled by f16(w.d)*x.d in
// float32 (quantTileGeneric in matmul_quant_generic.go makes tiles of
// them).

// vecDotTQ1_0 walks TQ1_0's three runs of trit bytes (tq1Groups in
// quant_tq.go); trit n of byte m of a run is value first + n*count + m.
func vecDotTQ1_0(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockTQ1_0Bytes:][:BlockTQ1_0Bytes]
		xb := x[b*BlockQ8_KBytes:][:BlockQ8_KBytes]
		q8 := xb[Q8_KOffQs:][:QKK]
		var sumi int32
		for _, g := range tq1Groups {
			qs := wb[g.off:][:g.count]
			for n := range g.trits {
				y := q8[g.first+n*g.count:][:g.count]
				for m, q := range qs {
					sumi += (tq1Trit(q, n) - 1) * int32(int8(y[m]))
				}
			}
		}
		sum += float32(sumi) * (f16le(wb[TQ1_0OffD:]) * q8KScale(xb))
	}
	return sum
}

// vecDotTQ2_0: value 128h + 32g + l is bits 2g, 2g+1 of qs[32h+l].
func vecDotTQ2_0(w, x []byte, nb int) float32 {
	var sum float32
	for b := range nb {
		wb := w[b*BlockTQ2_0Bytes:][:BlockTQ2_0Bytes]
		xb := x[b*BlockQ8_KBytes:][:BlockQ8_KBytes]
		q8 := xb[Q8_KOffQs:][:QKK]
		var sumi int32
		for h := range 2 {
			qs := wb[TQ2_0OffQs+32*h:][:32]
			for g := range 4 {
				y := q8[128*h+32*g:][:32]
				shift := uint(2 * g)
				for l, q := range qs {
					sumi += (int32(q>>shift&3) - 1) * int32(int8(y[l]))
				}
			}
		}
		sum += float32(sumi) * (f16le(wb[TQ2_0OffD:]) * q8KScale(xb))
	}
	return sum
}
