package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Non-linear 4-bit layouts (quant_layout.go in the root package).
const (
	iq4NLBytes   = 18 // f16 d, 16 bytes of nibbles (values l and l+16 in byte l)
	mxfp4Bytes   = 17 // e8m0 e, 16 bytes of nibbles
	mxfp4Qs      = 1
	iq4XSBytes   = 136 // f16 d, u16 scales_h, 4 bytes scales_l, 128 bytes of nibbles
	iq4XSScalesH = 2
	iq4XSScalesL = 4
	iq4XSQs      = 8
)

// The level tables (kvaluesIQ4NL, kvaluesMXFP4 in the root package).
var (
	kvaluesIQ4NL = [16]int8{-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113}
	kvaluesMXFP4 = [16]int8{0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12}
)

// matmulIQKernels are the tiles of the non-linear 4-bit formats: 4 rows
// of W by up to 2 activation rows, as the Q4_0 and Q4_K tiles. A block's
// 32 nibbles are spread over a Y register (low nibbles in the low lane,
// high nibbles in the high lane, matching the activations' order) and
// VPSHUFB looks each one up in the 16-byte level table held in both
// lanes, giving the levels as bytes. For the IQ4 levels (-127..113) it is
// then Q8_0's sign trick: VPMADDUBSW(|w|, x*sign(w)) and VPMADDWD into
// int32, exact for |w| <= 127 and |x| <= 127 (two products per int16: at
// most 32258). MXFP4's levels are small (-12..12), so its table holds
// them plus 12, unsigned, and the dot is Q4_0's offset form (iqTile).
//
// IQ4_NL and MXFP4 meet Q8_0 activations, with the block scale products
// d_w*d_x FMAed per block (MXFP4's d_w = 2^(e-128) is looked up by
// exponent byte). IQ4_XS meets Q8_K: its sub-block scales ls-32 multiply
// the int16 pair sums in VPMADDWD, so a super-block's dot stays one int32
// sum per lane (at most 8 sub-blocks * 32 * 32*127*127 < 2^31) scaled
// once by d_w*d_x.
func matmulIQKernels() {
	iqTile("matmulIQ4_NLAVX2", iq4NLBytes, qsOff, "kvalues_iq4nl", kvaluesIQ4NL, 0, blockScales)
	iqTile("matmulMXFP4AVX2", mxfp4Bytes, mxfp4Qs, "kvalues_mxfp4_plus12", kvaluesMXFP4, 12, mxfp4Scales)
	kQuantTile("matmulIQ4_XSAVX2", iq4XSBytes, iq4XSRow, splat{"nibbles", 0x0f0f0f0f})
}

// levelTable is the 32-byte global holding tab in both 128-bit lanes.
func levelTable(name string, tab [16]int8) Mem {
	return bytesTable(name, func(i int) uint8 { return uint8(tab[i%16]) })
}

// nibbleLevels loads the 16 bytes of nibbles at m and returns the 32
// levels they index in lut: values 0..15 (low nibbles) in the low lane,
// 16..31 (high nibbles) in the high lane. lut is a register or the
// table's global, loaded into a scratch register where registers are
// short; the nibbles' constants come from k.
func nibbleLevels(k *vecConsts, m Mem, lut Op) VecVirtual {
	v := nibbles(k, m)
	if m, ok := lut.(Mem); ok {
		t := YMM()
		VMOVDQU(m, t)
		lut = t
	}
	VPSHUFB(v, lut, v)
	return v
}

// iqTile emits a tile of 32-value blocks of wBlock bytes, nibbles at qs,
// against Q8_0 activations; scales writes the block's scale products to
// the stack table as blockScales does. With offset > 0 the table holds
// the levels plus offset, all unsigned, which must keep
// 2*(max level+offset)*128 within int16: the dot is then Q4_0's,
// VPMADDUBSW(level+offset, x) less offset*(pair sums of x), computed once
// per column and block, one instruction per pair fewer than the sign
// trick (MXFP4: levels -12..12, offset 12).
func iqTile(name string, wBlock, qs int, tabName string, tab [16]int8, offset int, scales func(wp, xp []Register, scales Mem)) {
	var table *Mem // [col][row] float32 d_w*d_x
	if offset > 0 {
		var shifted [16]int8
		for i, v := range tab {
			must(int(v)+offset >= 0 && 2*(int(v)+offset)*128 <= 32767, "level %d + %d out of range", v, offset)
			shifted[i] = int8(uint8(int(v) + offset))
		}
		tab = shifted
	}
	twoColumnTile(name, func(nr int, wp, xp []Register) {
		if table == nil {
			m := AllocLocal(4 * 4 * 2)
			table = &m
		}
		pre := fmt.Sprintf("c%d_", nr)
		acc := make([][]VecVirtual, 4) // [row][col]
		for i := range acc {
			acc[i] = zeros(nr)
		}
		lut := YMM()
		VMOVDQU(levelTable(tabName, tab), lut)
		// The GEMV keeps its constants and the activation block in
		// registers.
		k := newVecConsts(nr)
		ones := k.get("ones16", 0x00010001)
		nibbleConsts(k)
		var offs Op
		if offset > 0 {
			offs = k.get(fmt.Sprintf("bytes%d", offset), uint32(offset)*0x01010101)
		}
		k.frozen = true
		blockLoop(pre, 32, wBlock, q8_0Bytes, wp, xp, acc, func() {
			scales(wp, xp, *table)
			xv := make([]VecVirtual, len(xp)) // the block, or the offset's part
			xm := make([]Op, len(xp))         // the block, as operand
			for j := range xp {
				xv[j] = YMM()
				xm[j] = Mem{Base: xp[j], Disp: qsOff}
				if offset > 0 && k.regs {
					x := YMM()
					VMOVDQU(xm[j], x)
					xm[j] = x
				}
				if offset > 0 {
					// The offset's part: offset*(x[2l] + x[2l+1]).
					o, ok := offs.(VecVirtual)
					if !ok {
						o = YMM()
						VMOVDQU(offs, o)
					}
					VPMADDUBSW(xm[j], o, xv[j])
				} else {
					VMOVDQU(xm[j], xv[j])
				}
			}
			for i := range wp {
				w := nibbleLevels(k, Mem{Base: wp[i], Disp: qs}, lut)
				var absw VecVirtual
				if offset == 0 {
					absw = YMM()
					VPSIGNB(w, w, absw)
				}
				for j := range xp {
					p := YMM()
					if offset > 0 {
						VPMADDUBSW(xm[j], w, p)
						VPSUBW(xv[j], p, p)
					} else {
						VPSIGNB(w, xv[j], p) // x*sign(w)
						VPMADDUBSW(p, absw, p)
					}
					VPMADDWD(ones, p, p)
					VCVTDQ2PS(p, p)
					sc := YMM()
					VBROADCASTSS(table.Offset(16*j+4*i), sc)
					VFMADD231PS(sc, p, acc[i][j])
				}
			}
		})
	})
}

// mxfp4Scales is blockScales for MXFP4: the 4 rows' exponent bytes e
// index a table of d_w = 2^(e-128) as float32 (e8m0Half: (e-1)<<23 as
// bits for e >= 2, the subnormals 2^-127 and 2^-128 below), gathered with
// scalar loads, times each column's f16 d_x. A table lookup per row is
// half the instructions of building the bits with vector ops, which
// matters in the GEMV, where the scales are shared by one column only.
func mxfp4Scales(wp, xp []Register, scales Mem) {
	tab := GP64()
	LEAQ(tableOf("e8m0_half", 256, func(e int) uint32 {
		if e < 2 {
			return 0x00200000 << e
		}
		return uint32(e-1) << 23
	}), tab)
	dw := XMM()
	for i := range wp {
		e := GP64()
		MOVBQZX(Mem{Base: wp[i]}, e)
		at := Mem{Base: tab, Index: e, Scale: 4}
		if i == 0 {
			VMOVSS(at, dw)
		} else {
			VINSERTPS(U8(i<<4), at, dw, dw)
		}
	}
	for j := range xp {
		dx := XMM()
		VPBROADCASTW(Mem{Base: xp[j]}, dx)
		VCVTPH2PS(dx, dx)
		VMULPS(dw, dx, dx)
		VMOVUPS(dx, scales.Offset(16*j))
	}
}

// iq4XSRow: sub-block s (0..7) of 32 values takes the nibbles
// qs[16s:16s+16] and the 6-bit scale ls_s, low four bits the nibble s%2
// of scales_l[s/2], high two bits (scales_h >> 2s) & 3.
//
//	acc += x.d*d * sum_s (ls_s-32)*(levels.x)_s
func iq4XSRow(k *vecConsts, w Register, xp []Register, acc []VecVirtual) {
	// ls-32 as 8 words, in both lanes for the VPSHUFB broadcasts.
	low, t := XMM(), XMM()
	VMOVD(Mem{Base: w, Disp: iq4XSScalesL}, low)
	VPSRLW(U8(4), low, t)
	VPUNPCKLBW(t, low, low) // byte 2i: scales_l[i] low nibble, 2i+1: high
	VPAND(splat32("nibbles", 0x0f0f0f0f), low, low)
	VPMOVZXBW(low, low)
	high := XMM()
	VPBROADCASTW(Mem{Base: w, Disp: iq4XSScalesH}, high)
	// word s << (14-2s) puts bits 2s, 2s+1 on top; >> 14 << 4 places them.
	VPMULLW(tableOf("iq4xs_hshift", 4, func(i int) uint32 {
		return 1<<(14-4*i) | 1<<(12-4*i)<<16
	}), high, high)
	VPSRLW(U8(14), high, high)
	VPSLLW(U8(4), high, high)
	VPOR(high, low, low)
	VPSUBW(splat32("words32", 0x00200020), low, low)
	sc16 := YMM()
	VINSERTI128(U8(1), low, low.AsY(), sc16)

	// With two columns, 8 accumulators, 2 sums and sc16 live, the table
	// is read from memory for each sub-block (a load, not a register);
	// the GEMV has the registers to hold it.
	var lut Op = levelTable("kvalues_iq4nl", kvaluesIQ4NL)
	if len(xp) == 1 {
		r := YMM()
		VMOVDQU(lut, r)
		lut = r
	}
	sumi := zeros(len(xp))
	for s := 0; s < 8; s++ {
		q := nibbleLevels(k, Mem{Base: w, Disp: iq4XSQs + 16*s}, lut)
		absq := YMM()
		VPSIGNB(q, q, absq)
		sc := YMM()
		VPSHUFB(wordBroadcast(s), sc16, sc)
		for j, x := range xp {
			p := YMM()
			VMOVDQU(Mem{Base: x, Disp: q8KQs + 32*s}, p)
			VPSIGNB(q, p, p)
			VPMADDUBSW(p, absq, p)
			VPMADDWD(sc, p, p)
			VPADDD(p, sumi[j], sumi[j])
		}
	}
	d, h := XMM(), GP32()
	MOVWLZX(Mem{Base: w}, h)
	VMOVD(h, d)
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
