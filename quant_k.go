package lcrun

// The K-quantisers. Each follows ggml's quantize_row_*_ref (the path
// llama-quantize takes without an importance matrix): the same searches
// (quant_ksearch.go), the same rounding of sub-block scales to 4, 6 or 8
// bits, the same re-quantisation of the values against the rounded
// scales, and the same packing, with every product rounded before it is
// added. That makes them bit-exact with that C code compiled without FP
// contraction, which is how ggml-base (where llama-quantize's quantisers
// live) is built: checked once, byte for byte, against the C functions
// compiled with gcc -O2 -ffp-contract=off, on all the test distributions
// (no block differed). Compiled with -march=native and contraction, the C
// code itself gives other bytes in a few to most blocks, because fused
// multiply-adds change the searches' error sums. The repository's tests
// hold these quantisers to their formats' error bounds and to fixed
// digests (quant_determinism_test.go); no K-quant file made by ggml is in
// testdata to compare with.

// packScaleMinK4 stores 6-bit scale ls and min lm of sub-block j (0..7)
// into the 12 scale bytes of a Q4_K/Q5_K block (the inverse of
// ScaleMinK4). Bytes must start zeroed for j >= 4.
func packScaleMinK4(j int, ls, lm uint8, scales []byte) {
	_ = scales[11]
	if j < 4 {
		scales[j] = ls
		scales[j+4] = lm
		return
	}
	scales[j+4] = ls&0xf | (lm&0xf)<<4
	scales[j-4] |= (ls >> 4) << 6
	scales[j] |= (lm >> 4) << 6
}

// pack2Bits stores 256 2-bit levels as Q2_K/Q3_K lay them out: byte l of
// half h holds values 128h+l, +32, +64, +96 in bits 0-1, 2-3, 4-5, 6-7.
func pack2Bits(qs []byte, L *[QKK]uint8) {
	for h := range 2 {
		q := qs[32*h : 32*h+32]
		Lh := L[128*h : 128*h+128]
		for l := range q {
			q[l] = Lh[l] | Lh[l+32]<<2 | Lh[l+64]<<4 | Lh[l+96]<<6
		}
	}
}

// quantQ2_K: per 16 values a 4-bit scale and 4-bit min from
// searchScaleMin (levels 0..3, absolute-error weights |x|), both rounded
// against f16 super-scales d = maxScale/15 and dmin = maxMin/15.
func quantQ2_K(dst []byte, src []float32) {
	var L [QKK]uint8
	var laux [16]uint8
	var weights [16]float32
	var scales, mins [QKK / 16]float32
	for i := range len(src) / QKK {
		x := src[i*QKK : (i+1)*QKK]
		b := dst[i*BlockQ2_KBytes : (i+1)*BlockQ2_KBytes]
		var maxScale, maxMin float32
		for j := range QKK / 16 {
			xs := x[16*j : 16*j+16]
			for l, v := range xs {
				weights[l] = absf(v)
			}
			scales[j], mins[j] = searchScaleMin(3, xs, weights[:], L[16*j:16*j+16], laux[:], -0.5, 0.1, 15, true)
			if scales[j] > maxScale {
				maxScale = scales[j]
			}
			if mins[j] > maxMin {
				maxMin = mins[j]
			}
		}
		sc := b[Q2_KOffScales : Q2_KOffScales+QKK/16]
		if maxScale > 0 {
			iscale := 15 / maxScale
			for j := range sc {
				sc[j] = uint8(nearestInt(float32(iscale * scales[j])))
			}
			putF16(b[Q2_KOffD:], maxScale/15)
		} else {
			clear(sc)
			putF16(b[Q2_KOffD:], 0)
		}
		if maxMin > 0 {
			iscale := 15 / maxMin
			for j := range sc {
				sc[j] |= uint8(nearestInt(float32(iscale*mins[j])) << 4)
			}
			putF16(b[Q2_KOffDmin:], maxMin/15)
		} else {
			putF16(b[Q2_KOffDmin:], 0)
		}
		d, dmin := f16At(b[Q2_KOffD:]), f16At(b[Q2_KOffDmin:])
		for j := range QKK / 16 {
			dl := d * float32(sc[j]&0xf)
			if dl == 0 {
				continue
			}
			ml := dmin * float32(sc[j]>>4)
			for l, v := range x[16*j : 16*j+16] {
				L[16*j+l] = uint8(max(0, min(3, nearestInt((v+ml)/dl))))
			}
		}
		pack2Bits(b[Q2_KOffQs:Q2_KOffQs+QKK/4], &L)
	}
}

// quantQ3_K: per 16 values a signed scale from searchScaleQ3 (levels
// -4..3), rounded to 6 bits against an f16 super-scale d = maxScale/-32.
func quantQ3_K(dst []byte, src []float32) {
	var L8 [QKK]int8
	var L [QKK]uint8
	var scales [QKK / 16]float32
	for i := range len(src) / QKK {
		x := src[i*QKK : (i+1)*QKK]
		b := dst[i*BlockQ3_KBytes : (i+1)*BlockQ3_KBytes]
		for j := range QKK / 16 {
			scales[j] = searchScaleQ3(4, x[16*j:16*j+16], L8[16*j:16*j+16])
		}
		maxScale, _ := signedAbsMax(scales[:])
		sc := b[Q3_KOffScales : Q3_KOffScales+12]
		clear(sc)
		if maxScale != 0 {
			iscale := -32 / maxScale
			for j := range QKK / 16 {
				l := int8(nearestInt(float32(iscale * scales[j])))
				l = max(-32, min(31, l)) + 32
				if j < 8 {
					sc[j] = uint8(l) & 0xf
				} else {
					sc[j-8] |= (uint8(l) & 0xf) << 4
				}
				sc[8+j%4] |= uint8(l>>4) << (2 * (j / 4))
			}
			putF16(b[Q3_KOffD:], 1/iscale)
		} else {
			putF16(b[Q3_KOffD:], 0)
		}
		d := f16At(b[Q3_KOffD:])
		for j := range QKK / 16 {
			dl := d * float32(scaleQ3K(j, sc))
			if dl == 0 {
				continue
			}
			for l, v := range x[16*j : 16*j+16] {
				L8[16*j+l] = int8(max(-4, min(3, nearestInt(v/dl))) + 4)
			}
		}
		// The third bit of value e goes to bit e/32 of hmask[e%32].
		hmask := b[Q3_KOffHmask : Q3_KOffHmask+QKK/8]
		clear(hmask)
		for e, l := range L8 {
			if l > 3 {
				hmask[e%32] |= 1 << (e / 32)
				l -= 4
			}
			L[e] = uint8(l)
		}
		pack2Bits(b[Q3_KOffQs:Q3_KOffQs+QKK/4], &L)
	}
}

// quantKScaleMin is the shared body of the Q4_K and Q5_K quantisers: per
// 32 values a scale and min from searchScaleMin with weights
// rms(x)+|x|, rounded to 6 bits against f16 super-scales
// d = maxScale/63 and dmin = maxMin/63; then the values are re-quantised
// to levels 0..nmax against the rounded scales. It fills scales, d, dmin
// of block b at the given offsets and returns the levels in L.
func quantKScaleMin(b []byte, x []float32, nmax int32, rmin, rdelta float32, nstep int, offD, offDmin, offScales int, L *[QKK]uint8) {
	var laux [32]uint8
	var weights [32]float32
	var scales, mins [QKK / 32]float32
	var maxScale, maxMin float32
	for j := range QKK / 32 {
		xs := x[32*j : 32*j+32]
		var sumX2 float32
		for _, v := range xs {
			sumX2 += float32(v * v)
		}
		avX := sqrtf(sumX2 / 32)
		for l, v := range xs {
			weights[l] = avX + absf(v)
		}
		scales[j], mins[j] = searchScaleMin(nmax, xs, weights[:], L[32*j:32*j+32], laux[:], rmin, rdelta, nstep, false)
		if scales[j] > maxScale {
			maxScale = scales[j]
		}
		if mins[j] > maxMin {
			maxMin = mins[j]
		}
	}
	var invScale, invMin float32
	if maxScale > 0 {
		invScale = 63 / maxScale
	}
	if maxMin > 0 {
		invMin = 63 / maxMin
	}
	sc := b[offScales : offScales+12]
	clear(sc)
	for j := range QKK / 32 {
		ls := min(63, uint8(nearestInt(float32(invScale*scales[j]))))
		lm := min(63, uint8(nearestInt(float32(invMin*mins[j]))))
		packScaleMinK4(j, ls, lm, sc)
	}
	putF16(b[offD:], maxScale/63)
	putF16(b[offDmin:], maxMin/63)
	d, dmin := f16At(b[offD:]), f16At(b[offDmin:])
	for j := range QKK / 32 {
		ls, lm := ScaleMinK4(j, sc)
		dl := d * float32(ls)
		if dl == 0 {
			continue
		}
		ml := dmin * float32(lm)
		for l, v := range x[32*j : 32*j+32] {
			L[32*j+l] = uint8(max(0, min(nmax, nearestInt((v+ml)/dl))))
		}
	}
}

func quantQ4_K(dst []byte, src []float32) {
	var L [QKK]uint8
	for i := range len(src) / QKK {
		x := src[i*QKK : (i+1)*QKK]
		b := dst[i*BlockQ4_KBytes : (i+1)*BlockQ4_KBytes]
		quantKScaleMin(b, x, 15, -1, 0.1, 20, Q4_KOffD, Q4_KOffDmin, Q4_KOffScales, &L)
		for c := range QKK / 64 {
			q := b[Q4_KOffQs+32*c : Q4_KOffQs+32*c+32]
			Lc := L[64*c : 64*c+64]
			for l := range q {
				q[l] = Lc[l] | Lc[l+32]<<4
			}
		}
	}
}

func quantQ5_K(dst []byte, src []float32) {
	var L [QKK]uint8
	for i := range len(src) / QKK {
		x := src[i*QKK : (i+1)*QKK]
		b := dst[i*BlockQ5_KBytes : (i+1)*BlockQ5_KBytes]
		quantKScaleMin(b, x, 31, -0.5, 0.1, 15, Q5_KOffD, Q5_KOffDmin, Q5_KOffScales, &L)
		qh := b[Q5_KOffQh : Q5_KOffQh+32]
		clear(qh)
		for c := range QKK / 64 {
			q := b[Q5_KOffQs+32*c : Q5_KOffQs+32*c+32]
			Lc := L[64*c : 64*c+64]
			for l := range q {
				l1, l2 := Lc[l], Lc[l+32]
				qh[l] |= (l1>>4)<<(2*c) | (l2>>4)<<(2*c+1)
				q[l] = l1&0xf | (l2&0xf)<<4
			}
		}
	}
}

// quantQ6_K: per 16 values a signed scale from searchScaleSigned (levels
// -32..31), rounded to int8 against an f16 super-scale d = maxScale/-128.
func quantQ6_K(dst []byte, src []float32) {
	var L [QKK]int8
	var scales [QKK / 16]float32
	for i := range len(src) / QKK {
		x := src[i*QKK : (i+1)*QKK]
		b := dst[i*BlockQ6_KBytes : (i+1)*BlockQ6_KBytes]
		for j := range QKK / 16 {
			scales[j] = searchScaleSigned(32, x[16*j:16*j+16], L[16*j:16*j+16])
		}
		maxScale, maxAbs := signedAbsMax(scales[:])
		if maxAbs < groupMaxEps {
			clear(b)
			continue
		}
		iscale := -128 / maxScale
		putF16(b[Q6_KOffD:], 1/iscale)
		sc := b[Q6_KOffScales : Q6_KOffScales+QKK/16]
		for j := range sc {
			sc[j] = uint8(int8(min(127, nearestInt(float32(iscale*scales[j])))))
		}
		d := f16At(b[Q6_KOffD:])
		for j := range QKK / 16 {
			dl := d * float32(int8(sc[j]))
			if dl == 0 {
				continue
			}
			for l, v := range x[16*j : 16*j+16] {
				L[16*j+l] = int8(max(-32, min(31, nearestInt(v/dl))) + 32)
			}
		}
		for h := range 2 {
			ql := b[Q6_KOffQl+64*h : Q6_KOffQl+64*h+64]
			qh := b[Q6_KOffQh+32*h : Q6_KOffQh+32*h+32]
			Lh := L[128*h : 128*h+128]
			for l := range 32 {
				q1, q2, q3, q4 := uint8(Lh[l]), uint8(Lh[l+32]), uint8(Lh[l+64]), uint8(Lh[l+96])
				ql[l] = q1&0xf | (q3&0xf)<<4
				ql[l+32] = q2&0xf | (q4&0xf)<<4
				qh[l] = q1>>4 | (q2>>4)<<2 | (q3>>4)<<4 | (q4>>4)<<6
			}
		}
	}
}
