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

// quantKernels are the tiles of the 32-value block formats against Q8_0
// activations: 4 rows of W by up to 2 activation rows, one accumulator
// per pair. Per block, the integer dot of 32 int8 pairs is, for Q8_0,
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
func quantKernels() {
	quantTile("matmulQ8_0AVX2", q8_0Bytes, 0, func(w Mem) VecVirtual {
		v := YMM()
		VMOVDQU(w, v)
		return v
	})
	quantTile("matmulQ4_0AVX2", q4_0Bytes, 8, func(w Mem) VecVirtual {
		lo, hi := XMM(), XMM()
		VMOVDQU(w, lo)
		VPSRLW(U8(4), lo, hi)
		v := YMM()
		VINSERTI128(U8(1), hi, lo.AsY(), v)
		VPAND(splat32("nibbles", 0x0f0f0f0f), v, v)
		return v
	})
}

// quantTile emits a tile for W blocks of wBlock bytes whose 32 values
// load returns (given the memory of the block's qs): signed bytes when
// offset is 0, else unsigned bytes standing for value+offset.
func quantTile(name string, wBlock, offset int, load func(w Mem) VecVirtual) {
	var scales *Mem // [col][row] float32 d_w*d_x, one table for both paths
	twoColumnTile(name, func(nr int, wp, xp []Register) {
		if scales == nil {
			m := AllocLocal(4 * 4 * 2)
			scales = &m
		}
		quantTilePath(nr, wBlock, offset, wp, xp, *scales, load)
	})
}

func quantTilePath(nr, wBlock, offset int, wp, xp []Register, scales Mem, load func(Mem) VecVirtual) {
	pre := fmt.Sprintf("c%d_", nr)
	acc := make([][]VecVirtual, 4) // [row][col]
	for i := range acc {
		acc[i] = zeros(nr)
	}
	ones := YMM()
	VMOVDQU(splat32("ones16", 0x00010001), ones)
	var offs VecVirtual
	if offset != 0 {
		offs = YMM()
		VMOVDQU(splat32(fmt.Sprintf("bytes%d", offset), uint32(offset)*0x01010101), offs)
	}
	blockLoop(pre, 32, wBlock, q8_0Bytes, wp, xp, acc, func() {
		blockScales(wp, xp, scales)
		if offset == 0 {
			signedBlock(wp, xp, acc, ones, scales, load)
		} else {
			offsetBlock(wp, xp, acc, ones, offs, scales, load)
		}
	})
}

// blockScales puts the block's scale products d_w[i]*d_x[j] in the stack
// table: the 4 row scales widened together, times each column's.
func blockScales(wp, xp []Register, scales Mem) {
	dw := XMM()
	h := GP32()
	MOVWLZX(Mem{Base: wp[0]}, h)
	VMOVD(h, dw)
	for i := 1; i < 4; i++ {
		VPINSRW(U8(i), Mem{Base: wp[i]}, dw, dw)
	}
	VCVTPH2PS(dw, dw)
	for j := range xp {
		dx := XMM()
		VPBROADCASTW(Mem{Base: xp[j]}, dx)
		VCVTPH2PS(dx, dx)
		VMULPS(dw, dx, dx)
		VMOVUPS(dx, scales.Offset(16*j))
	}
}

// signedBlock is one block of signed weights: the sign trick per pair.
func signedBlock(wp, xp []Register, acc [][]VecVirtual, ones VecVirtual, scales Mem, load func(Mem) VecVirtual) {
	xv := make([]VecVirtual, len(xp))
	for j := range xv {
		xv[j] = YMM()
		VMOVDQU(Mem{Base: xp[j], Disp: qsOff}, xv[j])
	}
	for i := range wp {
		wv := load(Mem{Base: wp[i], Disp: qsOff})
		aw := YMM()
		VPSIGNB(wv, wv, aw) // |w|
		for j := range xv {
			p := YMM()
			VPSIGNB(wv, xv[j], p) // x*sign(w)
			VPMADDUBSW(p, aw, p)
			blockFMA(p, ones, scales, i, j, acc[i][j])
		}
	}
}

// offsetBlock is one block of unsigned weights standing for q - offset:
// the offset's part, VPMADDUBSW(offs, x), once per activation block.
func offsetBlock(wp, xp []Register, acc [][]VecVirtual, ones, offs VecVirtual, scales Mem, load func(Mem) VecVirtual) {
	corr := make([]VecVirtual, len(xp))
	for j := range corr {
		corr[j] = YMM()
		VPMADDUBSW(Mem{Base: xp[j], Disp: qsOff}, offs, corr[j])
	}
	for i := range wp {
		q := load(Mem{Base: wp[i], Disp: qsOff})
		for j := range xp {
			p := YMM()
			VPMADDUBSW(Mem{Base: xp[j], Disp: qsOff}, q, p)
			VPSUBW(corr[j], p, p)
			blockFMA(p, ones, scales, i, j, acc[i][j])
		}
	}
}

// blockFMA finishes a pair's block: 16 int16 pair sums in p to 8 int32,
// to float, times d_w[i]*d_x[j] into acc.
func blockFMA(p, ones VecVirtual, scales Mem, i, j int, acc VecVirtual) {
	VPMADDWD(ones, p, p)
	VCVTDQ2PS(p, p)
	sc := YMM()
	VBROADCASTSS(scales.Offset(16*j+4*i), sc)
	VFMADD231PS(sc, p, acc)
}
