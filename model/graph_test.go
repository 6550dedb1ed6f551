package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Graph names what each family member adds to the Llama block, as loaded.
func TestGraph(t *testing.T) {
	for _, tc := range []struct {
		model string
		want  []string
	}{
		{"llama-tiny-f32.gguf", nil},
		{"arch/qwen3.gguf", []string{"head dim 32 (q 64 wide)", "rope pairs neox", "q/k norms"}},
		{"arch/qwen3moe.gguf", []string{"head dim 16 (q 64 wide)", "rope pairs neox", "q/k norms", "8 experts, 2 used (width 32)"}},
		{"arch/llama-moe.gguf", []string{"4 experts, 2 used (width 64)"}},
		{"arch/gpt-oss.gguf", []string{"head dim 16 (q 64 wide)", "rope pairs neox", "q/k/v biases", "learned attention sinks",
			"4 experts, 2 used (width 32)", "local layers 0 (window 32), global layers 1"}},
		{"arch/smollm3.gguf", []string{"no rope in layers 3"}},
		{"arch/phi3-short.gguf", []string{"rope pairs neox", "fused qkv and gate/up"}},
		{"arch/mistral3.gguf", []string{"attention temperature 1 + 0.1 ln(floor(pos/64) + 1)"}},
		{"arch/gemma2.gguf", []string{"head dim 16 (q 64 wide)", "rope pairs neox", "embeddings x 5.657", "queries x 0.25",
			"attention soft-cap 50", "final soft-cap 30", "post-norms, gelu ffn", "local layers 0 (window 32), global layers 1"}},
		{"arch/gemma3.gguf", []string{"head dim 32 (q 64 wide)", "rope pairs neox", "q/k norms", "embeddings x 5.657", "queries x 0.1768",
			"post-norms, gelu ffn", "local layers 0-4 (window 16, rope base 10000 unscaled), global layers 5"}},
	} {
		t.Run(tc.model, func(t *testing.T) {
			m := openGoldenModel(t, "models/"+tc.model)
			assert.Equal(t, tc.want, m.Graph())
		})
	}
	assert.Nil(t, openGoldenModel(t, "models/mamba-tiny-f32.gguf").Graph())
}

func TestLayerList(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want string
	}{
		{nil, ""}, {[]int{3}, "3"}, {[]int{0, 1, 2, 3, 4}, "0-4"}, {[]int{0, 1, 2, 3, 4, 6, 7, 8, 9, 10}, "0-4, 6-10"},
		{[]int{3, 7, 11}, "3, 7, 11"}, {[]int{1, 2, 5}, "1-2, 5"},
	} {
		assert.Equal(t, tc.want, layerList(tc.in), "%v", tc.in)
	}
}
