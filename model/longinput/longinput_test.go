package longinput

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/prefixcache"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const storiesPath = "../../testdata/stories260K.gguf"

func openStories(t *testing.T) *model.Model {
	t.Helper()
	m, err := model.Open(storiesPath)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

// storyBytes is how much of the story the tests read (less under -short:
// emulated arm64 runs them 10-50x slower).
func storyBytes() int {
	if testing.Short() {
		return 1200
	}
	return 4000
}

// story is the real text the goldens use, tokenised in small chunks so
// that it has many cut points.
func story(t *testing.T, m *model.Model) *TextSource {
	t.Helper()
	text, err := os.ReadFile("../../testdata/golden/text/story-a.txt")
	require.NoError(t, err)
	tok, err := m.Tokenizer()
	require.NoError(t, err)
	return &TextSource{Tokenizer: tok, AddBOS: true, ChunkSize: storyBytes() / 8, Text: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(text[:storyBytes()])), nil
	}}
}

func newSession(t *testing.T, m *model.Model) *model.Session {
	t.Helper()
	s, err := m.NewSession(model.SessionOptions{Ctx: 4096, Batch: 64, Threads: 1})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// TestPrefillIsOnePrefill: streamed in chunks, stopped at save points and
// resumed from the cache, the session ends where one Prefill of all the
// tokens does, with the same logits.
func TestPrefillIsOnePrefill(t *testing.T) {
	m := openStories(t)
	src := story(t, m)
	var all []int32
	st, err := src.Open()
	require.NoError(t, err)
	for {
		ids, err := st.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		all = append(all, ids...)
	}
	require.NoError(t, st.Close())
	ref := newSession(t, m)
	require.NoError(t, ref.Prefill(context.Background(), all, nil))

	pc, err := prefixcache.Open(t.TempDir(), 1<<30, func(msg string) { t.Error(msg) })
	require.NoError(t, err)
	o := Options{Cache: pc, Fingerprint: "test"}
	in, err := Count(m, src, o)
	require.NoError(t, err)
	require.Equal(t, len(all), in.Tokens())
	assert.Equal(t, all[:HeadTokens], in.Head())
	assert.Zero(t, in.Cached())

	s := newSession(t, m)
	var done []int
	require.NoError(t, in.Prefill(context.Background(), s, 0, func(d int) { done = append(done, d) }))
	assert.Equal(t, len(all), s.Pos())
	assert.Equal(t, len(all), done[len(done)-1])
	assertClose(t, ref.Logits(), s.Logits())
	stats := in.CacheStats()
	assert.GreaterOrEqual(t, stats.Saves, 2, "the last stable cut and the end")

	// A second run finds the whole input, and one over more text the last
	// state that appended text cannot move.
	again, err := Count(m, src, o)
	require.NoError(t, err)
	assert.Equal(t, len(all), again.Cached())
	s2 := newSession(t, m)
	assert.Equal(t, len(all), again.Resume(s2, true))
	assert.Equal(t, s.Logits(), s2.Logits(), "the saved state's logits")
	require.NoError(t, again.Prefill(context.Background(), s2, len(all), nil))
	assert.Equal(t, 1, again.CacheStats().Hits)

	text, err := os.ReadFile("../../testdata/golden/text/story-a.txt")
	require.NoError(t, err)
	longer := *src
	longer.Text = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(text[:storyBytes()*4/3])), nil }
	more, err := Count(m, &longer, o)
	require.NoError(t, err)
	s3 := newSession(t, m)
	resumed := more.Resume(s3, false)
	assert.Positive(t, resumed)
	assert.LessOrEqual(t, resumed, len(all))
	require.NoError(t, more.Prefill(context.Background(), s3, resumed, nil))
	s4 := newSession(t, m)
	fresh, err := Count(m, &longer, Options{})
	require.NoError(t, err)
	require.NoError(t, fresh.Prefill(context.Background(), s4, 0, nil))
	assertClose(t, s4.Logits(), s3.Logits())
}

// assertClose: evaluations split into other micro-batches round the
// matrix products differently (float32 sums in another order), so logits
// agree to about 1e-5 of their range, not bit for bit.
func assertClose(t *testing.T, want, got []float32) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		require.InDelta(t, want[i], got[i], 1e-4, "logit %d", i)
	}
}

func TestCountErrors(t *testing.T) {
	m := openStories(t)
	_, err := Count(m, story(t, m), Options{MaxTokens: 100})
	var long *TooLongError
	require.ErrorAs(t, err, &long)
	assert.Equal(t, 100, long.Max)
	assert.Greater(t, long.Read, 100)

	// An input that changes between the passes is refused.
	src := story(t, m)
	in, err := Count(m, src, Options{})
	require.NoError(t, err)
	src.Text = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader([]byte("Once upon a time."))), nil }
	err = in.Prefill(context.Background(), newSession(t, m), 0, nil)
	assert.ErrorIs(t, err, ErrChanged)

	// Keep evaluates the first pass's tokens: the source is read once.
	opens := 0
	once := story(t, m)
	text := once.Text
	once.Text = func() (io.ReadCloser, error) {
		opens++
		return text()
	}
	kept, err := Count(m, once, Options{Keep: true})
	require.NoError(t, err)
	s := newSession(t, m)
	require.NoError(t, kept.Prefill(context.Background(), s, 0, nil))
	assert.Equal(t, 1, opens)
	assert.Equal(t, kept.Tokens(), s.Pos())

	err = kept.Prefill(context.Background(), newSession(t, m), 5, nil)
	assert.ErrorContains(t, err, "not at the 5 tokens resumed")
}

// TestPrefillCancelSaves: a cancelled prefill stores what it evaluated,
// and the next run resumes from there.
func TestPrefillCancelSaves(t *testing.T) {
	m := openStories(t)
	pc, err := prefixcache.Open(t.TempDir(), 1<<30, func(msg string) { t.Error(msg) })
	require.NoError(t, err)
	o := Options{Cache: pc, Fingerprint: "test"}
	in, err := Count(m, story(t, m), o)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	s := newSession(t, m)
	err = in.Prefill(ctx, s, 0, func(d int) {
		if d >= 200 {
			cancel()
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	stopped := s.Pos()
	assert.Less(t, stopped, in.Tokens())
	again, err := Count(m, story(t, m), o)
	require.NoError(t, err)
	assert.Equal(t, stopped, again.Resume(newSession(t, m), false))
}

func TestSavePoints(t *testing.T) {
	stable := []int{100, 70000, 140000, 200000, 260000}
	points, periodic := savePoints(stable, 0, 300000)
	assert.Equal(t, []int{70000, 140000, 260000, 300000}, points)
	assert.Equal(t, map[int]bool{70000: true, 140000: true}, periodic)
	// Resumed past some: only later points.
	points, _ = savePoints(stable, 150000, 300000)
	assert.Equal(t, []int{260000, 300000}, points)
	points, _ = savePoints(nil, 0, 10)
	assert.Equal(t, []int{10}, points)
	points, _ = savePoints(stable, 300000, 300000)
	assert.Empty(t, points)
}
