package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Tile of the attention value product: pvRows probability rows by up to
// 16 output columns (two vectors), so 12 accumulators.
const pvRows = 6

// attentionKernels: the p.V accumulation of the root package's
// attention.go, o[i][c] += sum_j p[i][j]*v[j][c], as an outer-product
// micro-kernel: per key j, the (up to) 16 values of v_j meet a broadcast
// of each of the 6 rows' p[i][j].
func attentionKernels() {
	pvTile()
	pvRow("pvRowAVX2", false)
	pvRow("pvRowF16AVX2", true)
	qkF16()
	qkQ8()
	pvQ8()
}

func pvTile() {
	TEXT("pvTileAVX2", NOSPLIT, "func(o []float32, ldo int, p []float32, ldp int, v []float32, ldv int, rows, nk, cols int)")
	rows := Load(Param("rows"), GP64())
	TESTQ(rows, rows)
	JZ(LabelRef("done"))
	nk := Load(Param("nk"), GP64())
	cols := Load(Param("cols"), GP64())
	TESTQ(cols, cols)
	JZ(LabelRef("done"))

	// Row pointers of p and o; rows past the last repeat it (the repeated
	// rows compute and store the same values, so o is still right).
	pp := clampedRows(Load(Param("p").Base(), GP64()), Load(Param("ldp"), GP64()), rows)
	CMPQ(cols, U32(16))
	JNE(LabelRef("partial"))
	pvPath("full", pp, rows, nk, nil)
	Label("partial")
	// cols < 16: the first vector is whole when cols >= 8, the second
	// (or only) one takes the mask of cols%8 lanes.
	CMPQ(cols, U32(8))
	JB(LabelRef("one"))
	JE(LabelRef("eight"))
	SUBQ(U32(8), cols)
	pvPath("two", pp, rows, nk, loadTailMask(cols))
	Label("eight")
	pvPathOne("eight", pp, rows, nk, nil)
	Label("one")
	pvPathOne("one", pp, rows, nk, loadTailMask(cols))
	Label("done")
	ret()
}

// clampedRows returns pvRows pointers base + min(r, rows-1)*ld*4.
func clampedRows(base, ld, rows Register) []Register {
	SHLQ(U8(2), ld)
	ptr := []Register{base}
	for r := 1; r < pvRows; r++ {
		p := GP64()
		MOVQ(ptr[r-1], p)
		ADDQ(ld, p)
		CMPQ(rows, U32(r+1))
		CMOVQLT(ptr[r-1], p)
		ptr = append(ptr, p)
	}
	return ptr
}

// pvPath is the two-vector tile; mask (nil: whole) applies to the second
// vector's loads and stores.
func pvPath(name string, pp []Register, rows, nk Register, mask VecVirtual) {
	pvLoop(name, pp, rows, nk, 2, mask)
}

func pvPathOne(name string, pp []Register, rows, nk Register, mask VecVirtual) {
	pvLoop(name, pp, rows, nk, 1, mask)
}

// pvLoop emits the tile for nvec vectors of columns, the last one under
// mask when mask is not nil, and returns.
func pvLoop(name string, pp []Register, _, nk Register, nvec int, mask VecVirtual) {
	// o's rows are addressed only at the start and the end: computed then.
	oRow := func(r int) Mem {
		last := Load(Param("rows"), GP64())
		DECQ(last)
		idx := GP64()
		MOVQ(U32(r), idx)
		CMPQ(last, U32(r))
		CMOVQLT(last, idx)
		IMULQ(Load(Param("ldo"), GP64()), idx)
		base := Load(Param("o").Base(), GP64())
		LEAQ(Mem{Base: base, Index: idx, Scale: 4}, base)
		return Mem{Base: base}
	}
	load := func(m Mem, v int, dst VecVirtual) {
		if mask != nil && v == nvec-1 {
			VMASKMOVPS(m, mask, dst)
		} else {
			VMOVUPS(m, dst)
		}
	}
	acc := make([][]VecVirtual, pvRows)
	for r := range acc {
		acc[r] = make([]VecVirtual, nvec)
		for v := range acc[r] {
			acc[r][v] = YMM()
			m := oRow(r)
			m.Disp = 32 * v
			load(m, v, acc[r][v])
		}
	}
	vp := Load(Param("v").Base(), GP64())
	ldv := Load(Param("ldv"), GP64())
	SHLQ(U8(2), ldv)
	j := GP64()
	XORQ(j, j)
	Label(name + "_key")
	CMPQ(j, nk)
	JAE(LabelRef(name + "_store"))
	vv := make([]VecVirtual, nvec)
	for v := range vv {
		vv[v] = YMM()
		load(Mem{Base: vp, Disp: 32 * v}, v, vv[v])
	}
	for r := 0; r < pvRows; r++ {
		b := YMM()
		VBROADCASTSS(Mem{Base: pp[r], Index: j, Scale: 4}, b)
		for v := range vv {
			VFMADD231PS(vv[v], b, acc[r][v])
		}
	}
	ADDQ(ldv, vp)
	INCQ(j)
	JMP(LabelRef(name + "_key"))

	Label(name + "_store")
	// Stores from the last row back: a repeated row's stores all carry
	// the same values, so the order does not matter; going backwards keeps
	// the real last row's store last anyway.
	for r := pvRows - 1; r >= 0; r-- {
		for v := range acc[r] {
			m := oRow(r)
			m.Disp = 32 * v
			if mask != nil && v == nvec-1 {
				VMASKMOVPS(acc[r][v], mask, m)
			} else {
				VMOVUPS(acc[r][v], m)
			}
		}
	}
	ret()
}

// pvRow is the one-row form (decode: one query per KV head): o[c] +=
// sum_j p[j]*v[j][c] over all d columns, 32 columns at a time, then 8 at
// a time, then (float32 v) the last d%8 under a mask. Each width keeps
// several accumulator sets (alternate keys go to alternate sets) so the
// FMA chains do not wait on each other. With half, v holds f16 values,
// widened in registers, and d is a multiple of 8 (the Go driver adds the
// rest).
func pvRow(name string, half bool) {
	elem := "float32"
	if half {
		elem = "uint16"
	}
	TEXT(name, NOSPLIT, "func(o, p []float32, v []"+elem+", ldv, nk, d int)")
	nk := Load(Param("nk"), GP64())
	TESTQ(nk, nk)
	JZ(LabelRef("done"))
	op := Load(Param("o").Base(), GP64())
	vp := Load(Param("v").Base(), GP64())
	cols := Load(Param("d"), GP64())
	pvRowChunks("wide", op, vp, nk, cols, 4, 2, false, half)
	pvRowChunks("narrow", op, vp, nk, cols, 1, 4, false, half)
	if !half {
		TESTQ(cols, cols)
		JZ(LabelRef("done"))
		pvRowChunks("tail", op, vp, nk, cols, 1, 2, true, false)
	}
	Label("done")
	ret()
}

// pvRowChunks emits a loop over chunks of 8*nvec columns while at least
// that many are left (or, masked, the one chunk of the last cols < 8),
// advancing op and vp past each and counting down cols.
func pvRowChunks(name string, op, vp, nk, cols Register, nvec, sets int, masked, half bool) {
	width := 8 * nvec
	vsize := 4 // bytes per value of v
	if half {
		vsize = 2
	}
	var mask VecVirtual
	Label(name + "_chunk")
	if masked {
		mask = loadTailMask(cols)
	} else {
		CMPQ(cols, U32(width))
		JB(LabelRef(name + "_end"))
	}
	acc := make([][]VecVirtual, sets)
	for s := range acc {
		acc[s] = zeros(nvec)
	}
	load := func(m Mem, dst VecVirtual) {
		if masked {
			VMASKMOVPS(m, mask, dst)
		} else {
			VMOVUPS(m, dst)
		}
	}
	pp := Load(Param("p").Base(), GP64())
	ldv := Load(Param("ldv"), GP64())
	SHLQ(U8(vsize/2), ldv)
	row, j := GP64(), GP64()
	MOVQ(vp, row)
	XORQ(j, j)
	step := func(s int) {
		b := YMM()
		VBROADCASTSS(Mem{Base: pp, Index: j, Scale: 4}, b)
		for v := 0; v < nvec; v++ {
			m := Mem{Base: row, Disp: 8 * vsize * v}
			if half {
				x := YMM()
				VCVTPH2PS(m, x)
				VFMADD231PS(x, b, acc[s][v])
			} else if masked {
				x := YMM()
				load(m, x)
				VFMADD231PS(x, b, acc[s][v])
			} else {
				VFMADD231PS(m, b, acc[s][v])
			}
		}
		ADDQ(ldv, row)
		INCQ(j)
	}
	end := GP64()
	Label(name + "_keys")
	MOVQ(j, end)
	ADDQ(U32(sets), end)
	CMPQ(end, nk)
	JA(LabelRef(name + "_last"))
	for s := 0; s < sets; s++ {
		step(s)
	}
	JMP(LabelRef(name + "_keys"))
	Label(name + "_last")
	CMPQ(j, nk)
	JAE(LabelRef(name + "_sum"))
	step(0)
	JMP(LabelRef(name + "_last"))

	Label(name + "_sum")
	for v := 0; v < nvec; v++ {
		for s := 1; s < sets; s++ {
			VADDPS(acc[s][v], acc[0][v], acc[0][v])
		}
		x := YMM()
		load(Mem{Base: op, Disp: 32 * v}, x)
		VADDPS(x, acc[0][v], acc[0][v])
		if masked {
			VMASKMOVPS(acc[0][v], mask, Mem{Base: op, Disp: 32 * v})
		} else {
			VMOVUPS(acc[0][v], Mem{Base: op, Disp: 32 * v})
		}
	}
	if !masked {
		ADDQ(U32(4*width), op)
		ADDQ(U32(vsize*width), vp)
		SUBQ(U32(width), cols)
		JMP(LabelRef(name + "_chunk"))
		Label(name + "_end")
	}
}
