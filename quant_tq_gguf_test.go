package lcrun_test

import (
	"testing"

	"github.com/lcrun/lcrun"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealTernaryFiles reads the reference engine's TQ1_0 and TQ2_0 mixes
// of one model (testdata/golden/README.md: both hold the same ternary
// values). Tensor by tensor they must dequantise to the same float32
// bits, which ties the two layouts to each other on real data. And since
// re-quantising ternary values finds the same scale and trits again, our
// quantisers must give back the reference's bytes exactly, which ties
// them to quantize_row_tq*_0_ref's packing.
func TestRealTernaryFiles(t *testing.T) {
	tq1 := openTestdata(t, "golden/models/quant/llama-q-TQ1_0.gguf")
	tq2 := openTestdata(t, "golden/models/quant/llama-q-TQ2_0.gguf")
	require.Equal(t, len(tq1.Tensors), len(tq2.Tensors))
	ternary := 0
	for i := range tq1.Tensors {
		a, b := &tq1.Tensors[i], &tq2.Tensors[i]
		require.Equal(t, a.Name, b.Name)
		require.Equal(t, a.Dims, b.Dims, a.Name)
		rawA, err := tq1.RawTensorData(a.Name)
		require.NoError(t, err)
		rawB, err := tq2.RawTensorData(b.Name)
		require.NoError(t, err)
		if a.Type != lcrun.TQ1_0 {
			// The tensors the ternary types cannot hold get the same
			// fallback type in both files, with the same bytes.
			require.Equal(t, a.Type, b.Type, a.Name)
			require.Equal(t, rawA, rawB, a.Name)
			continue
		}
		require.Equal(t, lcrun.TQ2_0, b.Type, b.Name)
		ternary++
		n := int(a.Elements())
		ya, yb := make([]float32, n), make([]float32, n)
		require.NoError(t, lcrun.Dequantize(lcrun.TQ1_0, ya, rawA), a.Name)
		require.NoError(t, lcrun.Dequantize(lcrun.TQ2_0, yb, rawB), b.Name)
		nonzero := 0
		for j := range ya {
			if ya[j] != yb[j] {
				require.Failf(t, "TQ1_0 and TQ2_0 differ", "%s value %d: %g vs %g", a.Name, j, ya[j], yb[j])
			}
			if ya[j] != 0 {
				nonzero++
			}
		}
		// Random normal weights: a trit is ±1 where |x| > amax/2, for
		// about one value in seven.
		assert.Greater(t, nonzero, n/20, a.Name)
		for _, rt := range []struct {
			t   lcrun.DType
			raw []byte
		}{{lcrun.TQ1_0, rawA}, {lcrun.TQ2_0, rawB}} {
			q := make([]byte, len(rt.raw))
			require.NoError(t, lcrun.Quantize(rt.t, q, ya))
			assert.Equal(t, rt.raw, q, "%s re-quantised to %s", a.Name, rt.t)
		}
	}
	// attn_q/k/v and ffn_gate/up of both layers.
	assert.Equal(t, 10, ternary)
}
