package model

import (
	"fmt"
	"io"

	"github.com/lcrun/lcrun/internal/bytesize"
	"github.com/lcrun/lcrun/model/internal/stateio"
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
	// keep, when set ([batch][embd]), takes each layer's output instead
	// of the residual stream (a hybrid adds it beside its attention's).
	keep []float32
}

// scratch lists the state's scratch buffers and their per-token widths.
func (s *mambaState) scratch() []scratchBuf {
	p := &s.m.p
	cc, bc := p.convChannels(), p.nGroup*p.dState
	bufs := []scratchBuf{
		{&s.resid, p.embd}, {&s.norm, p.embd},
		{&s.proj, p.inProj()}, {&s.convIn, cc}, {&s.convOut, cc},
		{&s.dt, p.dtWidth()}, {&s.b, bc}, {&s.c, bc}, {&s.y, p.inner},
	}
	if p.v2 {
		return append(bufs, scratchBuf{&s.xs, p.inner})
	}
	return append(bufs, scratchBuf{&s.xdb, p.xProj()}, scratchBuf{&s.dtIn, p.dtRank})
}

func (m *mambaModel) newState(cfg *sessionConfig) (archState, error) {
	p := &m.p
	conv, ssm := p.stateFloats()
	s := &mambaState{m: m, kernelPools: newKernelPools(cfg.pool), batch: cfg.Batch}
	s.conv = make([]float32, p.layers*conv)
	s.ssm = make([]float32, p.layers*ssm)
	allocScratch(s.scratch(), cfg.Batch)
	return s, nil
}

// stateFloats is the size of one session's recurrent state: per layer the
// convolution window and the SSM state.
func (p *mambaParams) stateFloats() (conv, ssm int) {
	return p.convChannels() * (p.dConv - 1), p.inner * p.dState
}

// stateBytes counts the recurrent state and the scratch newState allocates.
func (m *mambaModel) stateBytes(cfg *sessionConfig) int64 {
	conv, ssm := m.p.stateFloats()
	state := bytesize.Mul(int64(m.p.layers), int64(conv+ssm), 4)
	return bytesize.Add(state, scratchBytes((&mambaState{m: m}).scratch(), cfg.Batch))
}

func (s *mambaState) reset() {
	clear(s.conv)
	clear(s.ssm)
	s.pos = 0
}

// The Mamba part of a saved state (inside the session's versioned header,
// which carries the model's SHA-256): u32 layers, u32 convolution and u32
// SSM values per layer, i64 position count, then per layer the
// convolution window and the SSM state as float32.

func (s *mambaState) saveState(w io.Writer) error {
	nc, ns := s.m.p.stateFloats()
	e := &stateio.Writer{W: w}
	e.U32(uint32(s.m.p.layers))
	e.U32(uint32(nc))
	e.U32(uint32(ns))
	e.U64(uint64(s.pos))
	for l := range s.m.p.layers {
		conv, ssm := s.layerStates(l)
		e.Raw(stateio.SliceBytes(conv))
		e.Raw(stateio.SliceBytes(ssm))
	}
	return e.Err
}

func (s *mambaState) restoreState(r io.Reader) error {
	err := s.readState(r)
	if err != nil {
		s.reset()
	}
	return err
}

func (s *mambaState) readState(r io.Reader) error {
	nc, ns := s.m.p.stateFloats()
	d := &stateio.Reader{R: r}
	layers, gc, gs := d.U32(), d.U32(), d.U32()
	pos := d.U64()
	switch {
	case d.Err != nil:
		return d.Err
	case int64(layers) != int64(s.m.p.layers) || int64(gc) != int64(nc) || int64(gs) != int64(ns):
		return fmt.Errorf("%w: a Mamba state of %d layers x (%d + %d) values, this model has %d x (%d + %d)",
			ErrStateMismatch, layers, gc, gs, s.m.p.layers, nc, ns)
	case pos > maxPosition:
		return fmt.Errorf("damaged state: position %d", pos)
	}
	for l := range s.m.p.layers {
		conv, ssm := s.layerStates(l)
		d.Read(stateio.SliceBytes(conv))
		d.Read(stateio.SliceBytes(ssm))
	}
	if d.Err != nil {
		return d.Err
	}
	s.pos = int64(pos)
	return nil
}
