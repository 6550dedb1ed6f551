package model

import (
	"testing"

	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goValue is the Go value of a reported value, nil for an absent key.
func goValue(v *gguf.Value) any {
	if v == nil {
		return nil
	}
	return v.Any()
}

func hyperOf(t *testing.T, path string) Hyper {
	t.Helper()
	f, err := gguf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	return Hyperparameters(f)
}

func hyperOfBytes(t *testing.T, b []byte) Hyper {
	t.Helper()
	f, err := gguf.OpenBytes(b)
	require.NoError(t, err)
	defer f.Close()
	return Hyperparameters(f)
}

// TestHyperparameters: the report gives the values as the files store
// them (testdata/README.md), nil for absent keys, also where the model
// does not load.
func TestHyperparameters(t *testing.T) {
	h := hyperOf(t, storiesPath)
	assert.Equal(t, []any{uint32(2048), uint32(64), uint32(5), uint32(8), uint32(4), uint32(172), float32(1e-5)},
		[]any{goValue(h.ContextLength), goValue(h.Embedding), goValue(h.Layers), goValue(h.Heads), goValue(h.KVHeads),
			goValue(h.FeedForward), goValue(h.RMSEpsilon)})
	assert.Equal(t, []any{uint32(8), nil, nil, nil, nil},
		[]any{goValue(h.Rope.Dims), goValue(h.Rope.FreqBase), goValue(h.Rope.ScalingType), goValue(h.Rope.ScalingFactor), goValue(h.Rope.OrigCtx)})
	assert.Nil(t, h.SSM)

	h = hyperOf(t, goldenDir+"/models/llama-tiny-yarn.gguf")
	assert.Equal(t, []any{"yarn", float32(4), uint32(1024)},
		[]any{goValue(h.Rope.ScalingType), goValue(h.Rope.ScalingFactor), goValue(h.Rope.OrigCtx)})

	h = hyperOf(t, goldenDir+"/models/mamba-tiny-q8_0.gguf")
	require.NotNil(t, h.SSM)
	assert.Equal(t, []any{uint32(4), uint32(128), uint32(16), uint32(4), nil},
		[]any{goValue(h.SSM.ConvKernel), goValue(h.SSM.InnerSize), goValue(h.SSM.StateSize), goValue(h.SSM.TimeStepRank), goValue(h.SSM.GroupCount)},
		"Mamba-1 has no group count: absent, not a default")
	assert.Nil(t, h.KVHeads)
	assert.Equal(t, uint32(2), goValue(hyperOf(t, goldenDir+"/models/mamba2-tiny-g2-f32.gguf").SSM.GroupCount))

	// Models that do not load are described all the same.
	const legacyQ8 = "../testdata/tinyllamas-stories-260k-q8_0.gguf"
	_, err := Open(legacyQ8)
	require.Error(t, err)
	assert.Equal(t, uint32(512), goValue(hyperOf(t, legacyQ8).ContextLength))
	h = hyperOf(t, "../testdata/vocab/ggml-vocab-gpt-2.gguf")
	assert.Equal(t, []any{uint32(1024), uint32(768), nil, nil}, []any{goValue(h.ContextLength), goValue(h.Embedding), goValue(h.KVHeads), goValue(h.RMSEpsilon)})
	assert.Nil(t, h.SSM)
}

// TestHyperparametersStored: arrays stay arrays, and older files' linear
// factor reads as llama.cpp reads it.
func TestHyperparametersStored(t *testing.T) {
	h := hyperOfBytes(t, rewrite(t, storiesPath, edit{set: map[string]any{"llama.attention.head_count": []int32{8, 8, 8, 8, 8}}}))
	assert.Equal(t, []int32{8, 8, 8, 8, 8}, goValue(h.Heads))

	legacy := map[string]any{"llama.rope.scale_linear": float32(2)}
	h = hyperOfBytes(t, rewrite(t, storiesPath, edit{set: legacy}))
	assert.Equal(t, []any{"linear", float32(2)}, []any{goValue(h.Rope.ScalingType), goValue(h.Rope.ScalingFactor)})

	legacy["llama.rope.scaling.factor"] = float32(3)
	h = hyperOfBytes(t, rewrite(t, storiesPath, edit{set: legacy}))
	assert.Equal(t, []any{"linear", float32(2)}, []any{goValue(h.Rope.ScalingType), goValue(h.Rope.ScalingFactor)},
		"as lcrun info always showed it, though ropeFromMetadata prefers rope.scaling.factor")

	legacy["llama.rope.scaling.type"] = "none"
	h = hyperOfBytes(t, rewrite(t, storiesPath, edit{set: legacy}))
	assert.Equal(t, []any{"none", float32(3)}, []any{goValue(h.Rope.ScalingType), goValue(h.Rope.ScalingFactor)})

	h = hyperOfBytes(t, rewrite(t, storiesPath, edit{set: map[string]any{"general.architecture": "jamba", "jamba.ssm.state_size": uint32(8)}}))
	require.NotNil(t, h.SSM, "an architecture this package does not run")
	assert.Equal(t, uint32(8), goValue(h.SSM.StateSize))
	assert.Nil(t, h.ContextLength, "its keys are jamba.*")
}
