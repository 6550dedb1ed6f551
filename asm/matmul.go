package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// matmulKernels are the float micro-tiles of the root package's matmul.go:
//
//	dst[j*ldd+i] = sum over c < k of W(i, c) * X(j, c), i < rows, j < cols
//
// as dot products: 4 rows of W by up to 3 activation rows, one 8-lane
// accumulator per pair (12 of the 16 Y registers), each k step loading 4
// W vectors and 3 X vectors for 12 FMAs. The 4 partial sums of a column
// are folded with three VHADDPS into the 4 consecutive dst values of that
// column. Fewer than 4 rows repeat the last row's pointer and drop the
// extra results at the store, so every shape runs the same loop.
func matmulKernels() {
	floatTile("matmulF32AVX2", "float32", 4, func(m Op, dst VecVirtual) { VMOVUPS(m, dst) })
	floatTile("matmulF16AVX2", "uint16", 2, func(m Op, dst VecVirtual) { VCVTPH2PS(m, dst) })
	floatTile("matmulBF16AVX2", "uint16", 2, func(m Op, dst VecVirtual) {
		VPMOVZXWD(m, dst)
		VPSLLD(U8(16), dst, dst)
	})
}

// Tile shape of the float tiles.
const (
	floatMR = 4
	floatNR = 3
)

// floatTile emits one float tile for W elements of welem (a Go type) and
// wsize bytes; widen turns 8 W values at m (memory or an X register) into
// float32 in dst.
func floatTile(name, welem string, wsize int, widen func(m Op, dst VecVirtual)) {
	TEXT(name, NOSPLIT, fmt.Sprintf("func(dst []float32, ldd int, w []%s, ldw int, x []float32, ldx int, k, rows, cols int)", welem))
	rows, cols := tileShape()

	wp := rowPointers(rows, wsize)
	ldx := Load(Param("ldx"), GP64())
	SHLQ(U8(2), ldx)
	var xp [floatNR]Register
	xp[0] = Load(Param("x").Base(), GP64())
	for j := 1; j < floatNR; j++ {
		xp[j] = GP64()
		MOVQ(xp[j-1], xp[j])
		ADDQ(ldx, xp[j])
	}

	CMPQ(cols, U32(2))
	JB(LabelRef("cols1"))
	JE(LabelRef("cols2"))
	floatTilePath(3, wp, xp[:], wsize, widen)
	for nr := 1; nr < floatNR; nr++ {
		Label(fmt.Sprintf("cols%d", nr))
		floatTilePath(nr, wp, xp[:nr], wsize, widen)
	}
	Label("done")
	ret()
}

// floatTilePath is the k loop and store for nr activation rows. With one
// activation row (the GEMV) it keeps two accumulator sets, so 8 FMA chains
// are in flight instead of 4.
func floatTilePath(nr int, wp, xp []Register, wsize int, widen func(Op, VecVirtual)) {
	pre := fmt.Sprintf("c%d_", nr)
	sets := 1
	if nr == 1 {
		sets = 2
	}
	acc := make([][][]VecVirtual, sets) // [set][row][col]
	for s := range acc {
		acc[s] = make([][]VecVirtual, floatMR)
		for i := range acc[s] {
			acc[s][i] = zeros(nr)
		}
	}
	k := Load(Param("k"), GP64())
	idx := GP64()
	XORQ(idx, idx)
	wAt := func(i int, off int) Mem { return Mem{Base: wp[i], Index: idx, Scale: uint8(wsize), Disp: off * wsize} }
	xAt := func(j int, off int) Mem { return Mem{Base: xp[j], Index: idx, Scale: 4, Disp: off * 4} }

	// step does 8 values of k at element offset off into accumulator set s.
	step := func(s, off int) {
		xv := make([]VecVirtual, nr)
		for j := range xv {
			xv[j] = YMM()
			VMOVUPS(xAt(j, off), xv[j])
		}
		for i := 0; i < floatMR; i++ {
			wv := YMM()
			widen(wAt(i, off), wv)
			for j := range xv {
				VFMADD231PS(xv[j], wv, acc[s][i][j])
			}
		}
	}
	var ahead Register
	if nr == 1 {
		ahead = nextTileOffset(wsize)
	}
	end := GP64()
	Label(pre + "wide")
	MOVQ(idx, end)
	ADDQ(U32(16), end)
	CMPQ(end, k)
	JA(LabelRef(pre + "single"))
	if nr == 1 {
		at := GP64()
		LEAQ(Mem{Base: ahead, Index: idx, Scale: uint8(wsize)}, at)
		prefetchNextTile(wp, at, 16*wsize)
	}
	step(0, 0)
	step(sets-1, 8)
	MOVQ(end, idx)
	JMP(LabelRef(pre + "wide"))

	Label(pre + "single")
	MOVQ(idx, end)
	ADDQ(U32(8), end)
	CMPQ(end, k)
	JA(LabelRef(pre + "tail"))
	step(0, 0)
	MOVQ(end, idx)

	// The last k%8 values: W lanes past the end are widened from zeros
	// (loaded one element at a time: a vector load could cross into an
	// unmapped page), X lanes masked, so those products are 0*0.
	Label(pre + "tail")
	rem := GP64()
	MOVQ(k, rem)
	SUBQ(idx, rem)
	JZ(LabelRef(pre + "store"))
	mask := loadTailMask(rem)
	for j := 0; j < nr; j++ { // column by column: 12 accumulators leave room for 4 more
		xv := YMM()
		VMASKMOVPS(xAt(j, 0), mask, xv)
		for i := 0; i < floatMR; i++ {
			wv := YMM()
			if wsize == 4 {
				VMASKMOVPS(wAt(i, 0), mask, wv)
			} else {
				partialHalves(pre+fmt.Sprintf("x%dw%d_", j, i), wAt(i, 0), rem, wv, widen)
			}
			VFMADD231PS(xv, wv, acc[0][i][j])
		}
	}

	Label(pre + "store")
	if sets == 2 {
		for i := range acc[0] {
			VADDPS(acc[1][i][0], acc[0][i][0], acc[0][i][0])
		}
	}
	sums := make([]VecVirtual, nr)
	for j := range sums {
		sums[j] = fold4(acc[0][0][j], acc[0][1][j], acc[0][2][j], acc[0][3][j])
	}
	storeColumns(pre, sums)
}

// storeColumns writes the folded sums of a 4-row tile, column j at
// dst + j*ldd, under a mask when the tile has fewer than 4 rows, and
// returns from the function.
func storeColumns(pre string, sums []VecVirtual) {
	dst := Load(Param("dst").Base(), GP64())
	ldd := Load(Param("ldd"), GP64())
	SHLQ(U8(2), ldd)
	rows := Load(Param("rows"), GP64())
	CMPQ(rows, U32(4))
	JB(LabelRef(pre + "partial"))
	for j, v := range sums {
		if j > 0 {
			ADDQ(ldd, dst)
		}
		VMOVUPS(v.AsX(), Mem{Base: dst})
	}
	ret()
	Label(pre + "partial")
	rmask := loadTailMask(rows)
	for j, v := range sums {
		if j > 0 {
			ADDQ(ldd, dst)
		}
		VMASKMOVPS(v.AsX(), rmask.AsX(), Mem{Base: dst})
	}
	ret()
}

// tileShape loads a tile's rows and cols, jumping to "done" (which the
// caller places before its last ret) when either is 0.
func tileShape() (rows, cols Register) {
	rows = Load(Param("rows"), GP64())
	cols = Load(Param("cols"), GP64())
	TESTQ(rows, rows)
	JZ(LabelRef("done"))
	TESTQ(cols, cols)
	JZ(LabelRef("done"))
	return rows, cols
}

// twoColumnTile emits a quantised tile of 4 W rows by up to 2 activation
// rows (byte slices, strides in bytes): the row pointers, then path for
// two activation rows and for one.
func twoColumnTile(name string, path func(nr int, wp, xp []Register)) {
	TEXT(name, NOSPLIT, "func(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)")
	rows, cols := tileShape()
	wp := rowPointers(rows, 1)
	xp := make([]Register, 2)
	xp[0] = Load(Param("x").Base(), GP64())
	ldx := Load(Param("ldx"), GP64())
	xp[1] = GP64()
	LEAQ(Mem{Base: xp[0], Index: ldx, Scale: 1}, xp[1])
	CMPQ(cols, U32(2))
	JB(LabelRef("cols1"))
	path(2, wp, xp)
	Label("cols1")
	path(1, wp, xp[:1])
	Label("done")
	ret()
}

// blockLoop emits a quantised tile path's loop over the k/values blocks
// of its rows (wBlock bytes a W block, xBlock an activation block):
// block emits the work of one block into acc [row][col], then the sums
// are folded and stored. A GEMV (one column) prefetches the next tile.
func blockLoop(pre string, values, wBlock, xBlock int, wp, xp []Register, acc [][]VecVirtual, block func()) {
	blockLoopAdd(pre, values, wBlock, xBlock, wp, xp, acc, block, nil)
}

// blockLoopAdd is blockLoop with add (if not nil) called on each column's
// folded sums before they are stored, to add what the tile keeps apart.
func blockLoopAdd(pre string, values, wBlock, xBlock int, wp, xp []Register, acc [][]VecVirtual, block func(), add func(j int, sum VecVirtual)) {
	nb := Load(Param("k"), GP64())
	SHRQ(U8(log2(values)), nb)
	var ahead Register
	if len(xp) == 1 {
		ahead = nextTileOffset(1)
	}
	Label(pre + "block")
	TESTQ(nb, nb)
	JZ(LabelRef(pre + "store"))
	if len(xp) == 1 {
		prefetchNextTile(wp, ahead, wBlock)
	}
	block()
	for _, p := range wp {
		ADDQ(U32(wBlock), p)
	}
	for _, p := range xp {
		ADDQ(U32(xBlock), p)
	}
	DECQ(nb)
	JMP(LabelRef(pre + "block"))

	Label(pre + "store")
	sums := make([]VecVirtual, len(xp))
	for j := range sums {
		sums[j] = fold4(acc[0][j], acc[1][j], acc[2][j], acc[3][j])
		if add != nil {
			add(j, sums[j])
		}
	}
	storeColumns(pre, sums)
}

// rowPointers loads the pointers to the 4 W rows of a tile (row stride
// ldw elements of wsize bytes); rows past the last repeat it, so a tile
// of fewer rows runs the same code and drops those results at the store.
func rowPointers(rows Register, wsize int) []Register {
	ldw := Load(Param("ldw"), GP64())
	if wsize > 1 {
		SHLQ(U8(log2(wsize)), ldw)
	}
	wp := make([]Register, 4)
	wp[0] = Load(Param("w").Base(), GP64())
	for i := 1; i < len(wp); i++ {
		wp[i] = GP64()
		MOVQ(wp[i-1], wp[i])
		ADDQ(ldw, wp[i])
		CMPQ(rows, U32(i+1))
		CMOVQLT(wp[i-1], wp[i])
	}
	return wp
}

// nextTileOffset is the byte distance from a row of W to the same place
// in the next tile's row (4 rows on; ldw counts elements of wsize
// bytes), for prefetchNextTile.
func nextTileOffset(wsize int) Register {
	ahead := Load(Param("ldw"), GP64())
	SHLQ(U8(2+log2(wsize)), ahead)
	return ahead
}

// prefetchNextTile asks for the bytes the next tile will read where the
// current one reads span bytes from each row pointer. A GEMV reads every
// row once, in short streams (one tile of rows at a time), which the
// hardware prefetchers pick up too late; fetching one tile ahead keeps
// the memory busy while this tile computes (about 3.5x on a DRAM-sized
// Q8_0 matrix). Prefetches past the matrix are harmless hints.
func prefetchNextTile(wp []Register, ahead Register, span int) {
	for off := 0; off < span; off += 64 {
		for _, p := range wp {
			PREFETCHT0(Mem{Base: p, Index: ahead, Scale: 1, Disp: off})
		}
	}
}

// fold4 returns [sum(a0) sum(a1) sum(a2) sum(a3)] in the low 4 lanes.
func fold4(a0, a1, a2, a3 VecVirtual) VecVirtual {
	VHADDPS(a1, a0, a0) // [a0 01, a0 23, a1 01, a1 23] per half
	VHADDPS(a3, a2, a2)
	VHADDPS(a2, a0, a0) // [a0, a1, a2, a3] partial sums per half
	hi := XMM()
	VEXTRACTF128(U8(1), a0, hi)
	VADDPS(hi, a0.AsX(), a0.AsX())
	return a0
}

// partialHalves widens the first rem (1..7) 16-bit values at m into v,
// the other lanes zero, reading only those rem values.
func partialHalves(pre string, m Mem, rem Register, v VecVirtual, widen func(Op, VecVirtual)) {
	t := XMM()
	VPXOR(t, t, t)
	for l := 0; l < 7; l++ {
		CMPQ(rem, U32(l+1))
		JB(LabelRef(pre + "loaded"))
		m := m
		m.Disp += 2 * l
		VPINSRW(U8(l), m, t, t)
	}
	Label(pre + "loaded")
	widen(t, v)
}

func log2(n int) int {
	l := 0
	for 1<<l < n {
		l++
	}
	return l
}
