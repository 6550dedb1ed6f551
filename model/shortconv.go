package model

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/bytesize"
)

// A short convolution block (LFM2): in_proj gives three chunks B, C and
// x of n_embd each; bx = B*x goes through a causal depthwise convolution
// over time of shortconv.l_cache taps (no bias, no activation; the state
// is the last l_cache-1 bx), and out_proj · (C * conv) is the block's
// output.

const keyShortConvCache = "shortconv.l_cache"

// shortConvs are a hybrid's short convolution layers.
type shortConvs struct {
	embd, taps int
	layers     []shortConvLayer
}

type shortConvLayer struct {
	norm    []float32 // attn_norm [embd]
	conv    []float32 // [embd][taps]
	in, out lc.Matrix // in_proj: 3*embd x embd; out_proj: embd x embd
}

// loadShortConvs loads the short convolutions of attn's layers of that
// kind; mix gets their indices.
func loadShortConvs(l *loader, attn *llama, mix []int) (*shortConvs, error) {
	taps, err := l.count(keyShortConvCache, maxConvKernel)
	if err != nil {
		return nil, err
	}
	if taps < 2 {
		return nil, fmt.Errorf("model: %s = %d: a short convolution needs at least 2 taps", l.key(keyShortConvCache), taps)
	}
	d := attn.hp.dim
	c := &shortConvs{embd: d, taps: taps}
	for i, k := range attn.kinds {
		if k != layerShortConv {
			continue
		}
		name := func(s string) string { return fmt.Sprintf("blk.%d.%s", i, s) }
		var ly shortConvLayer
		if ly.norm, err = l.vector(name("attn_norm.weight"), d); err != nil {
			return nil, err
		}
		if ly.conv, err = l.vector(name("shortconv.conv.weight"), taps, d); err != nil {
			return nil, err
		}
		if ly.in, err = l.matrix(name("shortconv.in_proj.weight"), 3*d, d); err != nil {
			return nil, err
		}
		if ly.out, err = l.matrix(name("shortconv.out_proj.weight"), d, d); err != nil {
			return nil, err
		}
		mix[i] = len(c.layers)
		c.layers = append(c.layers, ly)
	}
	return c, nil
}

// stateFloats is one layer's convolution state.
func (c *shortConvs) stateFloats() int { return c.embd * (c.taps - 1) }

// shortConvState is a session's convolution states and scratch.
type shortConvState struct {
	c     *shortConvs
	state []float32 // per layer [embd][taps-1]
	bcx   []float32 // [batch][3*embd]
	bx, y []float32 // [batch][embd]
}

func (c *shortConvs) newState(batch int) *shortConvState {
	return &shortConvState{
		c: c, state: make([]float32, len(c.layers)*c.stateFloats()),
		bcx: make([]float32, batch*3*c.embd), bx: make([]float32, batch*c.embd), y: make([]float32, batch*c.embd),
	}
}

// bytes is what newState allocates.
func (c *shortConvs) bytes(batch int) int64 {
	state := bytesize.Mul(int64(len(c.layers)), int64(c.stateFloats()), 4)
	return bytesize.Add(state, bytesize.Mul(int64(batch), int64(5*c.embd), 4))
}

// layer adds short convolution j's output for n tokens to the residual
// x, with xb as scratch of [n][embd].
func (s *shortConvState) layer(k kernelPools, j, n int, x, xb []float32, eps float32) {
	c, ly := s.c, &s.c.layers[j]
	d := c.embd
	for t := range n {
		lc.RMSNorm(xb[t*d:(t+1)*d], x[t*d:(t+1)*d], ly.norm, eps)
	}
	k.matmul(s.bcx, ly.in, xb, n)
	for t := range n { // in_proj rows: B, C, x
		row := s.bcx[t*3*d : (t+1)*3*d]
		lc.Mul(s.bx[t*d:(t+1)*d], row[:d], row[2*d:])
	}
	st := s.state[j*c.stateFloats() : (j+1)*c.stateFloats()]
	k.poolFor(n*d*c.taps).SSMConv(s.y[:n*d], st, s.bx[:n*d], ly.conv, nil, n, d, c.taps)
	for t := range n {
		y := s.y[t*d : (t+1)*d]
		lc.Mul(y, y, s.bcx[t*3*d+d:t*3*d+2*d])
	}
	k.matmul(xb, ly.out, s.y, n)
	lc.Add(x[:n*d], x[:n*d], xb[:n*d])
}
