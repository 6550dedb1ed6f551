package serving

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lcrun/lcrun/internal/defaultmodel"
	"github.com/lcrun/lcrun/internal/synth"
	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/prefixcache"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openModel(t testing.TB) *model.Model {
	t.Helper()
	m, err := model.OpenBytes(defaultmodel.GGUF(), "stories260K")
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

func newEngine(t testing.TB, m *model.Model, o Options) *Engine {
	t.Helper()
	if o.Session.Ctx == 0 {
		o.Session.Ctx = 256
	}
	o.Session.Threads = 1
	e, err := New(m, o)
	require.NoError(t, err)
	t.Cleanup(e.Close)
	return e
}

const story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends. One day, she saw a big red ball under a tree."

func greedy(prompt []int32, n int) Request {
	return Request{Prompt: prompt, MaxTokens: n}
}

// other returns tokens that continue prompt with something else than the
// answer did (so that the common prefix is exactly the prompt).
func other(prompt []int32, answer []int32, k int) []int32 {
	out := slices.Clone(prompt)
	for i := int32(1); len(out) < len(prompt)+k; i++ {
		if len(out) == len(prompt) && len(answer) > 0 && 100+i == answer[0] {
			continue
		}
		out = append(out, 100+i)
	}
	return out
}

// A prompt that extends an earlier one evaluates only its new tokens;
// another question about the same text goes back to it (Truncate).
func TestPrefixReuseInSession(t *testing.T) {
	m := openModel(t)
	e := newEngine(t, m, Options{})
	a := e.Text(story)
	r1, err := e.Generate(context.Background(), greedy(a, 4))
	require.NoError(t, err)
	assert.Equal(t, Result{PromptTokens: len(a), Evaluated: len(a)}, Result{PromptTokens: r1.PromptTokens, Reused: r1.Reused, Evaluated: r1.Evaluated})

	b := other(a, r1.Tokens, 7)
	r2, err := e.Generate(context.Background(), greedy(b, 4))
	require.NoError(t, err)
	assert.Equal(t, len(a), r2.Reused)
	assert.Equal(t, 7, r2.Evaluated)
	assert.Equal(t, "session", r2.From)

	c := other(a, nil, 3)
	c[len(a)] = b[len(a)] + 50 // diverges right after the shared text
	r3, err := e.Generate(context.Background(), greedy(c, 4))
	require.NoError(t, err)
	assert.Equal(t, len(a), r3.Reused)
	assert.Equal(t, 3, r3.Evaluated)

	// The same prompt again: only its last token is evaluated again
	// (for the logits), and the answer is the same.
	r4, err := e.Generate(context.Background(), greedy(a, 4))
	require.NoError(t, err)
	assert.Equal(t, 1, r4.Evaluated)
	assert.Equal(t, r1.Text, r4.Text)
	assert.Equal(t, r1.Tokens, r4.Tokens)
}

// A session taken by another prompt still serves the first one's prefix
// from the in-memory snapshot; a fresh engine over the same cache
// directory serves it from disk.
func TestPrefixReuseFromSnapshots(t *testing.T) {
	m := openModel(t)
	dir := t.TempDir()
	cache, err := prefixcache.Open(dir, 0, nil)
	require.NoError(t, err)
	e := newEngine(t, m, Options{MemoryBytes: 64 << 20, Cache: cache, Fingerprint: "test", MinSnapshot: 8})
	a := e.Text(story)
	r1, err := e.Generate(context.Background(), greedy(a, 2))
	require.NoError(t, err)
	x := e.Text("The sun was hot and the dog was sleepy. Tom went to the shop to buy some milk.")
	_, err = e.Generate(context.Background(), greedy(x, 2))
	require.NoError(t, err)

	b := other(a, r1.Tokens, 5)
	r2, err := e.Generate(context.Background(), greedy(b, 2))
	require.NoError(t, err)
	assert.Equal(t, "memory", r2.From)
	assert.Equal(t, len(a), r2.Reused)
	assert.Equal(t, 5, r2.Evaluated)

	fresh := newEngine(t, m, Options{Cache: cache, Fingerprint: "test", MinSnapshot: 8})
	r3, err := fresh.Generate(context.Background(), greedy(b, 2))
	require.NoError(t, err)
	assert.Equal(t, "disk", r3.From)
	assert.Equal(t, len(a), r3.Reused, "b's 5 new tokens were too few to store")
	assert.Equal(t, 5, r3.Evaluated)
	assert.Equal(t, r2.Text, r3.Text)

	r4, err := fresh.Generate(context.Background(), greedy(a, 2))
	require.NoError(t, err)
	assert.Equal(t, "disk", r4.From)
	assert.Equal(t, len(a), r4.Reused, "a's own state has its logits")

	another := newEngine(t, m, Options{Cache: cache, Fingerprint: "another", MinSnapshot: 8})
	r4, err = another.Generate(context.Background(), greedy(b, 2))
	require.NoError(t, err)
	assert.Equal(t, len(b), r4.Evaluated, "states of other session options are not used")
}

// Where two prompts part (another question about the same text) the
// shared state goes to disk, so that a restarted engine resumes the text
// for a third question.
func TestBranchPointOnDisk(t *testing.T) {
	m := openModel(t)
	cache, err := prefixcache.Open(t.TempDir(), 0, nil)
	require.NoError(t, err)
	e := newEngine(t, m, Options{Cache: cache, Fingerprint: "test", MinSnapshot: 8})
	a := e.Text(story)
	q1 := other(a, nil, 4)
	r1, err := e.Generate(context.Background(), greedy(q1, 2))
	require.NoError(t, err)
	q2 := other(a, r1.Tokens, 4)
	q2[len(a)] = q1[len(a)] + 50
	_, err = e.Generate(context.Background(), greedy(q2, 2))
	require.NoError(t, err)

	fresh := newEngine(t, m, Options{Cache: cache, Fingerprint: "test", MinSnapshot: 8})
	q3 := other(a, nil, 4)
	q3[len(a)] = q1[len(a)] + 60
	r3, err := fresh.Generate(context.Background(), greedy(q3, 2))
	require.NoError(t, err)
	assert.Equal(t, "disk", r3.From)
	assert.Equal(t, len(a), r3.Reused)
	assert.Equal(t, 4, r3.Evaluated)
}

// Snapshots stay under their bound, least recently used first out.
func TestSnapshotsBound(t *testing.T) {
	ss := snapshots{max: 100}
	ss.add([]int32{1, 2}, make([]byte, 40), true) // 48
	ss.add([]int32{3, 4}, make([]byte, 40), true) // 96
	ss.best([]int32{1, 2, 9}, true)               // {1,2} used last
	ss.add([]int32{5, 6}, make([]byte, 40), true) // evicts {3,4}
	ss.add([]int32{7}, make([]byte, 200), true)   // too large: not kept
	assert.True(t, ss.has([]int32{1, 2}))
	assert.False(t, ss.has([]int32{3, 4}))
	assert.True(t, ss.has([]int32{5, 6}))
	assert.LessOrEqual(t, ss.size, ss.max)
	ss.add([]int32{1, 2, 3}, make([]byte, 10), true) // replaces its prefix {1,2}
	assert.False(t, ss.has([]int32{1, 2}))
	s, n := ss.best([]int32{1, 2, 7}, true)
	require.NotNil(t, s)
	assert.Equal(t, 2, n)
	_, n = ss.best([]int32{1, 2, 7}, false)
	assert.Equal(t, 0, n, "without truncation a longer state serves nothing")
}

func TestUsable(t *testing.T) {
	for _, c := range []struct {
		tokens, prompt   []int32
		logits, truncate bool
		want             int
	}{
		{[]int32{1, 2}, []int32{1, 2, 3}, true, false, 2},
		{[]int32{1, 2, 3}, []int32{1, 2, 3}, true, false, 3},
		{[]int32{1, 2, 3}, []int32{1, 2, 3}, false, false, 0},
		{[]int32{1, 2, 3}, []int32{1, 2, 3}, false, true, 2},
		{[]int32{1, 2, 3, 4}, []int32{1, 2, 3}, true, true, 2},
		{[]int32{1, 2, 4}, []int32{1, 2, 3}, true, false, 0},
		{[]int32{1, 2, 4}, []int32{1, 2, 3}, true, true, 2},
		{nil, []int32{1}, false, true, 0},
		{[]int32{5}, []int32{1}, true, true, 0},
	} {
		assert.Equal(t, c.want, usable(c.tokens, c.prompt, c.logits, c.truncate), "%v %v", c.tokens, c.prompt)
	}
}

// Cancelling the context stops generation at the next token.
func TestCancelStopsPromptly(t *testing.T) {
	m := openModel(t)
	e := newEngine(t, m, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pieces := 0
	r := Request{Prompt: e.Text(story), Sampler: model.SamplerOptions{Temperature: 1, Seed: 1}, Text: func(string) error {
		if pieces++; pieces == 3 {
			cancel()
		}
		return nil
	}}
	res, err := e.Generate(ctx, r)
	require.ErrorIs(t, err, context.Canceled)
	assert.LessOrEqual(t, res.CompletionTokens, 4+3, "a few tokens may carry no text of their own")
	// The session is back for the next request.
	_, err = e.Generate(context.Background(), greedy(e.Text("Tom"), 2))
	require.NoError(t, err)
}

// A client's error from Text ends the request with it.
func TestTextErrorEnds(t *testing.T) {
	m := openModel(t)
	e := newEngine(t, m, Options{})
	gone := errors.New("client gone")
	_, err := e.Generate(context.Background(), Request{Prompt: e.Text(story), MaxTokens: 50, Text: func(string) error { return gone }})
	require.ErrorIs(t, err, gone)
}

// Past the sessions, requests wait in the queue; past the queue, ErrBusy.
// A waiter that gives up leaves the queue.
func TestQueueOverflow(t *testing.T) {
	m := openModel(t)
	e := newEngine(t, m, Options{Parallel: 1, Queue: 1})
	hold, held := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := e.Generate(context.Background(), Request{Prompt: e.Text(story), MaxTokens: 3, Text: func(string) error {
			once.Do(func() { close(held) })
			<-hold
			return nil
		}})
		assert.NoError(t, err)
	}()
	<-held

	quit, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() {
		_, err := e.Generate(quit, greedy(e.Text("Tom"), 2))
		errs <- err
	}()
	require.Eventually(t, func() bool { return e.Waiting() == 1 }, 5*time.Second, time.Millisecond)
	_, err := e.Generate(context.Background(), greedy(e.Text("Tom"), 2))
	require.ErrorIs(t, err, ErrBusy)
	cancel()
	require.ErrorIs(t, <-errs, context.Canceled)
	assert.Equal(t, 0, e.Waiting())

	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := e.Generate(context.Background(), greedy(e.Text("Tom"), 2))
		assert.NoError(t, err, "a waiter gets the session when it is free")
	}()
	require.Eventually(t, func() bool { return e.Waiting() == 1 }, 5*time.Second, time.Millisecond)
	close(hold)
	wg.Wait()
}

// Concurrent requests on two sessions each get their own prompt's
// continuation: the same as the request alone (greedy).
func TestConcurrentNotMixed(t *testing.T) {
	m := openModel(t)
	e := newEngine(t, m, Options{Parallel: 2, MemoryBytes: 16 << 20, MinSnapshot: 4})
	prompts := []string{"Tom had a dog", "Lily saw a bird", "The sun was", "Once upon a time", "Ben and Mia", "A big red ball"}
	want := map[string]string{}
	for _, p := range prompts {
		r, err := e.Generate(context.Background(), greedy(e.Text(p), 8))
		require.NoError(t, err)
		want[p] = r.Text
	}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := prompts[i%len(prompts)]
			r, err := e.Generate(context.Background(), greedy(e.Text(p), 8))
			if assert.NoError(t, err) {
				assert.Equal(t, want[p], r.Text, "prompt %q", p)
			}
		}()
	}
	wg.Wait()
}

func TestFinishAndStop(t *testing.T) {
	m := openModel(t)
	e := newEngine(t, m, Options{})
	p := e.Text(story)
	r, err := e.Generate(context.Background(), greedy(p, 24))
	require.NoError(t, err)
	assert.Equal(t, FinishLength, r.Finish)
	assert.Equal(t, 24, r.CompletionTokens)
	require.Greater(t, len(r.Text), 10)
	stop := r.Text[6:9]
	s, err := e.Generate(context.Background(), Request{Prompt: p, MaxTokens: 24, Stop: []string{stop}})
	require.NoError(t, err)
	assert.Equal(t, FinishStop, s.Finish)
	assert.Equal(t, r.Text[:6], s.Text[:min(6, len(s.Text))])
	assert.NotContains(t, s.Text, stop)
	assert.Less(t, s.CompletionTokens, 24)
}

func TestRequestErrors(t *testing.T) {
	m := openModel(t)
	e := newEngine(t, m, Options{Session: model.SessionOptions{Ctx: 32}})
	long := make([]int32, 32)
	for i := range long {
		long[i] = 1 + int32(i)
	}
	var tooLong *TooLongError
	_, err := e.Generate(context.Background(), greedy(long, 1))
	require.ErrorAs(t, err, &tooLong)
	assert.Equal(t, TooLongError{Tokens: 32, Ctx: 32}, *tooLong)
	var bad *RequestError
	for _, r := range []Request{
		{},
		{Prompt: []int32{1}, Sampler: model.SamplerOptions{Temperature: -1}},
		{Prompt: []int32{1}, Sampler: model.SamplerOptions{TopP: float32(math.NaN())}},
		{Prompt: []int32{1}, Stop: []string{""}},
	} {
		_, err := e.Generate(context.Background(), r)
		assert.ErrorAs(t, err, &bad, "%+v", r)
	}
	// An answer is capped by the context: a prompt of 30 gets 2 tokens.
	r, err := e.Generate(context.Background(), greedy(long[:30], 0))
	require.NoError(t, err)
	if r.Finish == FinishLength {
		assert.Equal(t, 2, r.CompletionTokens)
	}
	_, err = e.Chat(nil, nil)
	assert.ErrorAs(t, err, &bad)
}

func TestChatTemplateFallback(t *testing.T) {
	m := openModel(t)
	e := newEngine(t, m, Options{})
	tmpl, err := ChatTemplate(m)
	require.NoError(t, err)
	assert.Equal(t, "mistral", tmpl.Name(), "a llama file without a template or Llama 3 tokens")
	toks, err := e.Chat(tmpl, []model.Message{{Role: "user", Content: "Hi"}})
	require.NoError(t, err)
	assert.NotEmpty(t, toks)
}

// Sessions that together do not fit the machine are refused up front,
// with one error, not an out-of-memory crash at the last one.
func TestSessionsMustFitTogether(t *testing.T) {
	m := openModel(t)
	one, err := m.SessionBytes(model.SessionOptions{Ctx: 2048})
	require.NoError(t, err)
	free := sysmem.Available()
	if free.Bytes == 0 {
		t.Skip("the free memory is unknown here")
	}
	n := int(free.Bytes/one) + 1
	_, err = New(m, Options{Parallel: n, Session: model.SessionOptions{Ctx: 2048}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sessions need")
}

// A recurrent model cannot drop tokens: a prompt resumes only from a
// state of a whole prefix of it (here the snapshot of the first prompt,
// the session having generated past it).
func TestPrefixReuseRecurrent(t *testing.T) {
	spec, err := synth.Lookup("mamba-tiny-f32")
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = spec.WriteTo(&buf)
	require.NoError(t, err)
	m, err := model.OpenBytes(buf.Bytes(), "mamba-tiny")
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	e := newEngine(t, m, Options{MemoryBytes: 16 << 20, MinSnapshot: 8})
	a := make([]int32, 40)
	for i := range a {
		a[i] = int32(10 + i)
	}
	r1, err := e.Generate(context.Background(), greedy(a, 3))
	require.NoError(t, err)
	assert.Equal(t, len(a), r1.Evaluated)
	b := other(a, r1.Tokens, 5)
	r2, err := e.Generate(context.Background(), greedy(b, 3))
	require.NoError(t, err)
	assert.Equal(t, "memory", r2.From)
	assert.Equal(t, len(a), r2.Reused)
	c := slices.Clone(b)
	c[len(a)-1]++ // parts before the end of every kept state
	r3, err := e.Generate(context.Background(), greedy(c, 3))
	require.NoError(t, err)
	assert.Equal(t, len(c), r3.Evaluated)
}
