package model

import (
	"bytes"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/synth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// synth's qwen3 and gemma3 shapes (what lcrun bench --shape times) load
// as their architecture and decode.
func TestSynthFamiliesLoad(t *testing.T) {
	for _, tc := range []struct {
		shape synth.LlamaShape
		graph string
	}{
		{synth.LlamaShape{Arch: "qwen3", Embd: 64, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 32, FF: 96, Vocab: 400, Ctx: 512}, "q/k norms"},
		{synth.LlamaShape{Arch: "gemma3", Embd: 64, Layers: 6, Heads: 4, KVHeads: 2, FF: 96, Vocab: 400, Ctx: 512, Tied: true, Window: 16},
			"local layers 0-4 (window 16, rope base 10000 unscaled), global layers 5"},
		{synth.LlamaShape{Arch: "qwen3moe", Embd: 64, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 32, FF: 32, Vocab: 400, Ctx: 512, Experts: 8, ExpertsUsed: 2},
			"8 experts, 2 used (width 32)"},
		{synth.LlamaShape{Arch: "llama", Embd: 64, Layers: 2, Heads: 4, KVHeads: 2, FF: 64, Vocab: 400, Ctx: 512, Experts: 4, ExpertsUsed: 2},
			"4 experts, 2 used (width 64)"},
	} {
		t.Run(tc.shape.Arch, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := synth.Spec{Name: tc.shape.Arch, WType: lc.Q8_0, Seed: 2, Llama: &tc.shape}.WriteTo(&buf)
			require.NoError(t, err)
			m, err := OpenBytes(buf.Bytes(), tc.shape.Arch)
			require.NoError(t, err)
			defer m.Close()
			assert.Equal(t, tc.shape.Arch, m.Arch())
			assert.Contains(t, m.Graph(), tc.graph)
			s := newTestSession(t, m, SessionOptions{Ctx: 64})
			for i := range 40 {
				logits, err := s.Decode(int32(3 + i))
				require.NoError(t, err)
				require.Len(t, logits, 400)
			}
		})
	}
}

// synth's hybrid shape loads as granitehybrid with its layer pattern and
// decodes; the built-in one has Granite 4.0-H's proportions: 100-200M
// weights, one attention layer in eight.
func TestSynthHybridLoads(t *testing.T) {
	shape := synth.HybridShape{Embd: 64, Layers: 4, AttnEvery: 4, Heads: 4, KVHeads: 2, FF: 96, Vocab: 400, Ctx: 512,
		DState: 16, DConv: 4, SSMHeads: 4, Groups: 1, Expand: 2, Tied: true}
	var buf bytes.Buffer
	_, err := synth.Spec{Name: "hybrid", WType: lc.Q8_0, Seed: 2, Hybrid: &shape}.WriteTo(&buf)
	require.NoError(t, err)
	m, err := OpenBytes(buf.Bytes(), "hybrid")
	require.NoError(t, err)
	defer m.Close()
	assert.Equal(t, "granitehybrid", m.Arch())
	assert.Equal(t, "layers M M M A", m.Graph()[0])
	s := newTestSession(t, m, SessionOptions{Ctx: 64})
	for i := range 20 {
		logits, err := s.Decode(int32(3 + i))
		require.NoError(t, err)
		require.Len(t, logits, 400)
	}

	big, err := synth.Lookup("granite-h-150m-q8_0")
	require.NoError(t, err)
	assert.InDelta(t, 150e6, float64(big.Params()), 50e6)
	h := big.Hybrid
	assert.Equal(t, 2, h.Layers/h.AttnEvery, "one attention layer in eight")
}
