package synth

import (
	"bytes"
	"crypto/sha256"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
	"github.com/lcrun/lcrun/model/tokenizer"
)

func write(t *testing.T, s Spec) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := s.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

func TestLlamaShapeReadsBack(t *testing.T) {
	shape := &LlamaShape{Embd: 64, Layers: 2, Heads: 4, KVHeads: 2, FF: 96, Vocab: 400, Ctx: 512}
	for _, wt := range []lcrun.DType{lcrun.F32, lcrun.F16, lcrun.Q8_0, lcrun.Q4_0} {
		t.Run(wt.String(), func(t *testing.T) {
			f, err := gguf.OpenBytes(write(t, Spec{Name: "t", WType: wt, Seed: 7, Llama: shape}))
			require.NoError(t, err)
			defer f.Close()
			assert.Equal(t, "llama", f.Arch())
			for key, want := range map[string]uint64{
				"llama.embedding_length": 64, "llama.block_count": 2, "llama.attention.head_count": 4,
				"llama.attention.head_count_kv": 2, "llama.feed_forward_length": 96, "llama.rope.dimension_count": 16,
			} {
				got, err := f.Uint(key)
				require.NoError(t, err, key)
				assert.Equal(t, want, got, key)
			}
			q, ok := f.Tensor("blk.1.attn_k.weight")
			require.True(t, ok)
			assert.Equal(t, []uint64{64, 32}, q.Dims)
			assert.Equal(t, wt, q.Type)
			down, ok := f.Tensor("blk.0.ffn_down.weight")
			require.True(t, ok)
			assert.Equal(t, wt, down.Type, "ffn_down rows are 96 long: whole blocks of 32")
			norm, ok := f.Tensor("blk.0.attn_norm.weight")
			require.True(t, ok)
			assert.Equal(t, lcrun.F32, norm.Type)
			assert.Equal(t, int64(2*9+3), int64(len(f.Tensors)))
		})
	}
}

func TestOddRowsStayF32(t *testing.T) {
	// ne0 = 172 is not a whole number of Q8_0 blocks: the matrix stays F32,
	// as llama.cpp's quantiser leaves it.
	s := Spec{Name: "odd", WType: lcrun.Q8_0, Seed: 1, Llama: &LlamaShape{Embd: 64, Layers: 1, Heads: 8, KVHeads: 4, FF: 172, Vocab: 300, Ctx: 64}}
	f, err := gguf.OpenBytes(write(t, s))
	require.NoError(t, err)
	defer f.Close()
	down, _ := f.Tensor("blk.0.ffn_down.weight")
	up, _ := f.Tensor("blk.0.ffn_up.weight")
	assert.Equal(t, lcrun.F32, down.Type)
	assert.Equal(t, lcrun.Q8_0, up.Type)
}

func TestDeterministic(t *testing.T) {
	s, err := Lookup("llama-tiny-f32")
	require.NoError(t, err)
	a, b := write(t, s), write(t, s)
	require.Equal(t, sha256.Sum256(a), sha256.Sum256(b))
	s.Seed++
	assert.NotEqual(t, sha256.Sum256(a), sha256.Sum256(write(t, s)), "a different seed gives different weights")
}

func TestWeightStatistics(t *testing.T) {
	s := Spec{Name: "stats", WType: lcrun.F32, Seed: 3, Llama: &LlamaShape{Embd: 256, Layers: 1, Heads: 4, KVHeads: 4, FF: 512, Vocab: 300, Ctx: 64}}
	f, err := gguf.OpenBytes(write(t, s))
	require.NoError(t, err)
	defer f.Close()
	stats := func(name string) (mean, variance float64) {
		raw, err := f.TensorData(name)
		require.NoError(t, err)
		vals := make([]float32, len(raw)/4)
		require.NoError(t, lcrun.Dequantize(lcrun.F32, vals, raw))
		for _, v := range vals {
			mean += float64(v)
		}
		mean /= float64(len(vals))
		for _, v := range vals {
			variance += (float64(v) - mean) * (float64(v) - mean)
		}
		return mean, variance / float64(len(vals))
	}
	// 65536 draws: the sample variance is within a few percent of the truth.
	_, v := stats("blk.0.attn_q.weight")
	assert.InEpsilon(t, 1.0/256, v, 0.05, "matrices are N(0, 1/fan_in)")
	_, v = stats("blk.0.ffn_down.weight")
	assert.InEpsilon(t, 1.0/512, v, 0.05)
	m, v := stats("blk.0.attn_norm.weight")
	assert.InDelta(t, 1, m, 0.05)
	assert.InEpsilon(t, 0.01, v, 0.5)
}

func TestMambaShape(t *testing.T) {
	s, err := Lookup("mamba-tiny-f32")
	require.NoError(t, err)
	f, err := gguf.OpenBytes(write(t, s))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, "mamba", f.Arch())
	inner, err := f.Uint("mamba.ssm.inner_size")
	require.NoError(t, err)
	assert.EqualValues(t, 128, inner)
	for name, dims := range map[string][]uint64{
		"blk.0.ssm_in.weight":     {64, 256},
		"blk.0.ssm_conv1d.weight": {4, 128},
		"blk.0.ssm_x.weight":      {128, 4 + 32},
		"blk.0.ssm_dt.weight":     {4, 128},
		"blk.1.ssm_a":             {16, 128},
		"blk.1.ssm_out.weight":    {128, 64},
	} {
		ti, ok := f.Tensor(name)
		require.True(t, ok, name)
		assert.Equal(t, dims, ti.Dims, name)
	}
	raw, err := f.TensorData("blk.0.ssm_a")
	require.NoError(t, err)
	a := make([]float32, 16*128)
	require.NoError(t, lcrun.Dequantize(lcrun.F32, a, raw))
	assert.Equal(t, float32(-1), a[0])
	assert.Equal(t, float32(-16), a[15])
	assert.Equal(t, float32(-1), a[16], "every channel has A = -(1..d_state)")
	raw, err = f.TensorData("blk.0.ssm_dt.bias")
	require.NoError(t, err)
	bias := make([]float32, 128)
	require.NoError(t, lcrun.Dequantize(lcrun.F32, bias, raw))
	for _, b := range bias {
		// softplus(bias) = dt in [1e-3, 0.1], so bias is in [softplus^-1(1e-3), softplus^-1(0.1)].
		assert.True(t, b > -6.91 && b < -2.25, "dt bias %v out of range", b)
	}
}

func TestVocabTokenises(t *testing.T) {
	s, err := Lookup("llama-tiny-f32")
	require.NoError(t, err)
	f, err := gguf.OpenBytes(write(t, s))
	require.NoError(t, err)
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	require.NoError(t, err)
	assert.Equal(t, 320, tok.VocabSize())
	text := "Once upon a time, a dog. ✓"
	ids := tok.Encode(text, true, false)
	require.NotEmpty(t, ids)
	assert.Equal(t, tok.BOS(), ids[0])
	assert.Equal(t, text, tok.Decode(ids[1:]))
}

func TestBuiltinShapesAreValid(t *testing.T) {
	for _, s := range Builtin() {
		_, err := s.build()
		require.NoError(t, err, s.Name)
		_, err = fileType(s.WType)
		require.NoError(t, err, s.Name)
	}
	s, err := Lookup("llama-110m-q8_0")
	require.NoError(t, err)
	// stories110M: 12 layers of (4*768^2 + 3*768*2048) plus two 768x32000 tables, plus norms.
	assert.EqualValues(t, 12*(4*768*768+3*768*2048+2*768)+2*768*32000+768, s.Params())
	_, err = Lookup("no-such-model")
	assert.ErrorContains(t, err, "no built-in shape")
}

func TestBadSpecs(t *testing.T) {
	for _, s := range []Spec{
		{Name: "none"},
		{Name: "both", Llama: &LlamaShape{}, Mamba: &MambaShape{}},
		{Name: "zero", WType: lcrun.F32, Llama: &LlamaShape{Embd: 0, Layers: 1, Heads: 1, KVHeads: 1, FF: 1, Vocab: 300, Ctx: 1}},
		{Name: "heads", WType: lcrun.F32, Llama: &LlamaShape{Embd: 64, Layers: 1, Heads: 3, KVHeads: 1, FF: 64, Vocab: 300, Ctx: 1}},
		{Name: "vocab", WType: lcrun.F32, Llama: &LlamaShape{Embd: 64, Layers: 1, Heads: 4, KVHeads: 4, FF: 64, Vocab: 100, Ctx: 1}},
		{Name: "type", WType: lcrun.Q5_1, Llama: &LlamaShape{Embd: 64, Layers: 1, Heads: 4, KVHeads: 4, FF: 64, Vocab: 300, Ctx: 1}},
	} {
		_, err := s.WriteTo(&bytes.Buffer{})
		assert.Error(t, err, s.Name)
	}
}

func TestEnsure(t *testing.T) {
	dir := t.TempDir()
	s, err := Lookup("mamba-tiny-f32")
	require.NoError(t, err)
	p1, err := s.Ensure(dir)
	require.NoError(t, err)
	assert.Equal(t, dir, filepath.Dir(p1))
	p2, err := s.Ensure(dir)
	require.NoError(t, err)
	assert.Equal(t, p1, p2)
	f, err := gguf.Open(p1)
	require.NoError(t, err)
	f.Close()
}

// The other families write their architecture's keys and tensors.
func TestFamilyShapes(t *testing.T) {
	for _, tc := range []struct {
		shape   LlamaShape
		tensors []string
		keys    map[string]uint64
	}{
		{LlamaShape{Arch: "qwen3", Embd: 64, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 32, FF: 96, Vocab: 400, Ctx: 512},
			[]string{"blk.1.attn_q_norm.weight", "blk.1.attn_k_norm.weight", "output.weight"},
			map[string]uint64{"qwen3.attention.key_length": 32, "qwen3.rope.dimension_count": 32}},
		{LlamaShape{Arch: "gemma3", Embd: 64, Layers: 6, Heads: 4, KVHeads: 2, FF: 96, Vocab: 400, Ctx: 512, Tied: true, Window: 16},
			[]string{"blk.5.attn_q_norm.weight", "blk.5.post_attention_norm.weight", "blk.5.post_ffw_norm.weight"},
			map[string]uint64{"gemma3.attention.sliding_window": 16, "gemma3.rope.dimension_count": 16}},
		{LlamaShape{Arch: "qwen3moe", Embd: 64, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 32, FF: 32, Vocab: 400, Ctx: 512, Experts: 8, ExpertsUsed: 2},
			[]string{"blk.1.attn_q_norm.weight", "blk.1.ffn_gate_inp.weight", "blk.1.ffn_gate_exps.weight", "blk.1.ffn_down_exps.weight"},
			map[string]uint64{"qwen3moe.expert_count": 8, "qwen3moe.expert_used_count": 2, "qwen3moe.expert_feed_forward_length": 32}},
	} {
		t.Run(tc.shape.Arch, func(t *testing.T) {
			f, err := gguf.OpenBytes(write(t, Spec{Name: "t", WType: lcrun.Q8_0, Seed: 7, Llama: &tc.shape}))
			require.NoError(t, err)
			defer f.Close()
			assert.Equal(t, tc.shape.Arch, f.Arch())
			for _, n := range tc.tensors {
				_, ok := f.Tensor(n)
				assert.True(t, ok, n)
			}
			for k, want := range tc.keys {
				got, err := f.Uint(k)
				require.NoError(t, err, k)
				assert.Equal(t, want, got, k)
			}
			q, ok := f.Tensor("blk.0.attn_q.weight")
			require.True(t, ok)
			head := tc.shape.HeadDim
			if head == 0 {
				head = tc.shape.Embd / tc.shape.Heads
			}
			assert.Equal(t, []uint64{64, uint64(head * tc.shape.Heads)}, q.Dims)
		})
	}
	_, err := Spec{Name: "x", WType: lcrun.F32, Llama: &LlamaShape{Arch: "gpt9", Embd: 64, Layers: 1, Heads: 4, KVHeads: 4, FF: 64, Vocab: 300, Ctx: 1}}.WriteTo(&bytes.Buffer{})
	assert.ErrorContains(t, err, `"gpt9"`)
	_, err = Spec{Name: "x", WType: lcrun.F32, Llama: &LlamaShape{Arch: "gemma3", Embd: 64, Layers: 1, Heads: 4, KVHeads: 4, FF: 64, Vocab: 300, Ctx: 1}}.WriteTo(&bytes.Buffer{})
	assert.ErrorContains(t, err, "sliding window")
	_, err = Spec{Name: "x", WType: lcrun.F32, Llama: &LlamaShape{Arch: "qwen3moe", Embd: 64, Layers: 1, Heads: 4, KVHeads: 4, FF: 64, Vocab: 300, Ctx: 1}}.WriteTo(&bytes.Buffer{})
	assert.ErrorContains(t, err, "needs experts")
	_, err = Spec{Name: "x", WType: lcrun.F32, Llama: &LlamaShape{Embd: 64, Layers: 1, Heads: 4, KVHeads: 4, FF: 64, Vocab: 300, Ctx: 1, Experts: 4, ExpertsUsed: 5}}.WriteTo(&bytes.Buffer{})
	assert.ErrorContains(t, err, "experts used")
}

// Expert stacks are stored in the spec's type, the router in F32.
func TestMoETypes(t *testing.T) {
	f, err := gguf.OpenBytes(write(t, Spec{Name: "t", WType: lcrun.Q8_0, Seed: 7, Llama: &LlamaShape{Embd: 64, Layers: 1, Heads: 4, KVHeads: 4, FF: 64, Vocab: 300, Ctx: 64, Experts: 4, ExpertsUsed: 2}}))
	require.NoError(t, err)
	defer f.Close()
	for name, want := range map[string]lcrun.DType{"blk.0.ffn_gate_inp.weight": lcrun.F32, "blk.0.ffn_up_exps.weight": lcrun.Q8_0, "blk.0.ffn_down_exps.weight": lcrun.Q8_0} {
		ti, ok := f.Tensor(name)
		require.True(t, ok, name)
		assert.Equal(t, want, ti.Type, name)
	}
}

// A hybrid shape with experts has Granite 4.0-H Tiny's FFN: a router,
// expert stacks and, with SharedFF, a shared expert and its width key;
// no dense FFN.
func TestHybridMoEShape(t *testing.T) {
	shape := HybridShape{Embd: 64, Layers: 2, AttnEvery: 2, Heads: 4, KVHeads: 2, FF: 32, Vocab: 300, Ctx: 64,
		DState: 8, DConv: 4, SSMHeads: 4, Groups: 1, Expand: 2, Experts: 4, ExpertsUsed: 2, SharedFF: 48}
	f, err := gguf.OpenBytes(write(t, Spec{Name: "t", WType: lcrun.Q8_0, Seed: 7, Hybrid: &shape}))
	require.NoError(t, err)
	defer f.Close()
	for name, dims := range map[string][]uint64{
		"blk.1.ffn_gate_inp.weight":   {64, 4},
		"blk.1.ffn_up_exps.weight":    {64, 32, 4},
		"blk.0.ffn_gate_shexp.weight": {64, 48},
		"blk.0.ffn_up_shexp.weight":   {64, 48},
		"blk.1.ffn_down_shexp.weight": {48, 64},
	} {
		ti, ok := f.Tensor(name)
		require.True(t, ok, name)
		assert.Equal(t, dims, ti.Dims, name)
	}
	_, ok := f.Tensor("blk.0.ffn_up.weight")
	assert.False(t, ok, "no dense FFN")
	for k, want := range map[string]uint64{"granitehybrid.expert_count": 4, "granitehybrid.expert_used_count": 2, "granitehybrid.expert_shared_feed_forward_length": 48} {
		got, err := f.Uint(k)
		require.NoError(t, err, k)
		assert.Equal(t, want, got, k)
	}
	for _, bad := range []HybridShape{
		{Experts: 4, ExpertsUsed: 5}, {Experts: 4}, {SharedFF: 8}, {Experts: -1}, {Experts: 4, ExpertsUsed: 2, SharedFF: -1},
	} {
		s := shape
		s.Experts, s.ExpertsUsed, s.SharedFF = bad.Experts, bad.ExpertsUsed, bad.SharedFF
		_, err := Spec{Name: "x", WType: lcrun.F32, Hybrid: &s}.WriteTo(&bytes.Buffer{})
		assert.ErrorContains(t, err, "experts used", "%+v", bad)
	}
}
