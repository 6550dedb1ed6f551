package tokenizer

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

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
