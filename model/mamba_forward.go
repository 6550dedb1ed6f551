package model

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
)

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
	if p.resScale != 0 {
		lc.Scale(p.resScale, s.norm[:T*p.embd])
	}
	if s.keep != nil {
		copy(s.keep[:T*p.embd], s.norm[:T*p.embd])
		return
	}
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
	if ly.dtNorm != nil {
		rowNorms(s.dtIn[:T*r], ly.dtNorm, p.eps)
		rowNorms(s.b[:T*ds], ly.bNorm, p.eps)
		rowNorms(s.c[:T*ds], ly.cNorm, p.eps)
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
