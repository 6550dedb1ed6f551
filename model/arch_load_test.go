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
		// The hybrids (issue 15): their mixers' tensors and per-layer keys.
		{"granitehybrid without ssm_in", "granitehybrid", edit{drop: []string{"blk.0.ssm_in.weight"}}, "blk.0.ssm_in.weight is missing"},
		{"granitehybrid head_count_kv too short", "granitehybrid", edit{set: map[string]any{"granitehybrid.attention.head_count_kv": []uint32{0, 1}}},
			"granitehybrid.attention.head_count_kv has 2 values for 3 layers"},
		{"granitehybrid no attention layer", "granitehybrid", edit{set: map[string]any{"granitehybrid.attention.head_count_kv": []uint32{0, 0, 0}}},
			"granitehybrid.attention.head_count_kv: 0 in every layer"},
		{"granitehybrid conv kernel too short", "granitehybrid", edit{replace: map[string]tensorEdit{"blk.2.ssm_conv1d.weight": {typ: lc.F32, dims: []uint64{3, 96}}}},
			"blk.2.ssm_conv1d.weight has shape [3 96], want [4 96]"},
		{"granitehybrid conv kernel 0", "granitehybrid", edit{set: map[string]any{"granitehybrid.ssm.conv_kernel": uint32(0)}}, "granitehybrid.ssm.conv_kernel = 0 is out of range"},
		{"granitehybrid ssm_norm per group", "granitehybrid", edit{replace: map[string]tensorEdit{"blk.0.ssm_norm.weight": {typ: lc.F32, dims: []uint64{32}}}},
			"blk.0.ssm_norm.weight has shape [32], want [64 1]"},
		{"granitehybrid NaN residual scale", "granitehybrid", edit{set: map[string]any{"granitehybrid.residual_scale": nan32()}}, "granitehybrid.residual_scale = NaN is not a finite number"},
		{"granitehybrid rope switch as text", "granitehybrid", edit{set: map[string]any{"granitehybrid.rope.scaling.finetuned": "yes"}}, "granitehybrid.rope.scaling.finetuned: is string, want bool"},
		{"jamba without dt norm", "jamba", edit{drop: []string{"blk.0.ssm_dt_norm.weight"}}, "blk.0.ssm_dt_norm.weight is missing"},
		{"jamba head_count_kv too short", "jamba", edit{set: map[string]any{"jamba.attention.head_count_kv": []uint32{0, 0, 1}}}, "jamba.attention.head_count_kv has 3 values for 4 layers"},
		{"jamba conv kernel too short", "jamba", edit{replace: map[string]tensorEdit{"blk.0.ssm_conv1d.weight": {typ: lc.F32, dims: []uint64{3, 64}}}},
			"blk.0.ssm_conv1d.weight has shape [3 64], want [4 64]"},
		{"jamba experts too few", "jamba", edit{replace: map[string]tensorEdit{"blk.1.ffn_gate_exps.weight": {typ: lc.F32, dims: []uint64{32, 64, 3}}}},
			"blk.1.ffn_gate_exps.weight has shape [32 64 3], want [32 64 4]"},
		{"jamba A too narrow", "jamba", edit{replace: map[string]tensorEdit{"blk.0.ssm_a": {typ: lc.F32, dims: []uint64{16, 32}}}}, "blk.0.ssm_a has shape [16 32], want [16 64]"},
		{"falcon-h1 without ssm_out", "falcon-h1", edit{drop: []string{"blk.1.ssm_out.weight"}}, "blk.1.ssm_out.weight is missing"},
		{"falcon-h1 conv kernel too long", "falcon-h1", edit{replace: map[string]tensorEdit{"blk.0.ssm_conv1d.weight": {typ: lc.F32, dims: []uint64{5, 80}}}},
			"blk.0.ssm_conv1d.weight has shape [5 80], want [4 80]"},
		{"falcon-h1 without ffn norm", "falcon-h1", edit{drop: []string{"blk.0.ffn_norm"}}, "blk.0.ffn_norm is missing"},
		{"falcon-h1 head_count_kv too short", "falcon-h1", edit{set: map[string]any{"falcon-h1.attention.head_count_kv": []uint32{1}}}, "falcon-h1.attention.head_count_kv has 1 values for 2 layers"},
		{"falcon-h1 inner size not in heads", "falcon-h1", edit{set: map[string]any{"falcon-h1.ssm.inner_size": uint32(50)}}, "inner size 50 in 3 heads of 1 groups does not divide evenly"},
		{"nemotron_h feed_forward_length too short", "nemotron-h", edit{set: map[string]any{"nemotron_h.feed_forward_length": []uint32{0, 64, 0}}},
			"nemotron_h.feed_forward_length has 3 values for 5 layers"},
		{"nemotron_h attention and mlp in one layer", "nemotron-h", edit{set: map[string]any{"nemotron_h.feed_forward_length": []uint32{0, 64, 0, 64, 64}}},
			"layer 3 has both attention and a feed-forward block"},
		{"nemotron_h without mlp up", "nemotron-h", edit{drop: []string{"blk.1.ffn_up.weight"}}, "blk.1.ffn_up.weight is missing"},
		{"nemotron_h ssm_norm of one group", "nemotron-h", edit{replace: map[string]tensorEdit{"blk.0.ssm_norm.weight": {typ: lc.F32, dims: []uint64{64, 1}}}},
			"blk.0.ssm_norm.weight has shape [64 1], want [32 2]"},
		{"nemotron_h groups not dividing", "nemotron-h", edit{set: map[string]any{"nemotron_h.ssm.group_count": uint32(3)}}, "inner size 64 in 4 heads of 3 groups does not divide evenly"},
		{"lfm2 without conv", "lfm2", edit{drop: []string{"blk.0.shortconv.conv.weight"}}, "blk.0.shortconv.conv.weight is missing"},
		{"lfm2 conv kernel too long", "lfm2", edit{replace: map[string]tensorEdit{"blk.0.shortconv.conv.weight": {typ: lc.F32, dims: []uint64{4, 32}}}},
			"blk.0.shortconv.conv.weight has shape [4 32], want [3 32]"},
		{"lfm2 conv length 0", "lfm2", edit{set: map[string]any{"lfm2.shortconv.l_cache": uint32(0)}}, "lfm2.shortconv.l_cache = 0 is out of range"},
		{"lfm2 absurd conv length", "lfm2", edit{set: map[string]any{"lfm2.shortconv.l_cache": uint32(1 << 30)}}, "lfm2.shortconv.l_cache = 1073741824 is out of range"},
		{"lfm2 head_count_kv too short", "lfm2", edit{set: map[string]any{"lfm2.attention.head_count_kv": []uint32{0, 1}}}, "lfm2.attention.head_count_kv has 2 values for 4 layers"},
		{"lfm2 in_proj not tripled", "lfm2", edit{replace: map[string]tensorEdit{"blk.1.shortconv.in_proj.weight": {typ: lc.F32, dims: []uint64{32, 64}}}},
			"blk.1.shortconv.in_proj.weight has shape [32 64], want [32 96]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := OpenBytes(rewrite(t, arch+c.model+".gguf", c.e), "edited")
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "\n", "one line")
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

	m3, err := OpenBytes(rewrite(t, arch+"gemma2.gguf", edit{set: map[string]any{"gemma2.block_count": uint32(1)},
		drop: layerTensors(t, arch+"gemma2.gguf", 1)}), "edited")
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
