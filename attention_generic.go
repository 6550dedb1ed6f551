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
	pvF16Tail(o, p, v, ldv, 0)
}

// pvF16Tail is attentionPVF16Generic for the columns [c0, len(o)).
func pvF16Tail(o, p []float32, v []uint16, ldv, c0 int) {
	for j, pj := range p {
		vj := v[j*ldv:][:len(o)]
		for c := c0; c < len(o); c++ {
			o[c] += pj * F16ToF32(vj[c])
		}
	}
}

// attentionQKQ8Generic scores one query row against Q8_0 key rows of ldk
// bytes (each a run of blocks of an f16 scale and 32 int8 values):
// s[j] = sum_b scale_jb * sum_i q[32b+i] * int8(k_jb[i]), c = 32b+i < len(q).
func attentionQKQ8Generic(s, q []float32, k []byte, ldk int) {
	clear(s)
	qkQ8Tail(s, q, k, ldk, 0)
}

// qkQ8Tail adds the columns [c0, len(q)) to scores an assembly kernel
// computed over the first c0, a multiple of 32 (whole blocks).
func qkQ8Tail(s, q []float32, k []byte, ldk, c0 int) {
	b0 := c0 / QK
	for j := range s {
		row := k[j*ldk:]
		acc := s[j]
		for b := b0; b*QK < len(q); b++ {
			blk := row[b*BlockQ8_0Bytes:][:BlockQ8_0Bytes]
			qb := q[b*QK : min(len(q), (b+1)*QK)]
			var sum float32
			for i, x := range qb {
				sum += x * float32(int8(blk[Q8_0OffQs+i]))
			}
			acc += f16At(blk) * sum
		}
		s[j] = acc
	}
}

// attentionPVQ8Generic adds one row's probability-weighted Q8_0 values:
// o[c] += sum_j (p[j]*scale_jb) * int8(v_jb[i]), c = 32b+i < len(o).
func attentionPVQ8Generic(o, p []float32, v []byte, ldv int) {
	pvQ8Tail(o, p, v, ldv, 0)
}

// pvQ8Tail is attentionPVQ8Generic for the columns [c0, len(o)), c0 a
// multiple of 32.
func pvQ8Tail(o, p []float32, v []byte, ldv, c0 int) {
	b0 := c0 / QK
	for j, pj := range p {
		row := v[j*ldv:]
		for b := b0; b*QK < len(o); b++ {
			blk := row[b*BlockQ8_0Bytes:][:BlockQ8_0Bytes]
			w := pj * f16At(blk)
			for i := range o[b*QK : min(len(o), (b+1)*QK)] {
				o[b*QK+i] += w * float32(int8(blk[Q8_0OffQs+i]))
			}
		}
	}
}
