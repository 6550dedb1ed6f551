package model

import (
	"bytes"
	"fmt"
	"io"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/bytesize"
	"github.com/lcrun/lcrun/model/internal/stateio"
	"github.com/lcrun/lcrun/model/kvcache"
)

// hybridState is one hybrid session: the attention part's state (its KV
// cache holds the attention layers only), the recurrent layers'
// convolution and SSM states or the short convolutions' states, all on
// one residual stream.
type hybridState struct {
	m    *hybridModel
	attn *llamaState
	ssm  *mambaState     // nil without Mamba-2 layers
	conv *shortConvState // nil without short convolutions
	keep []float32       // [batch][dim]: a parallel layer's mixer output; nil without
	pos  int64           // tokens evaluated: the position the next one must have
}

func (h *hybridModel) newState(cfg *sessionConfig) (archState, error) {
	a, err := h.attn.newState(cfg)
	if err != nil {
		return nil, err
	}
	s := &hybridState{m: h, attn: a.(*llamaState)}
	if h.ssm != nil {
		r, err := h.ssm.newState(cfg)
		if err != nil {
			return nil, err
		}
		s.ssm = r.(*mambaState)
		s.ssm.resid = s.attn.x // the stream both families add to
	}
	if h.conv != nil {
		s.conv = h.conv.newState(cfg.Batch)
	}
	if bytes.IndexByte(h.attn.kinds, layerParallel) >= 0 {
		s.keep = make([]float32, cfg.Batch*h.attn.hp.dim)
	}
	return s, nil
}

// stateBytes counts every part (the Mamba part's residual is shared,
// counted twice: a few KiB per micro-batch row).
func (h *hybridModel) stateBytes(cfg *sessionConfig) int64 {
	n := h.attn.stateBytes(cfg)
	if h.ssm != nil {
		n = bytesize.Add(n, h.ssm.stateBytes(cfg))
	}
	if h.conv != nil {
		n = bytesize.Add(n, h.conv.bytes(cfg.Batch))
	}
	return n
}

// forward runs one micro-batch through the layers in order. Positions
// must continue the sequence (the recurrent layers' state only goes on),
// checked before the cache takes the batch, so a refused batch changes
// nothing.
func (s *hybridState) forward(tokens, pos []int32, rows []int, out []float32) error {
	a, r := s.attn, s.ssm
	n := len(tokens)
	if n == 0 || n > a.cfg.Batch || len(pos) != n {
		return fmt.Errorf("model: hybrid: %d tokens (%d positions) for micro-batches of 1..%d", n, len(pos), a.cfg.Batch)
	}
	for i, q := range pos {
		if int64(q) != s.pos+int64(i) {
			return fmt.Errorf("model: hybrid: a recurrent model only continues its sequence: position %d given, %d expected", q, s.pos+int64(i))
		}
	}
	slots, err := a.kv.Alloc(pos)
	if err != nil {
		return err
	}
	cpos := a.kv.CachePositions(pos)
	hp := &s.m.attn.hp
	dim := hp.dim
	a.embed(tokens)
	if s.m.rope {
		a.rotations(cpos)
	}
	la := layerAttn{kv: a.kv, slots: slots, pos: cpos, cos: a.cos, sin: a.sin, pairs: a.pairs, prm: &a.prm}
	for l, j := range s.m.mix {
		switch s.m.attn.kinds[l] {
		case layerMixer:
			if r.m.p.v2 {
				r.layer2(j, n)
			} else {
				r.layer1(j, n)
			}
		case layerShortConv:
			s.conv.layer(a.kernelPools, j, n, a.x, a.xb, hp.eps)
		case layerAttention:
			a.attention(l, &la)
		case layerParallel:
			// Both read the same normed input: the mixer's output waits
			// in keep until attention has added its own.
			r.keep = s.keep
			r.layer2(j, n)
			r.keep = nil
			a.attention(l, &la)
			lc.Add(a.x[:n*dim], a.x[:n*dim], s.keep[:n*dim])
		}
		if !s.m.attn.layers[l].noFFN {
			a.feedForward(l, n)
		}
	}
	s.pos += int64(n)
	if r != nil {
		r.pos = s.pos
	}
	a.logits(rows, out)
	if s.m.logitScale != 0 {
		lc.Scale(1/s.m.logitScale, out[:len(rows)*hp.vocab])
	}
	return nil
}

func (s *hybridState) reset() {
	s.attn.reset()
	if s.ssm != nil {
		s.ssm.reset()
	}
	if s.conv != nil {
		clear(s.conv.state)
	}
	s.pos = 0
}

// kvCache gives the attention layers' cache to what reports on it.
func (s *hybridState) kvCache() *kvcache.Cache { return s.attn.kv }

// The hybrid part of a saved state: u32 length and the layer pattern
// ("M A M"), u64 position count, then the attention layers' cache
// (kvcache/state.go), the Mamba-2 layers' state (mamba_state.go) and the
// short convolutions' (u32 layers, u32 values per layer, the values as
// float32). A state saved by a model of another pattern is refused before
// anything is read into this one.

func (s *hybridState) saveState(w io.Writer) error {
	e := &stateio.Writer{W: w}
	pat := s.m.pattern()
	e.U32(uint32(len(pat)))
	e.Raw([]byte(pat))
	e.U64(uint64(s.pos))
	if e.Err != nil {
		return e.Err
	}
	if err := s.attn.saveState(w); err != nil {
		return err
	}
	if s.ssm != nil {
		if err := s.ssm.saveState(w); err != nil {
			return err
		}
	}
	if s.conv != nil {
		e.U32(uint32(len(s.conv.c.layers)))
		e.U32(uint32(s.conv.c.stateFloats()))
		e.Raw(stateio.SliceBytes(s.conv.state))
	}
	return e.Err
}

func (s *hybridState) restoreState(r io.Reader) error {
	err := s.readState(r)
	if err != nil {
		s.reset()
	}
	return err
}

func (s *hybridState) readState(r io.Reader) error {
	d := &stateio.Reader{R: r}
	pat := s.m.pattern()
	n := d.U32()
	if d.Err != nil {
		return d.Err
	}
	if int64(n) != int64(len(pat)) {
		return fmt.Errorf("%w: a hybrid state of another layer pattern (%d characters), this model's is %s", ErrStateMismatch, n, pat)
	}
	got := make([]byte, n)
	d.Read(got)
	pos := d.U64()
	switch {
	case d.Err != nil:
		return d.Err
	case string(got) != pat:
		return fmt.Errorf("%w: a hybrid state of layers %q, this model has %q", ErrStateMismatch, got, pat)
	case pos > maxPosition:
		return fmt.Errorf("damaged state: position %d", pos)
	}
	if err := s.attn.restoreState(r); err != nil {
		return err
	}
	if s.ssm != nil {
		if err := s.ssm.restoreState(r); err != nil {
			return err
		}
		if s.ssm.pos != int64(pos) {
			return fmt.Errorf("damaged state: the recurrent layers at position %d, the hybrid at %d", s.ssm.pos, pos)
		}
	}
	if s.conv != nil {
		layers, per := d.U32(), d.U32()
		switch {
		case d.Err != nil:
			return d.Err
		case int64(layers) != int64(len(s.conv.c.layers)) || int64(per) != int64(s.conv.c.stateFloats()):
			return fmt.Errorf("%w: short convolution states of %d layers x %d values, this model has %d x %d",
				ErrStateMismatch, layers, per, len(s.conv.c.layers), s.conv.c.stateFloats())
		}
		d.Read(stateio.SliceBytes(s.conv.state))
		if d.Err != nil {
			return d.Err
		}
	}
	s.pos = int64(pos)
	return nil
}
