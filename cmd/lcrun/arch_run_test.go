package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Llama-family architectures run end to end from the command line,
// and a long input saved to --cache resumes as it was: Gemma 3's two
// caches, SmolLM3's NoPE layers and Phi-3's LongRoPE included, and the
// hybrids' mixed state (recurrent layers and an attention cache).
func TestRunArchitectures(t *testing.T) {
	for _, name := range []string{"qwen3", "smollm3", "phi3-long", "mistral3", "gemma2", "gemma3", "granitehybrid", "nemotron-h", "falcon-h1", "lfm2", "jamba", "qwen3moe", "llama-moe", "gpt-oss"} {
		t.Run(name, func(t *testing.T) {
			m := "-m=" + filepath.Join(testdata, "golden/models/arch", name+".gguf")
			code, out, errOut := runLcrun("run", m, "-p", "Once upon a time", "-n", "8", "--temp", "0")
			require.Equal(t, 0, code, errOut)
			assert.NotEmpty(t, out)
		})
	}
	for _, name := range []string{"gemma3", "smollm3", "granitehybrid", "lfm2", "qwen3moe", "gpt-oss"} {
		t.Run(name+"/cache", func(t *testing.T) {
			dir := t.TempDir()
			text := storyText(t, dir, 3000, 3)
			args := []string{"-m=" + filepath.Join(testdata, "golden/models/arch", name+".gguf"), text,
				"--cache", filepath.Join(dir, "cache"), "-p", "Who?", "-n", "6", "--temp", "0", "--batch", "64", "--ctx", "4096"}
			code, first, st1, errOut := runJSON(t, args...)
			require.Equal(t, 0, code, errOut)
			assert.Positive(t, st1.CacheSaves)
			code, second, st2, errOut := runJSON(t, args...)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, first, second, "a resumed run answers as the first")
			assert.Equal(t, st1.InputTokens, st2.CachedTokens)
		})
	}
}
