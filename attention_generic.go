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

// attentionQKF16Generic scores one query row against f16 key rows:
// s[j] = sum_c q[c] * F16ToF32(k[j*ldk+c]) for j < len(s), c < len(q).
func attentionQKF16Generic(s, q []float32, k []uint16, ldk int) {
	clear(s)
	qkF16Tail(s, q, k, ldk, 0)
}

// qkF16Tail adds columns [c0, len(q)) to scores an assembly kernel
// computed over the whole vectors of the first c0 columns.
func qkF16Tail(s, q []float32, k []uint16, ldk, c0 int) {
	for j := range s {
		kj := k[j*ldk:][:len(q)]
		acc := s[j]
		for c := c0; c < len(q); c++ {
			acc += q[c] * F16ToF32(kj[c])
		}
		s[j] = acc
	}
}

// attentionPVF16Generic adds one row's probability-weighted f16 values:
// o[c] += sum_j p[j] * F16ToF32(v[j*ldv+c]) for c < len(o), j < len(p).
func attentionPVF16Generic(o, p []float32, v []uint16, ldv int) {
	for j, pj := range p {
		vj := v[j*ldv:][:len(o)]
		for c := range o {
			o[c] += pj * F16ToF32(vj[c])
		}
	}
}
