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
	q4_0Bytes = 18 // f16 d, 16 bytes of nibbles (values l and l+16 in byte l)
	qsOff     = 2
)

// matmulQuantKernels are the tiles of the 32-value block formats against
// Q8_0 activations: 4 rows of W by up to 2 activation rows, one
// accumulator per pair. Per block, the integer dot of 32 int8 pairs is, for Q8_0,
//
//	VPMADDUBSW(|w|, x*sign(w)) -> 16 int16, VPMADDWD(., 1) -> 8 int32
//
// which is exact as long as x is in [-127, 127] (the activation quantiser
// never writes -128): |w| <= 128 times |x| <= 127, two per int16, stays
// below 32767. Q4_0's nibbles q are unsigned, so they go straight in:
// VPMADDUBSW(q, x) - VPMADDUBSW(8, x) is the dot with q-8, the second
// term computed once per activation block (all exact in int16: at most
// 2*15*128 and 2*8*128). The int32 sums are converted to float and FMAed
// with d_w*d_x into the pair's accumulator; the 8 scale products of a
// block are computed together (4 row scales times each column's) and
// broadcast from the stack.
//
// (VNNI's VPDPBUSD, EVEX-encoded on Y registers, was tried for the pairs:
// 15% slower than VPMADDUBSW+VPMADDWD on the Zen 5 this was tuned on.)
func matmulQuantKernels() {
	q8 := func(w Mem) VecVirtual {
		v := YMM()
		VMOVDQU(w, v)
		return v
	}
	q4 := func(w Mem) VecVirtual {
		lo, hi := XMM(), XMM()
		VMOVDQU(w, lo)
		VPSRLW(U8(4), lo, hi)
		v := YMM()
		VINSERTI128(U8(1), hi, lo.AsY(), v)
		VPAND(splat32("nibbles", 0x0f0f0f0f), v, v)
		return v
	}
	quantTile("matmulQ8_0AVX2", q8_0Bytes, func() blockDot { return &signedDot{load: q8} })
	quantTile("matmulQ4_0AVX2", q4_0Bytes, func() blockDot { return &offsetDot{load: q4, offset: 8} })
}

// blockDot emits the integer dot products of one block of a tile: setup
// once per tile path, block once per block (before the pairs), row once
// per W row, then pair for (row i, column j) returns 8 int32 lanes whose
// sum is the block's integer dot.
type blockDot interface {
	setup()
	block(xp []Register)
	row(i int, w Mem)
	pair(i, j int, x Mem) VecVirtual
}

// signedDot: weights as signed bytes, the sign trick per pair.
type signedDot struct {
	load     func(Mem) VecVirtual
	ones     VecVirtual
	xv       []VecVirtual
	wv, absw VecVirtual
}

func (d *signedDot) setup() {
	d.ones = YMM()
	VMOVDQU(splat32("ones16", 0x00010001), d.ones)
}

func (d *signedDot) block(xp []Register) {
	d.xv = make([]VecVirtual, len(xp))
	for j := range xp {
		d.xv[j] = YMM()
		VMOVDQU(Mem{Base: xp[j], Disp: qsOff}, d.xv[j])
	}
}

func (d *signedDot) row(_ int, w Mem) {
	d.wv = d.load(w)
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

// offsetDot: weights as unsigned bytes standing for q - offset.
type offsetDot struct {
	load   func(Mem) VecVirtual
	offset int
	ones   VecVirtual
	offs   VecVirtual
	corr   []VecVirtual // per column: the offset's part
	q      VecVirtual
}

func (d *offsetDot) setup() {
	d.offs = YMM()
	VMOVDQU(splat32(fmt.Sprintf("bytes%d", d.offset), uint32(d.offset)*0x01010101), d.offs)
	d.ones = YMM()
	VMOVDQU(splat32("ones16", 0x00010001), d.ones)
}

func (d *offsetDot) block(xp []Register) {
	d.corr = make([]VecVirtual, len(xp))
	for j := range xp {
		d.corr[j] = YMM()
		VPMADDUBSW(Mem{Base: xp[j], Disp: qsOff}, d.offs, d.corr[j])
	}
}

func (d *offsetDot) row(_ int, w Mem) { d.q = d.load(w) }

func (d *offsetDot) pair(_, j int, x Mem) VecVirtual {
	p := YMM()
	VPMADDUBSW(x, d.q, p)
	VPSUBW(d.corr[j], p, p)
	VPMADDWD(d.ones, p, p)
	return p
}

// quantTile emits a tile for W blocks of wBlock bytes, the integer dots
// done the way newDot's blockDot does them.
func quantTile(name string, wBlock int, newDot func() blockDot) {
	var scales *Mem // [col][row] float32 d_w*d_x, one table for both paths
	twoColumnTile(name, func(nr int, wp, xp []Register) {
		if scales == nil {
			m := AllocLocal(4 * 4 * 2)
			scales = &m
		}
		quantTilePath(nr, wBlock, wp, xp, *scales, newDot())
	})
}

func quantTilePath(nr, wBlock int, wp, xp []Register, scales Mem, dot blockDot) {
	pre := fmt.Sprintf("c%d_", nr)
	acc := make([][]VecVirtual, 4) // [row][col]
	for i := range acc {
		acc[i] = zeros(nr)
	}
	dot.setup()
	blockLoop(pre, 32, wBlock, q8_0Bytes, wp, xp, acc, func() {
		blockScales(wp, xp, scales)
		dot.block(xp)
		for i := range wp {
			dot.row(i, Mem{Base: wp[i], Disp: qsOff})
			for j := range xp {
				p := dot.pair(i, j, Mem{Base: xp[j], Disp: qsOff})
				VCVTDQ2PS(p, p)
				sc := YMM()
				VBROADCASTSS(scales.Offset(16*j+4*i), sc)
				VFMADD231PS(sc, p, acc[i][j])
			}
		}
	})
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
