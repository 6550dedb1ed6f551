package lcrun

// Dequantisation of the K-quants (256 values per super-block), following
// ggml's dequantize_row_q{2,3,4,5,6}_K. quant_layout.go describes where
// every bit lives. Products are rounded to float32 before the min is
// subtracted, so no architecture fuses them differently.

func dequantQ2_K(dst []float32, src []byte) {
	for i := range len(dst) / QKK {
		b := src[i*BlockQ2_KBytes : (i+1)*BlockQ2_KBytes]
		y := dst[i*QKK : (i+1)*QKK]
		d := f16At(b[Q2_KOffD:])
		dmin := f16At(b[Q2_KOffDmin:])
		scales := b[Q2_KOffScales : Q2_KOffScales+QKK/16]
		for s, sc := range scales {
			dl := d * float32(sc&0xf)
			ml := dmin * float32(sc>>4)
			// Sub-block s covers values 16s..16s+15: half h, group g and
			// the first or second 16 bytes of the half's 32 bytes of qs.
			h, g, l0 := s/8, (s%8)/2, 16*(s%2)
			q := b[Q2_KOffQs+32*h+l0 : Q2_KOffQs+32*h+l0+16]
			out := y[16*s : 16*s+16]
			shift := uint(2 * g)
			for l := range out {
				out[l] = float32(dl*float32(q[l]>>shift&3)) - ml
			}
		}
	}
}

func dequantQ3_K(dst []float32, src []byte) {
	for i := range len(dst) / QKK {
		b := src[i*BlockQ3_KBytes : (i+1)*BlockQ3_KBytes]
		y := dst[i*QKK : (i+1)*QKK]
		d := f16At(b[Q3_KOffD:])
		scales := b[Q3_KOffScales : Q3_KOffScales+12]
		hmask := b[Q3_KOffHmask : Q3_KOffHmask+QKK/8]
		for s := range QKK / 16 {
			dl := d * float32(scaleQ3K(s, scales))
			h, g, l0 := s/8, (s%8)/2, 16*(s%2)
			q := b[Q3_KOffQs+32*h+l0 : Q3_KOffQs+32*h+l0+16]
			hm := hmask[l0 : l0+16]
			out := y[16*s : 16*s+16]
			shift := uint(2 * g)
			bit := uint8(1) << (4*h + g)
			for l := range out {
				v := int32(q[l] >> shift & 3)
				if hm[l]&bit == 0 {
					v -= 4
				}
				out[l] = dl * float32(v)
			}
		}
	}
}

func dequantQ4_K(dst []float32, src []byte) {
	dequantKScaleMin(dst, src, BlockQ4_KBytes, -1, Q4_KOffQs)
}

func dequantQ5_K(dst []float32, src []byte) {
	dequantKScaleMin(dst, src, BlockQ5_KBytes, Q5_KOffQh, Q5_KOffQs)
}

// dequantKScaleMin expands Q4_K (offQh < 0) and Q5_K blocks: both start
// with d, dmin and 12 scale bytes, and Q5_K adds a fifth bit per value.
func dequantKScaleMin(dst []float32, src []byte, blockBytes, offQh, offQs int) {
	var noHigh [32]byte
	for i := range len(dst) / QKK {
		b := src[i*blockBytes : (i+1)*blockBytes]
		y := dst[i*QKK : (i+1)*QKK]
		d := f16At(b[Q4_KOffD:])
		dmin := f16At(b[Q4_KOffDmin:])
		scales := b[Q4_KOffScales : Q4_KOffScales+12]
		qh := noHigh[:]
		if offQh >= 0 {
			qh = b[offQh : offQh+32]
		}
		for c := range QKK / 64 {
			q := b[offQs+32*c : offQs+32*c+32]
			sc, m := ScaleMinK4(2*c, scales)
			d1, m1 := d*float32(sc), dmin*float32(m)
			sc, m = ScaleMinK4(2*c+1, scales)
			d2, m2 := d*float32(sc), dmin*float32(m)
			u1, u2 := uint(2*c), uint(2*c+1)
			lo := y[64*c : 64*c+32]
			hi := y[64*c+32 : 64*c+64]
			for l := range lo {
				lo[l] = float32(d1*float32(q[l]&0xf|(qh[l]>>u1&1)<<4)) - m1
				hi[l] = float32(d2*float32(q[l]>>4|(qh[l]>>u2&1)<<4)) - m2
			}
		}
	}
}

func dequantQ6_K(dst []float32, src []byte) {
	for i := range len(dst) / QKK {
		b := src[i*BlockQ6_KBytes : (i+1)*BlockQ6_KBytes]
		y := dst[i*QKK : (i+1)*QKK]
		d := f16At(b[Q6_KOffD:])
		for h := range 2 {
			ql := b[Q6_KOffQl+64*h : Q6_KOffQl+64*h+64]
			qh := b[Q6_KOffQh+32*h : Q6_KOffQh+32*h+32]
			sc := b[Q6_KOffScales+8*h : Q6_KOffScales+8*h+8]
			out := y[128*h : 128*h+128]
			for l := range 32 {
				is := l / 16
				q1 := int32(ql[l]&0xf|(qh[l]&3)<<4) - 32
				q2 := int32(ql[l+32]&0xf|(qh[l]>>2&3)<<4) - 32
				q3 := int32(ql[l]>>4|(qh[l]>>4&3)<<4) - 32
				q4 := int32(ql[l+32]>>4|(qh[l]>>6&3)<<4) - 32
				out[l] = d * float32(int8(sc[is])) * float32(q1)
				out[l+32] = d * float32(int8(sc[is+2])) * float32(q2)
				out[l+64] = d * float32(int8(sc[is+4])) * float32(q3)
				out[l+96] = d * float32(int8(sc[is+6])) * float32(q4)
			}
		}
	}
}
