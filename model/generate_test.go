package model

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// collect runs a stream to its end.
func collect(t *testing.T, s *Session, ctx context.Context, o GenerateOptions) (ids []int32, text string, err error) {
	t.Helper()
	var b strings.Builder
	for tk, e := range s.Generate(ctx, o) {
		if e != nil {
			return ids, b.String(), e
		}
		ids = append(ids, tk.ID)
		b.WriteString(tk.Text)
	}
	return ids, b.String(), nil
}

func TestGenerateGreedy(t *testing.T) {
	m := openTest(t, storiesPath)
	tok, err := m.Tokenizer()
	require.NoError(t, err)
	prompt := tok.Encode("Once upon a time, there was a little girl", true, false)

	s := newTestSession(t, m, SessionOptions{Ctx: 128})
	_, _, err = collect(t, s, context.Background(), GenerateOptions{MaxTokens: 3})
	require.ErrorIs(t, err, ErrNoLogits)

	require.NoError(t, s.Prefill(context.Background(), prompt, nil))
	ids, text, err := collect(t, s, context.Background(), GenerateOptions{MaxTokens: 20})
	require.NoError(t, err)
	require.Len(t, ids, 20)
	assert.Equal(t, string(tok.DecodeRaw(ids)), text)
	assert.Equal(t, append(append([]int32{}, prompt...), ids...), s.Tokens(), "the session holds every token returned")
	assert.Equal(t, len(prompt)+20, s.Pos())

	// The same by hand: argmax, decode, repeat.
	r := newTestSession(t, m, SessionOptions{Ctx: 128})
	require.NoError(t, r.Prefill(context.Background(), prompt, nil))
	logits := r.Logits()
	for i := range 20 {
		id := argmax(logits)
		require.Equal(t, ids[i], id, "token %d", i)
		logits, err = r.Decode(id)
		require.NoError(t, err)
	}
	t.Logf("greedy: %q", text)
}

func TestGenerateStops(t *testing.T) {
	m := openTest(t, storiesPath)
	tok, err := m.Tokenizer()
	require.NoError(t, err)
	prompt := tok.Encode("The cat", true, false)
	s := newTestSession(t, m, SessionOptions{Ctx: 16})
	prefill := func() {
		s.Reset()
		require.NoError(t, s.Prefill(context.Background(), prompt, nil))
	}

	t.Run("end of generation", func(t *testing.T) {
		prefill()
		s.logits[tok.EOS()] = 1e9
		ids, _, err := collect(t, s, context.Background(), GenerateOptions{MaxTokens: 5})
		require.NoError(t, err)
		assert.Empty(t, ids)
		prefill()
		s.logits[tok.EOS()] = 1e9
		ids, _, err = collect(t, s, context.Background(), GenerateOptions{MaxTokens: 1, IgnoreEOG: true})
		require.NoError(t, err)
		assert.Equal(t, []int32{tok.EOS()}, ids)
	})
	t.Run("stop tokens", func(t *testing.T) {
		prefill()
		ids, _, err := collect(t, s, context.Background(), GenerateOptions{MaxTokens: 4})
		require.NoError(t, err)
		require.Len(t, ids, 4)
		prefill()
		k := slices.Index(ids, ids[2]) // its first time
		got, text, err := collect(t, s, context.Background(), GenerateOptions{MaxTokens: 4, StopTokens: []int32{ids[2]}})
		require.NoError(t, err)
		assert.Equal(t, ids[:k], got, "the stop token is not returned")
		assert.Equal(t, string(tok.DecodeRaw(ids[:k])), text)
		assert.Equal(t, len(prompt)+k, s.Pos(), "nor evaluated")
		prefill()
		s.logits[tok.EOS()] = 1e9
		got, _, err = collect(t, s, context.Background(), GenerateOptions{MaxTokens: 4, IgnoreEOG: true, StopTokens: []int32{tok.EOS()}})
		require.NoError(t, err)
		assert.Empty(t, got, "a stop token ends generation with IgnoreEOG too")
	})
	t.Run("context full", func(t *testing.T) {
		prefill()
		ids, _, err := collect(t, s, context.Background(), GenerateOptions{})
		require.ErrorContains(t, err, "full")
		assert.Len(t, ids, 16-len(prompt)+1, "the last token is returned, then its evaluation fails")
	})
	t.Run("cancelled", func(t *testing.T) {
		prefill()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n := 0
		for _, err := range s.Generate(ctx, GenerateOptions{MaxTokens: 8}) {
			if err != nil {
				require.ErrorIs(t, err, context.Canceled)
				break
			}
			if n++; n == 2 {
				cancel()
			}
		}
		assert.Equal(t, 2, n)
	})
	t.Run("caller stops", func(t *testing.T) {
		prefill()
		n := 0
		for range s.Generate(context.Background(), GenerateOptions{MaxTokens: 8}) {
			if n++; n == 3 {
				break
			}
		}
		assert.Equal(t, 3, n)
		assert.Equal(t, len(prompt)+3, s.Pos(), "the token the caller stopped at is evaluated too")
	})
}

func TestStopText(t *testing.T) {
	for _, c := range []struct {
		name   string
		stops  []string
		pieces []string
		want   []string // what each add gives out
		stop   int      // index of the piece that completes a stop, -1 for none
		rest   string   // flush at the end
	}{
		{"none", nil, []string{"ab", "c"}, []string{"ab", "c"}, -1, ""},
		{"inside one piece", []string{"User:"}, []string{"Hi User: yo"}, []string{"Hi "}, 0, ""},
		{"across pieces", []string{"User:"}, []string{"Hi Us", "er", ": more"}, []string{"Hi ", "", ""}, 2, ""},
		{"a false start is given out", []string{"User:"}, []string{"Hi Us", "ually"}, []string{"Hi ", "Usually"}, -1, ""},
		{"held at the end", []string{"User:"}, []string{"Hi Use"}, []string{"Hi "}, -1, "Use"},
		{"the earliest of two", []string{"###", "Q:"}, []string{"a Q: b ###"}, []string{"a "}, 0, ""},
		{"multi-byte", []string{"»"}, []string{"x\xc2", "\xbb y"}, []string{"x", ""}, 1, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := stopText{stops: c.stops}
			stop := -1
			for i, p := range c.pieces {
				out, stopped := st.add(p)
				assert.Equal(t, c.want[i], out, "piece %d", i)
				if stopped {
					stop = i
					break
				}
			}
			assert.Equal(t, c.stop, stop)
			assert.Equal(t, c.rest, st.flush())
		})
	}
}

// TestGenerateStopStrings: generation ends at a stop string, which is not
// returned; the text before it is what a run without stops gives.
func TestGenerateStopStrings(t *testing.T) {
	m := openTest(t, storiesPath)
	tok, err := m.Tokenizer()
	require.NoError(t, err)
	prompt := tok.Encode("Once upon a time, there was a little girl", true, false)
	run := func(o GenerateOptions) (int, string) {
		s := newTestSession(t, m, SessionOptions{Ctx: 256})
		require.NoError(t, s.Prefill(context.Background(), prompt, nil))
		ids, text, err := collect(t, s, context.Background(), o)
		require.NoError(t, err)
		assert.Equal(t, len(prompt)+len(ids), s.Pos(), "every returned token is in the session")
		return len(ids), text
	}
	_, full := run(GenerateOptions{MaxTokens: 60})
	i := strings.Index(full[10:], " ")
	require.Positive(t, i)
	word := full[10:][i:]
	word = word[:1+strings.IndexAny(word[1:]+" ", " .,")]
	require.NotEmpty(t, strings.TrimSpace(word))
	at := strings.Index(full, word)
	n, stopped := run(GenerateOptions{MaxTokens: 60, Stop: []string{"zzz", word}})
	assert.Equal(t, full[:at], stopped, "stop %q", word)
	assert.Less(t, n, 60)
	_, same := run(GenerateOptions{MaxTokens: 60, Stop: []string{"a word the model never writes: qqqq"}})
	assert.Equal(t, full, same, "held-back text is given out when no stop comes")
}
