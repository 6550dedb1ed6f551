package tokenizer

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/require"
)

// testdata is the repository's testdata folder.
var testdata = filepath.Join("..", "..", "testdata")

// vocabNames are llama.cpp's test vocabularies in testdata/vocab.
var vocabNames = []string{
	"llama-spm", "phi-3", "gpt-2", "mpt", "falcon", "starcoder", "deepseek-coder", "deepseek-llm",
}

func vocabPath(name string) string {
	return filepath.Join(testdata, "vocab", "ggml-vocab-"+name+".gguf")
}

var loaded sync.Map // path -> *Tokenizer

// load opens a GGUF file and builds its tokenizer, once per test binary.
func load(t testing.TB, path string) *Tokenizer {
	t.Helper()
	if tk, ok := loaded.Load(path); ok {
		return tk.(*Tokenizer)
	}
	f, err := gguf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	tk, err := FromGGUF(f)
	require.NoError(t, err, path)
	loaded.Store(path, tk)
	return tk
}

// parseIDs reads space-separated decimal ids.
func parseIDs(t testing.TB, line string) []int32 {
	t.Helper()
	ids := []int32{}
	for _, f := range strings.Fields(line) {
		n, err := strconv.ParseInt(f, 10, 32)
		require.NoError(t, err)
		ids = append(ids, int32(n))
	}
	return ids
}

func readText(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// goldenVocabPaths are the reference's pre-tokenizer vocabularies in
// testdata/golden/tokenize/vocab (one per tokenizer.ggml.pre value).
func goldenVocabPaths(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(testdata, "golden", "tokenize", "vocab", "*.gguf"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	return paths
}
