package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
)

// withIQ2XXS writes a copy of the golden Q8_0 mix in which one matrix is
// IQ2_XXS (zero blocks), a type lcrun has no kernels for.
func withIQ2XXS(t *testing.T) string {
	t.Helper()
	f, err := gguf.Open(filepath.Join(testdata, "golden/models/quant/llama-q-Q8_0.gguf"))
	require.NoError(t, err)
	defer f.Close()
	w := gguf.NewWriter()
	for _, kv := range f.KV {
		require.NoError(t, w.Set(kv.Key, kv.Value))
	}
	for _, ti := range f.Tensors {
		typ, data := ti.Type, []byte(nil)
		if ti.Name == "blk.1.ffn_gate.weight" {
			typ = lc.IQ2_XXS
			n, err := typ.RowBytes(int(ti.Elements()))
			require.NoError(t, err)
			data = make([]byte, n)
		} else {
			data, err = f.RawTensorData(ti.Name)
			require.NoError(t, err)
		}
		require.NoError(t, w.AddTensor(ti.Name, typ, ti.Dims, data))
	}
	path := filepath.Join(t.TempDir(), "iq2.gguf")
	require.NoError(t, w.WriteFile(path))
	return path
}

// A model with a tensor lcrun cannot compute with is refused in one line
// naming the tensor and its type, exit 1; lcrun info still describes it.
func TestRunRefusesUncomputableType(t *testing.T) {
	path := withIQ2XXS(t)
	code, out, errOut := runLcrun("run", "-m", path, "-p", "Once", "-n", "1")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	assert.Contains(t, errOut, "tensor blk.1.ffn_gate.weight is IQ2_XXS, a type lcrun cannot compute with")

	code, out, errOut = runLcrun("info", path)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "\ntensor types  Q8_0 15, F32 5, IQ2_XXS 1 (no kernels)\n")
}
