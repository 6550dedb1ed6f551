package model

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
)

// A shared expert (Granite 4.0-H Tiny/Small, GGUF ffn_{gate,up,down}_shexp)
// is a SwiGLU network every token runs on the same normed input as its
// routed experts; its output is added to theirs, unweighted.

// sharedExpert is one layer's shared expert: gate and up sharedFF x dim,
// down dim x sharedFF.
type sharedExpert struct {
	gate, up, down lc.Matrix
}

// sharedExpertTensors are the names after "blk.N." of a shared expert,
// and (ffn_gate_inp_shexp) of the gated kind lcrun does not run.
var sharedExpertTensors = []string{"ffn_gate_shexp.weight", "ffn_up_shexp.weight", "ffn_down_shexp.weight", "ffn_gate_inp_shexp.weight"}

// sharedExpertWidth reads expert_shared_feed_forward_length: absent or 0
// is no shared expert, as llama.cpp reads it.
func sharedExpertWidth(l *loader) (int, error) {
	if n, err := l.f.Count(l.key(keyExpertSharedFF)); err == nil && n == 0 {
		return 0, nil
	}
	return l.countOr(keyExpertSharedFF, 0, maxWidth)
}

// loadSharedExpert loads layer i's shared expert of width ff.
func loadSharedExpert(l *loader, i, dim, ff int) (*sharedExpert, error) {
	name := func(s string) string { return fmt.Sprintf("blk.%d.%s", i, s) }
	if _, ok := l.f.Tensor(name("ffn_gate_inp_shexp.weight")); ok {
		return nil, fmt.Errorf("model: tensor %s: a gated shared expert is not supported", name("ffn_gate_inp_shexp.weight"))
	}
	e := &sharedExpert{}
	var err error
	if e.gate, err = l.matrix(name("ffn_gate_shexp.weight"), ff, dim); err != nil {
		return nil, err
	}
	if e.up, err = l.matrix(name("ffn_up_shexp.weight"), ff, dim); err != nil {
		return nil, err
	}
	if e.down, err = l.matrix(name("ffn_down_shexp.weight"), dim, ff); err != nil {
		return nil, err
	}
	return e, nil
}

// noStraySharedExpert names the missing key when layer i holds
// shared-expert tensors but the file gives no shared expert width: the
// generic refusal of unread tensors (checkAllRead) would say only that
// the tensors are not part of the model.
func (m *llama) noStraySharedExpert(l *loader, i int) error {
	if !m.variant.sharedExpert || m.hp.moe.experts == 0 || m.hp.moe.sharedFF != 0 {
		return nil
	}
	for _, s := range sharedExpertTensors {
		n := fmt.Sprintf("blk.%d.%s", i, s)
		if _, ok := l.f.Tensor(n); ok {
			return fmt.Errorf("model: tensor %s is in the file but %s is not (a shared expert needs its width)", n, l.key(keyExpertSharedFF))
		}
	}
	return nil
}

// sharedExpertForward runs e on n normed rows xb and returns its output
// rows (scratch, valid until the next layer).
func (s *llamaState) sharedExpertForward(e *sharedExpert, xb []float32, n int) []float32 {
	hp := &s.m.hp
	ms := &s.moe
	sf := hp.moe.sharedFF
	g, u, out := ms.shGate[:n*sf], ms.shUp[:n*sf], ms.shOut[:n*hp.dim]
	s.matmulMany([][]float32{g, u}, []lc.Matrix{e.gate, e.up}, xb, n)
	lc.SwiGLU(g, g, u)
	s.matmul(out, e.down, g, n)
	return out
}
