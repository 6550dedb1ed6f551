package model

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
)

// quantQ8 is the golden mixes' base quantised to Q8_0: n_embd 256, so its
// rows hold whole super-blocks of the 256-value types.
const quantQ8 = goldenDir + "/models/quant/llama-q-Q8_0.gguf"

// A weight of a type lcrun has no kernels for is refused at load with one
// line naming the tensor and its type, before the architecture loads: the
// error comes even where the hyperparameters are absurd, and opening the
// model allocates next to nothing.
func TestLoadRefusesUncomputableType(t *testing.T) {
	for _, typ := range []lc.DType{lc.IQ2_XXS, lc.IQ1_S} {
		t.Run(typ.String(), func(t *testing.T) {
			b := rewrite(t, quantQ8, edit{replace: map[string]tensorEdit{
				"blk.1.attn_q.weight": {typ: typ, dims: []uint64{256, 128}},
				"blk.0.ffn_up.weight": {typ: typ, dims: []uint64{256, 128}},
			}})
			path := filepath.Join(t.TempDir(), "m.gguf")
			require.NoError(t, os.WriteFile(path, b, 0o644))
			_, err := Open(path)
			require.Error(t, err)
			msg := err.Error()
			assert.NotContains(t, msg, "\n")
			assert.Contains(t, msg, "model: tensor blk.0.ffn_up.weight is "+typ.String()+", a type lcrun cannot compute with (1 more tensor is "+typ.String()+"; lcrun computes with F32, F16, ")
			assert.Contains(t, msg, "Q4_K")
			assert.True(t, strings.HasPrefix(msg, path+": "), msg)

			absurd := rewrite(t, quantQ8, edit{
				set:     map[string]any{"llama.block_count": uint32(1 << 30)},
				replace: map[string]tensorEdit{"output.weight": {typ: typ, dims: []uint64{256, 512}}},
			})
			f, err := gguf.OpenBytes(absurd)
			require.NoError(t, err)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err = New(f)
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "tensor output.weight is "+typ.String())
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "bytes allocated before the refusal")
		})
	}
}

// The mixes llama-quantize makes whose types lcrun computes with load; the
// others name a tensor of the missing type.
func TestLoadGoldenMixTypes(t *testing.T) {
	paths, err := filepath.Glob(goldenDir + "/models/quant/*.gguf")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		f, err := gguf.Open(p)
		require.NoError(t, err)
		var missing []string
		for _, ti := range f.Tensors {
			if !lc.Computable(ti.Type) {
				missing = append(missing, ti.Type.String())
			}
		}
		m, err := New(f)
		if len(missing) == 0 {
			assert.NoError(t, err, p)
			if m != nil {
				m.Close()
			}
		} else if assert.Error(t, err, p) {
			assert.Contains(t, err.Error(), "is "+missing[0]+", a type lcrun cannot compute with", p)
		}
		f.Close()
	}
}
