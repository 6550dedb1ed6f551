package model

import (
	"math"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The family members' own tensors and keys, when missing or inconsistent,
// give one clear error each.
func TestArchLoadRejects(t *testing.T) {
	const arch = goldenDir + "/models/arch/"
	for _, c := range []struct {
		name, model string
		e           edit
		want        string
	}{
		{"qwen3 without k norm", "qwen3", edit{drop: []string{"blk.1.attn_k_norm.weight"}}, "blk.1.attn_k_norm.weight is missing"},
		{"qwen3 q norm over the model width", "qwen3", edit{replace: map[string]tensorEdit{"blk.0.attn_q_norm.weight": {typ: lc.F32, dims: []uint64{64}}}},
			"blk.0.attn_q_norm.weight has shape [64], want [32]"},
		{"phi3 qkv too narrow", "phi3-short", edit{replace: map[string]tensorEdit{"blk.0.attn_qkv.weight": {typ: lc.F32, dims: []uint64{32, 48}}}},
			"blk.0.attn_qkv.weight has shape [32 48], want [32 64]"},
		{"phi3 ffn_up not doubled", "phi3-short", edit{replace: map[string]tensorEdit{"blk.1.ffn_up.weight": {typ: lc.F32, dims: []uint64{32, 64}}}},
			"blk.1.ffn_up.weight has shape [32 64], want [32 128]"},
		{"phi3 without qkv", "phi3-short", edit{drop: []string{"blk.0.attn_qkv.weight"}}, "blk.0.attn_qkv.weight is missing"},
		{"mistral3 temperature without its step", "mistral3", edit{set: map[string]any{"mistral3.rope.scaling.original_context_length": nil}},
			"mistral3.attention.temperature_scale needs mistral3.rope.scaling.original_context_length"},
		{"mistral3 temperature as text", "mistral3", edit{set: map[string]any{"mistral3.attention.temperature_scale": "warm"}}, "temperature_scale"},
		{"mistral3 absurd temperature", "mistral3", edit{set: map[string]any{"mistral3.attention.temperature_scale": float32(1e9)}}, "out of range"},
		{"gemma2 without post norm", "gemma2", edit{drop: []string{"blk.0.post_ffw_norm.weight"}}, "blk.0.post_ffw_norm.weight is missing"},
		{"gemma2 negative soft-cap", "gemma2", edit{set: map[string]any{"gemma2.attn_logit_softcapping": float32(-50)}}, "gemma2.attn_logit_softcapping = -50 is out of range"},
		{"qwen3moe without experts", "qwen3moe", edit{set: map[string]any{"qwen3moe.expert_count": uint32(0)}}, "qwen3moe.expert_count = 0 is out of range"},
		{"qwen3moe without expert count", "qwen3moe", edit{set: map[string]any{"qwen3moe.expert_count": nil}}, "qwen3moe.expert_count is missing"},
		{"qwen3moe more used than experts", "qwen3moe", edit{set: map[string]any{"qwen3moe.expert_used_count": uint32(9)}}, "expert_used_count"},
		{"qwen3moe without down experts", "qwen3moe", edit{drop: []string{"blk.1.ffn_down_exps.weight"}}, "blk.1.ffn_down_exps.weight is missing"},
		{"llama-moe experts too few", "llama-moe", edit{replace: map[string]tensorEdit{"blk.0.ffn_up_exps.weight": {typ: lc.F32, dims: []uint64{32, 64, 3}}}},
			"blk.0.ffn_up_exps.weight has shape [32 64 3], want [32 64 4]"},
		{"gpt-oss without sinks", "gpt-oss", edit{drop: []string{"blk.1.attn_sinks.weight"}}, "blk.1.attn_sinks.weight is missing"},
		{"gpt-oss sinks per KV head", "gpt-oss", edit{replace: map[string]tensorEdit{"blk.0.attn_sinks.weight": {typ: lc.F32, dims: []uint64{2}}}},
			"blk.0.attn_sinks.weight has shape [2], want [4]"},
		{"gpt-oss expert biases too narrow", "gpt-oss", edit{replace: map[string]tensorEdit{"blk.0.ffn_up_exps.bias": {typ: lc.F32, dims: []uint64{16, 4}}}},
			"blk.0.ffn_up_exps.bias has shape [16 4], want [32 4]"},
		{"gemma3 NaN final soft-cap", "gemma3", edit{set: map[string]any{"gemma3.final_logit_softcapping": nan32()}}, "not a finite number"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := OpenBytes(rewrite(t, arch+c.model+".gguf", c.e), "edited")
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// Gemma 3 without attention.sliding_window has no local layers (every
// layer global, as llama.cpp reads it); Gemma 2 without it slides over
// 4096 tokens on its even layers; a model whose layers would all be local
// has its window on every layer and one cache.
func TestGemmaWindowDefaults(t *testing.T) {
	const arch = goldenDir + "/models/arch/"
	m, err := OpenBytes(rewrite(t, arch+"gemma3.gguf", edit{set: map[string]any{"gemma3.attention.sliding_window": nil}}), "edited")
	require.NoError(t, err)
	defer m.Close()
	lm := m.arch.(*llama)
	assert.Zero(t, lm.nLocal)
	assert.Zero(t, m.SlidingWindow())
	_, err = m.NewSession(SessionOptions{Ctx: 64})
	require.NoError(t, err)

	m2, err := OpenBytes(rewrite(t, arch+"gemma2.gguf", edit{set: map[string]any{"gemma2.attention.sliding_window": nil}}), "edited")
	require.NoError(t, err)
	defer m2.Close()
	assert.Equal(t, 4096, m2.arch.(*llama).hp.localWindow)
	assert.Equal(t, 1, m2.arch.(*llama).nLocal)

	m3, err := OpenBytes(rewrite(t, arch+"gemma2.gguf", edit{set: map[string]any{"gemma2.block_count": uint32(1)}}), "edited")
	require.NoError(t, err)
	defer m3.Close()
	assert.Zero(t, m3.arch.(*llama).nLocal)
	assert.Equal(t, 32, m3.SlidingWindow())
	s, err := m3.NewSession(SessionOptions{Ctx: 64})
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Decode(1)
	require.NoError(t, err)
}

// Gemma's 27B models scale queries by 1/sqrt(dim/heads) instead of
// 1/sqrt(head_dim), as llama.cpp picks them by their layer count.
func TestGemma27BQueryScale(t *testing.T) {
	f, err := gguf.Open(goldenDir + "/models/arch/gemma2.gguf")
	require.NoError(t, err)
	defer f.Close()
	for _, tc := range []struct {
		arch   string
		layers int
		want   float64
	}{
		{"gemma2", 46, 1 / math.Sqrt(4608.0/32)},
		{"gemma2", 42, 1 / math.Sqrt(128)},
		{"gemma3", 62, 1 / math.Sqrt(4608.0/32)},
		{"gemma3", 46, 1 / math.Sqrt(128)},
	} {
		hp := llamaHParams{dim: 4608, heads: 32, headDim: 128, layers: tc.layers}
		require.NoError(t, gemmaHyper(&loader{f: f, arch: tc.arch}, &hp))
		assert.InDelta(t, tc.want, float64(hp.qScale), 1e-7, "%s with %d layers", tc.arch, tc.layers)
	}
}
