package lcrun

// attentionPVGeneric adds the probability-weighted values of a key block
// to each row's output, four keys per pass over the row so that the
// output is loaded and stored a quarter as often.
func attentionPVGeneric(o []float32, ldo int, p []float32, ldp int, v []float32, ldv int, rows, nk, d int) {
	for i := range rows {
		oi := o[i*ldo:][:d]
		pi := p[i*ldp:][:nk]
		j := 0
		for ; j+4 <= nk; j += 4 {
			p0, p1, p2, p3 := pi[j], pi[j+1], pi[j+2], pi[j+3]
			v0 := v[j*ldv:][:d]
			v1 := v[(j+1)*ldv:][:d]
			v2 := v[(j+2)*ldv:][:d]
			v3 := v[(j+3)*ldv:][:d]
			for c := range oi {
				oi[c] += p0*v0[c] + p1*v1[c] + p2*v2[c] + p3*v3[c]
			}
		}
		for ; j < nk; j++ {
			axpyGeneric(pi[j], v[j*ldv:][:d], oi)
		}
	}
}
