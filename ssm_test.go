package lcrun

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ssmInputs are random scan inputs shaped for Mamba-1 (nHead = channels,
// headDim = 1, A per channel and state) or Mamba-2 (A per head).
type ssmInputs struct {
	y, h, x, dt, A, B, C, D []float32
}

func newSSMInputs(seed uint64, T, nHead, headDim, dState, nGroup int, mamba2 bool) ssmInputs {
	r := newRand(seed)
	inner := nHead * headDim
	in := ssmInputs{
		y: make([]float32, T*inner), h: randVec(r, inner*dState, 0, 1), x: randVec(r, T*inner, 1, 1),
		B: randVec(r, T*nGroup*dState, 2, 1), C: randVec(r, T*nGroup*dState, 3, 1), D: randVec(r, nHead, 0, 1),
	}
	if mamba2 {
		in.dt = randVec(r, T*nHead, 0, 2)
		in.A = make([]float32, nHead)
		for i := range in.A {
			in.A[i] = -float32(1 + 15*r.Float64())
		}
	} else {
		in.dt = randVec(r, T*inner, 0, 2)
		in.A = make([]float32, inner*dState)
		for i := range in.A {
			in.A[i] = -float32(1 + i%dState)
		}
	}
	for i := range in.dt {
		if i%17 == 3 {
			in.dt[i] = 25 // past the softplus cut-off
		}
	}
	return in
}

func (in ssmInputs) clone() ssmInputs {
	c := func(s []float32) []float32 { return append([]float32(nil), s...) }
	return ssmInputs{c(in.y), c(in.h), c(in.x), c(in.dt), c(in.A), c(in.B), c(in.C), c(in.D)}
}

// naiveScan is the float64 reference of both scans (Mamba-1 when perHeadA
// is false: A [inner][dState]).
func naiveScan(in ssmInputs, T, nHead, headDim, dState, nGroup int, mamba2 bool) (y, h []float64) {
	inner := nHead * headDim
	h = make([]float64, len(in.h))
	for i, v := range in.h {
		h[i] = float64(v)
	}
	y = make([]float64, T*inner)
	for t := range T {
		for hd := range nHead {
			g := hd / (nHead / nGroup)
			for p := range headDim {
				ch := hd*headDim + p
				var dtRaw float64
				if mamba2 {
					dtRaw = float64(in.dt[t*nHead+hd])
				} else {
					dtRaw = float64(in.dt[t*inner+ch])
				}
				dt := dtRaw
				if dt <= 20 {
					dt = math.Log1p(math.Exp(dt))
				}
				xv := float64(in.x[t*inner+ch])
				var sum float64
				for n := range dState {
					a := float64(in.A[hd])
					if !mamba2 {
						a = float64(in.A[ch*dState+n])
					}
					s := h[ch*dState+n]*math.Exp(dt*a) + float64(in.B[(t*nGroup+g)*dState+n])*xv*dt
					h[ch*dState+n] = s
					sum += s * float64(in.C[(t*nGroup+g)*dState+n])
				}
				y[t*inner+ch] = sum + float64(in.D[hd])*xv
			}
		}
	}
	return y, h
}

// TestSSMScanVsNaive: both scans against float64, every implementation,
// 1..4 threads. Tolerance: the state is a decaying sum of O(1) terms with
// float32 rounding each step (about 1e-7 relative per step, damped by
// exp(dt*A) < 1), y a dState-term dot product of it: 2e-5 relative to the
// sum of |terms| is ample and a wrong index is far above it.
func TestSSMScanVsNaive(t *testing.T) {
	type shape struct{ T, nHead, headDim, dState, nGroup int }
	forEachImpl(t, func(t *testing.T) {
		for _, mamba2 := range []bool{false, true} {
			shapes := []shape{{1, 1, 1, 1, 1}, {5, 3, 1, 16, 1}, {37, 48, 1, 16, 1}, {9, 67, 1, 7, 1}}
			if mamba2 {
				shapes = []shape{{1, 1, 1, 1, 1}, {5, 4, 16, 32, 2}, {37, 8, 16, 64, 1}, {9, 6, 3, 5, 3}}
			}
			for si, s := range shapes {
				in := newSSMInputs(uint64(si)+40, s.T, s.nHead, s.headDim, s.dState, s.nGroup, mamba2)
				wantY, wantH := naiveScan(in, s.T, s.nHead, s.headDim, s.dState, s.nGroup, mamba2)
				for threads := 1; threads <= 4; threads++ {
					got := in.clone()
					yg := newGuarded(len(got.y), si%4)
					p := NewPool(threads)
					if mamba2 {
						p.SSMScan2(yg.s(), got.h, got.x, got.dt, got.A, got.B, got.C, got.D, s.T, s.nHead, s.headDim, s.dState, s.nGroup)
					} else {
						p.SSMScan(yg.s(), got.h, got.x, got.dt, got.A, got.B, got.C, got.D, s.T, s.nHead, s.dState)
					}
					p.Close()
					yg.check(t)
					for i, v := range yg.s() {
						require.InDelta(t, wantY[i], v, 2e-5*(1+math.Abs(wantY[i])), "mamba2=%v %+v threads=%d y[%d]", mamba2, s, threads, i)
					}
					for i, v := range got.h {
						require.InDelta(t, wantH[i], v, 2e-5*(1+math.Abs(wantH[i])), "mamba2=%v %+v threads=%d h[%d]", mamba2, s, threads, i)
					}
				}
			}
		}
	})
}

// TestSSMChunkedIsExact: scanning T tokens in pieces, carrying the state,
// gives bit for bit the state and outputs of one call (so that a 1M-token
// input can be scanned in constant memory with no drift).
func TestSSMChunkedIsExact(t *testing.T) {
	const T = 37
	forEachImpl(t, func(t *testing.T) {
		for _, mamba2 := range []bool{false, true} {
			nHead, headDim, dState, nGroup := 48, 1, 16, 1
			step := nHead // dt row length
			if mamba2 {
				nHead, headDim, dState, nGroup = 4, 16, 32, 2
				step = nHead
			}
			inner := nHead * headDim
			in := newSSMInputs(50, T, nHead, headDim, dState, nGroup, mamba2)
			whole := in.clone()
			scan := func(p *Pool, s ssmInputs, t0, t1 int) {
				x, y := s.x[t0*inner:t1*inner], s.y[t0*inner:t1*inner]
				B, C := s.B[t0*nGroup*dState:t1*nGroup*dState], s.C[t0*nGroup*dState:t1*nGroup*dState]
				if mamba2 {
					p.SSMScan2(y, s.h, x, s.dt[t0*step:t1*step], s.A, B, C, s.D, t1-t0, nHead, headDim, dState, nGroup)
				} else {
					p.SSMScan(y, s.h, x, s.dt[t0*step:t1*step], s.A, B, C, s.D, t1-t0, inner, dState)
				}
			}
			scan(nil, whole, 0, T)
			for _, cuts := range [][]int{{0, 1, T}, {0, 10, 11, 30, T}, {0, 0, 5, T}} {
				p := NewPool(len(cuts)%3 + 1)
				part := in.clone()
				for i := 0; i+1 < len(cuts); i++ {
					scan(p, part, cuts[i], cuts[i+1])
				}
				p.Close()
				assert.Equal(t, whole.h, part.h, "mamba2=%v cuts %v: state", mamba2, cuts)
				assert.Equal(t, whole.y, part.y, "mamba2=%v cuts %v: outputs", mamba2, cuts)
			}
		}
	})
}

// TestSSMScanGolden runs ggml's ssm_scan goldens (no D term inside the op,
// so D is nil). Shapes, numpy order: s [nHead][headDim][dState], x
// [T][nHead][headDim], dt [T][nHead], B/C [T][nGroup][dState]: exactly our
// layouts. Tolerance 1e-5 (manifest).
func TestSSMScanGolden(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, tc := range []struct {
			name                              string
			T, nHead, headDim, dState, nGroup int
			mamba2                            bool
		}{{"mamba1", 37, 48, 1, 16, 1, false}, {"mamba2", 37, 4, 16, 32, 2, true}} {
			dir := "testdata/golden/ops/ssm_scan/" + tc.name + "_"
			h := readF32(t, dir+"s.f32")
			x, dt := readF32(t, dir+"x.f32"), readF32(t, dir+"dt.f32")
			A, B, C := readF32(t, dir+"A.f32"), readF32(t, dir+"B.f32"), readF32(t, dir+"C.f32")
			wantY, wantH := readF32(t, dir+"y.f32"), readF32(t, dir+"s_last.f32")
			y := make([]float32, len(wantY))
			for _, threads := range []int{1, 3} {
				hh := append([]float32(nil), h...)
				p := NewPool(threads)
				if tc.mamba2 {
					p.SSMScan2(y, hh, x, dt, A, B, C, nil, tc.T, tc.nHead, tc.headDim, tc.dState, tc.nGroup)
				} else {
					p.SSMScan(y, hh, x, dt, A, B, C, nil, tc.T, tc.nHead, tc.dState)
				}
				p.Close()
				assertClose(t, wantY, y, 1e-5, "%s y", tc.name)
				assertClose(t, wantH, hh, 1e-5, "%s s_last", tc.name)
			}
		}
	})
}

// naiveConv is the float64 reference of SSMConv.
func naiveConv(state, x, w, b []float32, T, dInner, k int) (y, st []float64) {
	y = make([]float64, T*dInner)
	st = make([]float64, dInner*(k-1))
	for d := range dInner {
		win := make([]float64, 0, k-1+T)
		for _, v := range state[d*(k-1) : (d+1)*(k-1)] {
			win = append(win, float64(v))
		}
		for t := range T {
			win = append(win, float64(x[t*dInner+d]))
		}
		for t := range T {
			var s float64
			for i := range k {
				s += win[t+i] * float64(w[d*k+i])
			}
			if b != nil {
				s += float64(b[d])
			}
			y[t*dInner+d] = s
		}
		copy(st[d*(k-1):], win[len(win)-(k-1):])
	}
	return y, st
}

func TestSSMConv(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := newRand(60)
		for _, s := range []struct{ T, dInner, k int }{{0, 3, 4}, {1, 1, 1}, {1, 5, 2}, {7, 67, 4}, {37, 48, 4}, {3, 9, 20}} {
			for _, withBias := range []bool{false, true} {
				state := randVec(r, s.dInner*(s.k-1), 1, 1)
				x, w := randVec(r, s.T*s.dInner, 2, 1), randVec(r, s.dInner*s.k, 3, 1)
				var b []float32
				if withBias {
					b = randVec(r, s.dInner, 0, 1)
				}
				wantY, wantSt := naiveConv(state, x, w, b, s.T, s.dInner, s.k)
				for threads := 1; threads <= 3; threads++ {
					st := append([]float32(nil), state...)
					y := newGuarded(s.T*s.dInner, threads)
					p := NewPool(threads)
					p.SSMConv(y.s(), st, x, w, b, s.T, s.dInner, s.k)
					p.Close()
					y.check(t)
					for i, v := range y.s() {
						// k float32 products and sums of O(1) terms.
						require.InDelta(t, wantY[i], v, 1e-6*float64(s.k+1), "%+v y[%d]", s, i)
					}
					for i, v := range st {
						require.Equal(t, float32(wantSt[i]), v, "%+v state[%d]", s, i)
					}
				}
			}
		}
	})
}

// TestSSMConvGolden: ggml's ssm_conv on sx [48][40] (each channel's 3
// previous inputs then 37 new ones) and c [48][4]; out [37][48]. We split
// sx into our state [48][3] and x [37][48]; the state afterwards must be
// the last 3 columns of sx. Tolerance 1e-5 (manifest).
func TestSSMConvGolden(t *testing.T) {
	const dInner, k, T = 48, 4, 37
	sx := readF32(t, "testdata/golden/ops/ssm_conv/d48_k4_sx.f32")
	c := readF32(t, "testdata/golden/ops/ssm_conv/d48_k4_c.f32")
	want := readF32(t, "testdata/golden/ops/ssm_conv/d48_k4_out.f32")
	require.Len(t, sx, dInner*(k-1+T))
	forEachImpl(t, func(t *testing.T) {
		state := make([]float32, dInner*(k-1))
		x := make([]float32, T*dInner)
		for d := range dInner {
			row := sx[d*(k-1+T):][:k-1+T]
			copy(state[d*(k-1):], row[:k-1])
			for tok := range T {
				x[tok*dInner+d] = row[k-1+tok]
			}
		}
		y := make([]float32, T*dInner)
		SSMConv(y, state, x, c, nil, T, dInner, k)
		assertClose(t, want, y, 1e-5, "ssm_conv")
		for d := range dInner {
			assert.Equal(t, sx[d*(k-1+T)+T:][:k-1], state[d*(k-1):][:k-1], "state of channel %d", d)
		}
	})
}

func TestSSMArgumentChecks(t *testing.T) {
	in := newSSMInputs(1, 4, 8, 1, 4, 1, false)
	assert.Panics(t, func() { SSMScan(in.y[:3], in.h, in.x, in.dt, in.A, in.B, in.C, nil, 4, 8, 4) })
	assert.Panics(t, func() { SSMScan(in.y, in.h, in.x, in.dt, in.A, in.B, in.C, in.D[:2], 4, 8, 4) })
	assert.Panics(t, func() { SSMScan2(in.y, in.h, in.x, in.dt, in.A, in.B, in.C, nil, 4, 8, 1, 4, 3) })
	assert.Panics(t, func() { SSMConv(in.y, in.h, in.x, in.A, nil, 4, 8, 0) })
	p := NewPool(2)
	defer p.Close()
	allocs := testing.AllocsPerRun(20, func() {
		p.SSMScan(in.y, in.h, in.x, in.dt, in.A, in.B, in.C, in.D, 4, 8, 4)
		p.SSMConv(in.y, in.h[:8*3], in.x, in.A[:8*4], nil, 4, 8, 4)
	})
	assert.Zero(t, allocs)
}
