package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Block layouts (quant_layout.go in the root package).
const (
	q8_0Bytes = 34 // f16 d, 32 int8
	q8_1Bytes = 36 // f16 d, f16 s = d*sum(q), 32 int8
	q4_0Bytes = 18 // f16 d, 16 bytes of nibbles (values l and l+16 in byte l)
	q4_1Bytes = 20 // f16 d, f16 m, nibbles
	q5_0Bytes = 22 // f16 d, u32 qh (bit l: fifth bit of value l), nibbles
	q5_1Bytes = 24 // f16 d, f16 m, u32 qh, nibbles
	qsOff     = 2
)

// quantFormat is where a tile finds the parts of its blocks: W blocks of
// wBlock bytes, activation blocks of xBlock bytes with their values at
// xQs. withMin: W has an f16 m right after d and the activations an f16
// s = d*sum(q) right after theirs (Q4_1 and Q5_1 against Q8_1), whose
// products m*s each block adds.
type quantFormat struct {
	wBlock, xBlock, xQs int
	withMin             bool
}

// matmulQuantKernels are the tiles of the 32-value block formats against
// Q8_0 or Q8_1 activations: 4 rows of W by up to 2 activation rows, one
// accumulator per pair. Per block, the integer dot of 32 int8 pairs is, for Q8_0,
//
//	VPMADDUBSW(|w|, x*sign(w)) -> 16 int16, VPMADDWD(., 1) -> 8 int32
//
// which is exact as long as x is in [-127, 127] (the activation quantiser
// never writes -128): |w| <= 128 times |x| <= 127, two per int16, stays
// below 32767. The other formats' values q are unsigned (Q4_0, Q4_1
// nibbles; Q5_0, Q5_1 nibbles with the fifth bit from qh), so they go
// straight in: VPMADDUBSW(q, x), and for Q4_0 and Q5_0, whose values are
// q-8 and q-16, minus VPMADDUBSW(offset, x), computed once per activation
// block (all exact in int16: at most 2*31*128). The int32 sums are
// converted to float and FMAed with d_w*d_x into the pair's accumulator;
// the 8 scale products of a block are computed together (4 row scales
// times each column's) and broadcast from the stack. Q4_1 and Q5_1 add
// m_w*s_x per block into one more accumulator per column, whose lanes
// are the rows.
//
// (VNNI's VPDPBUSD, EVEX-encoded on Y registers, was tried for the pairs:
// 15% slower than VPMADDUBSW+VPMADDWD on the Zen 5 this was tuned on.)
func matmulQuantKernels() {
	q8 := rowLoader{load: func(_ *vecConsts, w Mem) VecVirtual {
		v := YMM()
		VMOVDQU(w.Offset(qsOff), v)
		return v
	}}
	q4 := func(offQs int) rowLoader {
		return rowLoader{func(k *vecConsts) { nibbleConsts(k) }, func(k *vecConsts, w Mem) VecVirtual { return nibbles(k, w.Offset(offQs)) }}
	}
	q5 := func(offQh, offQs int) rowLoader {
		return rowLoader{
			func(k *vecConsts) { nibbleConsts(k); fifthBitConsts(k) },
			func(k *vecConsts, w Mem) VecVirtual {
				v := nibbles(k, w.Offset(offQs))
				fifthBits(k, v, w.Offset(offQh))
				return v
			},
		}
	}
	q8_0 := func(w int) quantFormat { return quantFormat{w, q8_0Bytes, qsOff, false} }
	q8_1 := func(w int) quantFormat { return quantFormat{w, q8_1Bytes, 4, true} }
	quantTile("matmulQ8_0AVX2", q8_0(q8_0Bytes), func() blockDot { return &signedDot{load: q8} })
	quantTile("matmulQ4_0AVX2", q8_0(q4_0Bytes), func() blockDot { return &offsetDot{load: q4(2), offset: 8} })
	quantTile("matmulQ4_1AVX2", q8_1(q4_1Bytes), func() blockDot { return &offsetDot{load: q4(4)} })
	quantTile("matmulQ5_0AVX2", q8_0(q5_0Bytes), func() blockDot { return &offsetDot{load: q5(2, 6), offset: 16} })
	quantTile("matmulQ5_1AVX2", q8_1(q5_1Bytes), func() blockDot { return &offsetDot{load: q5(4, 8)} })
}

// rowLoader emits the loading of a W row's block at w as 32 byte values
// (load), its constants from k; prepare (if not nil) gets them first,
// before the block loop, so that a GEMV path loads them into registers
// once.
type rowLoader struct {
	prepare func(k *vecConsts)
	load    func(k *vecConsts, w Mem) VecVirtual
}

// nibbleConsts are nibbles' constants: the shift counts of the high
// lane's dwords and the nibble mask.
func nibbleConsts(k *vecConsts) (shift, mask Op) {
	shift = k.op("lane1_shift4", tableOf("lane1_shift4", 8, func(i int) uint32 { return uint32(4 * (i / 4)) }))
	return shift, k.get("nibbles", 0x0f0f0f0f)
}

// nibbles loads 16 bytes of nibbles at w as the 32 values in order: the
// bytes in both lanes, the high lane's shifted down a nibble (a dword
// shift: what crosses into the byte below is masked off).
func nibbles(k *vecConsts, w Mem) VecVirtual {
	shift, mask := nibbleConsts(k)
	v := YMM()
	VBROADCASTI128(w, v)
	VPSRLVD(shift, v, v)
	VPAND(mask, v, v)
	return v
}

// fifthBitConsts are fifthBits' constants: the byte picks, the bit of
// each byte and the fifth bit's value.
func fifthBitConsts(k *vecConsts) (bytes, bit, b16 Op) {
	bytes = k.op("qhbytes", bytesTable("qhbytes", func(i int) uint8 { return uint8(i / 8) }))
	bit = k.op("qhbit", bytesTable("qhbit", func(i int) uint8 { return 1 << (i % 8) }))
	return bytes, bit, k.get("bytes16", 0x10101010)
}

// fifthBits ORs bit l of the u32 at qh into value l of v, as 16: the word
// in every dword (VPSHUFB picks within 128-bit lanes), byte l/8 of it in
// byte l, that byte's bit l%8 tested.
func fifthBits(k *vecConsts, v VecVirtual, qh Mem) {
	bytes, bit, b16 := fifthBitConsts(k)
	b := YMM()
	VPBROADCASTD(qh, b)
	VPSHUFB(bytes, b, b)
	VPAND(bit, b, b)
	VPCMPEQB(bit, b, b)
	VPAND(b16, b, b)
	VPOR(b, v, v)
}

// blockDot emits the integer dot products of one block of a tile: setup
// once per tile path, block once per block (before the pairs; x are the
// activation blocks' values), row once per W row (w its block), then pair
// for (row i, column j) returns 8 int32 lanes whose sum is the block's
// integer dot.
type blockDot interface {
	setup(k *vecConsts)
	block(x []Mem)
	row(i int, w Mem)
	pair(i, j int, x Mem) VecVirtual
}

// signedDot: weights as signed bytes, the sign trick per pair.
type signedDot struct {
	load     rowLoader
	k        *vecConsts
	ones     Op
	xv       []VecVirtual
	wv, absw VecVirtual
}

func (d *signedDot) setup(k *vecConsts) {
	d.k = k
	d.ones = k.get("ones16", 0x00010001)
	if d.load.prepare != nil {
		d.load.prepare(k)
	}
}

func (d *signedDot) block(x []Mem) {
	d.xv = make([]VecVirtual, len(x))
	for j := range x {
		d.xv[j] = YMM()
		VMOVDQU(x[j], d.xv[j])
	}
}

func (d *signedDot) row(_ int, w Mem) {
	d.wv = d.load.load(d.k, w)
	d.absw = YMM()
	VPSIGNB(d.wv, d.wv, d.absw)
}

func (d *signedDot) pair(_, j int, _ Mem) VecVirtual {
	s, p := YMM(), YMM()
	VPSIGNB(d.wv, d.xv[j], s) // x*sign(w)
	VPMADDUBSW(s, d.absw, p)
	VPMADDWD(d.ones, p, p)
	return p
}

// offsetDot: weights as unsigned bytes standing for q - offset (offset 0:
// q itself, and no correction). With the constants in registers (the
// GEMV path) the activation block is loaded once for the four rows.
type offsetDot struct {
	load   rowLoader
	offset int
	k      *vecConsts
	ones   Op
	xv     []Op         // per column: the activation block
	corr   []VecVirtual // per column: the offset's part
	q      VecVirtual
}

func (d *offsetDot) setup(k *vecConsts) {
	d.k = k
	d.ones = k.get("ones16", 0x00010001)
	if d.load.prepare != nil {
		d.load.prepare(k)
	}
	if d.offset != 0 {
		d.offsetConst()
	}
}

// offsetConst is the offset in every byte (for Q5_0 the fifth bit's
// value too, so one register serves both).
func (d *offsetDot) offsetConst() Op {
	return d.k.get(fmt.Sprintf("bytes%d", d.offset), uint32(d.offset)*0x01010101)
}

func (d *offsetDot) block(x []Mem) {
	d.xv = make([]Op, len(x))
	for j := range x {
		d.xv[j] = x[j]
		if d.k.regs {
			v := YMM()
			VMOVDQU(x[j], v)
			d.xv[j] = v
		}
	}
	if d.offset == 0 {
		return
	}
	offs, ok := d.offsetConst().(VecVirtual)
	if !ok { // the unsigned operand must be a register
		offs = YMM()
		VMOVDQU(d.offsetConst(), offs)
	}
	d.corr = make([]VecVirtual, len(x))
	for j := range x {
		d.corr[j] = YMM()
		VPMADDUBSW(d.xv[j], offs, d.corr[j])
	}
}

func (d *offsetDot) row(_ int, w Mem) { d.q = d.load.load(d.k, w) }

func (d *offsetDot) pair(_, j int, _ Mem) VecVirtual {
	p := YMM()
	VPMADDUBSW(d.xv[j], d.q, p)
	if d.offset != 0 {
		VPSUBW(d.corr[j], p, p)
	}
	VPMADDWD(d.ones, p, p)
	return p
}

// quantTile emits a tile for blocks laid out as f says, the integer dots
// done the way newDot's blockDot does them.
func quantTile(name string, f quantFormat, newDot func() blockDot) {
	var scales *Mem // [col][row] float32 d_w*d_x, one table for both paths
	twoColumnTile(name, func(nr int, wp, xp []Register) {
		if scales == nil {
			size := 4 * 4 * 2
			if f.withMin {
				size *= 2 // m_w*s_x between them
			}
			m := AllocLocal(size)
			scales = &m
		}
		quantTilePath(nr, f, wp, xp, *scales, newDot())
	})
}

func quantTilePath(nr int, f quantFormat, wp, xp []Register, scales Mem, dot blockDot) {
	pre := fmt.Sprintf("c%d_", nr)
	acc := make([][]VecVirtual, 4) // [row][col]
	for i := range acc {
		acc[i] = zeros(nr)
	}
	var mins []VecVirtual // [col]: lane 2i+1 sums m_w[i]*s_x
	if f.withMin {
		mins = zeros(nr)
	}
	// The GEMV path keeps its constants in registers.
	dot.setup(&vecConsts{regs: nr == 1, m: map[string]Op{}})
	x := make([]Mem, nr)
	for j := range x {
		x[j] = Mem{Base: xp[j], Disp: f.xQs}
	}
	scaleAt := func(i, j int) Mem { return scales.Offset(16*j + 4*i) }
	if f.withMin {
		scaleAt = func(i, j int) Mem { return scales.Offset(32*j + 8*i) }
	}
	block := func() {
		if f.withMin {
			blockScalesMin(wp, xp, scales, mins)
		} else {
			blockScales(wp, xp, scales)
		}
		dot.block(x)
		for i := range wp {
			dot.row(i, Mem{Base: wp[i]})
			for j := range xp {
				p := dot.pair(i, j, x[j])
				VCVTDQ2PS(p, p)
				sc := YMM()
				VBROADCASTSS(scaleAt(i, j), sc)
				VFMADD231PS(sc, p, acc[i][j])
			}
		}
	}
	var addMins func(j int, sum VecVirtual)
	if f.withMin {
		addMins = func(j int, sum VecVirtual) {
			hi := XMM()
			VEXTRACTF128(U8(1), mins[j], hi)
			VSHUFPS(U8(0xdd), hi, mins[j].AsX(), hi) // lanes 1, 3 of each half: rows 0..3
			VADDPS(hi, sum.AsX(), sum.AsX())
		}
	}
	blockLoopAdd(pre, 32, f.wBlock, f.xBlock, wp, xp, acc, block, addMins)
}

// blockScales puts the block's scale products d_w[i]*d_x[j] in the stack
// table: the 4 row scales widened together, times each column's. The
// four halves are gathered with integer loads and shifts, which run on
// the integer ports while the vector ports are busy with the block.
func blockScales(wp, xp []Register, scales Mem) {
	halves, h := GP64(), GP64()
	MOVWQZX(Mem{Base: wp[0]}, halves)
	for i := 1; i < 4; i++ {
		MOVWQZX(Mem{Base: wp[i]}, h)
		SHLQ(U8(16*i), h)
		ORQ(h, halves)
	}
	dw := XMM()
	VMOVQ(halves, dw)
	VCVTPH2PS(dw, dw)
	for j := range xp {
		dx := XMM()
		VPBROADCASTW(Mem{Base: xp[j]}, dx)
		VCVTPH2PS(dx, dx)
		VMULPS(dw, dx, dx)
		VMOVUPS(dx, scales.Offset(16*j))
	}
}

// blockScalesMin is blockScales for the formats with a min: d and m of a
// W row are one u32, as are d and s of an activation block, so the four
// rows' (d, m) widened together times a column's (d, s) repeated give
// [d_w0*d_x, m_w0*s_x, d_w1*d_x, ...]: the scale products go to the stack
// table (row i of column j at 32j+8i) and the whole vector is added to
// the column's mins (its odd lanes are the sums wanted).
func blockScalesMin(wp, xp []Register, scales Mem, mins []VecVirtual) {
	dm := XMM()
	for half := range 2 {
		lo, hi := GP64(), GP64()
		MOVL(Mem{Base: wp[2*half]}, lo.As32())
		MOVL(Mem{Base: wp[2*half+1]}, hi.As32())
		SHLQ(U8(32), hi)
		ORQ(hi, lo)
		if half == 0 {
			VMOVQ(lo, dm)
		} else {
			VPINSRQ(U8(1), lo, dm, dm)
		}
	}
	w := YMM()
	VCVTPH2PS(dm, w)
	for j := range xp {
		ds := XMM()
		VPBROADCASTD(Mem{Base: xp[j]}, ds)
		p := YMM()
		VCVTPH2PS(ds, p)
		VMULPS(w, p, p)
		VMOVUPS(p, scales.Offset(32*j))
		VADDPS(p, mins[j], mins[j])
	}
}
