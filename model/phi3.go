package model

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
)

// Phi-3 (Abdin et al. 2024) is the Llama graph with NeoX RoPE, fused
// projections and LongRoPE: attn_qkv holds q, k and v as consecutive row
// blocks and ffn_up holds the gate rows then the up rows (ffn_down reads
// silu(gate)*up as usual). The 128K models ship rope_factors_long and
// rope_factors_short (ropeFromMetadata makes them LongRoPE: short within
// rope.scaling.original_context_length, long beyond, cos/sin times
// rope.scaling.attn_factor). llama.cpp ignores a Phi-3 file's
// attention.sliding_window, and so does this loader.
func init() {
	registerArch(llamaLoader(llamaVariant{neox: true, fused: true, noWindow: true}), "phi3")
}

// loadFused reads layer i's fused matrices and views their row blocks as
// the separate projections the Llama forward pass multiplies by.
func (m *llama) loadFused(l *loader, i int) error {
	hp := &m.hp
	ly := &m.layers[i]
	name := func(s string) string { return fmt.Sprintf("blk.%d.%s", i, s) }
	qDim, kvDim := hp.heads*hp.headDim, hp.kvHeads*hp.headDim
	qkv, err := l.matrix(name("attn_qkv.weight"), qDim+2*kvDim, hp.dim)
	if err != nil {
		return err
	}
	up, err := l.matrix(name("ffn_up.weight"), 2*hp.ff, hp.dim)
	if err != nil {
		return err
	}
	ly.wq, ly.wk, ly.wv = rowBlock(qkv, 0, qDim), rowBlock(qkv, qDim, kvDim), rowBlock(qkv, qDim+kvDim, kvDim)
	ly.gate, ly.up = rowBlock(up, 0, hp.ff), rowBlock(up, hp.ff, hp.ff)
	if ly.wo, err = l.matrix(name("attn_output.weight"), hp.dim, qDim); err != nil {
		return err
	}
	ly.down, err = l.matrix(name("ffn_down.weight"), hp.dim, hp.ff)
	return err
}

// rowBlock is rows [from, from+n) of m, in place. Every weight type
// stores whole rows, so a block of rows is a byte range.
func rowBlock(m lc.Matrix, from, n int) lc.Matrix {
	rb := len(m.Data) / max(m.Rows, 1)
	return lc.Matrix{Type: m.Type, Rows: n, Cols: m.Cols, Data: m.Data[from*rb : (from+n)*rb]}
}
