package model

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openStories loads the real 260K-parameter Llama of testdata (5 layers,
// 8 heads over 4 KV heads of 8 dims, RoPE on all 8).
func openStories(t testing.TB) *Model {
	t.Helper()
	m, err := Open("../testdata/stories260K.gguf")
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

func randomTokens(n, vocab int, seed uint64) []int32 {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(3 + r.IntN(vocab-3))
	}
	return out
}

// allLogits evaluates tokens in micro-batches of batch (one Eval call
// each, as a prefill or token-by-token decoding would) and returns every
// position's logits.
func allLogits(t *testing.T, m *Model, o SessionOptions, tokens []int32, batch int) []float32 {
	t.Helper()
	o.Batch = batch
	o.Threads = 1
	s, err := m.NewSession(o)
	require.NoError(t, err)
	defer s.Close()
	vocab := m.VocabSize()
	out := make([]float32, len(tokens)*vocab)
	for c0 := 0; c0 < len(tokens); c0 += batch {
		c1 := min(c0+batch, len(tokens))
		rows := make([]int, c1-c0)
		for i := range rows {
			rows[i] = i
		}
		require.NoError(t, s.Eval(context.Background(), Batch{Tokens: tokens[c0:c1], Rows: rows, Logits: out[c0*vocab : c1*vocab]}))
	}
	return out
}

// streamingOptions are single-threaded options for sinks:S,W in
// micro-batches of batch, with the slots the policy asks for a long text.
func streamingOptions(window, sinks, batch int) SessionOptions {
	a := Attention{Window: window, Sinks: sinks, Streaming: true}
	var o SessionOptions
	a.Apply(&o)
	o.Ctx, o.Batch, o.Threads = a.Slots(1<<20, batch), batch, 1
	return o
}

// maxRelDiff is max|a-b| over max|b|.
func maxRelDiff(a, b []float32) float64 {
	var d, scale float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
		scale = max(scale, math.Abs(float64(b[i])))
	}
	return d / scale
}

// Until the first eviction a streaming cache holds text positions as they
// are, so it must agree bit for bit with a plain windowed cache.
func TestStreamingBeforeEvictionIsWindowed(t *testing.T) {
	m := openStories(t)
	tokens := randomTokens(50, m.VocabSize(), 1)
	a := Attention{Window: 32, Sinks: 4, Streaming: true}
	var so, wo SessionOptions
	a.Apply(&so)
	so.Ctx = a.Slots(1000, 8)
	wo = SessionOptions{Window: 32, Sinks: 4, Ctx: 200}
	require.Greater(t, so.Ctx, len(tokens))
	assert.Equal(t, allLogits(t, m, wo, tokens, 8), allLogits(t, m, so, tokens, 8))
}

// Without sinks every distance a streaming cache presents equals the
// text's (RoPE depends on position differences only), so after any number
// of evictions it must agree with a sliding window over text positions, up
// to the rounding of the re-rotations. With f16 and q8_0 caches the moved
// keys are also re-encoded (once per eviction that moves them).
func TestStreamingWithoutSinksIsSlidingWindow(t *testing.T) {
	m := openStories(t)
	n := 400
	if testing.Short() {
		n = 200
	}
	tokens := randomTokens(n, m.VocabSize(), 2)
	// f32: only the rounding of composed rotations (angles < 2^9 here):
	// 1e-5 of the largest logit. f16 and q8_0 re-encode a moved key once
	// per eviction it survives (Window/(batch+slack), 2 or 3 here), each
	// time with the error of the first encoding: the difference must stay
	// within twice what the cache type costs a sliding window over f32.
	cases := []struct {
		kv    lc.DType
		batch int
	}{{lc.F32, 1}, {lc.F32, 7}, {lc.F32, 32}, {lc.F16, 1}, {lc.F16, 5}, {lc.Q8_0, 1}, {lc.Q8_0, 5}}
	for _, c := range cases {
		a := Attention{Window: 48, Streaming: true}
		var so SessionOptions
		a.Apply(&so)
		so.KV = c.kv
		so.Ctx = a.Slots(n, c.batch)
		require.Less(t, so.Ctx, n/2, "the test must evict several times")
		wo := SessionOptions{Window: 48, Ctx: 48 + c.batch - 1, KV: c.kv}
		got := allLogits(t, m, so, tokens, c.batch)
		want := allLogits(t, m, wo, tokens, c.batch)
		d := maxRelDiff(got, want)
		tol := 1e-5
		if c.kv != lc.F32 {
			wo.KV = lc.F32
			typeCost := maxRelDiff(want, allLogits(t, m, wo, tokens, c.batch))
			// Up to 3 re-encodings plus the first, independent errors
			// adding in quadrature against the reference's one: sqrt(5).
			tol = 2.5 * typeCost
			t.Logf("kv %s batch %d: the type alone costs %.2g", c.kv, c.batch, typeCost)
		}
		assert.LessOrEqual(t, d, tol, "kv %s batch %d", c.kv, c.batch)
		t.Logf("kv %s batch %d: max relative logit difference %.2g", c.kv, c.batch, d)
	}
}

// After evictions each cached key of layer 0 (whose keys depend on the
// token alone, not on attention) must be the key of its token rotated to
// its cache position: sinks at 0..S-1, the window right after them.
func TestStreamingKeysAreAtCachePositions(t *testing.T) {
	m := openStories(t)
	const n, window, sinks, batch = 300, 40, 4, 6
	tokens := randomTokens(n, m.VocabSize(), 3)
	s, err := m.NewSession(streamingOptions(window, sinks, batch))
	require.NoError(t, err)
	defer s.Close()
	for c0 := 0; c0 < n; c0 += batch {
		require.NoError(t, s.Eval(context.Background(), Batch{Tokens: tokens[c0:min(c0+batch, n)]}))
	}
	evicted, shifts := s.StreamStats()
	require.Positive(t, shifts)
	kv := s.st.(*llamaState).kv
	assert.Equal(t, int64(n-kv.Len()), evicted)

	// The reference: a full cache, every key at its text position.
	ref, err := m.NewSession(SessionOptions{Ctx: n, Batch: batch, Threads: 1})
	require.NoError(t, err)
	defer ref.Close()
	require.NoError(t, ref.Prefill(context.Background(), tokens, nil))
	rkv := ref.st.(*llamaState).kv
	r := ref.st.(*llamaState).rope
	np := r.Pairs()
	angT, angC := make([]float32, np), make([]float32, np)
	hd := kv.K(0).Dim
	got, want := make([]float32, hd), make([]float32, hd)
	for j := 0; j < kv.Len(); j++ {
		assert.Equal(t, int32(j), kv.Positions()[j])
		text := j
		if j >= sinks {
			text = n - kv.Len() + j
		}
		// Rotate the reference key from its text position to j.
		r.Angles(text, angT)
		r.Angles(j, angC)
		cos, sin := make([]float32, np), make([]float32, np)
		for i := range np {
			sn, cs := math.Sincos(float64(angC[i]) - float64(angT[i]))
			cos[i], sin[i] = float32(cs), float32(sn)
		}
		for h := range kv.K(0).Heads {
			rkv.K(0).Get(h, text, want)
			lc.RoPE(want, cos, sin, false)
			kv.K(0).Get(h, j, got)
			for i := range got {
				assert.InDelta(t, want[i], got[i], 1e-4*(1+math.Abs(float64(want[i]))), "slot %d (text %d) head %d dim %d", j, text, h, i)
			}
		}
	}
	// The window's last key is the last token's.
	assert.Equal(t, n-kv.Len()+kv.Len()-1, n-1)
}

func TestStreamingRejectsGapsAndSmallCaches(t *testing.T) {
	m := openStories(t)
	s, err := m.NewSession(SessionOptions{Window: 16, Sinks: 2, Streaming: true, Ctx: 20, Batch: 4, Threads: 1})
	require.NoError(t, err)
	defer s.Close()
	err = s.Eval(context.Background(), Batch{Tokens: []int32{5, 6}, Pos: []int32{0, 2}})
	require.ErrorContains(t, err, "consecutive positions")
	// 2 sinks + 15 kept + 4 new = 21 > 20 slots: refused when it must evict.
	require.NoError(t, s.Eval(context.Background(), Batch{Tokens: randomTokens(20, m.VocabSize(), 4)}))
	err = s.Eval(context.Background(), Batch{Tokens: randomTokens(4, m.VocabSize(), 5)})
	require.ErrorContains(t, err, "too small")

	_, err = m.NewSession(SessionOptions{Streaming: true})
	require.ErrorContains(t, err, "needs a window")
}

func TestParseAttention(t *testing.T) {
	cases := []struct {
		in   string
		want Attention
		err  string
	}{
		{"full", Attention{}, ""},
		{"window:4096", Attention{Window: 4096}, ""},
		{"window:2K", Attention{Window: 2048}, ""},
		{"sinks:4,2048", Attention{Window: 2048, Sinks: 4, Streaming: true}, ""},
		{"sinks:0,1k", Attention{Window: 1024, Streaming: true}, ""},
		{"window:-1", Attention{}, `the window "-1" is not a positive count`},
		{"window:0", Attention{}, "not a positive count"},
		{"window:", Attention{}, "not a positive count"},
		{"window:banana", Attention{}, "not a positive count"},
		{"sinks:4", Attention{}, "give the sinks and the window"},
		{"sinks:-1,100", Attention{}, "not a count"},
		{"full:3", Attention{}, "takes no size"},
		{"ring", Attention{}, "unknown policy"},
		{"window:99999999999", Attention{}, "not a positive count"},
	}
	for _, c := range cases {
		got, err := ParseAttention(c.in)
		if c.err != "" {
			require.ErrorContains(t, err, c.err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
		assert.Equal(t, got, mustParse(t, got.String()), "round trip of %q", c.in)
	}
}

func mustParse(t *testing.T, s string) Attention {
	a, err := ParseAttention(s)
	require.NoError(t, err)
	return a
}

func TestAttentionSlots(t *testing.T) {
	assert.Equal(t, 32768, Attention{}.Slots(32768, 512))
	assert.Equal(t, 4096+511, Attention{Window: 4096}.Slots(1<<20, 512))
	assert.Equal(t, 100, Attention{Window: 4096}.Slots(100, 512))
	assert.Equal(t, 4+2047+512+512, Attention{Window: 2048, Sinks: 4, Streaming: true}.Slots(1<<20, 512))
}

// A streaming session saved after evictions and restored elsewhere goes on
// exactly as the original; a session with another policy refuses it.
func TestStreamingSaveRestore(t *testing.T) {
	m := openStories(t)
	tokens := randomTokens(200, m.VocabSize(), 6)
	o := streamingOptions(32, 4, 8)
	s1, err := m.NewSession(o)
	require.NoError(t, err)
	defer s1.Close()
	require.NoError(t, s1.Prefill(context.Background(), tokens[:150], nil))
	_, shifts := s1.StreamStats()
	require.Positive(t, shifts)
	var buf bytes.Buffer
	require.NoError(t, s1.Save(&buf))
	saved := buf.Bytes()

	s2, err := m.NewSession(o)
	require.NoError(t, err)
	defer s2.Close()
	require.NoError(t, s2.Restore(bytes.NewReader(saved)))
	require.NoError(t, s1.Prefill(context.Background(), tokens[150:], nil))
	require.NoError(t, s2.Prefill(context.Background(), tokens[150:], nil))
	assert.Equal(t, s1.Logits(), s2.Logits())

	for _, other := range []SessionOptions{
		{Window: 32, Sinks: 4, Ctx: o.Ctx, Batch: 8, Threads: 1},
		{Window: 32, Sinks: 2, Streaming: true, Ctx: o.Ctx, Batch: 8, Threads: 1},
	} {
		s3, err := m.NewSession(other)
		require.NoError(t, err)
		err = s3.Restore(bytes.NewReader(saved))
		s3.Close()
		require.ErrorIs(t, err, ErrStateMismatch)
	}
}

// With History a session over a long stream keeps a bounded tail of its
// tokens; positions still count every token.
func TestSessionHistoryBound(t *testing.T) {
	m := openStories(t)
	tokens := randomTokens(300, m.VocabSize(), 7)
	o := streamingOptions(32, 4, 8)
	o.History = 20
	s, err := m.NewSession(o)
	require.NoError(t, err)
	defer s.Close()
	for i := 0; i < len(tokens); i += 7 {
		require.NoError(t, s.Prefill(context.Background(), tokens[i:min(i+7, len(tokens))], nil))
		n := min(i+7, len(tokens))
		assert.Equal(t, n, s.Pos())
		assert.Equal(t, tokens[max(n-20, 0):n], s.Tokens())
		assert.LessOrEqual(t, cap(s.history), 64, "the history must not grow with the stream")
	}
	var buf bytes.Buffer
	require.NoError(t, s.Save(&buf))
	s2, err := m.NewSession(o)
	require.NoError(t, err)
	defer s2.Close()
	require.NoError(t, s2.Restore(&buf))
	assert.Equal(t, s.Tokens(), s2.Tokens())
	assert.Equal(t, s.Pos(), s2.Pos())
}

// A model whose GGUF declares attention.sliding_window runs it in every
// session: a session without a policy equals one given that window on the
// same weights without the key, and a wider policy is narrowed to it.
func TestModelSlidingWindow(t *testing.T) {
	plain := openStories(t)
	w, err := gguf.NewWriterFrom(plain.File())
	require.NoError(t, err)
	w.SetUint32("llama.attention.sliding_window", 16)
	var buf bytes.Buffer
	_, err = w.WriteTo(&buf)
	require.NoError(t, err)
	swa, err := OpenBytes(buf.Bytes(), "stories260K+swa16")
	require.NoError(t, err)
	defer swa.Close()
	assert.Equal(t, 16, swa.SlidingWindow())
	assert.Zero(t, plain.SlidingWindow())
	assert.Equal(t, Attention{Window: 16}, Attention{}.Effective(swa))
	assert.Equal(t, Attention{Window: 16, Sinks: 4, Streaming: true}, Attention{Window: 64, Sinks: 4, Streaming: true}.Effective(swa))
	assert.Equal(t, Attention{Window: 8}, Attention{Window: 8}.Effective(swa))

	tokens := randomTokens(80, plain.VocabSize(), 8)
	got := allLogits(t, swa, SessionOptions{Ctx: 80}, tokens, 8)
	want := allLogits(t, plain, SessionOptions{Ctx: 80, Window: 16}, tokens, 8)
	full := allLogits(t, plain, SessionOptions{Ctx: 80}, tokens, 8)
	assert.Equal(t, want, got)
	assert.NotEqual(t, full, got, "the window must change something over 80 tokens")
}
