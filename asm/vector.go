package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// vectorKernels implement the vector slots of the root package's
// vector.go (same names with an AVX2 suffix; vector_amd64.go has the Go
// loop of each).
func vectorKernels() {
	dot()
	axpy()
	scale()
	binary("addAVX2", VADDPS)
	binary("mulAVX2", VMULPS)
	maximum()
	expSum()
	rmsNorm()
	unaryExp("siluAVX2", siluOf)
	unaryExp("geluAVX2", geluOf)
	swiglu()
	rope()
	f16ToF32()
	f32ToF16()
}

// accumulators is how many independent FMA chains the reductions keep in
// flight: enough to cover FMA latency on the two FMA pipes at the rate the
// two load ports can feed them.
const accumulators = 4

func dot() {
	TEXT("dotAVX2", NOSPLIT, "func(x, y []float32) float32")
	n, ptrs := sliceArgs("x", "y")
	acc := zeros(accumulators)
	streamLoop("dot", n, ptrs, accumulators, func(l lanes, i int) {
		VFMADD231PS(l.operand(1), l.load(0), acc[i])
	})
	VADDPS(acc[1], acc[0], acc[0])
	VADDPS(acc[3], acc[2], acc[2])
	VADDPS(acc[2], acc[0], acc[0])
	storeF32(hsum(acc[0]))
	ret()
}

func axpy() {
	TEXT("axpyAVX2", NOSPLIT, "func(a float32, x, y []float32)")
	a := broadcastParam("a")
	n, ptrs := sliceArgs("x", "y")
	streamLoop("axpy", n, ptrs, 4, func(l lanes, _ int) {
		y := l.load(1)
		VFMADD231PS(l.operand(0), a, y)
		l.store(y, 1)
	})
	ret()
}

func scale() {
	TEXT("scaleAVX2", NOSPLIT, "func(a float32, x []float32)")
	a := broadcastParam("a")
	n, ptrs := sliceArgs("x")
	streamLoop("scale", n, ptrs, 4, func(l lanes, _ int) {
		v := YMM()
		VMULPS(l.operand(0), a, v)
		l.store(v, 0)
	})
	ret()
}

// binary emits dst = op(x, y) element-wise.
func binary(name string, op func(ops ...Op)) {
	TEXT(name, NOSPLIT, "func(dst, x, y []float32)")
	n, ptrs := sliceArgs("dst", "x", "y")
	streamLoop("op", n, ptrs, 4, func(l lanes, _ int) {
		v := YMM()
		op(l.operand(2), l.load(1), v)
		l.store(v, 0)
	})
	ret()
}

// maximum skips NaNs as the Go loop's "if x > m" does: VMAXPS returns its
// second source (m here) when either is NaN.
func maximum() {
	TEXT("maxAVX2", NOSPLIT, "func(x []float32) float32")
	n, ptrs := sliceArgs("x")
	negInf := splat32("neg_inf", 0xff800000)
	acc := make([]VecVirtual, accumulators)
	for i := range acc {
		acc[i] = YMM()
		VMOVUPS(negInf, acc[i])
	}
	streamLoop("max", n, ptrs, accumulators, func(l lanes, i int) {
		v := l.load(0)
		if l.mask != nil { // lanes past the end must not win: -Inf
			inf := YMM()
			VMOVUPS(negInf, inf)
			VBLENDVPS(l.mask, v, inf, v)
		}
		VMAXPS(acc[i], v, acc[i])
	})
	VMAXPS(acc[1], acc[0], acc[0])
	VMAXPS(acc[3], acc[2], acc[2])
	VMAXPS(acc[2], acc[0], acc[0])
	m := acc[0]
	t := YMM()
	VPERM2F128(U8(1), m, m, t)
	VMAXPS(t, m, m)
	VPERMILPS(U8(0x4e), m, t) // swap 64-bit halves
	VMAXPS(t, m, m)
	VPERMILPS(U8(0xb1), m, t) // swap neighbours
	VMAXPS(t, m, m)
	storeF32(m.AsX())
	ret()
}

// expSum replaces x by exp(x - m) and returns the float32 sum.
func expSum() {
	TEXT("expSumAVX2", NOSPLIT, "func(x []float32, m float32) float32")
	m := broadcastParam("m")
	n, ptrs := sliceArgs("x")
	c := loadExpConsts()
	acc := zeros(2)
	streamLoop("exp", n, ptrs, 2, func(l lanes, i int) {
		v := YMM()
		VSUBPS(m, l.load(0), v)
		e := expPS(c, v)
		l.store(e, 0)
		if l.mask != nil { // the lanes past the end hold exp(0 - m)
			VANDPS(l.mask, e, e)
		}
		VADDPS(e, acc[i], acc[i])
	})
	VADDPS(acc[1], acc[0], acc[0])
	storeF32(hsum(acc[0]))
	ret()
}

// rmsNorm sums the float32 squares in float64, then computes the scale
// with the twin's float32 steps, then dst = (x*s)*w (or x*s without w).
func rmsNorm() {
	TEXT("rmsNormAVX2", NOSPLIT, "func(dst, x, w []float32, eps float32)")
	n, ptrs := sliceArgs("x")
	const unroll = 4
	acc := zeros(2 * unroll)
	streamLoop("sum", n, ptrs, unroll, func(l lanes, i int) {
		// Squares in float32, then widened: whole vectors as two halves
		// straight from memory, the masked tail through one register.
		lo, hi := YMM(), YMM()
		if l.mask == nil {
			for h, d := range []VecVirtual{lo, hi} {
				m := l.at(0)
				m.Disp += 16 * h
				x := XMM()
				VMOVUPS(m, x)
				VMULPS(x, x, x)
				VCVTPS2PD(x, d)
			}
		} else {
			x := l.load(0)
			VMULPS(x, x, x)
			VCVTPS2PD(x.AsX(), lo)
			VEXTRACTF128(U8(1), x, hi.AsX())
			VCVTPS2PD(hi.AsX(), hi)
		}
		VADDPD(lo, acc[2*i], acc[2*i])
		VADDPD(hi, acc[2*i+1], acc[2*i+1])
	})
	for step := 1; step < len(acc); step *= 2 {
		for i := 0; i+step < len(acc); i += 2 * step {
			VADDPD(acc[i+step], acc[i], acc[i])
		}
	}
	sum := hsumPD(acc[0])

	// s = 1 / float32(sqrt(float32(sum/n) + eps))
	length := Load(Param("x").Len(), GP64())
	nd := XMM()
	VXORPS(nd, nd, nd)
	VCVTSI2SDQ(length, nd, nd)
	VDIVSD(nd, sum, sum)
	mean := XMM()
	VCVTSD2SS(sum, mean, mean)
	eps := XMM()
	loadF32("eps", eps)
	VADDSS(eps, mean, mean)
	VSQRTSS(mean, mean, mean)
	one := XMM()
	VMOVSS(splatF32("one", 1), one)
	VDIVSS(mean, one, one)
	s := YMM()
	VBROADCASTSS(one, s)

	n, ptrs = sliceArgs("dst", "x", "w")
	CMPQ(Load(Param("w").Len(), GP64()), U32(0))
	JE(LabelRef("unweighted"))
	streamLoop("weighted", n, ptrs, 4, func(l lanes, _ int) {
		v := YMM()
		VMULPS(l.operand(1), s, v)
		VMULPS(l.operand(2), v, v)
		l.store(v, 0)
	})
	ret()
	Label("unweighted")
	streamLoop("scaled", n, ptrs[:2], 4, func(l lanes, _ int) {
		v := YMM()
		VMULPS(l.operand(1), s, v)
		l.store(v, 0)
	})
	ret()
}

// unaryExp emits dst[i] = f(x[i]) for an f built on expPS.
func unaryExp(name string, f func(expConsts, VecVirtual) VecVirtual) {
	TEXT(name, NOSPLIT, "func(dst, x []float32)")
	n, ptrs := sliceArgs("dst", "x")
	c := loadExpConsts()
	streamLoop("f", n, ptrs, 2, func(l lanes, _ int) {
		l.store(f(c, l.load(1)), 0)
	})
	ret()
}

func swiglu() {
	TEXT("swigluAVX2", NOSPLIT, "func(dst, gate, up []float32)")
	n, ptrs := sliceArgs("dst", "gate", "up")
	c := loadExpConsts()
	streamLoop("f", n, ptrs, 2, func(l lanes, _ int) {
		y := siluOf(c, l.load(1))
		VMULPS(l.operand(2), y, y)
		l.store(y, 0)
	})
	ret()
}

// siluOf emits x / (1 + exp(-x)), the twin's float32 steps.
func siluOf(c expConsts, x VecVirtual) VecVirtual {
	neg := YMM()
	VXORPS(splat32("sign", 0x80000000), x, neg)
	d := expPS(c, neg)
	VADDPS(splatF32("one", 1), d, d)
	y := YMM()
	VDIVPS(d, x, y)
	return y
}

// geluOf emits ggml's tanh GELU with the twin's float32 steps:
// z = (c*x)*(1 + (a*x)*x), tanh z = 1 - 2/(exp(2z)+1), g = (0.5*x)*(1+tanh z);
// 0 where x <= -10, x where x >= 10 (NaN passes through the arithmetic).
func geluOf(c expConsts, x VecVirtual) VecVirtual {
	const (
		sqrt2OverPi = 0.79788456080286535587989211986876
		coefA       = 0.044715
	)
	one := splatF32("one", 1)
	u := YMM()
	VMULPS(splatF32("gelu_a", coefA), x, u)
	VMULPS(x, u, u)
	VADDPS(one, u, u)
	z := YMM()
	VMULPS(splatF32("gelu_c", sqrt2OverPi), x, z)
	VMULPS(u, z, z)
	VADDPS(z, z, z)
	e := expPS(c, z)
	VADDPS(one, e, e)
	two := YMM()
	VMOVUPS(splatF32("two", 2), two)
	VDIVPS(e, two, e) // 2/(exp(2z)+1)
	t := YMM()
	VMOVUPS(one, t)
	VSUBPS(e, t, t) // tanh z
	VADDPS(one, t, t)
	g := YMM()
	VMULPS(splatF32("half", 0.5), x, g)
	VMULPS(t, g, g)

	big, small := YMM(), YMM()
	VCMPPS(U8(0x1d), splatF32("ten", 10), x, big)          // x >= 10 (GE_OQ)
	VCMPPS(U8(0x02), splatF32("minus_ten", -10), x, small) // x <= -10 (LE_OS)
	VBLENDVPS(big, x, g, g)
	VANDNPS(g, small, g)
	return g
}

// rope rotates pairs without FMA (mul, mul, add), so the result is the
// twin's bit for bit: x0*c - x1*s is x0*c + (-(x1*s)) exactly.
func rope() {
	TEXT("ropeAVX2", NOSPLIT, "func(x, cos, sin []float32, neox bool)")
	x := Load(Param("x").Base(), GP64())
	n := Load(Param("cos").Len(), GP64())
	cs := Load(Param("cos").Base(), GP64())
	sn := Load(Param("sin").Base(), GP64())
	neox := Load(Param("neox"), GP8())
	TESTB(neox, neox)
	JNZ(LabelRef("neox"))

	// Normal: x = [a0 b0 a1 b1 ...] against cos/sin duplicated per pair.
	dup := YMM()
	VMOVDQU(splatPairs("rope_dup"), dup)
	evenSign := splatAlt("rope_even_sign", 0x80000000, 0)
	pairs := func(full bool, xmask, cmask VecVirtual) {
		v, c4, s4 := YMM(), XMM(), XMM()
		if full {
			VMOVUPS(Mem{Base: x}, v)
			VMOVUPS(Mem{Base: cs}, c4)
			VMOVUPS(Mem{Base: sn}, s4)
		} else {
			VMASKMOVPS(Mem{Base: x}, xmask, v)
			VMASKMOVPS(Mem{Base: cs}, cmask.AsX(), c4)
			VMASKMOVPS(Mem{Base: sn}, cmask.AsX(), s4)
		}
		c, s := YMM(), YMM()
		VPERMPS(c4.AsY(), dup, c) // [c0 c0 c1 c1 ...]
		VPERMPS(s4.AsY(), dup, s)
		VXORPS(evenSign, s, s) // [-s0 s0 -s1 s1 ...]
		w := YMM()
		VPERMILPS(U8(0xb1), v, w) // [b0 a0 b1 a1 ...]
		VMULPS(c, v, v)
		VMULPS(s, w, w)
		VADDPS(w, v, v)
		if full {
			VMOVUPS(v, Mem{Base: x})
		} else {
			VMASKMOVPS(v, xmask, Mem{Base: x})
		}
	}
	Label("normal")
	CMPQ(n, U32(4))
	JB(LabelRef("normal_tail"))
	pairs(true, nil, nil)
	ADDQ(U32(32), x)
	ADDQ(U32(16), cs)
	ADDQ(U32(16), sn)
	SUBQ(U32(4), n)
	JMP(LabelRef("normal"))
	Label("normal_tail")
	TESTQ(n, n)
	JZ(LabelRef("normal_done"))
	cmask := loadTailMask(n)
	n2 := GP64()
	LEAQ(Mem{Base: n, Index: n, Scale: 1}, n2)
	xmask := loadTailMask(n2)
	pairs(false, xmask, cmask)
	Label("normal_done")
	ret()

	// NeoX: lo = x[:m], hi = x[m:2m], four streams of m values.
	Label("neox")
	hi := GP64()
	LEAQ(Mem{Base: x, Index: n, Scale: 4}, hi)
	streamLoop("neox", n, []Register{x, hi, cs, sn}, 2, func(l lanes, _ int) {
		lo, h := l.load(0), l.load(1)
		c, s := l.load(2), l.load(3)
		a, b := YMM(), YMM()
		VMULPS(c, lo, a) // lo*c
		VMULPS(s, h, b)  // hi*s
		VSUBPS(b, a, a)
		VMULPS(s, lo, lo) // lo*s
		VMULPS(c, h, h)   // hi*c
		VADDPS(h, lo, lo)
		l.store(a, 0)
		l.store(lo, 1)
	})
	ret()
}

// splatPairs is the VPERMPS index vector [0 0 1 1 2 2 3 3].
func splatPairs(name string) Mem {
	return tableOf(name, 8, func(i int) uint32 { return uint32(i / 2) })
}

// splatAlt is a vector of even-lane and odd-lane patterns alternating.
func splatAlt(name string, even, odd uint32) Mem {
	return tableOf(name, 8, func(i int) uint32 {
		if i%2 == 1 {
			return odd
		}
		return even
	})
}

// f16ToF32 widens 8 halves per VCVTPH2PS (exact); the last n%8 one by one.
func f16ToF32() {
	TEXT("f16ToF32AVX2", NOSPLIT, "func(dst []float32, src []uint16)")
	convertLoop(2, 4, func(src, dst Mem) {
		v := YMM()
		VCVTPH2PS(src, v)
		VMOVUPS(v, dst)
	}, func(src, dst Mem) {
		h, f := GP32(), XMM()
		MOVWLZX(src, h)
		VMOVD(h, f)
		VCVTPH2PS(f, f)
		VMOVSS(f, dst)
	})
}

// f32ToF16 narrows with VCVTPS2PH rounding to nearest even (imm 0).
func f32ToF16() {
	TEXT("f32ToF16AVX2", NOSPLIT, "func(dst []uint16, src []float32)")
	convertLoop(4, 2, func(src, dst Mem) {
		v := YMM()
		VMOVUPS(src, v)
		VCVTPS2PH(U8(0), v, dst)
	}, func(src, dst Mem) {
		f, h := XMM(), GP32()
		VMOVSS(src, f)
		VCVTPS2PH(U8(0), f, f)
		VMOVD(f, h)
		MOVW(h.As16(), dst)
	})
}

// convertLoop walks len(dst) elements of src (srcSize bytes each) into dst
// (dstSize bytes each): wide converts 8 at a time, one the last n%8.
func convertLoop(srcSize, dstSize int, wide, one func(src, dst Mem)) {
	n := Load(Param("dst").Len(), GP64())
	dst := Load(Param("dst").Base(), GP64())
	src := Load(Param("src").Base(), GP64())
	Label("wide")
	CMPQ(n, U32(8))
	JB(LabelRef("tail"))
	wide(Mem{Base: src}, Mem{Base: dst})
	ADDQ(U32(8*srcSize), src)
	ADDQ(U32(8*dstSize), dst)
	SUBQ(U32(8), n)
	JMP(LabelRef("wide"))
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	one(Mem{Base: src}, Mem{Base: dst})
	ADDQ(U32(srcSize), src)
	ADDQ(U32(dstSize), dst)
	DECQ(n)
	JMP(LabelRef("tail"))
	Label("done")
	ret()
}
