package gguf

import (
	"path/filepath"
	"testing"
)

// BenchmarkOpen measures parsing a whole header from memory: the
// vocabularies are the big part (32K to 102K token strings plus scores,
// types and merges).
func BenchmarkOpen(b *testing.B) {
	for _, name := range []string{"vocab/ggml-vocab-llama-spm.gguf", "vocab/ggml-vocab-gpt-2.gguf",
		"vocab/ggml-vocab-deepseek-llm.gguf", "stories260K.gguf"} {
		data := readFile(b, filepath.Join(testdata, name))
		b.Run(filepath.Base(name), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := OpenBytes(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
