//go:build !purego && !noasm

package lcrun

// NEON attention inner loop (the attention_pv slot of attention.go): the
// driver walks tiles of 4 probability rows by 16 output columns
// (pvTile16NEON, which has a one-row form for decode without grouped
// heads), then by 4 columns (pvTile4NEON); the last d%4 columns go through
// the Go twin. Scores use the matmul_f32 tile, widening uses f16_to_f32.

func init() {
	if !cpu.ASIMD {
		return
	}
	attentionPVK.register("neon", attentionPVNEON)
}

func attentionPVNEON(o []float32, ldo int, p []float32, ldp int, v []float32, ldv int, rows, nk, d int) {
	if nk == 0 {
		return
	}
	for r := 0; r < rows; r += 4 {
		n := min(4, rows-r)
		c := 0
		for ; c+16 <= d; c += 16 {
			pvTile16NEON(o[r*ldo+c:], ldo, p[r*ldp:], ldp, v[c:], ldv, n, nk)
		}
		for ; c+4 <= d; c += 4 {
			pvTile4NEON(o[r*ldo+c:], ldo, p[r*ldp:], ldp, v[c:], ldv, n, nk)
		}
		if c < d {
			attentionPVGeneric(o[r*ldo+c:], ldo, p[r*ldp:], ldp, v[c:], ldv, n, nk, d-c)
		}
	}
}

// pvTile16NEON computes, for rows <= 4:
//
//	for i := 0; i < rows; i++ {
//		for c := 0; c < 16; c++ {
//			for j := 0; j < nk; j++ { o[i*ldo+c] += p[i*ldp+j] * v[j*ldv+c] }
//		}
//	}
//
//go:noescape
func pvTile16NEON(o []float32, ldo int, p []float32, ldp int, v []float32, ldv int, rows, nk int)

// pvTile4NEON is pvTile16NEON for 4 columns.
//
//go:noescape
func pvTile4NEON(o []float32, ldo int, p []float32, ldp int, v []float32, ldv int, rows, nk int)
