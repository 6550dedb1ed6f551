//go:build !purego && !noasm

package lcrun

// AVX2 attention inner loop (the attention_pv slot of attention.go): the
// driver below walks tiles of 6 probability rows by 16 output columns,
// each done by pvTileAVX2, and the last one or two rows (all of them in a
// decode step without grouped heads) one at a time with pvRowAVX2
// (attention_amd64.s, from asm/attention.go). Scores use the matmul_f32
// tile, widening uses f16_to_f32.

func init() {
	if !cpu.AVX2FMA {
		return
	}
	attentionPVK.register("avx2", attentionPVAVX2)
}

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
