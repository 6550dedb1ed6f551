package model

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
	"github.com/lcrun/lcrun/internal/synth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tinyLlama = goldenDir + "/models/llama-tiny-f32.gguf" // dim 64, 2 layers, 4 heads, 2 KV heads of 16, ff 128, vocab 320

// edit describes a change to a model file: metadata keys to set (nil
// deletes), tensors to drop, tensors to replace, tensors to add.
type edit struct {
	set     map[string]any
	drop    []string
	replace map[string]tensorEdit
	add     map[string][]float32 // F32 vectors
}

// tensorEdit gives a tensor a new type and shape (zero data), or new data.
type tensorEdit struct {
	typ  lc.DType
	dims []uint64
	data []byte
}

// rewrite returns the bytes of src with e applied (replaced tensors get
// zero data of their new shape).
func rewrite(t *testing.T, src string, e edit) []byte {
	t.Helper()
	f, err := gguf.Open(src)
	require.NoError(t, err)
	defer f.Close()
	return rewriteFile(t, f, e)
}

// rewriteBytes is rewrite of a file in memory.
func rewriteBytes(t *testing.T, src []byte, e edit) []byte {
	t.Helper()
	f, err := gguf.OpenBytes(src)
	require.NoError(t, err)
	return rewriteFile(t, f, e)
}

func rewriteFile(t *testing.T, f *gguf.File, e edit) []byte {
	t.Helper()
	w := gguf.NewWriter()
	for _, kv := range f.KV {
		require.NoError(t, w.Set(kv.Key, kv.Value))
	}
	for k, v := range e.set {
		if v == nil {
			w.Delete(k)
		} else {
			require.NoError(t, w.Set(k, v))
		}
	}
	for _, ti := range f.Tensors {
		if contains(e.drop, ti.Name) {
			continue
		}
		data, err := f.TensorData(ti.Name)
		require.NoError(t, err)
		typ, dims := ti.Type, ti.Dims
		if r, ok := e.replace[ti.Name]; ok && r.data != nil {
			data = r.data
		} else if ok {
			typ, dims = r.typ, r.dims
			n := uint64(1)
			for _, d := range dims {
				n *= d
			}
			size, err := typ.RowBytes(int(n))
			require.NoError(t, err)
			data = make([]byte, size)
		}
		require.NoError(t, w.AddTensor(ti.Name, typ, dims, data))
	}
	for name, v := range e.add {
		require.NoError(t, w.AddTensor(name, lc.F32, []uint64{uint64(len(v))}, f32Bytes(v)))
	}
	var buf bytes.Buffer
	_, err := w.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// layerTensors names the tensors of layer l in the file at src, for an
// edit that removes the layer along with block_count.
func layerTensors(t *testing.T, src string, l int) []string {
	t.Helper()
	f, err := gguf.Open(src)
	require.NoError(t, err)
	defer f.Close()
	var names []string
	for _, ti := range f.Tensors {
		if strings.HasPrefix(ti.Name, fmt.Sprintf("blk.%d.", l)) {
			names = append(names, ti.Name)
		}
	}
	return names
}

// Inconsistent files: one clear error each, never a panic.
func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name string
		e    edit
		want string
	}{
		{"unknown architecture", edit{set: map[string]any{"general.architecture": "gpt9"}}, `"gpt9" is not supported`},
		{"no architecture", edit{set: map[string]any{"general.architecture": nil}}, "no general.architecture"},
		{"missing tensor", edit{drop: []string{"blk.1.ffn_up.weight"}}, "blk.1.ffn_up.weight is missing"},
		{"missing norm", edit{drop: []string{"output_norm.weight"}}, "output_norm.weight is missing"},
		{"wrong shape", edit{replace: map[string]tensorEdit{"blk.0.attn_q.weight": {typ: lc.F32, dims: []uint64{64, 32}}}}, "blk.0.attn_q.weight has shape [64 32], want [64 64]"},
		{"1-D embedding", edit{replace: map[string]tensorEdit{"token_embd.weight": {typ: lc.F32, dims: []uint64{64 * 320}}}}, "token_embd.weight has shape"},
		{"unsupported type", edit{replace: map[string]tensorEdit{"blk.0.ffn_up.weight": {typ: lc.DType(24), dims: []uint64{64, 128}}}}, "tensor blk.0.ffn_up.weight is I8, a type lcrun cannot compute with"},
		{"no layers", edit{set: map[string]any{"llama.block_count": uint32(0)}}, "llama.block_count = 0 is out of range"},
		{"more layers than tensors", edit{set: map[string]any{"llama.block_count": uint32(3)}}, "blk.2.attn_norm.weight is missing"},
		{"absurd width", edit{set: map[string]any{"llama.embedding_length": uint64(1) << 40}}, "out of range"},
		{"layers as text", edit{set: map[string]any{"llama.block_count": "two"}}, "llama.block_count: is string, want integer"},
		{"heads not dividing", edit{set: map[string]any{"llama.attention.head_count": uint32(5), "llama.attention.head_count_kv": uint32(5)}}, "not a multiple of 5 heads"},
		{"kv heads not dividing", edit{set: map[string]any{"llama.attention.head_count_kv": uint32(3)}}, "not a multiple of 3 KV heads"},
		{"key and value lengths", edit{set: map[string]any{"llama.attention.key_length": uint32(16), "llama.attention.value_length": uint32(8)}}, "not supported"},
		{"rope wider than a head", edit{set: map[string]any{"llama.rope.dimension_count": uint32(32)}}, "more than the head dimension"},
		{"odd rope", edit{set: map[string]any{"llama.rope.dimension_count": uint32(7)}}, "rope"},
		{"bad rope scaling", edit{set: map[string]any{"llama.rope.scaling.type": "warp"}}, "warp"},
		{"NaN epsilon", edit{set: map[string]any{"llama.attention.layer_norm_rms_epsilon": float32(nan32())}}, "not a finite number"},
		{"bad tokenizer", edit{set: map[string]any{"tokenizer.ggml.model": "morse"}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := OpenBytes(rewrite(t, tinyLlama, c.e), "edited")
			if c.want == "" { // loads; only the tokenizer is unusable
				require.NoError(t, err)
				_, err = m.Tokenizer()
				assert.Error(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func nan32() float32 {
	var zero float32
	return zero / zero
}

// The legacy Q8_0 file of testdata cuts blocks across rows of ffn_down:
// refused with the tensor's name, as current llama.cpp refuses it.
func TestLoadLegacyFlatTensor(t *testing.T) {
	_, err := Open("../testdata/tinyllamas-stories-260k-q8_0.gguf")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "blk.0.ffn_down.weight")
	_, err = Open("../testdata/no-such-model.gguf")
	assert.Error(t, err)
}

// Other Llama-family files load: a GGUF v1 file, an F16 HF conversion with
// a 32000-token vocabulary, and the tied-embedding variant.
func TestLoadVariants(t *testing.T) {
	for _, path := range []string{"../testdata/tinyllamas-stories-260k-f32.gguf", "../testdata/llama-2-tiny-random.gguf"} {
		m := openTest(t, path)
		s := newTestSession(t, m, SessionOptions{Ctx: 8})
		logits, err := s.Decode(1)
		require.NoError(t, err)
		assert.Len(t, logits, m.VocabSize())
	}
	// Without output.weight the logits come from token_embd.
	m, err := OpenBytes(rewrite(t, tinyLlama, edit{drop: []string{"output.weight"}}), "tied")
	require.NoError(t, err)
	s := newTestSession(t, m, SessionOptions{Ctx: 8})
	_, err = s.Decode(1)
	require.NoError(t, err)
}

// qwen2 is the Llama graph with q/k/v biases and NeoX pairs (i, i+d/2);
// mistral is the Llama graph. The tiny llama with random q/k/v biases,
// renamed qwen2 with the rows of wq, wk, bq, bk of each head reordered
// from (0,1,2,3,...) to (0,2,4,...,1,3,5,...), computes the same logits:
// q.k is unchanged when q and k are permuted alike, and NeoX rotation of
// the reordered rows is the normal rotation of the original ones.
func TestLoadQwen2AndMistral(t *testing.T) {
	const dim, qDim, kvDim, hd, layers = 64, 64, 32, 16, 2
	tokens := []int32{1, 50, 60, 70, 80, 90, 100, 33}
	rng := rand.New(rand.NewPCG(3, 4))
	biases := map[string][]float32{}
	for l := range layers {
		for name, n := range map[string]int{"attn_q.bias": qDim, "attn_k.bias": kvDim, "attn_v.bias": kvDim} {
			b := make([]float32, n)
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			biases[blk(l, name)] = b
		}
	}
	run := func(e edit) []float32 {
		m, err := OpenBytes(rewrite(t, tinyLlama, e), "edited")
		require.NoError(t, err)
		return evalAll(t, newTestSession(t, m, SessionOptions{Ctx: 8}), tokens)
	}
	plain := run(edit{})
	llama := run(edit{add: biases})
	assert.NotEqual(t, plain, llama, "the biases are used")
	assert.Equal(t, llama, run(renamed(t, "mistral", edit{add: biases})))

	f, err := gguf.Open(tinyLlama)
	require.NoError(t, err)
	defer f.Close()
	neox := edit{add: map[string][]float32{}, replace: map[string]tensorEdit{}}
	for name, b := range biases {
		if !strings.HasSuffix(name, "attn_v.bias") {
			b = permuteRows(f32Bytes(b), len(b), 4, hd).floats()
		}
		neox.add[name] = b
	}
	for l := range layers {
		for name, rows := range map[string]int{"attn_q.weight": qDim, "attn_k.weight": kvDim} {
			data, err := f.TensorData(blk(l, name))
			require.NoError(t, err)
			neox.replace[blk(l, name)] = tensorEdit{data: permuteRows(data, rows, 4*dim, hd)}
		}
	}
	qwen := run(renamed(t, "qwen2", neox))
	assertClose(t, llama, qwen, 1e-5)
}

func blk(l int, name string) string { return "blk." + string(rune('0'+l)) + "." + name }

// permuted is a byte slice of rows in their new order.
type permuted []byte

func (p permuted) floats() []float32 {
	out := make([]float32, len(p)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
	}
	return out
}

// permuteRows reorders rows (of rowBytes each) within every head of hd
// rows: new row i < hd/2 is old row 2i, new row hd/2+i is old row 2i+1.
func permuteRows(data []byte, rows, rowBytes, hd int) permuted {
	out := make([]byte, len(data))
	for h := 0; h < rows/hd; h++ {
		for i := range hd / 2 {
			for k, old := range []int{2 * i, 2*i + 1} {
				dst := h*hd + i + k*hd/2
				copy(out[dst*rowBytes:(dst+1)*rowBytes], data[(h*hd+old)*rowBytes:])
			}
		}
	}
	return out
}

// renamed moves every llama.* key to arch.* and names the architecture.
func renamed(t *testing.T, arch string, e edit) edit {
	f, err := gguf.Open(tinyLlama)
	require.NoError(t, err)
	defer f.Close()
	e.set = map[string]any{"general.architecture": arch}
	for _, kv := range f.KV {
		if len(kv.Key) > 6 && kv.Key[:6] == "llama." {
			e.set[kv.Key] = nil
			e.set[arch+kv.Key[5:]] = kv.Value
		}
	}
	return e
}

func f32Bytes(v []float32) []byte {
	out := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(x))
	}
	return out
}

// fuzzModels are tiny models that load and evaluate: a one-layer llama in
// F32 and in Q8_0 (rows of one 32-wide block) and a one-layer Mamba, made
// by synth and then cut to a vocabulary of fuzzVocab tokens (see
// shrinkVocab), 1 to 7 KB each. The fuzzer's cost per execution grows with
// the input, and every input that finds new code is minimised, which
// takes time quadratic in its size (up to -fuzzminimizetime, a minute):
// seeds of ~20 KB (synth's smallest vocabulary) held it to a few
// executions a minute.
func fuzzModels(f *testing.F) [][]byte {
	var out [][]byte
	for _, spec := range []synth.Spec{
		{WType: lc.F32, Llama: &synth.LlamaShape{Embd: 8, Layers: 1, Heads: 2, KVHeads: 1, FF: 8, Vocab: 260, Ctx: 16, Tied: true}},
		{WType: lc.Q8_0, Llama: &synth.LlamaShape{Embd: 32, Layers: 1, Heads: 2, KVHeads: 1, FF: 32, Vocab: 260, Ctx: 16, Tied: true}},
		{WType: lc.F32, Mamba: &synth.MambaShape{Embd: 4, Layers: 1, DState: 2, DConv: 2, DtRank: 1, Expand: 2, Vocab: 260, Ctx: 16, Tied: true}},
	} {
		spec.Name, spec.Seed = "fuzz", 1
		var buf bytes.Buffer
		_, err := spec.WriteTo(&buf)
		require.NoError(f, err)
		b := shrinkVocab(f, buf.Bytes())
		// A seed that does not load and evaluate would only search the
		// error paths.
		m, err := OpenBytes(b, "fuzz")
		require.NoError(f, err)
		s, err := m.NewSession(SessionOptions{Ctx: 4, Batch: 2, Threads: 1})
		require.NoError(f, err)
		require.NoError(f, s.Prefill(context.Background(), []int32{1, 2, 3}, nil))
		s.Close()
		require.NoError(f, m.Close())
		out = append(out, b)
	}
	return out
}

// fuzzVocab is the vocabulary of the fuzz seeds: <unk>, <s>, </s> and the
// first byte tokens.
const fuzzVocab = 8

// shrinkVocab rewrites a synth model with only its first fuzzVocab tokens:
// tokenizer arrays and embedding rows cut, the vocabulary size set.
func shrinkVocab(f *testing.F, b []byte) []byte {
	g, err := gguf.OpenBytes(b)
	require.NoError(f, err)
	w := gguf.NewWriter()
	for _, kv := range g.KV {
		x := any(kv.Value)
		switch {
		case strings.HasSuffix(kv.Key, ".vocab_size"):
			x = uint32(fuzzVocab)
		case kv.Value.Type() == gguf.TypeArray && kv.Value.Len() > fuzzVocab:
			x = reflect.ValueOf(kv.Value.Any()).Slice(0, fuzzVocab).Interface()
		}
		require.NoError(f, w.Set(kv.Key, x))
	}
	for _, ti := range g.Tensors {
		raw, err := g.RawTensorData(ti.Name)
		require.NoError(f, err)
		dims := ti.Dims
		if ti.Name == "token_embd.weight" {
			raw = raw[:len(raw)/int(dims[1])*fuzzVocab]
			dims = []uint64{dims[0], fuzzVocab}
		}
		require.NoError(f, w.AddTensor(ti.Name, ti.Type, dims, raw))
	}
	var out bytes.Buffer
	_, err = w.WriteTo(&out)
	require.NoError(f, err)
	return out.Bytes()
}

// FuzzOpenBytes: any bytes load with an error or as a model that then
// evaluates a token without panicking.
func FuzzOpenBytes(f *testing.F) {
	for _, b := range fuzzModels(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := OpenBytes(data, "fuzz")
		if err != nil {
			return
		}
		defer m.Close()
		s, err := m.NewSession(SessionOptions{Ctx: 4, Batch: 2, Threads: 1})
		if err != nil {
			return
		}
		defer s.Close()
		_ = s.Prefill(context.Background(), []int32{1, 2, 3}, nil)
	})
}

// A file may hold no tensor its model does not read: each family refuses
// one it would leave out, naming it.
func TestRefusesUnreadTensors(t *testing.T) {
	const models = goldenDir + "/models/"
	for _, c := range []struct{ model, arch, tensor string }{
		{"arch/granitehybrid", "granitehybrid", "blk.0.ffn_up.bias"},
		{"arch/jamba", "jamba", "blk.2.ssm_norm.weight"},
		{"arch/falcon-h1", "falcon-h1", "blk.0.attn_q_norm.weight"},
		{"arch/nemotron-h", "nemotron_h", "blk.0.ffn_norm.weight"},
		{"arch/lfm2", "lfm2", "blk.1.shortconv.conv.bias"},
		{"arch/qwen3", "qwen3", "blk.0.post_attention_norm.weight"},
		{"arch/gemma3", "gemma3", "blk.1.ffn_up.bias"},
		{"arch/llama-moe", "llama", "blk.0.ffn_up_shexp.weight"},
		{"arch/phi3-short", "phi3", "blk.0.attn_k_norm.weight"},
		{"arch/gpt-oss", "gpt-oss", "blk.0.ffn_norm.weight"},
		{"mamba-tiny-f32", "mamba", "blk.0.ssm_norm.weight"},
		{"mamba2-tiny-f32", "mamba2", "blk.0.attn_norm.bias"},
		{"llama-tiny-f32", "llama", "blk.1.attn_post_norm.weight"},
	} {
		t.Run(c.model, func(t *testing.T) {
			b := rewrite(t, models+c.model+".gguf", edit{add: map[string][]float32{c.tensor: make([]float32, 32)}})
			_, err := OpenBytes(b, "edited")
			require.Error(t, err)
			assert.Equal(t, "model: tensor "+c.tensor+" is not part of a "+c.arch+" model as lcrun runs it (refused rather than left out)", err.Error())
		})
	}
}
