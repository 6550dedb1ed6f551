//go:build (amd64 || arm64) && !purego && !noasm

package lcrun

// The selective scans and the convolution with assembly inner loops
// (ssm_amd64.s: AVX2, ssm_arm64.s: NEON; ssm_amd64.go and ssm_arm64.go
// register them). Mamba-1: the step sizes of a block of channels and
// tokens go through a vector softplus into a stack buffer, then each
// channel walks the block's tokens with its state row in vectors and a
// vector exp. Mamba-2: per head, a block of tokens with the head's state
// (headDim x dState) kept hot, one call per token. Convolution (width 4):
// 8 channels side by side, their taps and window transposed into lanes
// here. dState must be a multiple of 8 (the twins do the rest).

func ssmConvAsm(y, state, x, w, b []float32, T, dInner, dConv, d0, d1 int) {
	if dConv != 4 {
		ssmConvGeneric(y, state, x, w, b, T, dInner, dConv, d0, d1)
		return
	}
	var wt [4 * 8]float32 // tap i of channel l at i*8+l
	var st [3 * 8]float32 // window
	var bias [8]float32
	d := d0
	for ; d+8 <= d1; d += 8 {
		for l := range 8 {
			for i := range 4 {
				wt[i*8+l] = w[(d+l)*4+i]
			}
			for j := range 3 {
				st[j*8+l] = state[(d+l)*3+j]
			}
			if b != nil {
				bias[l] = b[d+l]
			}
		}
		convGroupAsm(y[d:], x[d:], dInner, wt[:], st[:], bias[:], T)
		for l := range 8 {
			for j := range 3 {
				state[(d+l)*3+j] = st[j*8+l]
			}
		}
	}
	if d < d1 {
		ssmConvGeneric(y, state, x, w, b, T, dInner, dConv, d, d1)
	}
}

// Blocking of the scan: scanChannels channels by as many tokens as fill
// scanBuf softplus'd step sizes (32 tokens), so each channel's call covers
// enough tokens to amortise it while the B and C rows it reads stay in L1.
const (
	scanChannels = 64
	scanBuf      = 2048
)

func ssmScanAsm(y, h, x, dt, A, B, C, D []float32, T, dInner, dState, d0, d1 int) {
	if dState == 0 || dState%8 != 0 {
		ssmScanGeneric(y, h, x, dt, A, B, C, D, T, dInner, dState, d0, d1)
		return
	}
	var sp [scanBuf]float32
	for c0 := d0; c0 < d1; c0 += scanChannels {
		nc := min(scanChannels, d1-c0)
		tb := scanBuf / nc
		for t0 := 0; t0 < T; t0 += tb {
			nt := min(tb, T-t0)
			for t := range nt {
				softplusAsm(sp[t*nc:][:nc], dt[(t0+t)*dInner+c0:][:nc])
			}
			for d := c0; d < c0+nc; d++ {
				var dc float32
				if D != nil {
					dc = D[d]
				}
				o := t0*dInner + d
				scanChannelAsm(y[o:], x[o:], sp[d-c0:], dInner, nc,
					h[d*dState:][:dState], A[d*dState:][:dState], B[t0*dState:], C[t0*dState:], nt, dState, dc)
			}
		}
	}
}

// scan2Tokens is how many tokens of the Mamba-2 scan one head walks before
// the next head's state is brought in; scan2Buf holds their step sizes for
// up to scan2Buf/scan2Tokens heads.
const (
	scan2Tokens = 16
	scan2Buf    = 1024
)

func ssmScan2Asm(y, h, x, dt, A, B, C, D []float32, T, nHead, headDim, dState, nGroup, h0, h1 int) {
	if dState == 0 || dState%8 != 0 {
		ssmScan2Generic(y, h, x, dt, A, B, C, D, T, nHead, headDim, dState, nGroup, h0, h1)
		return
	}
	inner := nHead * headDim
	perGroup := nHead / nGroup
	var sp [scan2Buf]float32
	const heads = scan2Buf / scan2Tokens
	for c0 := h0; c0 < h1; c0 += heads {
		nc := min(heads, h1-c0)
		for t0 := 0; t0 < T; t0 += scan2Tokens {
			nt := min(scan2Tokens, T-t0)
			for t := range nt {
				softplusAsm(sp[t*nc:][:nc], dt[(t0+t)*nHead+c0:][:nc])
			}
			for hd := c0; hd < c0+nc; hd++ {
				var dc float32
				if D != nil {
					dc = D[hd]
				}
				g := hd / perGroup
				hs := h[hd*headDim*dState:][:headDim*dState]
				for t := t0; t < t0+nt; t++ {
					dtv := sp[(t-t0)*nc+hd-c0]
					o := t*inner + hd*headDim
					bc := (t*nGroup + g) * dState
					scan2HeadAsm(y[o:][:headDim], x[o:][:headDim], hs, B[bc:][:dState], C[bc:][:dState],
						headDim, dState, expf(dtv*A[hd]), dtv, dc)
				}
			}
		}
	}
}

// scan2HeadAsm computes, for dState a multiple of 8:
//
//	for p := 0; p < headDim; p++ {
//		var s float32
//		for n := 0; n < dState; n++ {
//			h[p*dState+n] = h[p*dState+n]*da + B[n]*(x[p]*dt)
//			s += h[p*dState+n] * C[n]
//		}
//		y[p] = s + dcoef*x[p]
//	}
//
//go:noescape
func scan2HeadAsm(y, x, h, B, C []float32, headDim, dState int, da, dt, dcoef float32)

// convGroupAsm computes, for the 8 channels l < 8 at x[l], y[l] (row
// stride ld), taps wt[i*8+l], window st[j*8+l] (updated) and bias[l]:
//
//	for t := 0; t < T; t++ {
//		xt := x[t*ld+l]
//		y[t*ld+l] = st[l]*wt[l] + st[8+l]*wt[8+l] + st[16+l]*wt[16+l] + xt*wt[24+l] + bias[l]
//		st[l], st[8+l], st[16+l] = st[8+l], st[16+l], xt
//	}
//
//go:noescape
func convGroupAsm(y, x []float32, ld int, wt, st, bias []float32, T int)

// softplusAsm computes, with x at least as long as dst:
//
//	for i := range dst { dst[i] = softplus(x[i]) }
//
// (softplus as in ssm_generic.go; within a few ulp of it).
//
//go:noescape
func softplusAsm(dst, x []float32)

// scanChannelAsm computes, for dState a positive multiple of 8:
//
//	for t := 0; t < T; t++ {
//		dt, xv := dtp[t*ldp], x[t*ld]
//		var s float32
//		for n := 0; n < dState; n++ {
//			h[n] = h[n]*expf(dt*a[n]) + B[t*dState+n]*(xv*dt)
//			s += h[n] * C[t*dState+n]
//		}
//		y[t*ld] = s + dcoef*xv
//	}
//
//go:noescape
func scanChannelAsm(y, x, dtp []float32, ld, ldp int, h, a, B, C []float32, T, dState int, dcoef float32)
