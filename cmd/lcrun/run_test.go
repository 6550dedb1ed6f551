package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const storyPrompt = testdata + "/prompts/once-upon-a-time.txt"

// The README's main job: the embedded model continues a story.
func TestRunEmbedded(t *testing.T) {
	t.Setenv("LCRUN_MODEL", "")
	code, out, errOut := runLcrun(storyPrompt, "-n", "24", "--seed", "1")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "lcrun: no model given (-m or $LCRUN_MODEL): using stories260K (embedded)\n", errOut)
	assert.True(t, strings.HasSuffix(out, "\n"))
	assert.Greater(t, len(strings.Fields(out)), 4, "a few words: %q", out)

	// The same seed gives the same text; "run" may be named.
	code, again, _ := runLcrun("run", storyPrompt, "-n", "24", "--seed", "1")
	require.Equal(t, 0, code)
	assert.Equal(t, out, again)
}

// Greedy CLI output is the model package's greedy generation of the same
// tokens, and flags may come before or after the input.
func TestRunGreedyMatchesLibrary(t *testing.T) {
	modelPath := testdata + "/stories260K.gguf"
	code, out, errOut := runLcrun("-m", modelPath, "--temp", "0", storyPrompt, "-n", "12", "-p", "The dog")
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut)

	m, err := model.Open(modelPath)
	require.NoError(t, err)
	defer m.Close()
	tok, _ := m.Tokenizer()
	text, err := os.ReadFile(storyPrompt)
	require.NoError(t, err)
	// -p comes after the input behind a blank line.
	ids := append(tok.Encode(string(text), true, false), tok.Encode(promptSeparator+"The dog", false, false)...)
	s, err := m.NewSession(model.SessionOptions{Ctx: len(ids) + 12})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Prefill(context.Background(), ids, nil))
	var want strings.Builder
	for tk, err := range s.Generate(context.Background(), model.GenerateOptions{MaxTokens: 12}) {
		require.NoError(t, err)
		want.WriteString(tk.Text)
	}
	assert.Equal(t, want.String()+"\n", out)
}

func TestRunStdinAndPromptOnly(t *testing.T) {
	defer func(r any) { stdin = r.(*os.File) }(stdin)
	f, err := os.Open(storyPrompt)
	require.NoError(t, err)
	defer f.Close()
	stdin = f
	m := "-m=" + testdata + "/stories260K.gguf"
	code, fromStdin, errOut := runLcrun(m, "-", "-n", "8", "--temp", "0")
	require.Equal(t, 0, code, errOut)
	code, fromFile, _ := runLcrun(m, storyPrompt, "-n", "8", "--temp", "0")
	require.Equal(t, 0, code)
	assert.Equal(t, fromFile, fromStdin)

	code, out, errOut := runLcrun(m, "-p", "Once upon a time", "-n", "8", "--temp", "0", "--kv", "q8_0", "--batch", "2")
	require.Equal(t, 0, code, errOut)
	assert.NotEmpty(t, strings.TrimSpace(out))
}

// Bad input: one line on stderr, a non-zero status, no panic.
func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	notGGUF := filepath.Join(dir, "x.gguf")
	require.NoError(t, os.WriteFile(notGGUF, []byte("not a model"), 0o644))
	m := "-m=" + testdata + "/stories260K.gguf"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no input", []string{m}, "usage"},
		{"two inputs", []string{m, storyPrompt, storyPrompt}, "one input"},
		{"missing file", []string{m, filepath.Join(dir, "nope.txt")}, "no such file"},
		{"not a model", []string{"-m", notGGUF, storyPrompt}, "x.gguf"},
		{"legacy tensors", []string{"-m", testdata + "/tinyllamas-stories-260k-q8_0.gguf", storyPrompt}, "ffn_down"},
		{"vocab only", []string{"-m", testdata + "/vocab/ggml-vocab-gpt-2.gguf", storyPrompt}, "not supported"},
		{"bad kv", []string{m, storyPrompt, "--kv", "q4_0"}, "--kv"},
		{"ctx too small", []string{m, storyPrompt, "--ctx", "10"}, "--ctx"},
		{"bad ctx", []string{m, storyPrompt, "--ctx", "lots"}, "not a count"},
		{"negative n", []string{m, storyPrompt, "-n", "-3"}, "want a count, or -1"},
		{"a model as the input", []string{m, testdata + "/stories260K.gguf", "-p", "hi"}, "is a GGUF model, not a text to read: did you mean -m " + testdata + "/stories260K.gguf?"},
		{"prompt not UTF-8", []string{m, "-p", "caf\xe9"}, "-p is not text (invalid UTF-8 at offset 3)"},
		{"prompt with NUL", []string{m, "-p", "a\x00b"}, "-p is not text (NUL byte at offset 1)"},
		{"NaN temperature", []string{m, storyPrompt, "--temp", "NaN"}, "temperature NaN is not a number"},
		{"NaN top-p", []string{m, storyPrompt, "--top-p", "nan"}, "top-p NaN is not a number"},
		{"infinite penalty", []string{m, storyPrompt, "--repeat-penalty", "+Inf"}, "not a number"},
		{"bad rope", []string{m, storyPrompt, "--rope-scaling", "warp"}, "warp"},
		{"bad flag", []string{m, storyPrompt, "--frobnicate"}, "frobnicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runLcrun(c.args...)
			assert.NotEqual(t, 0, code)
			assert.Empty(t, out)
			assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
			assert.Contains(t, errOut, c.want)
		})
	}
}

// Flags that do not apply to the architecture are accepted with one note.
func TestRunFlagsThatDoNotApply(t *testing.T) {
	mamba := "-m=" + testdata + "/golden/models/mamba-tiny-f32.gguf"
	code, out, errOut := runLcrun(mamba, storyPrompt, "-n", "4", "--kv", "f32", "--rope-scale", "2", "--yarn-orig-ctx", "64")
	require.Equal(t, 0, code, errOut)
	assert.NotEmpty(t, out)
	assert.Equal(t, "lcrun: note: --kv --rope-scale --yarn-orig-ctx do not apply to mamba models (ignored)\n", errOut)
	code, _, errOut = runLcrun(mamba, storyPrompt, "-n", "4", "--kv", "f16")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "lcrun: note: --kv does not apply to mamba models (ignored)\n", errOut)
}

// An error in the model $LCRUN_MODEL names says where the path came from.
func TestModelFromEnvironmentIsNamed(t *testing.T) {
	t.Setenv("LCRUN_MODEL", filepath.Join(t.TempDir(), "gone.gguf"))
	code, out, errOut := runLcrun("-p", "hi", "-n", "1")
	assert.NotEqual(t, 0, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "$LCRUN_MODEL: ")
	assert.Contains(t, errOut, "gone.gguf")
	assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
}

// --stop ends the answer before the first stop text; without it the same
// run goes on past it.
func TestRunStop(t *testing.T) {
	m := "-m=" + testdata + "/stories260K.gguf"
	code, full, errOut := runLcrun(m, "-p", "Once upon a time", "-n", "40", "--temp", "0")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, full, " named ")
	code, stopped, errOut := runLcrun(m, "-p", "Once upon a time", "-n", "40", "--temp", "0", "--stop", "named", "--stop", "zebra")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, full[:strings.Index(full, "named")]+"\n", stopped)
	code, _, errOut = runLcrun(m, "-p", "Once", "--stop", "")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "empty stop text")
}
