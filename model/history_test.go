package model

import (
	"bytes"
	"context"
	"testing"

	"github.com/lcrun/lcrun/internal/synth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openSynthSpec(t testing.TB, name string) *Model {
	t.Helper()
	spec, err := synth.Lookup(name)
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = spec.WriteTo(&buf)
	require.NoError(t, err)
	m, err := OpenBytes(buf.Bytes(), name)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

// A recurrent session's state does not grow with the sequence, and its
// token history must not either: by default it keeps DefaultHistory
// tokens, trimmed between that and twice that (plus a micro-batch), over a
// feed several times longer. The tail it keeps is the right one, and
// positions count every token. Windowed sessions get the same default; a
// full-attention one keeps every token (its cache bounds them).
func TestRecurrentHistoryBounded(t *testing.T) {
	m := openSynthSpec(t, "mamba-tiny-f32")
	o := SessionOptions{Threads: 1}
	keep := DefaultHistory
	if testing.Short() { // qemu: the same bound, given explicitly and smaller
		keep = 2000
		o.History = keep
	}
	s := newTestSession(t, m, o)
	assert.Equal(t, keep, s.Options().History)
	feed := randomTokens(3*keep+777, m.VocabSize(), 21)
	bound := 2*keep + s.Options().Batch
	step := 4099 // not a multiple of the micro-batch nor of the history
	for i := 0; i < len(feed); i += step {
		j := min(i+step, len(feed))
		require.NoError(t, s.Prefill(context.Background(), feed[i:j], nil))
		assert.Equal(t, j, s.Pos())
		assert.Equal(t, feed[max(j-keep, 0):j], s.Tokens())
		require.LessOrEqual(t, cap(s.history), bound, "history grew past its bound after %d tokens", j)
	}
	// Generating keeps it bounded too (one token at a time).
	for range 3000 {
		_, err := s.Decode(feed[0])
		require.NoError(t, err)
	}
	assert.Len(t, s.Tokens(), keep)
	assert.LessOrEqual(t, cap(s.history), bound)

	stories := openStories(t)
	windowed := newTestSession(t, stories, SessionOptions{Window: 64, Ctx: 128, Batch: 32, Threads: 1})
	assert.Equal(t, DefaultHistory, windowed.Options().History)
	full := newTestSession(t, stories, SessionOptions{Ctx: 128, Threads: 1})
	assert.Zero(t, full.Options().History)
}
