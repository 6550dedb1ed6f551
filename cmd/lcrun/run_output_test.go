package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stdout carries the generated text alone, ending with a newline, when it
// is a file (not a terminal); the estimate and notes go to stderr.
func TestRunStdoutIsTheText(t *testing.T) {
	defer func(n int) { longInput = n }(longInput)
	longInput = 100 // the estimate is printed for this input
	dir := t.TempDir()
	long := storyText(t, dir, 2000, 5)
	cases := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"embedded model", []string{storyPrompt, "-n", "16", "--seed", "3"}, "no model given"},
		{"long input", []string{storiesModel, long, "-n", "16", "--seed", "3"}, "lcrun: estimate: memory"},
		{"prompt only", []string{storiesModel, "-p", "Once upon a time", "-n", "16", "--temp", "0"}, ""},
		{"json", []string{storiesModel, storyPrompt, "-n", "16", "--seed", "3", "--json"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("LCRUN_MODEL", "")
			f, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
			require.NoError(t, err)
			defer f.Close()
			var errOut bytes.Buffer
			require.Equal(t, 0, lcrun(c.args, f, &errOut), errOut.String())
			b, err := os.ReadFile(f.Name())
			require.NoError(t, err)
			out := string(b)
			if c.wantStderr != "" {
				assert.Contains(t, errOut.String(), c.wantStderr)
			} else {
				assert.Empty(t, errOut.String())
			}
			if strings.Contains(c.name, "json") {
				// The text ends its line; the statistics are the last line.
				i := strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")
				require.Positive(t, i, out)
				var st runStats
				require.NoError(t, json.Unmarshal([]byte(out[i+1:]), &st))
				assert.Equal(t, 16, st.DecodeTokens)
				out = out[:i+1]
			}
			require.NotEmpty(t, strings.TrimSpace(out))
			assert.True(t, strings.HasSuffix(out, "\n"), "%q ends its line", out)
			assert.False(t, strings.HasSuffix(out, "\n\n"), "%q: one newline", out)
			assert.NotContains(t, out, "lcrun:", "no notes on stdout")
		})
	}
}

// The text ends its line also when generation stops early (the Ctrl-C
// path), so a --json line after it starts on its own line.
func TestGenerateEndsLineWhenStopped(t *testing.T) {
	m, err := model.Open(testdata + "/stories260K.gguf")
	require.NoError(t, err)
	defer m.Close()
	tok, err := m.Tokenizer()
	require.NoError(t, err)
	s, err := m.NewSession(model.SessionOptions{Ctx: 64})
	require.NoError(t, err)
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	require.NoError(t, s.Prefill(ctx, tok.Encode("Once upon a time", true, false), nil))

	var out bytes.Buffer
	stopAfterWrite := writerFunc(func(p []byte) (int, error) {
		cancel()
		return out.Write(p)
	})
	r := &longRun{c: &runConfig{n: 20}, tok: tok, stdout: stopAfterWrite}
	err = r.generate(ctx, s)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.Less(t, r.stats.DecodeTokens, 20)
	text := out.String()
	require.NotEqual(t, "\n", text, "some text came before the stop")
	assert.True(t, strings.HasSuffix(text, "\n"), "%q", text)
	assert.Equal(t, 1, strings.Count(text, "\n"), "%q", text)
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestLineEnder(t *testing.T) {
	cases := []struct {
		pieces []string
		want   string
	}{
		{nil, ""},
		{[]string{"", ""}, ""},
		{[]string{"a"}, "a\n"},
		{[]string{"a", " b"}, "a b\n"},
		{[]string{"a\n"}, "a\n"},
		{[]string{"a\n", "b"}, "a\nb\n"},
		{[]string{"a", "\n", ""}, "a\n"},
		{[]string{"\n\n"}, "\n\n"},
	}
	for _, c := range cases {
		var b bytes.Buffer
		l := &lineEnder{w: &b}
		for _, p := range c.pieces {
			_, err := io.WriteString(l, p)
			require.NoError(t, err)
		}
		require.NoError(t, l.finish())
		require.NoError(t, l.finish(), "finish twice adds nothing")
		assert.Equal(t, c.want, b.String(), "%q", c.pieces)
	}

	// After a failed write nothing more is written.
	l := &lineEnder{w: writerFunc(func(p []byte) (int, error) { return 0, io.ErrClosedPipe })}
	_, err := io.WriteString(l, "a")
	assert.ErrorIs(t, err, io.ErrClosedPipe)
	assert.NoError(t, l.finish())
}
