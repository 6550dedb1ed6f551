package model

import (
	"fmt"
	"io"
)

// The Mamba part of a saved state (inside the session's versioned header,
// which carries the model's SHA-256): u32 layers, u32 convolution and u32
// SSM values per layer, i64 position count, then per layer the
// convolution window and the SSM state as float32.

func (s *mambaState) saveState(w io.Writer) error {
	nc, ns := s.m.p.stateFloats()
	e := &stateWriter{w: w}
	e.u32(uint32(s.m.p.layers))
	e.u32(uint32(nc))
	e.u32(uint32(ns))
	e.u64(uint64(s.pos))
	for l := range s.m.p.layers {
		conv, ssm := s.layerStates(l)
		e.raw(sliceBytes(conv))
		e.raw(sliceBytes(ssm))
	}
	return e.err
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
	d := &stateReader{r: r}
	layers, gc, gs := d.u32(), d.u32(), d.u32()
	pos := d.u64()
	switch {
	case d.err != nil:
		return d.err
	case int64(layers) != int64(s.m.p.layers) || int64(gc) != int64(nc) || int64(gs) != int64(ns):
		return fmt.Errorf("%w: a Mamba state of %d layers x (%d + %d) values, this model has %d x (%d + %d)",
			ErrStateMismatch, layers, gc, gs, s.m.p.layers, nc, ns)
	case pos > maxPosition:
		return fmt.Errorf("damaged state: position %d", pos)
	}
	for l := range s.m.p.layers {
		conv, ssm := s.layerStates(l)
		d.read(sliceBytes(conv))
		d.read(sliceBytes(ssm))
	}
	if d.err != nil {
		return d.err
	}
	s.pos = int64(pos)
	return nil
}
