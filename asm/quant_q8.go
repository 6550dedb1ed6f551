package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// quantQ8Kernels convert between float32 rows and Q8_0 blocks: the activation
// (and KV cache) quantiser, bit for bit llama.cpp's x86 one (the root
// package's QuantizeRowQ8_0Even), and the dequantiser the attention uses
// to widen a Q8_0 cache; and quantise rows to Q8_1 (quantizeRowQ8_1Even,
// the activations of the Q4_1 and Q5_1 tiles).
func quantQ8Kernels() {
	quantizeQ8("quantizeQ8_0AVX2", false)
	dequantQ8_0()
	quantizeQ8("quantizeQ8_1AVX2", true)
}

// quantizeQ8 emits, per block of 32 values: amax = max |x| (NaN
// skipped), d = f16(amax/127), id = 127/amax (0 when amax is 0), q =
// int8 saturation of round-half-even(x*id) (VCVTPS2DQ, VPACKSSDW,
// VPACKSSWB: NaN becomes -128, as the twin says). withSum: Q8_1 blocks,
// d then s = f16(amax/127 * the wrapping int32 sum of VCVTPS2DQ's values)
// before the q.
func quantizeQ8(name string, withSum bool) {
	block, qOff := 34, 2
	if withSum {
		block, qOff = 36, 4
	}
	TEXT(name, NOSPLIT, "func(dst []byte, x []float32)")
	nb := Load(Param("x").Len(), GP64())
	SHRQ(U8(5), nb)
	JZ(LabelRef("done"))
	dst := Load(Param("dst").Base(), GP64())
	src := Load(Param("x").Base(), GP64())
	absMask, order := YMM(), YMM()
	VMOVUPS(splat32("abs_mask", 0x7fffffff), absMask)
	VMOVDQU(dwordOrder(), order)
	Label("block")
	v := make([]VecVirtual, 4)
	m := YMM()
	VXORPS(m, m, m)
	for i := range v {
		v[i] = YMM()
		VMOVUPS(Mem{Base: src, Disp: 32 * i}, v[i])
		a := YMM()
		VANDPS(absMask, v[i], a)
		VMAXPS(m, a, m) // max(a, m): a NaN gives m
	}
	t := YMM()
	VPERM2F128(U8(1), m, m, t)
	VMAXPS(t, m, m)
	VPERMILPS(U8(0x4e), m, t)
	VMAXPS(t, m, m)
	VPERMILPS(U8(0xb1), m, t)
	VMAXPS(t, m, m)
	amax := m.AsX()

	d, dh, h := XMM(), XMM(), GP32()
	VDIVSS(splatF32("f127", 127), amax, d)
	VCVTPS2PH(U8(0), d, dh)
	VMOVD(dh, h)
	MOVW(h.As16(), Mem{Base: dst})

	id, zero := XMM(), XMM()
	VMOVSS(splatF32("f127", 127), id)
	VDIVSS(amax, id, id)
	VXORPS(zero, zero, zero)
	VCMPSS(U8(4), zero, amax, zero) // amax != 0 (NEQ_UQ)
	VANDPS(zero, id, id)
	idv := YMM()
	VBROADCASTSS(id, idv)
	for i := range v {
		VMULPS(idv, v[i], v[i])
		VCVTPS2DQ(v[i], v[i])
	}
	if withSum {
		sum, t := YMM(), YMM()
		VPADDD(v[1], v[0], sum)
		VPADDD(v[3], v[2], t)
		VPADDD(t, sum, sum)
		hi := XMM()
		VEXTRACTI128(U8(1), sum, hi)
		VPADDD(hi, sum.AsX(), hi)
		VPSHUFD(U8(0x4e), hi, sum.AsX())
		VPADDD(sum.AsX(), hi, hi)
		VPSHUFD(U8(0xb1), hi, sum.AsX())
		VPADDD(sum.AsX(), hi, hi)
		VCVTDQ2PS(hi, hi)
		VMULSS(d, hi, hi)
		VCVTPS2PH(U8(0), hi, hi)
		VMOVD(hi, h)
		MOVW(h.As16(), Mem{Base: dst, Disp: 2})
	}
	VPACKSSDW(v[1], v[0], v[0])
	VPACKSSDW(v[3], v[2], v[2])
	VPACKSSWB(v[2], v[0], v[0])
	VPERMD(v[0], order, v[0])
	VMOVDQU(v[0], Mem{Base: dst, Disp: qOff})
	ADDQ(U32(128), src)
	ADDQ(U32(block), dst)
	DECQ(nb)
	JNZ(LabelRef("block"))
	Label("done")
	ret()
}

// dwordOrder is the VPERMD index [0 4 1 5 2 6 3 7] that puts the bytes of
// two in-lane packs back in element order.
func dwordOrder() Mem { return table("pack_order", 0, 4, 1, 5, 2, 6, 3, 7) }

// dequantQ8_0 emits x = q*d per block, the product rounded once as the
// twin's float32(q)*d.
func dequantQ8_0() {
	TEXT("dequantQ8_0AVX2", NOSPLIT, "func(dst []float32, src []byte)")
	nb := Load(Param("dst").Len(), GP64())
	SHRQ(U8(5), nb)
	JZ(LabelRef("done"))
	dst := Load(Param("dst").Base(), GP64())
	src := Load(Param("src").Base(), GP64())
	Label("block")
	d := YMM()
	VPBROADCASTW(Mem{Base: src}, d.AsX())
	VCVTPH2PS(d.AsX(), d)
	for i := 0; i < 4; i++ {
		q := YMM()
		VPMOVSXBD(Mem{Base: src, Disp: 2 + 8*i}, q)
		VCVTDQ2PS(q, q)
		VMULPS(d, q, q)
		VMOVUPS(q, Mem{Base: dst, Disp: 32 * i})
	}
	ADDQ(U32(34), src)
	ADDQ(U32(128), dst)
	DECQ(nb)
	JNZ(LabelRef("block"))
	Label("done")
	ret()
}
