package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
	lcmodel "github.com/lcrun/lcrun/model"
)

const goldenDir = "../../testdata/golden"

// goldenShape is the base of the reference's quantisation mixes (golden
// README, "Weight types"): n_embd 256, 2 layers, 4 heads of 32 over 2 KV
// heads, ff 128, vocab 512, untied output.
var goldenShape = &LlamaShape{Embd: 256, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 32, FF: 128, Vocab: 512, Ctx: 4096}

// goldenMixTypes reads, for each mix the reference made, the type
// llama-quantize gave every tensor.
func goldenMixTypes(t *testing.T) map[string]map[string]string {
	raw, err := os.ReadFile(filepath.Join(goldenDir, "manifest.json"))
	require.NoError(t, err)
	var man struct {
		Models map[string]struct {
			TensorTypes map[string]string `json:"tensor_types"`
		} `json:"models"`
	}
	require.NoError(t, json.Unmarshal(raw, &man))
	out := map[string]map[string]string{}
	for key, m := range man.Models {
		if mix, ok := strings.CutPrefix(key, "quant/llama-q-"); ok {
			out[mix] = m.TensorTypes
		}
	}
	require.Len(t, out, 19)
	return out
}

// On the golden shape every mix gives each tensor the type the reference's
// llama-quantize gave it: the use_more_bits layers of attn_v and ffn_down,
// the fallbacks on the 128-wide rows of attn_output and ffn_down, the
// output and embedding rules.
func TestMixMatchesReference(t *testing.T) {
	for mix, want := range goldenMixTypes(t) {
		t.Run(mix, func(t *testing.T) {
			got, err := Spec{Name: "q", Mix: mix, Seed: 21, Llama: goldenShape}.TensorTypes()
			require.NoError(t, err)
			gotNames := map[string]string{}
			for name, typ := range got {
				gotNames[name] = strings.ToLower(typ.String())
			}
			wantLower := map[string]string{}
			for name, typ := range want {
				wantLower[name] = strings.ToLower(typ)
			}
			assert.Equal(t, wantLower, gotNames)
		})
	}
}

// Every mix writes a file with the planned types and its file type, and
// the file runs, when lcrun has quantisers for all the types the mix
// needs; otherwise writing fails at once naming the missing type. Q3_K_M,
// Q4_K_M, Q5_K_M and Q6_K need only types with quantisers today.
func TestMixWrites(t *testing.T) {
	for _, name := range []string{"Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K"} {
		types, err := Spec{Name: "q", Mix: name, Llama: goldenShape}.TensorTypes()
		require.NoError(t, err)
		for tensor, typ := range types {
			require.True(t, lcrun.CanQuantize(typ), "%s: %s is %s", name, tensor, typ)
		}
	}
	for _, name := range Mixes() {
		t.Run(name, func(t *testing.T) {
			s := Spec{Name: "q-" + name, Mix: name, Seed: 21, Llama: goldenShape}
			plan, err := s.TensorTypes()
			require.NoError(t, err)
			var missing []string
			for tensor, typ := range plan {
				if !lcrun.CanQuantize(typ) {
					missing = append(missing, fmt.Sprintf("%s in %s", typ, tensor))
				}
			}
			var buf bytes.Buffer
			_, err = s.WriteTo(&buf)
			if len(missing) > 0 {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "synth: mix "+name+" puts ")
				assert.Contains(t, err.Error(), "which lcrun cannot quantise yet")
				assert.Zero(t, buf.Len())
				return
			}
			require.NoError(t, err)
			f, err := gguf.OpenBytes(buf.Bytes())
			require.NoError(t, err)
			defer f.Close()
			id, guessed, ok, err := f.FileType()
			require.NoError(t, err)
			require.True(t, ok)
			assert.False(t, guessed)
			assert.Equal(t, name, gguf.FileTypeName(id))
			require.Len(t, f.Tensors, len(plan))
			for _, ti := range f.Tensors {
				assert.Equal(t, plan[ti.Name], ti.Type, ti.Name)
			}
			computable := true
			for _, typ := range plan {
				computable = computable && lcrun.Computable(typ)
			}
			if !computable {
				return
			}
			m, err := lcmodel.New(f)
			require.NoError(t, err)
			defer m.Close()
			sess, err := m.NewSession(lcmodel.SessionOptions{Ctx: 4})
			require.NoError(t, err)
			defer sess.Close()
			logits, err := sess.Decode(1)
			require.NoError(t, err)
			assert.Len(t, logits, 512)
		})
	}
}

// typesOf plans a mix on a shape, failing the test on error.
func typesOf(t *testing.T, mix string, shape *LlamaShape) map[string]lcrun.DType {
	t.Helper()
	types, err := Spec{Name: "x", Mix: mix, Llama: shape}.TensorTypes()
	require.NoError(t, err)
	return types
}

// The layer rules on a deeper model (llama-110m's 12 layers): which
// layers get more bits, walking the layers in number order (blk.10 after
// blk.9, as llama-quantize's loader sorts them, not as text sorts them).
func TestMixLayerRules(t *testing.T) {
	s, err := Lookup("llama-110m-q4_k_m")
	require.NoError(t, err)
	shape := s.Llama
	layers := func(types map[string]lcrun.DType, tensor string) []string {
		var out []string
		for l := range shape.Layers {
			out = append(out, types[fmt.Sprintf("blk.%d.%s.weight", l, tensor)].String())
		}
		return out
	}
	q4, q5, q6 := "Q4_K", "Q5_K", "Q6_K"
	// use_more_bits(i, 12): i < 1, i >= 10, or (i-1)%3 == 2.
	more := []string{q6, q4, q4, q6, q4, q4, q6, q4, q4, q6, q6, q6}
	km := typesOf(t, "Q4_K_M", shape)
	assert.Equal(t, more, layers(km, "attn_v"))
	assert.Equal(t, more, layers(km, "ffn_down"))
	assert.Equal(t, lcrun.Q4_K, km["blk.3.attn_q.weight"])
	assert.Equal(t, lcrun.Q6_K, km["output.weight"])
	assert.Equal(t, lcrun.Q4_K, km["token_embd.weight"])
	assert.Equal(t, lcrun.F32, km["blk.3.ffn_norm.weight"])

	k5 := typesOf(t, "Q5_K_M", shape)
	assert.Equal(t, strings.Fields(strings.ReplaceAll(strings.Join(more, " "), q4, q5)), layers(k5, "ffn_down"))

	k3 := typesOf(t, "Q3_K_M", shape)
	assert.Equal(t, []string{q5, q5, q4, q4, q4, q4, q4, q4, q4, q4, q4, q4}, layers(k3, "attn_v"))
	assert.Equal(t, lcrun.Q4_K, k3["blk.0.ffn_down.weight"], "12/16 = 0 layers get Q5_K")
	assert.Equal(t, lcrun.Q4_K, k3["blk.5.attn_output.weight"])
	assert.Equal(t, lcrun.Q3_K, k3["blk.5.ffn_up.weight"])

	ks := typesOf(t, "Q4_K_S", shape)
	assert.Equal(t, []string{q5, q5, q5, q5, q4, q4, q4, q4, q4, q4, q4, q4}, layers(ks, "attn_v"))
	assert.Equal(t, []string{q5, q4, q4, q4, q4, q4, q4, q4, q4, q4, q4, q4}, layers(ks, "ffn_down"))

	xs := typesOf(t, "IQ4_XS", shape)
	assert.Equal(t, lcrun.Q5_K, xs["blk.0.ffn_down.weight"])
	assert.Equal(t, lcrun.IQ4_XS, xs["blk.1.ffn_down.weight"])
	assert.Equal(t, lcrun.IQ4_XS, xs["blk.1.attn_v.weight"], "GQA 1")

	// On this shape the Q6_K and Q8_0 mixes are the all-Q6_K and all-Q8_0
	// built-ins, so those keep their names.
	for mix, pure := range map[string]string{"Q6_K": "llama-110m-q6_k", "Q8_0": "llama-110m-q8_0"} {
		p, err := Lookup(pure)
		require.NoError(t, err)
		want, err := p.TensorTypes()
		require.NoError(t, err)
		assert.Equal(t, want, typesOf(t, mix, shape), mix)
	}
}

// Rules that read the hyperparameters or the model's layout: grouped KV
// heads, a tied output, rows that fit no block of the mix.
func TestMixShapeRules(t *testing.T) {
	gqa4 := &LlamaShape{Embd: 256, Layers: 2, Heads: 8, KVHeads: 2, FF: 256, Vocab: 512, Ctx: 64}
	assert.Equal(t, lcrun.Q5_K, typesOf(t, "IQ4_XS", gqa4)["blk.1.attn_v.weight"])
	assert.Equal(t, lcrun.Q4_K, typesOf(t, "Q2_K", gqa4)["blk.1.attn_v.weight"])
	assert.Equal(t, lcrun.Q5_K, typesOf(t, "IQ4_NL", gqa4)["blk.0.attn_v.weight"])

	tied := *gqa4
	tied.Tied = true
	assert.Equal(t, lcrun.Q6_K, typesOf(t, "Q4_K_M", &tied)["token_embd.weight"], "the tied embedding is the output")
	assert.Equal(t, lcrun.Q8_0, typesOf(t, "Q8_0", &tied)["token_embd.weight"])

	// Rows of 64: no K-quant fits, nor the output's Q6_K (Q8_0 instead);
	// ffn_down's rows of 96 take Q5_0.
	narrow := &LlamaShape{Embd: 64, Layers: 2, Heads: 4, KVHeads: 2, FF: 96, Vocab: 320, Ctx: 64}
	n := typesOf(t, "Q4_K_M", narrow)
	assert.Equal(t, lcrun.Q8_0, n["output.weight"])
	assert.Equal(t, lcrun.Q5_0, n["token_embd.weight"])
	assert.Equal(t, lcrun.Q5_0, n["blk.0.ffn_down.weight"])
	assert.Equal(t, lcrun.Q8_0, n["blk.1.ffn_down.weight"], "Q6_K's fallback")
	// Rows of 48 take no 32-block type: F16, as llama-quantize falls back.
	odd := &LlamaShape{Embd: 64, Layers: 1, Heads: 4, KVHeads: 4, FF: 48, Vocab: 320, Ctx: 64}
	assert.Equal(t, lcrun.F16, typesOf(t, "Q4_K_M", odd)["blk.0.ffn_down.weight"])
	_, err := Spec{Name: "odd", Mix: "Q8_0", Llama: odd}.TensorTypes()
	assert.ErrorContains(t, err, "blk.0.ffn_down.weight: rows of 48 values are not whole Q8_0 blocks of 32")

	// Mamba: the conv taps stay F32; the narrow dt projection falls back.
	mamba, err := Lookup("mamba-tiny-f32")
	require.NoError(t, err)
	mamba.WType, mamba.Mix = lcrun.F32, "Q4_K_M"
	types, err := mamba.TensorTypes()
	require.NoError(t, err)
	assert.Equal(t, lcrun.F32, types["blk.0.ssm_conv1d.weight"])
	assert.Equal(t, lcrun.F32, types["blk.0.ssm_a"])
	assert.Equal(t, lcrun.F16, types["blk.0.ssm_dt.weight"])
	assert.Equal(t, lcrun.Q5_0, types["blk.0.ssm_in.weight"])

	// The file types without a mix, and a spec naming two.
	assert.Equal(t, lcrun.BF16, typesOf(t, "BF16", narrow)["blk.0.ffn_down.weight"])
	assert.Equal(t, lcrun.F32, typesOf(t, "BF16", narrow)["output_norm.weight"])
	_, err = Spec{Name: "x", Mix: "IQ2_XXS", Llama: narrow}.TensorTypes()
	assert.ErrorContains(t, err, `synth: no mix "IQ2_XXS"`)
	_, err = Spec{Name: "x", Mix: "Q4_K_M", WType: lcrun.Q8_0, Llama: narrow}.WriteTo(&bytes.Buffer{})
	assert.ErrorContains(t, err, "sets both a weight type (Q8_0) and a mix (Q4_K_M)")
}
