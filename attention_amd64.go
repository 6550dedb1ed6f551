//go:build !purego && !noasm

package lcrun

// AVX2 attention inner loop (the attention_pv slot of attention.go): the
// driver below walks tiles of 6 probability rows by 16 output columns,
// each done by pvTileAVX2, and the last one or two rows (all of them in a
// decode step without grouped heads) one at a time with pvRowAVX2
// (attention_amd64.s, from asm/attention.go). Scores use the matmul_f32
// tile, widening uses f16_to_f32; decode over an f16 cache uses qkF16AVX2
// and pvRowF16AVX2 instead.

func init() {
	if !cpu.AVX2FMA {
		return
	}
	attentionPVK.register("avx2", attentionPVAVX2)
	attentionQKF16K.register("avx2", func(s, q []float32, k []uint16, ldk int) { qkWhole(qkF16AVX2, qkF16Tail, 8, s, q, k, ldk) })
	attentionPVF16K.register("avx2", func(o, p []float32, v []uint16, ldv int) { pvWhole(pvRowF16AVX2, pvF16Tail, 8, o, p, v, ldv) })
	attentionQKQ8K.register("avx2", func(s, q []float32, k []byte, ldk int) { qkWhole(qkQ8AVX2, qkQ8Tail, QK, s, q, k, ldk) })
	attentionPVQ8K.register("avx2", func(o, p []float32, v []byte, ldv int) { pvWhole(pvRowQ8AVX2, pvQ8Tail, QK, o, p, v, ldv) })
}

// qkF16AVX2 computes, for len(q) a multiple of 8:
//
//	for j := range s { s[j] = sum_c q[c] * f16(k[j*ldk+c]) }
//
//go:noescape
func qkF16AVX2(s, q []float32, k []uint16, ldk int)

// pvRowF16AVX2 is pvRowAVX2 over f16 values, d a multiple of 8.
//
//go:noescape
func pvRowF16AVX2(o, p []float32, v []uint16, ldv, nk, d int)

func attentionPVAVX2(o []float32, ldo int, p []float32, ldp int, v []float32, ldv int, rows, nk, d int) {
	if nk == 0 {
		return
	}
	// Six rows at a time; three to five left over still go through the
	// tile (repeating its last row beats the one-row kernel's loads), one
	// or two through pvRowAVX2.
	r := 0
	for ; rows-r >= 3; r += 6 {
		for c := 0; c < d; c += 16 {
			pvTileAVX2(o[r*ldo+c:], ldo, p[r*ldp:], ldp, v[c:], ldv, min(6, rows-r), nk, min(16, d-c))
		}
	}
	for ; r < rows; r++ {
		pvRowAVX2(o[r*ldo:], p[r*ldp:], v, ldv, nk, d)
	}
}

// pvRowAVX2 computes
//
//	for c := 0; c < d; c++ {
//		for j := 0; j < nk; j++ { o[c] += p[j] * v[j*ldv+c] }
//	}
//
//go:noescape
func pvRowAVX2(o, p, v []float32, ldv, nk, d int)

// pvTileAVX2 computes, for rows <= 6 and cols <= 16:
//
//	for i := 0; i < rows; i++ {
//		for c := 0; c < cols; c++ {
//			for j := 0; j < nk; j++ { o[i*ldo+c] += p[i*ldp+j] * v[j*ldv+c] }
//		}
//	}
//
//go:noescape
func pvTileAVX2(o []float32, ldo int, p []float32, ldp int, v []float32, ldv int, rows, nk, cols int)

// qkQ8AVX2 is qkF16AVX2 over Q8_0 rows of ldk bytes, len(q) a multiple
// of 32 (see attentionQKQ8Generic).
//
//go:noescape
func qkQ8AVX2(s, q []float32, k []byte, ldk int)

// pvRowQ8AVX2 is pvRowF16AVX2 over Q8_0 rows of ldv bytes, d a multiple
// of 32 (see attentionPVQ8Generic).
//
//go:noescape
func pvRowQ8AVX2(o, p []float32, v []byte, ldv, nk, d int)
