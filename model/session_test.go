package model

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"sync"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/ropescale"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const storiesPath = "../testdata/stories260K.gguf"

func openTest(t testing.TB, path string) *Model {
	t.Helper()
	m, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

func newTestSession(t testing.TB, m *Model, o SessionOptions) *Session {
	t.Helper()
	s, err := m.NewSession(o)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// storyTokens are the first n tokens of the golden story (BOS first).
func storyTokens(t *testing.T, n int) []int32 {
	toks := readTokens(t, goldenDir+"/ropescale/stories260K-2048.tokens")
	return toks[:n]
}

// evalAll evaluates tokens in the session and returns every row.
func evalAll(t *testing.T, s *Session, tokens []int32) []float32 {
	t.Helper()
	vocab := s.Model().VocabSize()
	rows := make([]int, len(tokens))
	for i := range rows {
		rows[i] = i
	}
	out := make([]float32, len(tokens)*vocab)
	require.NoError(t, s.Eval(context.Background(), Batch{Tokens: tokens, Rows: rows, Logits: out}))
	return out
}

func TestSaveRestoreContinues(t *testing.T) {
	m := openTest(t, storiesPath)
	tokens := storyTokens(t, 96)
	for _, kv := range []lc.DType{lc.F32, lc.F16, lc.Q8_0} {
		t.Run(kv.String(), func(t *testing.T) {
			// The reference runs the same micro-batches without the detour:
			// other batch shapes sum in other orders, and a last-bit change
			// that flips a key's f16 rounding moves stories260K's logits by
			// up to 1e-2 (the reference's own f16 decode-vs-batch spread).
			opts := SessionOptions{Ctx: 128, KV: kv, Batch: 16}
			ref := newTestSession(t, m, opts)
			require.NoError(t, ref.Prefill(context.Background(), tokens[:50], nil))
			want := evalAll(t, ref, tokens[50:])

			a := newTestSession(t, m, opts)
			require.NoError(t, a.Prefill(context.Background(), tokens[:50], nil))
			var buf bytes.Buffer
			require.NoError(t, a.Save(&buf))

			// A fresh session with a larger cache continues where a stopped.
			opts.Ctx = 200
			b := newTestSession(t, m, opts)
			require.NoError(t, b.Restore(bytes.NewReader(buf.Bytes())))
			assert.Equal(t, 50, b.Pos())
			assert.Equal(t, tokens[:50], b.Tokens())
			assert.Equal(t, a.Logits(), b.Logits())
			// Same kernels, same shapes, same cache contents: the same bits.
			assert.Equal(t, want, evalAll(t, b, tokens[50:]))
		})
	}
}

func TestRestoreRejects(t *testing.T) {
	m := openTest(t, storiesPath)
	s := newTestSession(t, m, SessionOptions{Ctx: 64})
	require.NoError(t, s.Prefill(context.Background(), storyTokens(t, 40), nil))
	var buf bytes.Buffer
	require.NoError(t, s.Save(&buf))
	saved := buf.Bytes()

	other := openTest(t, goldenDir+"/models/llama-tiny-f32.gguf")
	cases := []struct {
		name     string
		target   *Session
		data     []byte
		mismatch bool
	}{
		{"other model", newTestSession(t, other, SessionOptions{Ctx: 64}), saved, true},
		{"other KV type", newTestSession(t, m, SessionOptions{Ctx: 64, KV: lc.F16}), saved, true},
		{"smaller cache", newTestSession(t, m, SessionOptions{Ctx: 32}), saved, true},
		{"other RoPE", newTestSession(t, m, SessionOptions{Ctx: 64, Rope: ropescale.Overrides{Method: new(ropescale.Linear), Scale: new(4.0)}}), saved, true},
		{"dynamic NTK", newTestSession(t, m, SessionOptions{Ctx: 64, Rope: ropescale.Overrides{Method: new(ropescale.Dynamic), Scale: new(4.0)}}), saved, true},
		{"empty", newTestSession(t, m, SessionOptions{Ctx: 64}), nil, false},
		{"not a state", newTestSession(t, m, SessionOptions{Ctx: 64}), []byte("GGUF and then some bytes"), false},
		{"truncated", newTestSession(t, m, SessionOptions{Ctx: 64}), saved[:len(saved)-9], false},
		{"no end marker", newTestSession(t, m, SessionOptions{Ctx: 64}), append(bytes.Clone(saved[:len(saved)-8]), "LCRUNENX"...), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, c.target.Prefill(context.Background(), []int32{1, 2, 3}, nil))
			err := c.target.Restore(bytes.NewReader(c.data))
			require.Error(t, err)
			assert.Equal(t, c.mismatch, errors.Is(err, ErrStateMismatch), err.Error())
			assert.Equal(t, 0, c.target.Pos(), "left reset")
			assert.Nil(t, c.target.Logits())
		})
	}
}

// The RoPE check compares frequency tables, not flags: a setting that
// leaves the table as it is (linear x1, a larger context) still restores,
// and the state continues exactly.
func TestRestoreSameRopeTable(t *testing.T) {
	m := openTest(t, storiesPath)
	s := newTestSession(t, m, SessionOptions{Ctx: 64})
	tokens := storyTokens(t, 40)
	require.NoError(t, s.Prefill(context.Background(), tokens, nil))
	var buf bytes.Buffer
	require.NoError(t, s.Save(&buf))
	want := slices.Clone(s.Logits())
	for _, o := range []SessionOptions{
		{Ctx: 128},
		{Ctx: 64, Rope: ropescale.Overrides{Method: new(ropescale.Linear), Scale: new(1.0)}},
	} {
		target := newTestSession(t, m, o)
		require.NoError(t, target.Restore(bytes.NewReader(buf.Bytes())))
		assert.Equal(t, want, target.Logits())
	}
	// The other way round too: a state saved under linear x4 needs linear x4.
	x4 := SessionOptions{Ctx: 64, Rope: ropescale.Overrides{Method: new(ropescale.Linear), Scale: new(4.0)}}
	s4 := newTestSession(t, m, x4)
	require.NoError(t, s4.Prefill(context.Background(), tokens, nil))
	buf.Reset()
	require.NoError(t, s4.Save(&buf))
	err := newTestSession(t, m, SessionOptions{Ctx: 64}).Restore(bytes.NewReader(buf.Bytes()))
	require.ErrorIs(t, err, ErrStateMismatch)
	assert.Contains(t, err.Error(), "RoPE (linear")
	require.NoError(t, newTestSession(t, m, x4).Restore(bytes.NewReader(buf.Bytes())))
}

// FuzzRestore: any byte stream is an error or a state, never a panic.
// Its seed is the state of a tiny model (387 bytes); one of stories260K,
// ~40 KB, had the fuzzer spend its minute minimising.
func FuzzRestore(f *testing.F) {
	m, err := OpenBytes(fuzzModels(f)[0], "fuzz")
	require.NoError(f, err)
	f.Cleanup(func() { m.Close() })
	s := newTestSession(f, m, SessionOptions{Ctx: 16})
	require.NoError(f, s.Prefill(context.Background(), []int32{1, 2, 3, 7}, nil))
	var buf bytes.Buffer
	require.NoError(f, s.Save(&buf))
	f.Add(buf.Bytes())
	f.Add([]byte(stateMagic))
	target := newTestSession(f, m, SessionOptions{Ctx: 16})
	f.Fuzz(func(t *testing.T, data []byte) {
		if target.Restore(bytes.NewReader(data)) == nil {
			_, err := target.Decode(5)
			if err != nil {
				assert.Contains(t, err.Error(), "full")
			}
		}
	})
}

// Sessions over one Model from several goroutines compute what one
// session alone computes (run under -race in CI).
func TestConcurrentSessions(t *testing.T) {
	m := openTest(t, storiesPath)
	tokens := storyTokens(t, 64)
	want := evalAll(t, newTestSession(t, m, SessionOptions{Ctx: 64, Threads: 1}), tokens)
	var wg sync.WaitGroup
	results := make([][]float32, 4)
	for g := range results {
		wg.Go(func() {
			s, err := m.NewSession(SessionOptions{Ctx: 64, Threads: 1 + g%2, Batch: 8 << g})
			if !assert.NoError(t, err) {
				return
			}
			defer s.Close()
			results[g] = evalAll(t, s, tokens)
		})
	}
	wg.Wait()
	for _, got := range results {
		assertClose(t, want, got, 1e-4)
	}
}

func TestEvalCancelAndProgress(t *testing.T) {
	m := openTest(t, storiesPath)
	s := newTestSession(t, m, SessionOptions{Ctx: 256, Batch: 32})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls [][2]int
	err := s.Prefill(ctx, storyTokens(t, 100), func(done, total int) {
		calls = append(calls, [2]int{done, total})
		if done >= 64 {
			cancel()
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, [][2]int{{32, 100}, {64, 100}}, calls)
	assert.Equal(t, 64, s.Pos(), "the micro-batches done stay")
	assert.Nil(t, s.Logits())

	calls = nil
	require.NoError(t, s.Prefill(context.Background(), storyTokens(t, 100)[64:], func(done, total int) {
		calls = append(calls, [2]int{done, total})
	}))
	assert.Equal(t, [][2]int{{32, 36}, {36, 36}}, calls)
	assert.NotNil(t, s.Logits())
}

func TestEvalErrors(t *testing.T) {
	m := openTest(t, storiesPath)
	s := newTestSession(t, m, SessionOptions{Ctx: 8})
	vocab := m.VocabSize()
	cases := []struct {
		name string
		b    Batch
		want string
	}{
		{"token out of range", Batch{Tokens: []int32{1, int32(vocab)}}, "out of range"},
		{"negative token", Batch{Tokens: []int32{-1}}, "out of range"},
		{"positions", Batch{Tokens: []int32{1, 2}, Pos: []int32{0}}, "positions"},
		{"negative position", Batch{Tokens: []int32{1}, Pos: []int32{-3}}, "negative"},
		{"rows order", Batch{Tokens: []int32{1, 2}, Rows: []int{1, 0}, Logits: make([]float32, 2*vocab)}, "ascending"},
		{"rows range", Batch{Tokens: []int32{1, 2}, Rows: []int{2}, Logits: make([]float32, vocab)}, "ascending"},
		{"short logits", Batch{Tokens: []int32{1, 2}, Rows: []int{0, 1}, Logits: make([]float32, vocab)}, "need"},
		{"context full", Batch{Tokens: make([]int32, 9)}, "full"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.Reset()
			err := s.Eval(context.Background(), c.b)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	_, err := m.NewSession(SessionOptions{KV: lc.Q4_0})
	assert.ErrorContains(t, err, "KV cache type")
	_, err = m.NewSession(SessionOptions{Ctx: -1})
	assert.ErrorContains(t, err, "negative")
	_, err = m.NewSession(SessionOptions{Sinks: 4})
	assert.ErrorContains(t, err, "window")
	_, err = m.NewSession(SessionOptions{Ctx: 1 << 40})
	assert.ErrorContains(t, err, "memory")
}

// A session's logits do not depend on how the tokens are split into
// evaluations, nor on whether positions are given or implied.
func TestEvalSplitsAndPositions(t *testing.T) {
	m := openTest(t, storiesPath)
	tokens := storyTokens(t, 40)
	want := evalAll(t, newTestSession(t, m, SessionOptions{Ctx: 64}), tokens)
	s := newTestSession(t, m, SessionOptions{Ctx: 64, Batch: 5})
	vocab := m.VocabSize()
	got := make([]float32, 0, len(want))
	for i := 0; i < len(tokens); i += 13 {
		part := tokens[i:min(i+13, len(tokens))]
		pos := make([]int32, len(part))
		for j := range pos {
			pos[j] = int32(i + j)
		}
		rows := make([]int, len(part))
		for j := range rows {
			rows[j] = j
		}
		out := make([]float32, len(part)*vocab)
		require.NoError(t, s.Eval(context.Background(), Batch{Tokens: part, Pos: pos, Rows: rows, Logits: out}))
		got = append(got, out...)
	}
	assertClose(t, want, got, 1e-4)
	assert.Equal(t, 40, s.Pos())
}

// With a window, the cache is a ring that reuses the slots of keys no
// query sees any more: the logits equal those of a full cache with the
// same window (the kernel masks the old keys there).
func TestWindowRing(t *testing.T) {
	m := openTest(t, storiesPath)
	tokens := storyTokens(t, 300)
	for _, sinks := range []int{0, 4} {
		full := newTestSession(t, m, SessionOptions{Ctx: 300, Window: 32, Sinks: sinks, Batch: 16})
		want := evalAll(t, full, tokens)
		ring := newTestSession(t, m, SessionOptions{Ctx: 32 + sinks + 16, Window: 32, Sinks: sinks, Batch: 16})
		got := evalAll(t, ring, tokens)
		assertClose(t, want, got, 1e-4)
	}
	small := newTestSession(t, m, SessionOptions{Ctx: 40, Window: 32, Batch: 16})
	err := small.Prefill(context.Background(), tokens, nil)
	assert.ErrorContains(t, err, "too small")
}

func assertClose(t *testing.T, want, got []float32, tol float64) {
	t.Helper()
	require.Len(t, got, len(want))
	worst := 0.0
	for i := range want {
		d := float64(want[i] - got[i])
		worst = max(worst, d, -d)
		if d != d {
			worst = d
			break
		}
	}
	assert.LessOrEqual(t, worst, tol)
}

// Decoding in steady state allocates nothing (scratch is preallocated).
func TestDecodeNoAllocs(t *testing.T) {
	m := openTest(t, storiesPath)
	for _, threads := range []int{1, 2} {
		s := newTestSession(t, m, SessionOptions{Ctx: 256, Threads: threads, KV: lc.F16})
		// Warm up past one attention block of keys (64): the pool's
		// scratch grows to its steady size on the way.
		for i := range 80 {
			_, err := s.Decode(int32(1 + i))
			require.NoError(t, err)
		}
		tok := int32(100)
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := s.Decode(tok); err != nil {
				t.Fatal(err)
			}
			tok = (tok*31 + 7) % 512
		})
		assert.Zero(t, allocs, "threads %d", threads)
	}
}

// TestHugeContextIsRefused: contexts whose size computations overflow
// int64 are refused with an error (they once passed the memory check and
// panicked in makeslice), whether or not the free memory is known.
func TestHugeContextIsRefused(t *testing.T) {
	m := openStories(t)
	for _, ctx := range []int{math.MaxInt, math.MaxInt / 2, math.MaxInt / 7, math.MaxInt32 + 1, 1 << 40} {
		_, err := m.NewSession(SessionOptions{Ctx: ctx})
		require.ErrorContains(t, err, "memory", "ctx %d", ctx)
		n, err := m.SessionBytes(SessionOptions{Ctx: ctx})
		require.NoError(t, err)
		assert.Positive(t, n, "the estimate saturates instead of wrapping")
	}
}

// TestRestoreRejectsEveryByteFlip: the state's checksum turns any damaged
// byte into an error (without it, most flips in the cache and the logits
// restored silently).
func TestRestoreRejectsEveryByteFlip(t *testing.T) {
	m := openStories(t)
	s := newTestSession(t, m, SessionOptions{Ctx: 16})
	require.NoError(t, s.Prefill(context.Background(), []int32{1, 400, 20}, nil))
	var buf bytes.Buffer
	require.NoError(t, s.Save(&buf))
	saved := buf.Bytes()
	target := newTestSession(t, m, SessionOptions{Ctx: 16})
	step := 1
	if testing.Short() {
		step = 7
	}
	for i := 0; i < len(saved); i += step {
		bad := append([]byte(nil), saved...)
		bad[i] ^= 0x10
		require.Error(t, target.Restore(bytes.NewReader(bad)), "byte %d of %d flipped", i, len(saved))
		assert.Zero(t, target.Pos(), "a refused state leaves the session empty")
	}
	require.NoError(t, target.Restore(bytes.NewReader(saved)))
	assert.Equal(t, s.Logits(), target.Logits())
}
