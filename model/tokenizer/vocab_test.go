package tokenizer

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLlamaCppVocabCases runs llama.cpp's test-tokenizer-0 vectors: each
// case of ggml-vocab-NAME.gguf.inp must tokenise (add_special=false,
// parse_special=false) to the ids on the matching line of .out.
func TestLlamaCppVocabCases(t *testing.T) {
	for _, name := range vocabNames {
		t.Run(name, func(t *testing.T) {
			tk := load(t, vocabPath(name))
			inp := readText(t, vocabPath(name)+".inp")
			out := readText(t, vocabPath(name)+".out")
			cases := strings.Split(inp, "\n__ggml_vocab_test__\n")
			require.Equal(t, "", cases[len(cases)-1], "input ends with a separator")
			cases = cases[:len(cases)-1]
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			require.Len(t, cases, 46)
			require.Len(t, lines, len(cases))
			for i, text := range cases {
				want := parseIDs(t, lines[i])
				got := tk.Encode(text, false, false)
				assert.Equal(t, want, got, "case %d %q", i, text)
			}
		})
	}
}

// TestGoldenStory compares with ref-tokenize VOCAB text/story-a.txt --no-bos
// --no-parse-special from the reference engine.
func TestGoldenStory(t *testing.T) {
	text := readText(t, filepath.Join(testdata, "golden", "text", "story-a.txt"))
	models := map[string]string{
		"stories260K":         filepath.Join(testdata, "stories260K.gguf"),
		"llama-2-tiny-random": filepath.Join(testdata, "llama-2-tiny-random.gguf"),
	}
	for _, name := range vocabNames {
		models[name] = vocabPath(name)
	}
	for name, path := range models {
		t.Run(name, func(t *testing.T) {
			tk := load(t, path)
			want := parseIDs(t, readText(t, filepath.Join(testdata, "golden", "tokenize", fmt.Sprintf("story-a.%s.ids", name))))
			got := tk.Encode(text, false, false)
			require.Equal(t, len(want), len(got))
			require.Equal(t, want, got)
		})
	}
}

// TestGoldenModelTokens: the token files that drive the logits, RoPE-scaling
// and perplexity goldens are prefixes of ref-tokenize's output for story-a
// with BOS; our Encode must reproduce them.
func TestGoldenModelTokens(t *testing.T) {
	golden := filepath.Join(testdata, "golden")
	story := readText(t, filepath.Join(golden, "text", "story-a.txt"))
	cases := []struct{ model, tokens, text string }{
		{filepath.Join(testdata, "stories260K.gguf"), "logits/stories260K.tokens", story},
		{filepath.Join(testdata, "stories260K.gguf"), "ropescale/stories260K-2048.tokens", story},
		// llama-perplexity reads the file like -f: one trailing newline dropped.
		{filepath.Join(testdata, "stories260K.gguf"), "ppl/stories260K-story-a.tokens", strings.TrimSuffix(story, "\n")},
	}
	for _, m := range []string{"llama-tiny-f32", "llama-tiny-f16", "llama-tiny-q8_0", "llama-tiny-q4_0", "llama-tiny-yarn",
		"mamba-tiny-f32", "mamba-tiny-q8_0", "mamba2-tiny-f32", "mamba2-tiny-g2-f32"} {
		cases = append(cases, struct{ model, tokens, text string }{
			filepath.Join(golden, "models", m+".gguf"), "logits/" + m + ".tokens", story})
	}
	for _, c := range cases {
		t.Run(c.tokens, func(t *testing.T) {
			tk := load(t, c.model)
			want := parseIDs(t, readText(t, filepath.Join(golden, c.tokens)))
			got := tk.Encode(c.text, true, false)
			if strings.HasPrefix(c.tokens, "ppl/") {
				require.Len(t, got, len(want), "the perplexity file holds the whole text")
			}
			require.GreaterOrEqual(t, len(got), len(want))
			require.Equal(t, want, got[:len(want)])
		})
	}
}

// TestSpecialIDsOutsideTheVocabulary: a bos or eos id past the vocabulary
// is ignored (the vocabulary's default stays) and said in Warnings, so
// that a program can tell its user why generation stops where it does.
func TestSpecialIDsOutsideTheVocabulary(t *testing.T) {
	f, err := gguf.Open(filepath.Join(testdata, "stories260K.gguf"))
	require.NoError(t, err)
	defer f.Close()
	w, err := gguf.NewWriterFrom(f)
	require.NoError(t, err)
	w.SetUint32("tokenizer.ggml.bos_token_id", 100000)
	w.SetUint32("tokenizer.ggml.eos_token_id", 4294967294)
	path := filepath.Join(t.TempDir(), "bad-ids.gguf")
	require.NoError(t, w.WriteFile(path))
	bad, err := gguf.Open(path)
	require.NoError(t, err)
	defer bad.Close()
	tk, err := FromGGUF(bad)
	require.NoError(t, err)
	require.Len(t, tk.Warnings(), 2)
	assert.Contains(t, tk.Warnings()[0], "bos_token_id = 100000 is not a token of the 512")
	assert.Contains(t, tk.Warnings()[1], "eos_token_id = 4294967294")
	assert.True(t, tk.IsEOG(2), "the SentencePiece default </s> still ends generation")
	assert.Equal(t, []int32{1}, tk.Encode("", true, false), "and the default <s> still starts a text")
	assert.Empty(t, load(t, filepath.Join(testdata, "stories260K.gguf")).Warnings())
}
