//go:build !purego && !noasm

package lcrun

// NEON attention inner loop (the attention_pv slot of attention.go): the
// driver walks tiles of 4 probability rows by 16 output columns
// (pvTile16NEON, which has a one-row form for decode without grouped
// heads), then by 4 columns (pvTile4NEON); the last d%4 columns go through
// the Go twin. Scores use the matmul_f32 tile, widening uses f16_to_f32;
// decode over an f16 cache uses the f16 kernels below instead.

func init() {
	if !cpu.ASIMD {
		return
	}
	attentionPVK.register("neon", attentionPVNEON)
	attentionQKF16K.register("neon", func(s, q []float32, k []uint16, ldk int) { qkWhole(qkF16NEON, qkF16Tail, 8, s, q, k, ldk) })
	attentionPVF16K.register("neon", func(o, p []float32, v []uint16, ldv int) { pvWhole(pvRowF16NEON, pvF16Tail, 8, o, p, v, ldv) })
	attentionQKQ8K.register("neon", func(s, q []float32, k []byte, ldk int) { qkWhole(qkQ8NEON, qkQ8Tail, QK, s, q, k, ldk) })
	attentionPVQ8K.register("neon", func(o, p []float32, v []byte, ldv int) { pvWhole(pvRowQ8NEON, pvQ8Tail, QK, o, p, v, ldv) })
}

// qkF16NEON computes, for len(q) a multiple of 8:
//
//	for j := range s { s[j] = sum_c q[c] * f16(k[j*ldk+c]) }
//
//go:noescape
func qkF16NEON(s, q []float32, k []uint16, ldk int)

// pvRowF16NEON computes, for d a multiple of 8:
//
//	for c := 0; c < d; c++ {
//		for j := 0; j < nk; j++ { o[c] += p[j] * f16(v[j*ldv+c]) }
//	}
//
//go:noescape
func pvRowF16NEON(o, p []float32, v []uint16, ldv, nk, d int)

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

// qkQ8NEON is qkF16NEON over Q8_0 rows of ldk bytes, len(q) a multiple
// of 32 (see attentionQKQ8Generic).
//
//go:noescape
func qkQ8NEON(s, q []float32, k []byte, ldk int)

// pvRowQ8NEON is pvRowF16NEON over Q8_0 rows of ldv bytes, d a multiple
// of 32 (see attentionPVQ8Generic).
//
//go:noescape
func pvRowQ8NEON(o, p []float32, v []byte, ldv, nk, d int)
