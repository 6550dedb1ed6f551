package model

import (
	"context"
	"path/filepath"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Gemma 3's five local layers of six keep a ring of their window (16 in
// the golden model), so only the global layer's cache grows with the
// context: a 128K session holds 1/6 of a full-attention cache, and the
// estimate is what the session allocates.
func TestGemmaLocalLayersKeepARing(t *testing.T) {
	m := openGoldenModel(t, "models/arch/gemma3.gguf")
	lm := m.arch.(*llama)
	require.Equal(t, 5, lm.nLocal)
	require.Equal(t, 16, lm.hp.localWindow)
	assert.Zero(t, m.SlidingWindow(), "no window over every layer")

	const batch, small, long = 8, 64, 1 << 17
	row, err := lc.KVRowBytes(lc.F32, lm.hp.headDim)
	require.NoError(t, err)
	bytesAt := func(ctx int) int64 {
		o := SessionOptions{Ctx: ctx, Batch: batch}
		s := newTestSession(t, m, o)
		st := s.st.(*llamaState)
		require.NotNil(t, st.local)
		assert.Equal(t, ctx, st.kv.Cap(), "the global layer's cache spans the context")
		assert.Equal(t, 16+batch-1, st.local.kv.Cap(), "the local layers' ring")
		n, err := m.SessionBytes(o)
		require.NoError(t, err)
		return n
	}
	grow := bytesAt(long) - bytesAt(small)
	// One layer's keys and values, and the slots' positions.
	assert.Equal(t, int64(long-small)*int64(2*lm.hp.kvHeads*row+4), grow)
	full := int64(2*lm.hp.layers*lm.hp.kvHeads*row) * long
	assert.Less(t, bytesAt(long), full/5, "far below a full-attention cache on every layer")
}

// A session's own window narrows the local layers' as well as the global
// layers' (the stricter policy wins).
func TestGemmaSessionWindow(t *testing.T) {
	m := openGoldenModel(t, "models/arch/gemma3.gguf")
	c := goldenCaseByID(t, "arch-gemma3")
	tokens := readTokens(t, filepath.Join(goldenDir, c.Inputs.Tokens))

	s := newTestSession(t, m, SessionOptions{Ctx: len(tokens), Window: 8, Batch: 4})
	st := s.st.(*llamaState)
	assert.Equal(t, 8, st.local.prm.Window)
	assert.Equal(t, 8, st.prm.Window)
	assert.Equal(t, 8+4-1, st.local.kv.Cap())
	require.NoError(t, s.Prefill(context.Background(), tokens, nil))
}

// Streaming applies to the global layers, the local ones keep text
// positions in their ring: until the first eviction the session agrees
// bit for bit with a plain cache of the same window and sinks, and
// without sinks it stays the sliding window over text positions after
// evictions (up to the re-rotations' rounding).
func TestGemmaStreaming(t *testing.T) {
	m := openGoldenModel(t, "models/arch/gemma3.gguf")
	tokens := randomTokens(120, m.VocabSize(), 5)
	a := Attention{Window: 32, Sinks: 4, Streaming: true}
	var so SessionOptions
	a.Apply(&so)
	so.Ctx = a.Slots(1000, 8)
	require.Greater(t, so.Ctx, 50)
	wo := SessionOptions{Window: 32, Sinks: 4, Ctx: 200}
	assert.Equal(t, allLogits(t, m, wo, tokens[:50], 8), allLogits(t, m, so, tokens[:50], 8))

	stream := streamingOptions(32, 0, 8)
	s := newTestSession(t, m, stream)
	got := evalAll(t, s, tokens)
	evicted, _ := s.StreamStats()
	require.Positive(t, evicted)
	want := allLogits(t, m, SessionOptions{Window: 32, Ctx: len(tokens), Batch: 8}, tokens, 8)
	d := maxRelDiff(got, want)
	t.Logf("streaming vs sliding window: %.3g", d)
	assert.LessOrEqual(t, d, 1e-5)
}

// A batch the local ring cannot take (positions going back into its
// window) is refused before either cache changes.
func TestGemmaBothCachesOrNeither(t *testing.T) {
	m := openGoldenModel(t, "models/arch/gemma3.gguf")
	s := newTestSession(t, m, SessionOptions{Ctx: 64, Batch: 4})
	require.NoError(t, s.Eval(context.Background(), Batch{Tokens: randomTokens(30, m.VocabSize(), 2)}))
	st := s.st.(*llamaState)
	global, local := st.kv.Len(), st.local.kv.Len()
	err := s.Eval(context.Background(), Batch{Tokens: []int32{5, 6}, Pos: []int32{20, 21}})
	require.ErrorContains(t, err, "too small for a window")
	assert.Equal(t, global, st.kv.Len())
	assert.Equal(t, local, st.local.kv.Len())
}

// The time estimate counts the local layers' attention as bounded work
// and only the global layers' per key.
func TestGemmaCost(t *testing.T) {
	m := openGoldenModel(t, "models/arch/gemma3.gguf")
	lm := m.arch.(*llama)
	c := m.Cost()
	perLayer := 4 * float64(lm.hp.heads*lm.hp.headDim)
	assert.Equal(t, perLayer*1, c.PerKey, "one global layer")
	plain := openGoldenModel(t, "models/arch/qwen3.gguf").Cost()
	assert.Equal(t, 4*float64(2*2*32), plain.PerKey, "every layer of a model without a pattern")
	assert.Greater(t, c.Dense, 5*perLayer*16, "the local layers' window is in the dense work")
}
