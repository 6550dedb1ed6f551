package gguf

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lcrun/lcrun/dtype"
)

func TestFileTypeIDRoundTrip(t *testing.T) {
	for id, n := range fileTypes {
		got, ok := FileTypeID(strings.ToLower(n.name))
		require.True(t, ok, n.name)
		assert.Equal(t, id, got, n.name)
	}
	_, ok := FileTypeID("Q4_K")
	assert.False(t, ok, "a tensor type is not a file type")
}

// goldenQuantModels reads the reference's quantisation mixes from the
// golden manifest: file, and the type llama-quantize gave every tensor.
func goldenQuantModels(t *testing.T) map[string]struct {
	File        string            `json:"file"`
	TensorTypes map[string]string `json:"tensor_types"`
	TypeCounts  map[string]int    `json:"type_counts"`
} {
	raw, err := os.ReadFile(filepath.Join(testdata, "golden", "manifest.json"))
	require.NoError(t, err)
	var m struct {
		Models map[string]struct {
			File        string            `json:"file"`
			TensorTypes map[string]string `json:"tensor_types"`
			TypeCounts  map[string]int    `json:"type_counts"`
		} `json:"models"`
	}
	require.NoError(t, json.Unmarshal(raw, &m))
	out := m.Models
	for k := range out {
		if !strings.HasPrefix(k, "quant/") {
			delete(out, k)
		}
	}
	require.NotEmpty(t, out)
	return out
}

// The reference's mixes carry the file type llama-quantize was asked for
// (llama-q-Q4_K_M.gguf says Q4_K_M), and TypeCounts agrees with the types
// the manifest read back from each file.
func TestFileTypeOfGoldenMixes(t *testing.T) {
	for key, gm := range goldenQuantModels(t) {
		t.Run(key, func(t *testing.T) {
			f, err := Open(filepath.Join(testdata, "golden", gm.File))
			require.NoError(t, err)
			defer f.Close()
			id, guessed, ok, err := f.FileType()
			require.NoError(t, err)
			require.True(t, ok)
			assert.False(t, guessed)
			assert.Equal(t, strings.TrimPrefix(key, "quant/llama-q-"), FileTypeName(id))
			got := map[string]int{}
			for _, c := range f.TypeCounts() {
				got[strings.ToLower(c.Type.String())] += c.Count
			}
			want := map[string]int{}
			for typ, n := range gm.TypeCounts {
				want[strings.ToLower(typ)] = n
			}
			assert.Equal(t, want, got)
			for _, ti := range f.Tensors {
				typ, err := dtype.Parse(gm.TensorTypes[ti.Name])
				require.NoError(t, err, ti.Name)
				assert.Equal(t, typ, ti.Type, ti.Name)
			}
		})
	}
}
