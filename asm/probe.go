package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
)

// probeKernels measure the machine, for the benchmarks that report a
// kernel's speed as a fraction of what the core can do.
func probeKernels() {
	fmaLoop()
	readLoop()
}

// fmaLoop runs 12 independent VFMADD231PS chains per iteration: enough to
// cover FMA latency times the FMA pipes of current cores, so the loop runs
// at the FMA throughput peak (8 lanes * 2 flops per FMA).
func fmaLoop() {
	TEXT("fmaLoopAVX2", NOSPLIT, "func(iters int)")
	n := Load(Param("iters"), GP64())
	const chains = 12
	acc := zeros(chains)
	a, b := YMM(), YMM()
	VMOVUPS(splatF32("one", 1), a)
	VXORPS(b, b, b)
	Label("loop")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	for i := 0; i < chains; i++ {
		VFMADD231PS(a, b, acc[i])
	}
	DECQ(n)
	JMP(LabelRef("loop"))
	Label("done")
	ret()
}

// readLoop reads every byte of p once (a memory-bandwidth probe for the
// GEMV benchmarks) and returns the xor of its 64-bit words, so nothing can
// be skipped. len(p) must be a multiple of 128.
func readLoop() {
	TEXT("readLoopAVX2", NOSPLIT, "func(p []byte) uint64")
	ptr := Load(Param("p").Base(), GP64())
	n := Load(Param("p").Len(), GP64())
	acc := zeros(4)
	Label("loop")
	CMPQ(n, U32(128))
	JB(LabelRef("done"))
	for i := 0; i < 4; i++ {
		VPXOR(Mem{Base: ptr, Disp: 32 * i}, acc[i], acc[i])
	}
	ADDQ(U32(128), ptr)
	SUBQ(U32(128), n)
	JMP(LabelRef("loop"))
	Label("done")
	VPXOR(acc[1], acc[0], acc[0])
	VPXOR(acc[3], acc[2], acc[2])
	VPXOR(acc[2], acc[0], acc[0])
	x := acc[0].AsX()
	hi := XMM()
	VEXTRACTI128(U8(1), acc[0], hi)
	VPXOR(hi, x, x)
	VPSHUFD(U8(0x4e), x, hi) // swap the 64-bit halves
	VPXOR(hi, x, x)
	r := GP64()
	VMOVQ(x, r)
	Store(r, ReturnIndex(0))
	ret()
}
