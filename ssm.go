package lcrun

import "fmt"

// Selective state-space kernels (Mamba). The state is carried in place
// between calls, so a long input is scanned chunk by chunk in constant
// memory; a chunked scan gives bit for bit the state of an unchunked one.

// ssmScanK runs the Mamba-1 scan for channels [d0, d1): for every token t
// and channel d, with dt' = softplus(dt[t][d]) (dt itself when > 20),
//
//	h[d][n] = h[d][n]*exp(dt'*A[d][n]) + B[t][n]*(x[t][d]*dt')
//	y[t][d] = sum_n h[d][n]*C[t][n]  (+ D[d]*x[t][d] when D != nil)
//
// summing n in order (as ggml does). Layouts as SSMScan's.
var ssmScanK = newKernel("ssm_scan", ssmScanGeneric)

// ssmScan2K runs the Mamba-2 scan for heads [h0, h1): head hd uses group
// g = hd/(nHead/nGroup); with dt' = softplus(dt[t][hd]), a = exp(dt'*A[hd]),
//
//	h[hd][p][n] = h[hd][p][n]*a + B[t][g][n]*(x[t][hd][p]*dt')
//	y[t][hd][p] = sum_n h[hd][p][n]*C[t][g][n]  (+ D[hd]*x[t][hd][p])
var ssmScan2K = newKernel("ssm_scan2", ssmScan2Generic)

// ssmConvK runs the causal depthwise convolution for channels [d0, d1):
// with win = state[d][0:k-1] followed by x[0..T-1][d] (k = dConv),
//
//	y[t][d] = sum_{i<k} win[t+i]*w[d][i]  (in order of i; + b[d] when b != nil)
//
// and afterwards state[d] = the last k-1 values of win.
var ssmConvK = newKernel("ssm_conv", ssmConvGeneric)

// SSMScan is the Mamba-1 selective scan over T tokens on one thread:
// x, dt, y [T][dInner] (dt raw, its bias already added; softplus is
// applied here), A [dInner][dState] (negative, as GGUF's ssm_a), B, C
// [T][dState], D [dInner] or nil, h [dInner][dState] updated in place.
func SSMScan(y, h, x, dt, A, B, C, D []float32, T, dInner, dState int) {
	(*Pool)(nil).SSMScan(y, h, x, dt, A, B, C, D, T, dInner, dState)
}

// SSMScan is SSMScan with the channels split across the pool.
func (p *Pool) SSMScan(y, h, x, dt, A, B, C, D []float32, T, dInner, dState int) {
	if err := checkLens("SSMScan", T, dInner, dState,
		[]int{len(y), len(x), len(dt), len(h), len(A), len(B), len(C)},
		[]int{T * dInner, T * dInner, T * dInner, dInner * dState, dInner * dState, T * dState, T * dState}); err != nil {
		panic(err)
	}
	if D != nil && len(D) < dInner {
		panic("lcrun: SSMScan: D shorter than dInner")
	}
	p.runSSM(ssmJob{kind: ssmKindScan, y: y, h: h, x: x, dt: dt, A: A, B: B, C: C, D: D, T: T, n: dInner, dState: dState}, 8)
}

// SSMScan2 is the Mamba-2 scan on one thread: nHead heads of headDim,
// A [nHead] (one negative scalar per head), x, y [T][nHead][headDim],
// dt [T][nHead], B, C [T][nGroup][dState], D [nHead] or nil,
// h [nHead][headDim][dState].
func SSMScan2(y, h, x, dt, A, B, C, D []float32, T, nHead, headDim, dState, nGroup int) {
	(*Pool)(nil).SSMScan2(y, h, x, dt, A, B, C, D, T, nHead, headDim, dState, nGroup)
}

// SSMScan2 is SSMScan2 with the heads split across the pool.
func (p *Pool) SSMScan2(y, h, x, dt, A, B, C, D []float32, T, nHead, headDim, dState, nGroup int) {
	if nGroup <= 0 || nHead%nGroup != 0 || headDim <= 0 {
		panic(fmt.Sprintf("lcrun: SSMScan2: %d heads of %d in %d groups", nHead, headDim, nGroup))
	}
	inner := nHead * headDim
	if err := checkLens("SSMScan2", T, inner, dState,
		[]int{len(y), len(x), len(dt), len(h), len(A), len(B), len(C)},
		[]int{T * inner, T * inner, T * nHead, inner * dState, nHead, T * nGroup * dState, T * nGroup * dState}); err != nil {
		panic(err)
	}
	if D != nil && len(D) < nHead {
		panic("lcrun: SSMScan2: D shorter than nHead")
	}
	p.runSSM(ssmJob{kind: ssmKindScan2, y: y, h: h, x: x, dt: dt, A: A, B: B, C: C, D: D, T: T, n: nHead,
		dState: dState, headDim: headDim, nGroup: nGroup}, 1)
}

// SSMConv is the causal depthwise conv1d with carried state on one
// thread: state [dInner][dConv-1] holds the previous dConv-1 inputs of each
// channel (updated in place), x, y [T][dInner], w [dInner][dConv], b
// [dInner] or nil. SiLU is left to the caller.
func SSMConv(y, state, x, w, b []float32, T, dInner, dConv int) {
	(*Pool)(nil).SSMConv(y, state, x, w, b, T, dInner, dConv)
}

// SSMConv is SSMConv with the channels split across the pool.
func (p *Pool) SSMConv(y, state, x, w, b []float32, T, dInner, dConv int) {
	if dConv <= 0 {
		panic("lcrun: SSMConv: kernel width must be positive")
	}
	if err := checkLens("SSMConv", T, dInner, dConv,
		[]int{len(y), len(x), len(state), len(w)},
		[]int{T * dInner, T * dInner, dInner * (dConv - 1), dInner * dConv}); err != nil {
		panic(err)
	}
	if b != nil && len(b) < dInner {
		panic("lcrun: SSMConv: b shorter than dInner")
	}
	p.runSSM(ssmJob{kind: ssmKindConv, y: y, h: state, x: x, B: w, D: b, T: T, n: dInner, dState: dConv}, 8)
}

// runSSM runs j over its n channels (heads), split into items of a
// multiple of align giving about four items per thread.
func (p *Pool) runSSM(j ssmJob, align int) {
	pp := p.acquire()
	defer pp.release(p)
	pp.ssm = j
	per := (j.n + 4*pp.threads - 1) / (4 * pp.threads)
	pp.ssm.per = max(1, min((per+align-1)/align*align, j.n))
	pp.parallel((j.n+pp.ssm.per-1)/pp.ssm.per, &pp.ssm)
	pp.ssm = ssmJob{}
}

// checkLens reports the first slice shorter than it must be.
func checkLens(op string, T, a, b int, have, want []int) error {
	if T < 0 || a < 0 || b < 0 {
		return fmt.Errorf("lcrun: %s: negative size", op)
	}
	for i := range have {
		if have[i] < want[i] {
			return fmt.Errorf("lcrun: %s: argument %d has %d values, needs %d", op, i, have[i], want[i])
		}
	}
	return nil
}

const (
	ssmKindScan = iota
	ssmKindScan2
	ssmKindConv
)

// ssmJob is one scan or convolution call; item i covers channels (heads)
// [i*per, (i+1)*per).
type ssmJob struct {
	kind                       int
	y, h, x, dt, A, B, C, D    []float32
	T, n, dState, headDim, per int
	nGroup                     int
}

func (j *ssmJob) run(_ *worker, i int) {
	d0, d1 := i*j.per, min((i+1)*j.per, j.n)
	switch j.kind {
	case ssmKindScan:
		ssmScanK.fn(j.y, j.h, j.x, j.dt, j.A, j.B, j.C, j.D, j.T, j.n, j.dState, d0, d1)
	case ssmKindScan2:
		ssmScan2K.fn(j.y, j.h, j.x, j.dt, j.A, j.B, j.C, j.D, j.T, j.n, j.headDim, j.dState, j.nGroup, d0, d1)
	case ssmKindConv:
		ssmConvK.fn(j.y, j.h, j.x, j.B, j.D, j.T, j.n, j.dState, d0, d1)
	}
}
