package gguf

import (
	"bytes"
	"encoding/binary"
	"math"
	"path/filepath"
	"testing"

	"github.com/lcrun/lcrun/dtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testdata = "../testdata"

// modelCase is what we know of one real file in testdata (from
// testdata/README.md and testdata/golden/README.md).
type modelCase struct {
	file       string
	version    uint32
	arch       string
	name       string
	tensors    int
	types      map[dtype.Type]int
	legacy     int // tensors with the legacy flat layout
	vocab      int
	tokenizer  string
	dataOffset int64 // file offset of the first tensor's data; 0 = not checked
	counts     map[string]int
}

func llamaCounts(ctx, embd, layers, ff, heads, kvHeads, rope int) map[string]int {
	return map[string]int{
		"llama.context_length":          ctx,
		"llama.embedding_length":        embd,
		"llama.block_count":             layers,
		"llama.feed_forward_length":     ff,
		"llama.attention.head_count":    heads,
		"llama.attention.head_count_kv": kvHeads,
		"llama.rope.dimension_count":    rope,
	}
}

var stories = llamaCounts(2048, 64, 5, 172, 8, 4, 8)

var tinyllamas = llamaCounts(512, 64, 5, 172, 8, 4, 8)

var llamaTiny = func() map[string]int {
	m := llamaCounts(4096, 64, 2, 128, 4, 2, 16)
	m["llama.vocab_size"] = 320
	m["general.file_type"] = 0
	return m
}()

var modelCases = []modelCase{
	{file: "stories260K.gguf", version: 3, arch: "llama", name: "llama", tensors: 48,
		types: map[dtype.Type]int{dtype.F32: 48}, vocab: 512, tokenizer: "llama", dataOffset: 14176, counts: stories},
	{file: "tinyllamas-stories-260k-f32.gguf", version: 1, arch: "llama", name: "tinyllamas-stories-260k", tensors: 48,
		types: map[dtype.Type]int{dtype.F32: 48}, vocab: 512, tokenizer: "llama", dataOffset: 11456, counts: tinyllamas},
	{file: "tinyllamas-stories-260k-q8_0.gguf", version: 2, arch: "llama", name: "tinyllamas-stories-260k", tensors: 48,
		types: map[dtype.Type]int{dtype.Q8_0: 37, dtype.F32: 11}, legacy: 5, vocab: 512, tokenizer: "llama", dataOffset: 14240,
		counts: merge(tinyllamas, map[string]int{"general.file_type": 7, "general.quantization_version": 2})},
	{file: "llama-2-tiny-random.gguf", version: 3, arch: "llama", name: "LLaMA v2", tensors: 12,
		types: map[dtype.Type]int{dtype.F16: 9, dtype.F32: 3}, vocab: 32000, tokenizer: "llama",
		counts: merge(llamaCounts(4096, 8, 1, 32, 2, 2, 4), map[string]int{"general.file_type": 1})},
	{file: "golden/models/llama-tiny-f32.gguf", version: 3, arch: "llama", name: "tiny-random-llama", tensors: 21,
		types: map[dtype.Type]int{dtype.F32: 21}, vocab: 320, tokenizer: "llama", counts: llamaTiny},
	{file: "golden/models/llama-tiny-f16.gguf", version: 3, arch: "llama", name: "tiny-random-llama", tensors: 21,
		types: map[dtype.Type]int{dtype.F16: 16, dtype.F32: 5}, vocab: 320, tokenizer: "llama",
		counts: merge(llamaTiny, map[string]int{"general.file_type": 1})},
	{file: "golden/models/llama-tiny-q8_0.gguf", version: 3, arch: "llama", name: "tiny-random-llama", tensors: 21,
		types: map[dtype.Type]int{dtype.Q8_0: 16, dtype.F32: 5}, vocab: 320, tokenizer: "llama",
		counts: merge(llamaTiny, map[string]int{"general.file_type": 7})},
	{file: "golden/models/llama-tiny-q4_0.gguf", version: 3, arch: "llama", name: "tiny-random-llama", tensors: 21,
		types: map[dtype.Type]int{dtype.Q4_0: 16, dtype.F32: 5}, vocab: 320, tokenizer: "llama",
		counts: merge(llamaTiny, map[string]int{"general.file_type": 2})},
	{file: "golden/models/llama-tiny-yarn.gguf", version: 3, arch: "llama", name: "tiny-random-llama", tensors: 21,
		types: map[dtype.Type]int{dtype.F32: 21}, vocab: 320, tokenizer: "llama",
		counts: merge(llamaTiny, map[string]int{"llama.rope.scaling.original_context_length": 1024})},
	{file: "golden/models/mamba-tiny-f32.gguf", version: 3, arch: "mamba", name: "tiny-random-mamba", tensors: 23,
		types: map[dtype.Type]int{dtype.F32: 23}, vocab: 320, tokenizer: "llama", counts: mambaTiny},
	{file: "golden/models/mamba-tiny-q8_0.gguf", version: 3, arch: "mamba", name: "tiny-random-mamba", tensors: 23,
		types: map[dtype.Type]int{dtype.Q8_0: 8, dtype.F32: 15}, vocab: 320, tokenizer: "llama",
		counts: merge(mambaTiny, map[string]int{"general.file_type": 7})},
	{file: "golden/models/mamba2-tiny-f32.gguf", version: 3, arch: "mamba2", name: "tiny-random-mamba2", tensors: 21,
		types: map[dtype.Type]int{dtype.F32: 21}, vocab: 320, tokenizer: "llama", counts: mamba2Tiny(1)},
	{file: "golden/models/mamba2-tiny-g2-f32.gguf", version: 3, arch: "mamba2", name: "tiny-random-mamba2", tensors: 21,
		types: map[dtype.Type]int{dtype.F32: 21}, vocab: 320, tokenizer: "llama", counts: mamba2Tiny(2)},
	// Vocabulary files: metadata only. Token counts from testdata/README.md.
	{file: "vocab/ggml-vocab-llama-spm.gguf", version: 3, arch: "llama", vocab: 32000, tokenizer: "llama"},
	{file: "vocab/ggml-vocab-phi-3.gguf", version: 3, arch: "phi3", vocab: 32064, tokenizer: "llama"},
	{file: "vocab/ggml-vocab-gpt-2.gguf", version: 3, arch: "gpt2", vocab: 50257, tokenizer: "gpt2"},
	{file: "vocab/ggml-vocab-mpt.gguf", version: 3, arch: "mpt", vocab: 50432, tokenizer: "gpt2"},
	{file: "vocab/ggml-vocab-falcon.gguf", version: 3, arch: "falcon", vocab: 65024, tokenizer: "gpt2"},
	{file: "vocab/ggml-vocab-starcoder.gguf", version: 3, arch: "starcoder2", vocab: 49152, tokenizer: "gpt2"},
	{file: "vocab/ggml-vocab-deepseek-coder.gguf", version: 3, arch: "llama", vocab: 32256, tokenizer: "gpt2"},
	{file: "vocab/ggml-vocab-deepseek-llm.gguf", version: 3, arch: "llama", vocab: 102400, tokenizer: "gpt2"},
}

var mambaTiny = map[string]int{
	"mamba.embedding_length":   64,
	"mamba.block_count":        2,
	"mamba.ssm.inner_size":     128,
	"mamba.ssm.state_size":     16,
	"mamba.ssm.conv_kernel":    4,
	"mamba.ssm.time_step_rank": 4,
	"general.file_type":        0,
}

func mamba2Tiny(groups int) map[string]int {
	return map[string]int{
		"mamba2.embedding_length":   64,
		"mamba2.block_count":        2,
		"mamba2.ssm.inner_size":     128,
		"mamba2.ssm.state_size":     64,
		"mamba2.ssm.conv_kernel":    4,
		"mamba2.ssm.time_step_rank": 8,
		"mamba2.ssm.group_count":    groups,
	}
}

func merge(a, b map[string]int) map[string]int {
	m := map[string]int{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}

func TestRealModels(t *testing.T) {
	for _, c := range modelCases {
		t.Run(c.file, func(t *testing.T) {
			f, err := Open(filepath.Join(testdata, c.file))
			require.NoError(t, err)
			defer f.Close()
			assert.Equal(t, c.version, f.Version)
			assert.Equal(t, c.arch, f.Arch())
			assert.Equal(t, 32, f.Alignment)
			if c.name != "" {
				name, err := f.String("general.name")
				require.NoError(t, err)
				assert.Equal(t, c.name, name)
			}
			model, err := f.String("tokenizer.ggml.model")
			require.NoError(t, err)
			assert.Equal(t, c.tokenizer, model)
			tokens, err := f.Strings("tokenizer.ggml.tokens")
			require.NoError(t, err)
			assert.Len(t, tokens, c.vocab)
			for k, want := range c.counts {
				got, err := f.Count(k)
				require.NoError(t, err, k)
				assert.Equal(t, want, got, k)
			}

			require.Len(t, f.Tensors, c.tensors)
			types := map[dtype.Type]int{}
			legacy := 0
			var end int64
			for i := range f.Tensors {
				ti := &f.Tensors[i]
				types[ti.Type]++
				got, ok := f.Tensor(ti.Name)
				require.True(t, ok)
				assert.Same(t, ti, got)
				raw, err := f.RawTensorData(ti.Name)
				require.NoError(t, err)
				assert.Len(t, raw, int(ti.Size))
				data, err := f.TensorData(ti.Name)
				if ti.Err != nil {
					legacy++
					assert.ErrorContains(t, err, ti.Name)
					continue
				}
				require.NoError(t, err)
				rowBytes, err := ti.Type.RowBytes(int(ti.Dims[0]))
				require.NoError(t, err)
				assert.Equal(t, int64(rowBytes)*int64(ti.Elements()/ti.Dims[0]), ti.Size, ti.Name)
				assert.Len(t, data, int(ti.Size))
				end = max(end, ti.FileOffset()+ti.Size)
			}
			if c.types == nil {
				c.types = map[dtype.Type]int{}
			}
			assert.Equal(t, c.types, types)
			assert.Equal(t, c.legacy, legacy)
			assert.LessOrEqual(t, end, f.Size())
			if c.dataOffset != 0 {
				assert.Equal(t, c.dataOffset, f.Tensors[0].FileOffset())
			}
		})
	}
}

// TestStories260KShapes checks tensor names and shapes against the
// architecture: wrong dims or a wrong data offset would show here.
func TestStories260KShapes(t *testing.T) {
	f, err := Open(filepath.Join(testdata, "stories260K.gguf"))
	require.NoError(t, err)
	defer f.Close()
	want := map[string][]uint64{
		"token_embd.weight":        {64, 512},
		"output.weight":            {64, 512},
		"output_norm.weight":       {64},
		"blk.0.attn_q.weight":      {64, 64},
		"blk.0.attn_k.weight":      {64, 32},
		"blk.0.attn_v.weight":      {64, 32},
		"blk.4.attn_output.weight": {64, 64},
		"blk.4.ffn_gate.weight":    {64, 172},
		"blk.4.ffn_down.weight":    {172, 64},
		"blk.4.ffn_norm.weight":    {64},
	}
	for name, dims := range want {
		ti, ok := f.Tensor(name)
		require.True(t, ok, name)
		assert.Equal(t, dims, ti.Dims, name)
	}
	// Norm weights of a trained model are positive and of order one.
	norm, err := f.TensorData("blk.0.attn_norm.weight")
	require.NoError(t, err)
	for i := 0; i < len(norm); i += 4 {
		v := math.Float32frombits(binary.LittleEndian.Uint32(norm[i:]))
		assert.True(t, v > 0.01 && v < 10, "attn_norm[%d] = %v", i/4, v)
	}
}

// TestQ8_0TwinMatchesF32 reads the v2 Q8_0 file and its v1 F32 twin and
// checks each Q8_0 block against the F32 values it was made from. This
// proves that both readers find the right bytes, the legacy flat tensors
// included (read as one run of blocks). Per block with largest magnitude
// amax, the quantizer used d = amax/127 and q = round(x/d), then stored d
// as f16: |x - f16(d)*q| <= d/2 + 127*|f16(d) - d| <= d/2 + 127*d*2^-11,
// plus float32 rounding of the product, covered by a factor 1.0001.
func TestQ8_0TwinMatchesF32(t *testing.T) {
	q, err := Open(filepath.Join(testdata, "tinyllamas-stories-260k-q8_0.gguf"))
	require.NoError(t, err)
	defer q.Close()
	ref, err := Open(filepath.Join(testdata, "tinyllamas-stories-260k-f32.gguf"))
	require.NoError(t, err)
	defer ref.Close()
	checked := 0
	for _, ti := range q.Tensors {
		want, err := ref.TensorData(ti.Name)
		require.NoError(t, err, ti.Name)
		got, err := q.RawTensorData(ti.Name)
		require.NoError(t, err)
		if ti.Type == dtype.F32 {
			assert.Equal(t, want, got, ti.Name)
			continue
		}
		require.Equal(t, dtype.Q8_0, ti.Type)
		require.Equal(t, int(ti.Elements())*4, len(want))
		for b := 0; b < len(got)/34; b++ {
			blk := got[b*34 : b*34+34]
			d := dtype.F16ToF32(binary.LittleEndian.Uint16(blk))
			var amax float64
			for j := 0; j < 32; j++ {
				amax = math.Max(amax, math.Abs(float64(f32At(want, b*32+j))))
			}
			dExact := amax / 127
			bound := (dExact/2 + 127*dExact/2048) * 1.0001
			for j := 0; j < 32; j++ {
				x := float64(f32At(want, b*32+j))
				y := float64(d * float32(int8(blk[2+j])))
				require.LessOrEqual(t, math.Abs(x-y), bound, "%s block %d value %d", ti.Name, b, j)
			}
		}
		checked++
	}
	assert.Equal(t, 37, checked)
}

func f32At(b []byte, i int) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
}

// TestOpenBytesMatchesOpen: the in-memory reader sees the same file.
func TestOpenBytesMatchesOpen(t *testing.T) {
	path := filepath.Join(testdata, "tinyllamas-stories-260k-q8_0.gguf")
	b := readFile(t, path)
	fb, err := OpenBytes(b)
	require.NoError(t, err)
	fo, err := Open(path)
	require.NoError(t, err)
	defer fo.Close()
	assert.Equal(t, fo.KV, fb.KV)
	assert.Equal(t, fo.Tensors, fb.Tensors)
	for _, ti := range fo.Tensors {
		x, err := fo.RawTensorData(ti.Name)
		require.NoError(t, err)
		y, err := fb.RawTensorData(ti.Name)
		require.NoError(t, err)
		assert.Equal(t, x, y)
	}
	assert.Equal(t, []string{path}, fo.Paths())
	assert.Nil(t, fb.Paths())
	require.NoError(t, fb.Close())
	_, err = fb.TensorData("token_embd.weight")
	assert.ErrorIs(t, err, ErrClosed)
}

func TestFileType(t *testing.T) {
	cases := []struct {
		file    string
		id      uint64
		guessed bool
		ok      bool
	}{
		{"stories260K.gguf", 0, true, true},
		{"tinyllamas-stories-260k-q8_0.gguf", 7, false, true},
		{"llama-2-tiny-random.gguf", 1, false, true},
		{"golden/models/llama-tiny-q4_0.gguf", 2, false, true},
	}
	for _, c := range cases {
		f, err := Open(filepath.Join(testdata, c.file))
		require.NoError(t, err)
		id, guessed, ok, err := f.FileType()
		require.NoError(t, err)
		assert.Equal(t, []any{c.id, c.guessed, c.ok}, []any{id, guessed, ok}, c.file)
		assert.Equal(t, map[uint64]string{0: "F32", 1: "F16", 2: "Q4_0", 7: "Q8_0"}[c.id], FileTypeName(id))
		f.Close()
	}
	// Guessing: the commonest tensor type wins; nothing to guess from
	// without tensors.
	w := NewWriter()
	for i, typ := range []dtype.Type{dtype.Q4_K, dtype.F32, dtype.Q4_K} {
		size, _, _ := tensorSize(typ, []uint64{256})
		require.NoError(t, w.AddTensor(string(rune('a'+i)), typ, []uint64{256}, make([]byte, size)))
	}
	var buf bytes.Buffer
	_, err := w.WriteTo(&buf)
	require.NoError(t, err)
	f, err := OpenBytes(buf.Bytes())
	require.NoError(t, err)
	id, guessed, ok, err := f.FileType()
	require.NoError(t, err)
	assert.Equal(t, []any{uint64(15), true, true}, []any{id, guessed, ok})
	assert.Equal(t, "Q4_K_M", FileTypeName(id))
	assert.Equal(t, "Q4_K - Medium", FileTypeDescription(id))
	assert.Equal(t, "UNKNOWN_99", FileTypeName(99))
	assert.Equal(t, "unknown", FileTypeDescription(99))
	assert.Equal(t, []TypeCount{{dtype.Q4_K, 2}, {dtype.F32, 1}}, f.TypeCounts())
	empty, err := OpenBytes(newRaw(3, 0, 0).b)
	require.NoError(t, err)
	_, _, ok, err = empty.FileType()
	assert.NoError(t, err)
	assert.False(t, ok)
	bad := NewWriter()
	bad.SetString(KeyFileType, "q8_0")
	buf.Reset()
	_, err = bad.WriteTo(&buf)
	require.NoError(t, err)
	f, err = OpenBytes(buf.Bytes())
	require.NoError(t, err)
	_, _, _, err = f.FileType()
	assert.EqualError(t, err, "general.file_type: is string, want integer")
}
