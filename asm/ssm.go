package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// ssmKernels are the pieces of the selective scans (the ssm_scan and
// ssm_scan2 slots of the root package's ssm.go): a vector softplus for the
// step sizes of a block of tokens and channels, the Mamba-1 scan of one
// channel over a run of tokens, its state row dState wide (a multiple of
// 8), one token of the Mamba-2 scan of one head, and (the ssm_conv slot)
// the width-4 convolution of 8 channels at a time.
func ssmKernels() {
	softplus()
	scanChannel()
	scan2Head()
	convGroup()
}

// Coefficients of log1p(z) = 2s*(1 + u*(c0 + c1 u + c2 u^2 + c3 u^3)),
// s = z/(2+z), u = s^2 <= 1/9 for z in [0, 1]: 2*atanh(s) as a
// least-squares fit reweighted toward minimax (relative error 4.6e-9).
const (
	log1pC0 = 0.33333206
	log1pC1 = 0.20010847
	log1pC2 = 0.1399939
	log1pC3 = 0.1401363
)

// softplus emits dst[i] = log(1 + exp(x[i])) as max(x, 0) + log1p(exp(-|x|)),
// which never overflows and keeps relative accuracy for very negative x,
// and x itself above 20 (where the two agree in float32), as ggml.
func softplus() {
	TEXT("softplusAsm", NOSPLIT, "func(dst, x []float32)")
	n, ptrs := sliceArgs("dst", "x")
	c := loadExpConsts()
	streamLoop("f", n, ptrs, 1, func(l lanes, _ int) {
		x := l.load(1)
		negAbs := YMM()
		VORPS(splat32("sign", 0x80000000), x, negAbs) // -|x|
		z := expPS(c, negAbs)
		s := YMM()
		VADDPS(splatF32("two", 2), z, s)
		VDIVPS(s, z, s) // z/(2+z)
		u := YMM()
		VMULPS(s, s, u)
		q := YMM()
		VMOVUPS(splatF32("log1p_c3", log1pC3), q)
		VFMADD213PS(splatF32("log1p_c2", log1pC2), u, q)
		VFMADD213PS(splatF32("log1p_c1", log1pC1), u, q)
		VFMADD213PS(splatF32("log1p_c0", log1pC0), u, q)
		VFMADD213PS(splatF32("one", 1), u, q) // 1 + u*q
		VADDPS(s, s, s)
		VMULPS(s, q, q) // log1p(z)
		pos := YMM()
		VXORPS(pos, pos, pos)
		VMAXPS(pos, x, pos) // max(x, 0); NaN x gives 0 here but q is NaN
		VADDPS(pos, q, q)
		big := YMM()
		VCMPPS(U8(0x1e), splatF32("twenty", 20), x, big) // x > 20 (GT_OQ)
		VBLENDVPS(big, x, q, q)
		l.store(q, 0)
	})
	ret()
}

// scanChannel emits the scan of one channel: for t < T, with dt = dtp[t*ldp]
// (already softplus'd) and xv = x[t*ld],
//
//	h[n] = h[n]*exp(dt*a[n]) + B[t*dState+n]*(xv*dt)
//	y[t*ld] = sum_n h[n]*C[t*dState+n] + dcoef*xv
func scanChannel() {
	TEXT("scanChannelAsm", NOSPLIT, "func(y, x, dtp []float32, ld, ldp int, h, a, B, C []float32, T, dState int, dcoef float32)")
	T := Load(Param("T"), GP64())
	TESTQ(T, T)
	JZ(LabelRef("done"))
	yp := Load(Param("y").Base(), GP64())
	xp := Load(Param("x").Base(), GP64())
	dp := Load(Param("dtp").Base(), GP64())
	ld := Load(Param("ld"), GP64())
	SHLQ(U8(2), ld)
	ldp := Load(Param("ldp"), GP64())
	SHLQ(U8(2), ldp)
	bp := Load(Param("B").Base(), GP64())
	cp := Load(Param("C").Base(), GP64())
	c := loadExpConsts()
	dcoef := XMM()
	loadF32("dcoef", dcoef)

	Label("token")
	dtv, xv := XMM(), XMM()
	VMOVSS(Mem{Base: dp}, dtv)
	VMOVSS(Mem{Base: xp}, xv)
	dt, xdt := YMM(), YMM()
	VBROADCASTSS(dtv, dt)
	VMULSS(dtv, xv, dtv) // x*dt
	VBROADCASTSS(dtv, xdt)
	acc := YMM()
	VXORPS(acc, acc, acc)

	hp := Load(Param("h").Base(), GP64())
	ap := Load(Param("a").Base(), GP64())
	nvec := Load(Param("dState"), GP64())
	SHRQ(U8(3), nvec)
	off := GP64()
	XORQ(off, off)
	Label("state")
	e := YMM()
	VMULPS(Mem{Base: ap, Index: off, Scale: 1}, dt, e)
	e = expPS(c, e)
	bx := YMM()
	VMULPS(Mem{Base: bp, Index: off, Scale: 1}, xdt, bx)
	hv := YMM()
	VMOVUPS(Mem{Base: hp, Index: off, Scale: 1}, hv)
	VFMADD231PS(hv, e, bx) // h*exp(dt*a) + b*x*dt
	VMOVUPS(bx, Mem{Base: hp, Index: off, Scale: 1})
	VFMADD231PS(Mem{Base: cp, Index: off, Scale: 1}, bx, acc)
	ADDQ(U32(32), off)
	DECQ(nvec)
	JNZ(LabelRef("state"))

	y := hsum(acc)
	VFMADD231SS(dcoef, xv, y) // + D*x
	VMOVSS(y, Mem{Base: yp})
	ADDQ(off, bp) // off = dState*4 now
	ADDQ(off, cp)
	ADDQ(ld, xp)
	ADDQ(ld, yp)
	ADDQ(ldp, dp)
	DECQ(T)
	JNZ(LabelRef("token"))
	Label("done")
	ret()
}

// scan2Head emits one token of the Mamba-2 scan for one head: with the
// head's decay da = exp(dt*A) and step dt, for p < headDim,
//
//	h[p][n] = h[p][n]*da + B[n]*(x[p]*dt)
//	y[p] = sum_n h[p][n]*C[n] + dcoef*x[p]
func scan2Head() {
	TEXT("scan2HeadAsm", NOSPLIT, "func(y, x, h, B, C []float32, headDim, dState int, da, dt, dcoef float32)")
	rows := Load(Param("headDim"), GP64())
	TESTQ(rows, rows)
	JZ(LabelRef("done"))
	yp := Load(Param("y").Base(), GP64())
	xp := Load(Param("x").Base(), GP64())
	hp := Load(Param("h").Base(), GP64())
	da := broadcastParam("da")
	dtv, dcoef := XMM(), XMM()
	loadF32("dt", dtv)
	loadF32("dcoef", dcoef)

	Label("row")
	xv, xdtv := XMM(), XMM()
	VMOVSS(Mem{Base: xp}, xv)
	VMULSS(dtv, xv, xdtv)
	xdt := YMM()
	VBROADCASTSS(xdtv, xdt)
	acc := zeros(2)
	bp := Load(Param("B").Base(), GP64())
	cp := Load(Param("C").Base(), GP64())
	nvec := Load(Param("dState"), GP64())
	SHRQ(U8(3), nvec)
	off := GP64()
	XORQ(off, off)
	// Two vectors of state per iteration into two accumulators (dState/8
	// odd: the last one alone).
	Label("state2")
	CMPQ(nvec, U32(2))
	JB(LabelRef("state1"))
	for v := 0; v < 2; v++ {
		scan2Vector(hp, bp, cp, off, 32*v, da, xdt, acc[v])
	}
	ADDQ(U32(64), off)
	SUBQ(U32(2), nvec)
	JMP(LabelRef("state2"))
	Label("state1")
	TESTQ(nvec, nvec)
	JZ(LabelRef("sum"))
	scan2Vector(hp, bp, cp, off, 0, da, xdt, acc[0])
	ADDQ(U32(32), off)
	Label("sum")
	VADDPS(acc[1], acc[0], acc[0])
	y := hsum(acc[0])
	VFMADD231SS(dcoef, xv, y)
	VMOVSS(y, Mem{Base: yp})
	ADDQ(off, hp) // off = dState*4
	ADDQ(U32(4), xp)
	ADDQ(U32(4), yp)
	DECQ(rows)
	JNZ(LabelRef("row"))
	Label("done")
	ret()
}

// scan2Vector updates 8 state values at hp+off+disp and adds their
// products with C into acc.
func scan2Vector(hp, bp, cp, off Register, disp int, da, xdt, acc VecVirtual) {
	at := func(base Register) Mem { return Mem{Base: base, Index: off, Scale: 1, Disp: disp} }
	s := YMM()
	VMULPS(at(bp), xdt, s)
	hv := YMM()
	VMOVUPS(at(hp), hv)
	VFMADD231PS(hv, da, s) // h*da + B*x*dt
	VMOVUPS(s, at(hp))
	VFMADD231PS(at(cp), s, acc)
}

// convGroup emits the causal depthwise convolution of width 4 for 8
// channels side by side (lane l = channel l): wt[i] holds tap i of the 8
// channels, st[0..2] the 8 channels' previous three inputs, which the
// call updates; for t < T,
//
//	y[t*ld+l] = st0[l]*wt0[l] + st1[l]*wt1[l] + st2[l]*wt2[l] + x[t*ld+l]*wt3[l] + bias[l]
//
// then the window slides by one input.
func convGroup() {
	TEXT("convGroupAsm", NOSPLIT, "func(y, x []float32, ld int, wt, st, bias []float32, T int)")
	wt := Load(Param("wt").Base(), GP64())
	st := Load(Param("st").Base(), GP64())
	taps := make([]VecVirtual, 4)
	for i := range taps {
		taps[i] = YMM()
		VMOVUPS(Mem{Base: wt, Disp: 32 * i}, taps[i])
	}
	win := make([]VecVirtual, 3)
	for i := range win {
		win[i] = YMM()
		VMOVUPS(Mem{Base: st, Disp: 32 * i}, win[i])
	}
	bias := YMM()
	VMOVUPS(Mem{Base: Load(Param("bias").Base(), GP64())}, bias)
	T := Load(Param("T"), GP64())
	yp := Load(Param("y").Base(), GP64())
	xp := Load(Param("x").Base(), GP64())
	ld := Load(Param("ld"), GP64())
	SHLQ(U8(2), ld)
	Label("token")
	TESTQ(T, T)
	JZ(LabelRef("done"))
	xt := YMM()
	VMOVUPS(Mem{Base: xp}, xt)
	acc := YMM()
	VMULPS(taps[0], win[0], acc) // in tap order, bias last, as the twin sums
	VFMADD231PS(taps[1], win[1], acc)
	VFMADD231PS(taps[2], win[2], acc)
	VFMADD231PS(taps[3], xt, acc)
	VADDPS(bias, acc, acc)
	VMOVUPS(acc, Mem{Base: yp})
	VMOVAPS(win[1], win[0])
	VMOVAPS(win[2], win[1])
	VMOVAPS(xt, win[2])
	ADDQ(ld, xp)
	ADDQ(ld, yp)
	DECQ(T)
	JMP(LabelRef("token"))
	Label("done")
	for i := range win {
		VMOVUPS(win[i], Mem{Base: st, Disp: 32 * i})
	}
	ret()
}
