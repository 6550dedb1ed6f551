package model

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A truncated session continues as one that only ever saw the prefix:
// the same logits for the same next tokens (up to the micro-batch shapes'
// summation order), positions and tokens cut back.
func TestTruncateContinuesPrefix(t *testing.T) {
	m := openTest(t, storiesPath)
	tokens := storyTokens(t, 80)
	opts := SessionOptions{Ctx: 128, Batch: 16}
	ref := newTestSession(t, m, opts)
	require.NoError(t, ref.Prefill(context.Background(), tokens[:40], nil))
	want := evalAll(t, ref, tokens[40:70])

	s := newTestSession(t, m, opts)
	require.NoError(t, s.Prefill(context.Background(), tokens[:60], nil))
	require.True(t, s.Truncate(40))
	assert.Equal(t, 40, s.Pos())
	assert.Equal(t, tokens[:40], s.Tokens())
	assert.Nil(t, s.Logits())
	assertClose(t, want, evalAll(t, s, tokens[40:70]), 1e-4)

	assert.True(t, s.Truncate(s.Pos()), "truncating to the whole sequence changes nothing")
	for _, n := range []int{-1, s.Pos() + 1} {
		assert.False(t, s.Truncate(n), "n=%d", n)
	}
	assert.Equal(t, 70, s.Pos())
}

// States that cannot drop tokens refuse, unchanged.
func TestTruncateRefused(t *testing.T) {
	tokens := storyTokens(t, 60)
	mamba := openSynthSpec(t, "mamba-tiny-f32")
	s := newTestSession(t, mamba, SessionOptions{Threads: 1})
	require.NoError(t, s.Prefill(context.Background(), []int32{1, 2, 3, 4, 5}, nil))
	assert.False(t, s.Truncate(2))
	assert.Equal(t, 5, s.Pos())
	assert.NotNil(t, s.Logits())

	m := openTest(t, storiesPath)
	ring := newTestSession(t, m, SessionOptions{Ctx: 32 + 16, Window: 32, Batch: 16})
	require.NoError(t, ring.Prefill(context.Background(), tokens, nil))
	assert.False(t, ring.Truncate(10), "a ring that wrapped holds later positions in early slots")
	assert.Equal(t, 60, ring.Pos())
}

// A layer pattern's local ring goes back with the global cache while it has
// not wrapped, and refuses both once it has.
func TestTruncateLayerPattern(t *testing.T) {
	m := openGoldenModel(t, "models/arch/gemma2.gguf") // local window 32
	tokens := storyTokens(t, 80)
	opts := SessionOptions{Ctx: 128, Batch: 8}
	ref := newTestSession(t, m, opts)
	require.NoError(t, ref.Prefill(context.Background(), tokens[:10], nil))
	want := evalAll(t, ref, tokens[10:20])

	s := newTestSession(t, m, opts)
	require.NoError(t, s.Prefill(context.Background(), tokens[:20], nil))
	require.True(t, s.Truncate(10))
	assertClose(t, want, evalAll(t, s, tokens[10:20]), 1e-4)

	require.NoError(t, s.Prefill(context.Background(), tokens[20:80], nil))
	assert.False(t, s.Truncate(10), "the local ring wrapped")
	assert.Equal(t, 80, s.Pos())
}
