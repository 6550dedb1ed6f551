package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const golden = testdata + "/golden"

// pendingPreTokenizers are the tokenizer.ggml.pre values of reference
// cases that lcrun still refuses. Their cases check the refusal; an entry
// goes when its pre-tokenizer is written.
var pendingPreTokenizers = map[string]bool{}

// Every tokenizer golden through the CLI (the token files of the logits
// goldens are prefixes of these with BOS; the model package checks those).
func TestTokenizeGolden(t *testing.T) {
	raw, err := os.ReadFile(golden + "/manifest.json")
	require.NoError(t, err)
	var man struct {
		Cases []struct {
			ID, Kind, Model string
			Expected        any // a path, or one per output for some op cases
			Inputs          struct{ Text string }
			Flags           json.RawMessage // an object for the tokenize cases
			Pre             string
		}
	}
	require.NoError(t, json.Unmarshal(raw, &man))
	n := 0
	for _, c := range man.Cases {
		if c.Kind != "tokenize" {
			continue
		}
		n++
		t.Run(c.ID, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(golden, c.Expected.(string)))
			require.NoError(t, err)
			var flags struct {
				AddSpecial   bool `json:"add_special"`
				ParseSpecial bool `json:"parse_special"`
			}
			require.NoError(t, json.Unmarshal(c.Flags, &flags))
			args := []string{"tokenize", "-m", filepath.Join(golden, c.Model), filepath.Join(golden, c.Inputs.Text)}
			if !flags.AddSpecial {
				args = append(args, "--no-bos")
			}
			if flags.ParseSpecial {
				args = append(args, "--parse-special")
			}
			code, out, errOut := runLcrun(args...)
			if pendingPreTokenizers[c.Pre] {
				// Refused by name until it is written, never tokenised wrong.
				require.Equal(t, 1, code, out)
				require.Contains(t, errOut, fmt.Sprintf("unsupported pre-tokenizer %q", c.Pre))
				t.Logf("pending: pre-tokenizer %q", c.Pre)
				return
			}
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, string(want), out)
		})
	}
	assert.GreaterOrEqual(t, n, 154, "manifest lists the tokenizer cases")
}

func TestTokenizeFlags(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "t.txt")
	require.NoError(t, os.WriteFile(text, []byte("Hi</s>"), 0o644))
	m := "-m=" + testdata + "/stories260K.gguf"
	ids := func(args ...string) []string {
		code, out, errOut := runLcrun(append([]string{"tokenize", m, text}, args...)...)
		require.Equal(t, 0, code, errOut)
		return strings.Fields(out)
	}
	plain := ids()
	assert.Equal(t, "1", plain[0], "BOS as the model asks")
	assert.NotContains(t, plain, "2", "</s> is plain text")
	assert.Equal(t, plain[1:], ids("--no-bos"))
	special := ids("--parse-special")
	assert.Equal(t, "2", special[len(special)-1], "</s> parsed as EOS")

	code, _, errOut := runLcrun("tokenize", m)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, errOut, "usage")
}

// lcrun logits against the reference's logits, one-shot and token by
// token, and with RoPE flags (tolerances from manifest.json).
func TestLogitsGolden(t *testing.T) {
	cases := []struct {
		model, tokens, expected string
		args                    []string
		from                    int
		tol                     float64
		long                    bool // skipped under -short
	}{
		{"models/llama-tiny-q8_0.gguf", "logits/llama-tiny-q8_0.tokens", "logits/llama-tiny-q8_0.logits", nil, 0, 0.12, false},
		{"models/llama-tiny-f32.gguf", "logits/llama-tiny-f32.tokens", "logits/llama-tiny-f32.batch1.logits", []string{"--batch", "1"}, 0, 1e-4, false},
		{"models/llama-tiny-f32.gguf", "logits/llama-tiny-f32.tokens", "logits/llama-tiny-f32.kvf16.logits", []string{"--kv", "f16", "--batch", "7"}, 0, 0.0013, false},
		{"../stories260K.gguf", "ropescale/stories260K-2048.tokens", "ropescale/stories260K-2048.yarn4.logits",
			[]string{"--rope-scaling", "yarn", "--rope-scale", "4", "--yarn-orig-ctx", "512", "--batch", "512"}, 1536, 0.0017, true},
	}
	for _, c := range cases {
		t.Run(c.expected, func(t *testing.T) {
			if c.long && testing.Short() {
				t.Skip("-short (qemu): 2048 tokens through the CLI; model's TestGolden checks the same case on every architecture")
			}
			out := filepath.Join(t.TempDir(), "out.bin")
			args := append([]string{"logits", "-m", filepath.Join(golden, c.model), "--tokens", filepath.Join(golden, c.tokens), "-o", out}, c.args...)
			code, stdout, errOut := runLcrun(args...)
			require.Equal(t, 0, code, errOut)
			assert.Empty(t, stdout)
			want := readFloats(t, filepath.Join(golden, c.expected))
			got := readFloats(t, out)
			got = got[len(got)-len(want):] // rows from c.from on
			require.Equal(t, len(want), len(got))
			worst := 0.0
			for i := range want {
				worst = max(worst, math.Abs(float64(got[i]-want[i])))
			}
			t.Logf("max |diff| %.3g (tolerance %.3g)", worst, c.tol)
			assert.LessOrEqual(t, worst, c.tol)
		})
	}
}

func TestLogitsErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tokens")
	require.NoError(t, os.WriteFile(bad, []byte("1 2 x3"), 0o644))
	big := filepath.Join(dir, "big.tokens")
	require.NoError(t, os.WriteFile(big, []byte("1 600"), 0o644))
	empty := filepath.Join(dir, "empty.tokens")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o644))
	m := "-m=" + testdata + "/stories260K.gguf"
	out := "-o=" + filepath.Join(dir, "out.bin")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{m, out}, "usage"},
		{[]string{m, "--tokens", bad, out}, `"x3" is not a token id`},
		{[]string{m, "--tokens", big, out}, "out of range"},
		{[]string{m, "--tokens", empty, out}, "no tokens"},
		{[]string{m, "--tokens", filepath.Join(dir, "none"), out}, "no such file"},
		{[]string{m, "--tokens", big, "-o", filepath.Join(dir, "no", "dir.bin")}, "no such file"},
	}
	for _, c := range cases {
		code, _, errOut := runLcrun(append([]string{"logits"}, c.args...)...)
		assert.NotEqual(t, 0, code)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
		assert.Contains(t, errOut, c.want)
	}
}

func readFloats(t *testing.T, path string) []float32 {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}
