package tokenizer

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// benchText builds about n bytes of text. "story" repeats the story with its
// lines shuffled (the vocabulary of real prose: the word cache hits often);
// "random" is made-up words and numbers, nearly every word a cache miss.
func benchText(tb testing.TB, kind string, n int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	switch kind {
	case "story":
		lines := strings.Split(readText(tb, filepath.Join(testdata, "golden", "text", "story-a.txt")), "\n")
		for b.Len() < n {
			b.WriteString(lines[rng.IntN(len(lines))])
			b.WriteByte('\n')
		}
	case "random":
		const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.;:!?'"
		for b.Len() < n {
			w := 1 + rng.IntN(10)
			for range w {
				b.WriteByte(letters[rng.IntN(len(letters))])
			}
			if rng.IntN(12) == 0 {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

func BenchmarkEncode(b *testing.B) {
	for _, vocab := range []string{"llama-spm", "gpt-2", "deepseek-llm"} {
		for _, kind := range []string{"story", "random"} {
			b.Run(vocab+"/"+kind, func(b *testing.B) {
				tk := load(b, vocabPath(vocab))
				text := benchText(b, kind, 4<<20)
				b.SetBytes(int64(len(text)))
				b.ResetTimer()
				for b.Loop() {
					tk.Encode(text, true, false)
				}
			})
		}
	}
}

// BenchmarkEncodePre compares pre-tokenizers on one trained vocabulary
// (the reference's golden vocab files differ only in tokenizer.ggml.pre).
func BenchmarkEncodePre(b *testing.B) {
	for _, pre := range []string{"llama-bpe", "qwen2", "gpt-4o", "tekken", "deepseek-v3", "kimi-k2", "superbpe", "bloom", "afmoe"} {
		b.Run(pre, func(b *testing.B) {
			tk := load(b, filepath.Join(testdata, "golden", "tokenize", "vocab", "bpe-"+pre+".gguf"))
			text := benchText(b, "random", 1<<20)
			b.SetBytes(int64(len(text)))
			b.ResetTimer()
			for b.Loop() {
				tk.Encode(text, true, false)
			}
		})
	}
}
