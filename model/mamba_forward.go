package model

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
)

// mambaState is one sequence's recurrent state and the scratch of one
// micro-batch. Its size depends on the model and the micro-batch size
// only, never on how many tokens went through it.
type mambaState struct {
	m *mambaModel
	kernelPools
	batch int
	pos   int64 // tokens evaluated: the position the next one must have

	conv []float32 // per layer [convChannels][dConv-1]: the last inputs of the convolution
	ssm  []float32 // per layer [inner][dState] (Mamba-2: [nHead][headDim][dState])

	// Scratch, [batch][width] each (row t of a buffer of width w is
	// buf[t*w:(t+1)*w]).
	resid   []float32 // [embd] the residual stream
	norm    []float32 // [embd] normed input, then the layer's output, then the final norm
	proj    []float32 // [inProj] ssm_in's output
	convIn  []float32 // [convChannels] the convolution's input
	convOut []float32 // [convChannels] its output (Mamba-1: the scan's x)
	xdb     []float32 // [xProj] ssm_x's output (Mamba-1)
	dtIn    []float32 // [dtRank] the low-rank dt (Mamba-1)
	dt      []float32 // [dtWidth]
	b, c    []float32 // [nGroup*dState]
	xs      []float32 // [inner] the scan's x (Mamba-2)
	y       []float32 // [inner]
}

func (m *mambaModel) newState(cfg *sessionConfig) (archState, error) {
	p := &m.p
	conv, ssm := p.stateFloats()
	s := &mambaState{m: m, kernelPools: newKernelPools(cfg.pool), batch: cfg.Batch}
	s.conv = make([]float32, p.layers*conv)
	s.ssm = make([]float32, p.layers*ssm)
	slab := make([]float32, cfg.Batch*p.scratchFloats())
	take := func(w int) []float32 {
		buf := slab[: cfg.Batch*w : cfg.Batch*w]
		slab = slab[cfg.Batch*w:]
		return buf
	}
	cc, bc := p.convChannels(), p.nGroup*p.dState
	s.resid, s.norm = take(p.embd), take(p.embd)
	s.proj, s.convIn, s.convOut = take(p.inProj()), take(cc), take(cc)
	s.dt, s.b, s.c, s.y = take(p.dtWidth()), take(bc), take(bc), take(p.inner)
	if p.v2 {
		s.xs = take(p.inner)
	} else {
		s.xdb, s.dtIn = take(p.xProj()), take(p.dtRank)
	}
	return s, nil
}

// scratchFloats is the scratch of one token of a micro-batch (newState's
// buffers).
func (p *mambaParams) scratchFloats() int {
	n := 2*p.embd + p.inProj() + 2*p.convChannels() + p.dtWidth() + 2*p.nGroup*p.dState + p.inner
	if p.v2 {
		return n + p.inner
	}
	return n + p.xProj() + p.dtRank
}

func (s *mambaState) reset() {
	clear(s.conv)
	clear(s.ssm)
	s.pos = 0
}

// forward runs tokens at positions pos through every layer, carrying the
// state, and writes the logits of the rows asked for. A recurrent state
// only continues its sequence: pos must be pos, pos+1, ... from where the
// last call stopped.
func (s *mambaState) forward(tokens, pos []int32, rows []int, out []float32) error {
	T := len(tokens)
	if T == 0 || T > s.batch || len(pos) != T {
		return fmt.Errorf("model: mamba: %d tokens (%d positions) for micro-batches of 1..%d", T, len(pos), s.batch)
	}
	for i, q := range pos {
		if int64(q) != s.pos+int64(i) {
			return fmt.Errorf("model: mamba: a recurrent model only continues its sequence: position %d given, %d expected", q, s.pos+int64(i))
		}
	}
	p := &s.m.p
	for i, t := range tokens {
		s.m.embd.Row(int(t), s.resid[i*p.embd:(i+1)*p.embd])
	}
	for l := range s.m.layers {
		if p.v2 {
			s.layer2(l, T)
		} else {
			s.layer1(l, T)
		}
	}
	s.pos += int64(T)
	if len(rows) == 0 {
		return nil
	}
	for i, r := range rows {
		lc.RMSNorm(s.norm[i*p.embd:(i+1)*p.embd], s.resid[r*p.embd:(r+1)*p.embd], s.m.outNorm, p.eps)
	}
	s.matmul(out, s.m.output, s.norm, len(rows))
	return nil
}

// layerStates are layer l's convolution window and SSM state.
func (s *mambaState) layerStates(l int) (conv, ssm []float32) {
	nc, ns := s.m.p.stateFloats()
	return s.conv[l*nc : (l+1)*nc], s.ssm[l*ns : (l+1)*ns]
}

// normIn sets s.norm to the RMS-normed residual of T tokens and projects
// it through ssm_in into s.proj.
func (s *mambaState) normIn(ly *mambaLayer, T int) {
	p := &s.m.p
	for t := range T {
		lc.RMSNorm(s.norm[t*p.embd:(t+1)*p.embd], s.resid[t*p.embd:(t+1)*p.embd], ly.norm, p.eps)
	}
	s.matmul(s.proj, ly.in, s.norm, T)
}

// convolve runs the causal convolution over s.convIn (T tokens) with the
// layer's carried window, then SiLU, into s.convOut.
func (s *mambaState) convolve(ly *mambaLayer, conv []float32, T int) {
	p := &s.m.p
	cc := p.convChannels()
	s.poolFor(T*cc*p.dConv).SSMConv(s.convOut, conv, s.convIn, ly.convW, ly.convB, T, cc, p.dConv)
	lc.SiLU(s.convOut[:T*cc], s.convOut[:T*cc])
}

// gateOut multiplies the scan's output y by silu(z) (z at offset zOff of
// each ssm_in row), applies Mamba-2's group norm, and adds ssm_out·y to
// the residual.
func (s *mambaState) gateOut(ly *mambaLayer, zOff, T int) {
	p := &s.m.p
	in, ip := p.inner, p.inProj()
	for t := range T {
		y := s.y[t*in : (t+1)*in]
		lc.SwiGLU(y, s.proj[t*ip+zOff:t*ip+zOff+in], y)
		if ly.ssmNrm != nil {
			gs := in / p.nGroup
			for g := range p.nGroup {
				lc.RMSNorm(y[g*gs:(g+1)*gs], y[g*gs:(g+1)*gs], ly.ssmNrm[g*gs:(g+1)*gs], p.eps)
			}
		}
	}
	s.matmul(s.norm, ly.out, s.y, T)
	lc.Add(s.resid[:T*p.embd], s.resid[:T*p.embd], s.norm[:T*p.embd])
}

// layer1 is one Mamba-1 layer over T tokens.
func (s *mambaState) layer1(l, T int) {
	p, ly := &s.m.p, &s.m.layers[l]
	conv, ssm := s.layerStates(l)
	in, ip, xp, ds, r := p.inner, p.inProj(), p.xProj(), p.dState, p.dtRank
	s.normIn(ly, T)
	for t := range T { // ssm_in rows: x, then z
		copy(s.convIn[t*in:(t+1)*in], s.proj[t*ip:t*ip+in])
	}
	s.convolve(ly, conv, T)
	x := s.convOut
	s.matmul(s.xdb, ly.x, x, T)
	for t := range T { // ssm_x rows: dt (low rank), B, C
		row := s.xdb[t*xp : (t+1)*xp]
		copy(s.dtIn[t*r:(t+1)*r], row[:r])
		copy(s.b[t*ds:(t+1)*ds], row[r:r+ds])
		copy(s.c[t*ds:(t+1)*ds], row[r+ds:])
	}
	s.matmul(s.dt, ly.dt, s.dtIn, T)
	for t := range T {
		dt := s.dt[t*in : (t+1)*in]
		lc.Add(dt, dt, ly.dtBias)
	}
	s.poolFor(T*in*ds).SSMScan(s.y, ssm, x, s.dt, ly.a, s.b, s.c, ly.d, T, in, ds)
	s.gateOut(ly, in, T)
}

// layer2 is one Mamba-2 layer over T tokens.
func (s *mambaState) layer2(l, T int) {
	p, ly := &s.m.p, &s.m.layers[l]
	conv, ssm := s.layerStates(l)
	in, ip, cc, nh, bc := p.inner, p.inProj(), p.convChannels(), p.nHead, p.nGroup*p.dState
	s.normIn(ly, T)
	for t := range T { // ssm_in rows: z, xBC, dt
		row := s.proj[t*ip : (t+1)*ip]
		copy(s.convIn[t*cc:(t+1)*cc], row[in:in+cc])
		lc.Add(s.dt[t*nh:(t+1)*nh], row[in+cc:], ly.dtBias)
	}
	s.convolve(ly, conv, T)
	for t := range T { // xBC: x, B, C
		row := s.convOut[t*cc : (t+1)*cc]
		copy(s.xs[t*in:(t+1)*in], row[:in])
		copy(s.b[t*bc:(t+1)*bc], row[in:in+bc])
		copy(s.c[t*bc:(t+1)*bc], row[in+bc:])
	}
	s.poolFor(T*in*p.dState).SSMScan2(s.y, ssm, s.xs, s.dt, ly.a, s.b, s.c, ly.d, T, nh, in/nh, p.dState, p.nGroup)
	s.gateOut(ly, 0, T)
}
