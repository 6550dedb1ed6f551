package model

import (
	"bytes"
	"context"
	"math"
	"path/filepath"
	"testing"

	lc "github.com/lcrun/lcrun"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A hybrid's cache has a layer for each attention layer only, its
// pattern reads as M and A, and its session refuses what a recurrent
// state cannot do: skipping positions, going back (Truncate).
func TestGraniteHybridSession(t *testing.T) {
	m := openGoldenModel(t, "models/arch/granitehybrid.gguf")
	h := m.arch.(*hybridModel)
	assert.Equal(t, "M A M", h.pattern())
	assert.False(t, m.Features().RoPE, "rope.scaling.finetuned = false: NoPE")
	s := newTestSession(t, m, SessionOptions{Ctx: 64, Batch: 8})
	st := s.st.(*hybridState)
	assert.Equal(t, 1, st.attn.m.kvConfig(&s.cfg, nil).Layers, "one attention layer in the cache")
	require.NoError(t, s.Prefill(context.Background(), []int32{1, 5, 9, 12}, nil))
	assert.False(t, s.Truncate(2), "a recurrent state cannot go back")
	assert.Equal(t, 4, s.Pos())
	out := make([]float32, m.VocabSize())
	err := st.forward([]int32{3}, []int32{7}, []int{0}, out)
	require.ErrorContains(t, err, "only continues its sequence")
	require.NoError(t, st.forward([]int32{3}, []int32{4}, []int{0}, out), "a refused batch changed nothing")
}

// A saved hybrid state names its layer pattern: a model of another
// pattern refuses it, and is left reset.
func TestHybridStateRefusesAnotherPattern(t *testing.T) {
	c := goldenCaseByID(t, "arch-granitehybrid")
	m := openGoldenModel(t, c.Model)
	tokens := readTokens(t, filepath.Join(goldenDir, c.Inputs.Tokens))[:20]
	s := newTestSession(t, m, SessionOptions{Ctx: 64, Batch: 8})
	require.NoError(t, s.Prefill(context.Background(), tokens, nil))
	var buf bytes.Buffer
	require.NoError(t, s.st.saveState(&buf))

	h := *m.arch.(*hybridModel)
	attn := *h.attn
	attn.kinds = []byte{layerMixer, layerMixer, layerAttention}
	h.attn = &attn
	other, err := h.newState(&sessionConfig{SessionOptions: SessionOptions{Ctx: 64, Batch: 8, KV: s.cfg.KV}, pool: s.cfg.pool})
	require.NoError(t, err)
	err = other.restoreState(bytes.NewReader(buf.Bytes()))
	require.ErrorIs(t, err, ErrStateMismatch)
	assert.Contains(t, err.Error(), `"M A M"`)
	assert.Zero(t, other.(*hybridState).ssm.pos)
}

// A hybrid's memory grows with the context by its attention layers' keys
// and values only; its report names the pattern and both parts of the
// state, and its cost attends per key on the attention layers alone.
func TestHybridMemoryAndReport(t *testing.T) {
	for _, c := range []struct {
		file, pattern string
		cached        int
	}{
		{"granitehybrid", "layers M A M", 1},
		{"nemotron-h", "layers M F M A F", 1},
		{"falcon-h1", "layers A+M A+M", 2},
		{"lfm2", "layers C C A C", 1},
		{"jamba", "layers M M A M", 1},
	} {
		t.Run(c.file, func(t *testing.T) {
			m := openGoldenModel(t, "models/arch/"+c.file+".gguf")
			h := m.arch.(*hybridModel)
			g := m.Graph()
			require.NotEmpty(t, g)
			assert.Equal(t, c.pattern, g[0])
			assert.Contains(t, g[1], "constant")
			small, err := m.SessionBytes(SessionOptions{Ctx: 1000, Batch: 8, KV: lc.Q8_0})
			require.NoError(t, err)
			big, err := m.SessionBytes(SessionOptions{Ctx: 2000, Batch: 8, KV: lc.Q8_0})
			require.NoError(t, err)
			hp := &h.attn.hp
			row, err := lc.KVRowBytes(lc.Q8_0, hp.headDim)
			require.NoError(t, err)
			perToken := int64(2*c.cached*hp.kvHeads*row + 4)
			assert.Equal(t, 1000*perToken, big-small, "KV for the attention layers only")
			assert.Equal(t, perToken, h.tokenBytes(lc.Q8_0))
			assert.InDelta(t, float64(4*hp.heads*hp.headDim*c.cached), m.Cost().PerKey, 0)
		})
	}
}

// The attention policies apply to a hybrid's attention layers: streaming
// with sinks (NoPE keys need no re-rotation, Falcon-H1's RoPE keys do)
// and a sliding window run past their cache's size, and before anything
// is evicted streaming gives the plain session's logits.
func TestHybridAttentionPolicies(t *testing.T) {
	for _, file := range []string{"granitehybrid", "falcon-h1"} {
		t.Run(file, func(t *testing.T) {
			m := openGoldenModel(t, "models/arch/"+file+".gguf")
			tokens := randomTokens(90, m.VocabSize(), 3)
			o := streamingOptions(24, 4, 5)
			stream := allLogits(t, m, o, tokens, 5)
			plain := allLogits(t, m, SessionOptions{Ctx: len(tokens)}, tokens, 5)
			vocab := m.VocabSize()
			assert.Equal(t, plain[:24*vocab], stream[:24*vocab], "nothing evicted yet")
			for _, v := range stream {
				require.False(t, math.IsNaN(float64(v)))
			}
			win := allLogits(t, m, SessionOptions{Ctx: 40, Window: 24}, tokens, 5)
			require.Len(t, win, len(tokens)*vocab)
		})
	}
}
