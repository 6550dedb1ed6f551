package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Decode attention over a Q8_0 cache (attention.go's attention_qk_q8_0
// and attention_pv_q8_0 slots), whole blocks only (the Go driver adds a
// partial last block): each block of an f16 scale and 32 int8 values is
// widened in registers, int8 -> int32 (VPMOVSXBD) -> float32.

const (
	q8Block = 34 // bytes: f16 scale, 32 int8
	q8Qs    = 2  // offset of the int8 values
)

// q8Scale broadcasts the f16 scale at m to the 8 lanes of a new register.
func q8Scale(m Mem) VecVirtual {
	x := XMM()
	VPBROADCASTW(m, x)
	y := YMM()
	VCVTPH2PS(x, y)
	return y
}

// q8Values widens int8 values 8i..8i+7 of the block at m.
func q8Values(m Mem, i int) VecVirtual {
	m.Disp += q8Qs + 8*i
	t := YMM()
	VPMOVSXBD(m, t)
	VCVTDQ2PS(t, t)
	return t
}

// qkQ8: s[j] = sum_b scale_jb * sum_i q[32b+i]*int8(k_jb[i]), len(q) a
// multiple of 32; rows of ldk bytes.
func qkQ8() {
	TEXT("qkQ8AVX2", NOSPLIT, "func(s, q []float32, k []byte, ldk int)")
	qkRows(0, qkBlocks)
}

// qkBlocks emits the block-wise dot products of q (d values, whole
// blocks) with the Q8_0 rows: per block, the four vectors of q meet each
// row's widened values, and the block sum times the row's scale goes into
// the row's accumulator.
func qkBlocks(name string, qp, d Register, rows []Register) []VecVirtual {
	acc := zeros(len(rows))
	c, kb := GP64(), GP64()
	XORQ(c, c)
	XORQ(kb, kb)
	Label(name + "_block")
	CMPQ(c, d)
	JAE(LabelRef(name + "_sum"))
	var x [4]VecVirtual
	for i := range x {
		x[i] = YMM()
		VMOVUPS(Mem{Base: qp, Index: c, Scale: 4, Disp: 32 * i}, x[i])
	}
	for r, row := range rows {
		blk := Mem{Base: row, Index: kb, Scale: 1}
		sum := YMM()
		for i := range x {
			t := q8Values(blk, i)
			if i == 0 {
				VMULPS(x[i], t, sum)
			} else {
				VFMADD231PS(x[i], t, sum)
			}
		}
		VFMADD231PS(q8Scale(blk), sum, acc[r])
	}
	ADDQ(U32(32), c)
	ADDQ(U32(q8Block), kb)
	JMP(LabelRef(name + "_block"))
	Label(name + "_sum")
	return acc
}

// pvQ8: o[c] += sum_j (p[j]*scale_jb) * int8(v_jb[i]), c = 32b+i, d a
// multiple of 32; rows of ldv bytes. One block of columns at a time
// (four vectors), keys in pairs going to two accumulator sets.
func pvQ8() {
	TEXT("pvRowQ8AVX2", NOSPLIT, "func(o, p []float32, v []byte, ldv, nk, d int)")
	nk := Load(Param("nk"), GP64())
	TESTQ(nk, nk)
	JZ(LabelRef("done"))
	op := Load(Param("o").Base(), GP64())
	vp := Load(Param("v").Base(), GP64())
	cols := Load(Param("d"), GP64())

	Label("block")
	TESTQ(cols, cols)
	JZ(LabelRef("done"))
	sets := [2][]VecVirtual{make([]VecVirtual, 4), zeros(4)}
	for i := range sets[0] {
		sets[0][i] = YMM()
		VMOVUPS(Mem{Base: op, Disp: 32 * i}, sets[0][i])
	}
	pp := Load(Param("p").Base(), GP64())
	ldv := Load(Param("ldv"), GP64())
	row, j, end := GP64(), GP64(), GP64()
	MOVQ(vp, row)
	XORQ(j, j)
	step := func(set int) {
		blk := Mem{Base: row}
		w := YMM()
		VBROADCASTSS(Mem{Base: pp, Index: j, Scale: 4}, w)
		VMULPS(q8Scale(blk), w, w)
		for i := range 4 {
			VFMADD231PS(q8Values(blk, i), w, sets[set][i])
		}
		ADDQ(ldv, row)
		INCQ(j)
	}
	Label("pair")
	LEAQ(Mem{Base: j, Disp: 2}, end)
	CMPQ(end, nk)
	JA(LabelRef("single"))
	step(0)
	step(1)
	JMP(LabelRef("pair"))
	Label("single")
	CMPQ(j, nk)
	JAE(LabelRef("store"))
	step(0)
	Label("store")
	for i := range 4 {
		VADDPS(sets[1][i], sets[0][i], sets[0][i])
		VMOVUPS(sets[0][i], Mem{Base: op, Disp: 32 * i})
	}
	ADDQ(U32(4*32), op)
	ADDQ(U32(q8Block), vp)
	SUBQ(U32(32), cols)
	JMP(LabelRef("block"))
	Label("done")
	ret()
}
