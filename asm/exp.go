package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Coefficients of exp(r) = 1 + r + r^2*(c2 + c3 r + c4 r^2 + c5 r^3 + c6 r^4)
// on |r| <= ln2/2: a weighted least-squares fit on Chebyshev nodes,
// iteratively reweighted toward minimax (relative error 4.4e-9 in float64,
// far below float32's half ulp, so the float32 evaluation's rounding is
// what is left: about 1 ulp).
const (
	expC2 = 0.5
	expC3 = 0.16666518
	expC4 = 0.04166621
	expC5 = 0.008368884
	expC6 = 0.001395027
)

// Cody-Waite split of ln 2: ln2Hi has 9 significant bits, so n*ln2Hi is
// exact for |n| <= 2^15 and x - n*ln2Hi is exact (Sterbenz) when n is the
// nearest integer to x/ln2.
const (
	ln2Hi = 0.693359375
	ln2Lo = -2.12194440e-4
)

// Inputs are clamped to [expLo, expHi]: below, exp rounds to +0 even as a
// subnormal; above, the result overflows to +Inf through the scaling.
const (
	expLo = -104
	expHi = 89
)

// expConsts are the registers exp keeps loaded across a loop.
type expConsts struct{ lo, hi VecVirtual }

func loadExpConsts() expConsts {
	c := expConsts{YMM(), YMM()}
	VMOVUPS(splatF32("exp_lo", expLo), c.lo)
	VMOVUPS(splatF32("exp_hi", expHi), c.hi)
	return c
}

// expPS emits the float32 exp of the 8 lanes of x (x is left alone):
// n = round(x/ln2), r = x - n ln2, exp(x) = 2^n * poly(r). The scale 2^n
// is applied as 2^(n/2) * 2^(n - n/2) so that subnormal results (n down
// to -150) round once and results near FLT_MAX (n = 128) do not overflow
// early. NaN stays NaN (the clamps keep x's NaN: VMAXPS and VMINPS return
// their second source when one is NaN), -Inf gives +0, +Inf gives +Inf.
func expPS(c expConsts, x VecVirtual) VecVirtual {
	t := YMM()
	VMAXPS(x, c.lo, t) // max(lo, x)
	VMINPS(t, c.hi, t) // min(hi, t)

	n := YMM()
	VMULPS(splatF32("exp_log2e", math.Log2E), t, n)
	VROUNDPS(U8(0), n, n)                            // to nearest even
	VFNMADD231PS(splatF32("exp_ln2hi", ln2Hi), n, t) // t -= n*ln2Hi, exact
	VFNMADD231PS(splatF32("exp_ln2lo", ln2Lo), n, t) // r = t - n*ln2Lo
	r := t

	p := YMM()
	VMOVUPS(splatF32("exp_c6", expC6), p)
	VFMADD213PS(splatF32("exp_c5", expC5), r, p)
	VFMADD213PS(splatF32("exp_c4", expC4), r, p)
	VFMADD213PS(splatF32("exp_c3", expC3), r, p)
	VFMADD213PS(splatF32("exp_c2", expC2), r, p)
	r2 := YMM()
	VMULPS(r, r, r2)
	VFMADD213PS(r, r2, p) // p = r + r^2*q
	VADDPS(splatF32("one", 1), p, p)

	ni, half := YMM(), YMM()
	VCVTPS2DQ(n, ni) // exact: n is an integer in [-150, 128]
	VPSRAD(U8(1), ni, half)
	VPSUBD(half, ni, ni) // ni = n - n/2
	bias := splat32("exp_bias", 127)
	VPADDD(bias, half, half)
	VPSLLD(U8(23), half, half)
	VPADDD(bias, ni, ni)
	VPSLLD(U8(23), ni, ni)
	VMULPS(half, p, p)
	VMULPS(ni, p, p)
	return p
}
