package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Super-block layouts (quant_layout.go in the root package).
const (
	q8KBytes  = 292 // f32 d, 256 int8 qs, 16 int16 bsums (sums of 16 qs)
	q8KQs     = 4
	q8KBsums  = 260
	q2KBytes  = 84 // 16 bytes of 4-bit scale | 4-bit min, 64 bytes of 2-bit values, f16 d, f16 dmin
	q2KQs     = 16
	q2KD      = 80
	q3KBytes  = 110 // 32 bytes hmask, 64 bytes of 2-bit values, 12 bytes of 6-bit scales, f16 d
	q3KQs     = 32
	q3KScales = 96
	q3KD      = 108
	q4KBytes  = 144 // f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of nibbles
	q4KDmin   = 2
	q4KScales = 4
	q4KQs     = 16
	q5KBytes  = 176 // Q4_K's d, dmin and scales, 32 bytes of fifth bits, 128 bytes of nibbles
	q5KQh     = 16
	q5KQs     = 48
	q6KBytes  = 210 // 128 bytes low nibbles, 64 bytes high 2 bits, 16 int8 scales, f16 d
	q6KQh     = 128
	q6KScales = 192
	q6KD      = 208
)

// matmulQuantKKernels are the K-quant tiles against Q8_K activations: 4
// rows of W by up to 2 activation rows. Each row's super-block is unpacked once
// and met with both activation rows. Weights are unsigned (2 bits for
// Q2_K, 3 for Q3_K, nibbles for Q4_K, 5 bits for Q5_K, 6 for Q6_K), so
// VPMADDUBSW(q, x) needs no sign trick and cannot saturate (2*63*128 <
// 32767); each 16-bit pair sum is then multiplied by its sub-block scale
// with VPMADDWD and added into a 32-bit sum per pair, exactly as the
// twins' integer sums. The offsets (the mins of Q2_K, Q4_K and Q5_K, Q3_K's
// -4 and Q6_K's -32) come from the activations' bsums.
func matmulQuantKKernels() {
	kQuantTile("matmulQ2_KAVX2", q2KBytes, q2KRow, splat{"crumbs", 0x03030303})
	kQuantTile("matmulQ3_KAVX2", q3KBytes, q3KRow, splat{"crumbs", 0x03030303}, splat{"bit2", 0x04040404})
	kQuantTile("matmulQ4_KAVX2", q4KBytes, q45KRow(q4KQs, -1), splat{"nibbles", 0x0f0f0f0f})
	kQuantTile("matmulQ5_KAVX2", q5KBytes, q45KRow(q5KQs, q5KQh), splat{"nibbles", 0x0f0f0f0f}, splat{"bit4", 0x10101010})
	kQuantTile("matmulQ6_KAVX2", q6KBytes, q6KRow, splat{"nibbles", 0x0f0f0f0f}, splat{"q6k_hi", 0x30303030})
}

// kRowFunc emits the work of one W row's super-block against the columns'
// Q8_K super-blocks: integer sums into sumi (one per column), then the
// float accumulation into acc (one per column); its constants come from k.
type kRowFunc func(k *vecConsts, w Register, xp []Register, acc []VecVirtual)

// splat names a splat32 constant.
type splat struct {
	name string
	bits uint32
}

// kQuantTile emits a K-quant tile whose rows are row's; the GEMV path
// loads the constants consts (those row reads per sub-block) into
// registers before its loop.
func kQuantTile(name string, wBlock int, row kRowFunc, consts ...splat) {
	twoColumnTile(name, func(nr int, wp, xp []Register) {
		pre := fmt.Sprintf("c%d_", nr)
		acc := make([][]VecVirtual, 4) // [row][col]
		for i := range acc {
			acc[i] = zeros(nr)
		}
		k := newVecConsts(nr)
		for _, c := range consts {
			k.get(c.name, c.bits)
		}
		k.frozen = true
		blockLoop(pre, 256, wBlock, q8KBytes, wp, xp, acc, func() {
			for i := range wp {
				row(k, wp[i], xp, acc[i])
			}
		})
	})
}

// q2KRow: value 128h + 32g + l (h < 2, g < 4, l < 32) is bits 2g, 2g+1
// of qs[32h + l], in 16-value sub-block s = 8h + 2g + l/16 of scale
// sc_s&15 and min sc_s>>4. The 32 values of (h, g) are one VPMADDUBSW, its
// low lane sub-block s and its high lane s+1, so the scales are widened
// once per row to words with the even sub-blocks' in the low lane and the
// odd ones' in the high lane (evenOdd), and one VPSHUFB gives each lane
// its own.
//
//	acc += x.d*d * sum_s (sc_s&15)*(q.x)_s - x.d*dmin * sum_s (sc_s>>4)*bsums[s]
func q2KRow(k *vecConsts, w Register, xp []Register, acc []VecVirtual) {
	scales, sc8 := XMM(), XMM()
	VMOVDQU(Mem{Base: w}, scales)
	VPAND(k.get("nibbles", 0x0f0f0f0f), scales, sc8)
	VPSHUFB(evenOdd(), sc8, sc8)
	scEO := YMM()
	VPMOVZXBW(sc8, scEO)
	sumi := zeros(len(xp))
	for h := 0; h < 2; h++ {
		raw := YMM()
		VMOVDQU(Mem{Base: w, Disp: q2KQs + 32*h}, raw)
		for g := 0; g < 4; g++ {
			q := YMM()
			if g == 0 {
				VPAND(k.get("crumbs", 0x03030303), raw, q)
			} else {
				VPSRLW(U8(2*g), raw, q)
				VPAND(k.get("crumbs", 0x03030303), q, q)
			}
			sc := YMM()
			VPSHUFB(wordBroadcast(4*h+g), scEO, sc)
			for j, x := range xp {
				p := YMM()
				VPMADDUBSW(Mem{Base: x, Disp: q8KQs + 128*h + 32*g}, q, p)
				VPMADDWD(sc, p, p)
				VPADDD(p, sumi[j], sumi[j])
			}
		}
	}
	mins, m16 := XMM(), YMM()
	VPSRLW(U8(4), scales, mins)
	VPAND(k.get("nibbles", 0x0f0f0f0f), mins, mins)
	VPMOVZXBW(mins, m16)
	dd := XMM()
	VMOVD(Mem{Base: w, Disp: q2KD}, dd) // d, dmin
	VCVTPH2PS(dd, dd)
	scaleMinTail(dd, m16, xp, sumi, acc)
}

// q3KRow: the low two bits of value 128h + 32g + l are as in Q2_K; bit
// 4h + g of hmask[l] is its third bit, and the value is that 3-bit q
// minus 4. Sub-block s = 8h + 2g + l/16 has the signed 6-bit scale
// scaleQ3K(s): its low nibble from byte s (s < 8, low nibble) or s-8
// (high nibble), its top two bits from byte 8 + s%4 at bit 2(s/4).
//
//	acc += x.d*d * (sum_s sc_s*(q.x)_s - 4 * sum_s sc_s*bsums[s])
func q3KRow(k *vecConsts, w Register, xp []Register, acc []VecVirtual) {
	// The 12 scale bytes as words a, b, c: the 16 scales (plus 32) are
	//	a&0x0f0f0f0f | (c<<4)&0x30303030, b&0x0f0f0f0f | (c<<2)&0x30303030,
	//	(a>>4)&0x0f0f0f0f | c&0x30303030, (b>>4)&0x0f0f0f0f | (c>>2)&0x30303030.
	a, b, c, t, u := GP32(), GP32(), GP32(), GP32(), GP32()
	MOVL(Mem{Base: w, Disp: q3KScales}, a)
	MOVL(Mem{Base: w, Disp: q3KScales + 4}, b)
	MOVL(Mem{Base: w, Disp: q3KScales + 8}, c)
	scales := XMM()
	for k := 0; k < 4; k++ {
		MOVL(c, t)
		switch shift := 4 - 2*k; {
		case shift > 0:
			SHLL(U8(shift), t)
		case shift < 0:
			SHRL(U8(-shift), t)
		}
		ANDL(U32(0x30303030), t)
		if k%2 == 0 {
			MOVL(a, u)
		} else {
			MOVL(b, u)
		}
		if k >= 2 {
			SHRL(U8(4), u)
		}
		ANDL(U32(0x0f0f0f0f), u)
		ORL(t, u)
		if k == 0 {
			VMOVD(u, scales)
		} else {
			VPINSRD(U8(k), u, scales, scales)
		}
	}
	VPSUBB(k.get("bytes32", 0x20202020), scales, scales)
	// The -4 first: sumi starts at -4*sum_s sc_s*bsums[s].
	sc16 := YMM()
	VPMOVSXBW(scales, sc16)
	sumi := zeros(len(xp))
	for j, x := range xp {
		corr := YMM()
		VPMADDWD(Mem{Base: x, Disp: q8KBsums}, sc16, corr)
		VPSLLD(U8(2), corr, corr)
		VPSUBD(corr, sumi[j], sumi[j])
	}
	VPSHUFB(evenOdd(), scales, scales)
	scEO := YMM()
	VPMOVSXBW(scales, scEO)
	for h := 0; h < 2; h++ {
		raw := YMM()
		VMOVDQU(Mem{Base: w, Disp: q3KQs + 32*h}, raw)
		// hmask bit 4h + g at bit 2 of hv for step g (word shifts: bits
		// crossing bytes never reach bit 2)
		hv := YMM()
		VMOVDQU(Mem{Base: w}, hv)
		if h == 0 {
			VPSLLW(U8(2), hv, hv)
		} else {
			VPSRLW(U8(2), hv, hv)
		}
		for g := 0; g < 4; g++ {
			q := YMM()
			if g == 0 {
				VPAND(k.get("crumbs", 0x03030303), raw, q)
			} else {
				VPSRLW(U8(2*g), raw, q)
				VPAND(k.get("crumbs", 0x03030303), q, q)
			}
			hb := YMM()
			VPAND(k.get("bit2", 0x04040404), hv, hb)
			VPOR(hb, q, q)
			if g < 3 {
				VPSRLW(U8(1), hv, hv)
			}
			sc := YMM()
			VPSHUFB(wordBroadcast(4*h+g), scEO, sc)
			for j, x := range xp {
				p := YMM()
				VPMADDUBSW(Mem{Base: x, Disp: q8KQs + 128*h + 32*g}, q, p)
				VPMADDWD(sc, p, p)
				VPADDD(p, sumi[j], sumi[j])
			}
		}
	}
	d, hd := XMM(), GP32()
	MOVWLZX(Mem{Base: w, Disp: q3KD}, hd)
	VMOVD(hd, d)
	VCVTPH2PS(d, d)
	for j, x := range xp {
		s := XMM()
		VMULSS(Mem{Base: x}, d, s)
		s1 := YMM()
		VBROADCASTSS(s, s1)
		VCVTDQ2PS(sumi[j], sumi[j])
		VFMADD231PS(s1, sumi[j], acc[j])
	}
}

// scaleMinTail finishes a row with a scale and a min per sub-block: dd
// holds d and dmin (lanes 0, 1), m16 the 16 words met with the bsums:
//
//	acc += x.d*d*float(sumi) - x.d*dmin*float(m16.bsums)
func scaleMinTail(dd, m16 VecVirtual, xp []Register, sumi, acc []VecVirtual) {
	for j, x := range xp {
		summ := YMM()
		VPMADDWD(Mem{Base: x, Disp: q8KBsums}, m16, summ)
		s := XMM()
		VBROADCASTSS(Mem{Base: x}, s)
		VMULPS(dd, s, s) // x.d*d, x.d*dmin
		s1, s2 := YMM(), YMM()
		VBROADCASTSS(s, s1)
		VMOVSHDUP(s, s)
		VBROADCASTSS(s, s2)
		VCVTDQ2PS(sumi[j], sumi[j])
		VCVTDQ2PS(summ, summ)
		VFMADD231PS(s1, sumi[j], acc[j])
		VFNMADD231PS(s2, summ, acc[j])
	}
}

// q45KRow is the row of Q4_K (qh < 0) or Q5_K, the nibbles at offset qs
// and Q5_K's fifth bits at qh. Sub-block s (0..7) of 32 values has 6-bit
// scale sc_s and min m_s; its values are the low (s even) or high nibbles
// of qs[32*(s/2):], with bit s of qh[l] as bit 4 of value l for Q5_K (at
// most 31, so VPMADDUBSW still cannot saturate).
//
//	acc += x.d*d * sum_s sc_s*(q.x)_s - x.d*dmin * sum_s m_s*(bsums[2s]+bsums[2s+1])
func q45KRow(qs, qh int) kRowFunc {
	return func(k *vecConsts, w Register, xp []Register, acc []VecVirtual) {
		q45KRowBody(k, qs, qh, w, xp, acc)
	}
}

func q45KRowBody(k *vecConsts, qs, qh int, w Register, xp []Register, acc []VecVirtual) {
	// The 12 scale bytes as three words a, b, c:
	//	sc0..3 = a & 63, m0..3 = b & 63,
	//	sc4..7 = c&15 | (a>>6)<<4, m4..7 = c>>4 | (b>>6)<<4 (per byte).
	a, b, c, t := GP32(), GP32(), GP32(), GP32()
	MOVL(Mem{Base: w, Disp: q4KScales}, a)
	MOVL(Mem{Base: w, Disp: q4KScales + 4}, b)
	MOVL(Mem{Base: w, Disp: q4KScales + 8}, c)
	scales, mins := XMM(), XMM()
	// high scales: c&0x0f0f0f0f | (a>>2)&0x30303030
	MOVL(a, t)
	SHRL(U8(2), t)
	ANDL(U32(0x30303030), t)
	scHi := GP32()
	MOVL(c, scHi)
	ANDL(U32(0x0f0f0f0f), scHi)
	ORL(t, scHi)
	ANDL(U32(0x3f3f3f3f), a)
	VMOVD(a, scales)
	VPINSRD(U8(1), scHi, scales, scales)
	// Scales as 8 words in both 128-bit lanes, for VPSHUFB broadcasts.
	sc16 := YMM()
	VPMOVZXBW(scales, scales)
	VINSERTI128(U8(1), scales, scales.AsY(), sc16)

	sumi := zeros(len(xp))
	for chunk := 0; chunk < 4; chunk++ {
		raw := YMM()
		VMOVDQU(Mem{Base: w, Disp: qs + 32*chunk}, raw)
		for half := 0; half < 2; half++ {
			s := 2*chunk + half
			q := YMM()
			if half == 0 {
				VPAND(k.get("nibbles", 0x0f0f0f0f), raw, q)
			} else {
				VPSRLW(U8(4), raw, q)
				VPAND(k.get("nibbles", 0x0f0f0f0f), q, q)
			}
			if qh >= 0 {
				// bit s of each qh byte to bit 4 (word shifts: what
				// crosses into the next byte is masked off)
				hb := YMM()
				VMOVDQU(Mem{Base: w, Disp: qh}, hb)
				shiftBit(hb, s, 4)
				VPAND(k.get("bit4", 0x10101010), hb, hb)
				VPOR(hb, q, q)
			}
			sc := YMM()
			VPSHUFB(wordBroadcast(s), sc16, sc)
			for j, x := range xp {
				p := YMM()
				VPMADDUBSW(Mem{Base: x, Disp: q8KQs + 32*s}, q, p)
				VPMADDWD(sc, p, p)
				VPADDD(p, sumi[j], sumi[j])
			}
		}
	}

	// Mins (kept in b and c while the vectors were busy) as 16 words
	// m0 m0 m1 m1 ... m7 m7, against the 16 bsums.
	// high mins: (c>>4)&0x0f0f0f0f | (b>>2)&0x30303030
	MOVL(b, t)
	SHRL(U8(2), t)
	ANDL(U32(0x30303030), t)
	SHRL(U8(4), c)
	ANDL(U32(0x0f0f0f0f), c)
	ORL(t, c)
	ANDL(U32(0x3f3f3f3f), b)
	VMOVD(b, mins)
	VPINSRD(U8(1), c, mins, mins)
	m16 := YMM()
	VPMOVZXBW(mins, mins)
	hi := XMM()
	VPUNPCKHWD(mins, mins, hi)
	VPUNPCKLWD(mins, mins, mins)
	VINSERTI128(U8(1), hi, mins.AsY(), m16)

	// d and dmin as floats in lanes 0 and 1.
	dd := XMM()
	VMOVD(Mem{Base: w}, dd) // d, dmin: the block's first 4 bytes
	VCVTPH2PS(dd, dd)
	scaleMinTail(dd, m16, xp, sumi, acc)
}

// q6KRow: value 128h + 32g + l (h < 2, g < 4, l < 32) is
//
//	(ql[64h + 32(g&1) + l] >> 4(g>>1)) & 15 | ((qh[32h + l] >> 2g) & 3) << 4
//
// minus 32, in sub-block 8h + 2g + l/16 of int8 scale sc.
//
//	acc += x.d*d * (sum_s sc_s*(q.x)_s - 32 * sum_s sc_s*bsums[s])
func q6KRow(k *vecConsts, w Register, xp []Register, acc []VecVirtual) {
	scales := XMM()
	VMOVDQU(Mem{Base: w, Disp: q6KScales}, scales)
	sumi := zeros(len(xp))
	for h := 0; h < 2; h++ {
		for g := 0; g < 4; g++ {
			q := YMM()
			VMOVDQU(Mem{Base: w, Disp: 64*h + 32*(g&1)}, q)
			if g >= 2 {
				VPSRLW(U8(4), q, q)
			}
			VPAND(k.get("nibbles", 0x0f0f0f0f), q, q)
			hb := YMM()
			VMOVDQU(Mem{Base: w, Disp: q6KQh + 32*h}, hb)
			// bits 2g, 2g+1 of each qh byte to bits 4, 5 (word shifts:
			// what crosses into the next byte is masked off)
			switch shift := 4 - 2*g; {
			case shift > 0:
				VPSLLW(U8(shift), hb, hb)
			case shift < 0:
				VPSRLW(U8(-shift), hb, hb)
			}
			VPAND(k.get("q6k_hi", 0x30303030), hb, hb)
			VPOR(hb, q, q)
			// sub-block scales: bytes 0..7 <- sc[8h+2g], 8..15 <- sc[8h+2g+1]
			sc8 := XMM()
			VPSHUFB(pairBroadcast(8*h+2*g), scales, sc8)
			sc := YMM()
			VPMOVSXBW(sc8, sc)
			for j, x := range xp {
				p := YMM()
				VPMADDUBSW(Mem{Base: x, Disp: q8KQs + 128*h + 32*g}, q, p)
				VPMADDWD(sc, p, p)
				VPADDD(p, sumi[j], sumi[j])
			}
		}
	}
	sc16 := YMM()
	VPMOVSXBW(scales, sc16)
	d, h := XMM(), GP32()
	MOVWLZX(Mem{Base: w, Disp: q6KD}, h)
	VMOVD(h, d)
	VCVTPH2PS(d, d)
	for j, x := range xp {
		corr := YMM()
		VPMADDWD(Mem{Base: x, Disp: q8KBsums}, sc16, corr)
		VPSLLD(U8(5), corr, corr)
		VPSUBD(corr, sumi[j], sumi[j])
		s := XMM()
		VMULSS(Mem{Base: x}, d, s)
		s1 := YMM()
		VBROADCASTSS(s, s1)
		VCVTDQ2PS(sumi[j], sumi[j])
		VFMADD231PS(s1, sumi[j], acc[j])
	}
}

// shiftBit moves bit from of every byte of v to bit to with a word shift
// (the caller masks off the other bits).
func shiftBit(v VecVirtual, from, to int) {
	switch {
	case from < to:
		VPSLLW(U8(to-from), v, v)
	case from > to:
		VPSRLW(U8(from-to), v, v)
	}
}

// wordBroadcast is the VPSHUFB control that copies 16-bit word s of each
// 128-bit lane to all of that lane's words.
func wordBroadcast(s int) Mem {
	return bytesTable(fmt.Sprintf("word_bcast%d", s), func(i int) uint8 { return uint8(2*s + i%2) })
}

// evenOdd is the VPSHUFB control that puts the even bytes of 16 first and
// the odd ones after them.
func evenOdd() Mem {
	return bytesTable("even_odd", func(i int) uint8 { return uint8(2*(i%8) + i%16/8) })
}

// pairBroadcast is the VPSHUFB control giving byte a in bytes 0..7 and
// byte a+1 in bytes 8..15 (of the low lane; VPSHUFB on an X register).
func pairBroadcast(a int) Mem {
	return bytesTable(fmt.Sprintf("pair_bcast%d", a), func(i int) uint8 { return uint8(a + i%16/8) })
}
