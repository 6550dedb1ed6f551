package tokenizer

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTrips reports whether ids decode back to text, and which decoding
// is the inverse:
//   - byte-level BPE: the raw pieces, for valid UTF-8 (llama.cpp turns invalid
//     bytes into U+FFFD before encoding, and Decode's clean-up rewrites
//     " ," and friends) whose bytes all have a token (falcon's vocabulary
//     lacks some control bytes, which llama.cpp drops);
//   - SentencePiece: Detokenize with special tokens rendered, which drops the
//     prefix space Encode added. U+2581 in the text is a space to SPM, so it
//     comes back as ' ' (and is excluded); invalid UTF-8 is excluded too,
//     since a stray lead byte swallows the next bytes, and an escaped space
//     among them comes back as U+2581.
func roundTrips(tk *Tokenizer, text string) (applies, ok bool, got string) {
	ids := tk.Encode(text, false, false)
	switch tk.kind {
	case kindBPE:
		if !utf8.ValidString(text) || !tk.bpe.hasAllBytes(text) {
			return false, false, ""
		}
		got = string(tk.DecodeRaw(ids))
	case kindSPM:
		if strings.Contains(text, spaceMark) || !utf8.ValidString(text) {
			return false, false, ""
		}
		got = tk.Detokenize(ids, false, true)
	}
	return true, got == text, got
}

func TestRoundTrip(t *testing.T) {
	texts := strings.Split(readText(t, vocabPath("gpt-2")+".inp"), "\n__ggml_vocab_test__\n")
	texts = append(texts,
		readText(t, filepath.Join(testdata, "golden", "text", "story-a.txt")),
		"  leading and trailing  ", "\x00\x01\x7f", "tabs\tand\r\nCRLF", "日本語のテキスト", "</s><s>[PAD32011]",
	)
	models := append([]string{}, vocabNames...)
	for _, name := range models {
		tk := load(t, vocabPath(name))
		for _, text := range texts {
			applies, ok, got := roundTrips(tk, text)
			require.True(t, applies)
			assert.True(t, ok, "%s: %q came back as %q", name, text, got)
		}
	}
	for _, path := range []string{filepath.Join(testdata, "stories260K.gguf"), filepath.Join(testdata, "llama-2-tiny-random.gguf")} {
		tk := load(t, path)
		for _, text := range texts {
			_, ok, got := roundTrips(tk, text)
			assert.True(t, ok, "%s: %q came back as %q", path, text, got)
		}
	}
	// Invalid UTF-8 away from spaces survives SentencePiece's byte fallback.
	spm := load(t, vocabPath("llama-spm"))
	bad := "a\xff\xc3(b\xe2\x82"
	assert.Equal(t, bad, spm.Detokenize(spm.Encode(bad, false, false), false, true))
	// Byte-level BPE sees it as llama.cpp does: U+FFFD per bad byte.
	bpe := load(t, vocabPath("gpt-2"))
	assert.Equal(t, "a\uFFFD\uFFFD(b\uFFFD\uFFFD", string(bpe.DecodeRaw(bpe.Encode(bad, false, false))))
}

// hasAllBytes reports whether every byte of text has a byte-level token.
func (m *bpeModel) hasAllBytes(text string) bool {
	for i := 0; i < len(text); i++ {
		if s := m.byteSym[text[i]]; s < 0 || m.symTok[s] < 0 {
			return false
		}
	}
	return true
}
