package lcrun

import "math"

// Plain-Go twins of the SSM slots (ssm.go gives the formulas). Each channel
// (or head row) keeps its state row hot while it walks the tokens.

// softplus is log(1+exp(dt)), or dt itself above 20 where the two agree in
// float32, as ggml computes it.
func softplus(dt float32) float32 {
	if dt > 20 {
		return dt
	}
	return float32(math.Log1p(float64(expf(dt))))
}

func ssmScanGeneric(y, h, x, dt, A, B, C, D []float32, T, dInner, dState, d0, d1 int) {
	for d := d0; d < d1; d++ {
		hd := h[d*dState:][:dState]
		ad := A[d*dState:][:dState]
		for t := range T {
			dtv := softplus(dt[t*dInner+d])
			xv := x[t*dInner+d]
			y[t*dInner+d] = scanStep(hd, ad, B[t*dState:][:dState], C[t*dState:][:dState], dtv, xv*dtv) + dTerm(D, d, xv)
		}
	}
}

// scanStep updates one state row for one token and returns C.h:
// h[n] = h[n]*exp(dt*a[n]) + b[n]*xdt.
func scanStep(h, a, b, c []float32, dt, xdt float32) float32 {
	a, b, c = a[:len(h)], b[:len(h)], c[:len(h)]
	var sum float32
	for n, s := range h {
		s = s*expf(dt*a[n]) + b[n]*xdt
		h[n] = s
		sum += s * c[n]
	}
	return sum
}

func dTerm(D []float32, i int, x float32) float32 {
	if D == nil {
		return 0
	}
	return D[i] * x
}

func ssmScan2Generic(y, h, x, dt, A, B, C, D []float32, T, nHead, headDim, dState, nGroup, h0, h1 int) {
	inner := nHead * headDim
	perGroup := nHead / nGroup
	for hd := h0; hd < h1; hd++ {
		g := hd / perGroup
		for t := range T {
			dtv := softplus(dt[t*nHead+hd])
			da := expf(dtv * A[hd])
			b := B[(t*nGroup+g)*dState:][:dState]
			c := C[(t*nGroup+g)*dState:][:dState]
			for p := range headDim {
				xv := x[t*inner+hd*headDim+p]
				xdt := xv * dtv
				hp := h[(hd*headDim+p)*dState:][:dState]
				b, c := b[:len(hp)], c[:len(hp)]
				var sum float32
				for n, s := range hp {
					s = s*da + b[n]*xdt
					hp[n] = s
					sum += s * c[n]
				}
				y[t*inner+hd*headDim+p] = sum + dTerm(D, hd, xv)
			}
		}
	}
}

func ssmConvGeneric(y, state, x, w, b []float32, T, dInner, dConv, d0, d1 int) {
	k := dConv
	var buf [16]float32
	for d := d0; d < d1; d++ {
		st := state[d*(k-1):][:k-1]
		wd := w[d*k:][:k]
		var bias float32
		if b != nil {
			bias = b[d]
		}
		// win holds the k-1 previous inputs then the current one.
		win := buf[:0]
		if k <= len(buf) {
			win = buf[:k]
		} else {
			win = make([]float32, k)
		}
		copy(win, st)
		for t := range T {
			win[k-1] = x[t*dInner+d]
			var sum float32
			for i, wv := range wd {
				sum += win[i] * wv
			}
			y[t*dInner+d] = sum + bias
			copy(win, win[1:])
		}
		copy(st, win[:k-1])
	}
}
