package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// qkF16 scores one query row against f16 key rows (the decode form of
// attention.go over an f16 cache), widening each key in registers:
// s[j] = sum_c q[c]*f16(k[j*ldk+c]), len(q) a multiple of 8 (the Go
// driver adds the last d%8 columns). Four keys at a time share each load
// of q, with two accumulators per key (even and odd chunks of 8) so that
// eight FMA chains are in flight; fold4 turns the four sums into four
// consecutive s values.
func qkF16() {
	TEXT("qkF16AVX2", NOSPLIT, "func(s, q []float32, k []uint16, ldk int)")
	qkRows(1, qkChunks)
}

// qkRows is the key loop of the score kernels: four keys at a time, then
// one, each step's dot products emitted by chunks (one summed accumulator
// per row) and folded into consecutive s values. Row j of k starts at
// k + j*(ldk << ldShift) bytes.
func qkRows(ldShift uint8, chunks func(name string, qp, d Register, rows []Register) []VecVirtual) {
	sp := Load(Param("s").Base(), GP64())
	nk := Load(Param("s").Len(), GP64())
	qp := Load(Param("q").Base(), GP64())
	d := Load(Param("q").Len(), GP64())
	kp := Load(Param("k").Base(), GP64())
	ldk := Load(Param("ldk"), GP64())
	if ldShift > 0 {
		SHLQ(U8(ldShift), ldk)
	}

	Label("keys4")
	CMPQ(nk, U32(4))
	JB(LabelRef("keys1"))
	rows := []Register{kp, GP64(), GP64(), GP64()}
	for r := 1; r < 4; r++ {
		MOVQ(rows[r-1], rows[r])
		ADDQ(ldk, rows[r])
	}
	acc := chunks("four", qp, d, rows)
	VMOVUPS(fold4(acc[0], acc[1], acc[2], acc[3]).AsX(), Mem{Base: sp})
	ADDQ(U32(16), sp)
	LEAQ(Mem{Base: rows[3], Index: ldk, Scale: 1}, kp)
	SUBQ(U32(4), nk)
	JMP(LabelRef("keys4"))

	Label("keys1")
	TESTQ(nk, nk)
	JZ(LabelRef("done"))
	one := chunks("one", qp, d, []Register{kp})
	VMOVSS(hsum(one[0]), Mem{Base: sp})
	ADDQ(U32(4), sp)
	ADDQ(ldk, kp)
	DECQ(nk)
	JMP(LabelRef("keys1"))
	Label("done")
	ret()
}

// qkChunks emits the dot products of q (d values, a multiple of 8) with
// the f16 rows, two chunks of 8 per step into alternate accumulator sets,
// and returns one summed accumulator per row.
func qkChunks(name string, qp, d Register, rows []Register) []VecVirtual {
	sets := [2][]VecVirtual{zeros(len(rows)), zeros(len(rows))}
	c := GP64()
	XORQ(c, c)
	step := func(set, disp int) {
		x := YMM()
		VMOVUPS(Mem{Base: qp, Index: c, Scale: 4, Disp: 4 * disp}, x)
		for r, row := range rows {
			t := YMM()
			VCVTPH2PS(Mem{Base: row, Index: c, Scale: 2, Disp: 2 * disp}, t)
			VFMADD231PS(t, x, sets[set][r])
		}
	}
	end := GP64()
	Label(name + "_pair")
	LEAQ(Mem{Base: c, Disp: 16}, end)
	CMPQ(end, d)
	JA(LabelRef(name + "_single"))
	step(0, 0)
	step(1, 8)
	MOVQ(end, c)
	JMP(LabelRef(name + "_pair"))
	Label(name + "_single")
	CMPQ(c, d)
	JAE(LabelRef(name + "_sum"))
	step(0, 0)
	Label(name + "_sum")
	for r := range rows {
		VADDPS(sets[1][r], sets[0][r], sets[0][r])
	}
	return sets[0]
}
