package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testdata = "../../testdata"

func runLcrun(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = lcrun(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestInfoText checks the report for people on models whose metadata we
// know (testdata/README.md).
func TestInfoText(t *testing.T) {
	cases := []struct {
		model string
		want  []string // each must be a line, fields separated by runs of spaces
	}{
		{"stories260K.gguf", []string{
			"architecture llama", "name llama", "parameters 292.8K (292800)",
			"file type F32 (0: all F32, guessed from the tensors)", "tensor types F32 48", "context 2048", "embedding 64", "layers 5",
			"heads 8", "kv heads 4", "feed forward 172", "rope dimensions 8, freq base 10000 (default)",
			"rope scaling none", "tokenizer llama (pre -), 512 tokens, bos 1, eos 2", "tensors (48, 1.12 MiB)",
			"name type shape bytes", "token_embd.weight F32 64 x 512 131072", "blk.4.ffn_down.weight F32 172 x 64 44032",
			"format GGUF v3, alignment 32, 1.13 MiB",
		}},
		{"tinyllamas-stories-260k-f32.gguf", []string{"format GGUF v1, alignment 32, 1.13 MiB", "context 512",
			"name tinyllamas-stories-260k"}},
		{"tinyllamas-stories-260k-q8_0.gguf", []string{
			"file type Q8_0 (7)", "tensor types Q8_0 37, F32 11", "format GGUF v2, alignment 32, 319.97 KiB",
			"blk.0.ffn_down.weight Q8_0 172 x 64 11696 *", "blk.0.ffn_up.weight Q8_0 64 x 172 11696",
			`* 5 unusable tensors, e.g. tensor "blk.0.ffn_down.weight": Q8_0 rows of 172 values are not whole blocks of 32 (legacy flat layout, refused as current llama.cpp does)`,
		}},
		{"llama-2-tiny-random.gguf", []string{"file type F16 (1)", "tokenizer llama (pre -), 32000 tokens, bos 1, eos 2",
			"token_embd.weight F16 8 x 32000 512000"}},
		{"golden/models/llama-tiny-yarn.gguf", []string{"rope dimensions 16, freq base 10000",
			"rope scaling yarn, factor 4, original context 1024"}},
		{"golden/models/arch/gemma3.gguf", []string{"architecture gemma3", "rope scaling linear, factor 8, original context -",
			"graph head dim 32 (q 64 wide); rope pairs neox; q/k norms; embeddings x 5.657; queries x 0.1768; post-norms, gelu ffn; " +
				"local layers 0-4 (window 16, rope base 10000 unscaled), global layers 5"}},
		{"golden/models/arch/phi3-long.gguf", []string{"architecture phi3", "graph rope pairs neox; fused qkv and gate/up",
			"rope used longrope: dims 16, base 10000, long factors (context 4096 > orig_ctx 128), magnitude 1.19024"}},
		{"golden/models/arch/granitehybrid.gguf", []string{"architecture granitehybrid",
			"graph layers M A M; state 10.25 KiB constant + 132 bytes per token (f32 KV on 1 of 3 layers; 72 bytes at q8_0); " +
				"attention without rope (NoPE); embeddings x 12; residual adds x 0.22; attention scale 0.007812; logits / 6"}},
		{"golden/models/mamba2-tiny-g2-f32.gguf", []string{"architecture mamba2",
			"ssm conv kernel 4, inner size 128, state size 64, time step rank 8, groups 2"}},
		{"vocab/ggml-vocab-gpt-2.gguf", []string{"tokenizer gpt2 (pre gpt-2), 50257 tokens, bos 50256, eos 50256",
			"tensors (0, 0 bytes)", "parameters 0 (0)", "file type F16 (1)", "tensor types -", "kv heads -"}},
	}
	for _, c := range cases {
		t.Run(c.model, func(t *testing.T) {
			code, out, errOut := runLcrun("info", filepath.Join(testdata, c.model))
			require.Equal(t, 0, code, errOut)
			assert.Empty(t, errOut)
			lines := map[string]bool{}
			for _, l := range strings.Split(out, "\n") {
				lines[strings.Join(strings.Fields(l), " ")] = true
			}
			for _, w := range c.want {
				assert.True(t, lines[w], "no line %q in\n%s", w, out)
			}
		})
	}
}

func TestInfoKernelsLine(t *testing.T) {
	_, out, _ := runLcrun("info", filepath.Join(testdata, "stories260K.gguf"))
	assert.Regexp(t, `(?m)^kernels +(avx2|neon|generic): .*\bdot\b`, out)
}

func TestInfoJSON(t *testing.T) {
	code, out, errOut := runLcrun("info", "--json", filepath.Join(testdata, "golden/models/mamba-tiny-q8_0.gguf"), "--sha256")
	require.Equal(t, 0, code, errOut)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	for _, k := range []string{"file", "parts", "size_bytes", "gguf_version", "alignment", "sha256", "architecture", "name",
		"parameters", "file_type", "tensor_types", "hyperparameters", "rope", "ssm", "tokenizer", "kernels", "tensors", "metadata"} {
		assert.Contains(t, got, k)
	}
	assert.Equal(t, "mamba", got["architecture"])
	assert.Equal(t, map[string]any{"id": 7.0, "name": "Q8_0", "description": "Q8_0", "guessed": false}, got["file_type"])
	assert.Equal(t, []any{
		map[string]any{"type": "F32", "count": 15.0, "computable": true},
		map[string]any{"type": "Q8_0", "count": 8.0, "computable": true},
	}, got["tensor_types"])
	assert.Equal(t, map[string]any{"conv_kernel": 4.0, "inner_size": 128.0, "state_size": 16.0, "time_step_rank": 4.0,
		"group_count": nil}, got["ssm"])
	rope := got["rope"].(map[string]any)
	assert.Contains(t, rope, "freq_base")
	assert.Nil(t, rope["freq_base"], "absent keys are null, not missing")
	tensors := got["tensors"].([]any)
	assert.Len(t, tensors, 23)
	first := tensors[0].(map[string]any)
	assert.Equal(t, "token_embd.weight", first["name"])
	assert.Equal(t, []any{64.0, 320.0}, first["shape"])
	sum, err := gguf.FileSHA256(filepath.Join(testdata, "golden/models/mamba-tiny-q8_0.gguf"))
	require.NoError(t, err)
	assert.Regexp(t, "^b5f57bd644adc2cf", got["sha256"], "the prefix testdata/golden/README.md gives")
	assert.Equal(t, hex.EncodeToString(sum[:]), got["sha256"])
}

func TestInfoSHA256OfKnownFile(t *testing.T) {
	code, out, _ := runLcrun("info", "--sha256", filepath.Join(testdata, "stories260K.gguf"))
	require.Equal(t, 0, code)
	assert.Contains(t, out, "sha256        270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d\n")
	// The embedded model is the same file.
	code, out, _ = runLcrun("info", "--sha256")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d")
	assert.Contains(t, out, "stories260K (embedded)")
}

func TestInfoSplitSet(t *testing.T) {
	f, err := gguf.Open(filepath.Join(testdata, "stories260K.gguf"))
	require.NoError(t, err)
	defer f.Close()
	w, err := gguf.NewWriterFrom(f)
	require.NoError(t, err)
	paths, err := w.WriteSplit(filepath.Join(t.TempDir(), "s"), gguf.SplitOptions{MaxTensors: 20})
	require.NoError(t, err)
	code, out, errOut := runLcrun("info", paths[1], "--json")
	require.Equal(t, 0, code, errOut)
	var got struct {
		Parts      int
		Parameters uint64
		Tensors    []struct{ Part int }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, 3, got.Parts)
	assert.Equal(t, uint64(292800), got.Parameters)
	assert.Equal(t, 2, got.Tensors[47].Part)
}

// badModels makes the files every command must refuse with one line.
func badModels(t *testing.T) map[string]string {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(testdata, "stories260K.gguf"))
	require.NoError(t, err)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	return map[string]string{
		"truncated header": write("cut-header.gguf", good[:5000]),
		"truncated data":   write("cut-data.gguf", good[:len(good)/2]),
		"zero bytes":       write("empty.gguf", nil),
		"text":             write("notes.txt", []byte("Once upon a time\nthere was a file.\n")),
		"missing":          filepath.Join(dir, "missing.gguf"),
		"directory":        dir,
	}
}

func TestInfoBadFiles(t *testing.T) {
	for name, path := range badModels(t) {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runLcrun("info", path)
			assert.Equal(t, 1, code)
			assert.Empty(t, out)
			assert.Regexp(t, `^lcrun info: .+\n$`, errOut, "exactly one line")
			assert.Contains(t, errOut, path)
		})
	}
	code, _, errOut := runLcrun("info", "a.gguf", "b.gguf")
	assert.Equal(t, 2, code)
	assert.Equal(t, "lcrun info: usage: lcrun info [MODEL.gguf] [--json] [--sha256] (see 'lcrun help info')\n", errOut)
}

// TestInfoBinary runs a built lcrun on the same bad files: the process
// exit status and the single stderr line, as a user sees them.
func TestInfoBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; the in-process tests cover the same paths")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build with")
	}
	bin := filepath.Join(t.TempDir(), "lcrun")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	outB, err := build.CombinedOutput()
	require.NoError(t, err, string(outB))
	for name, path := range badModels(t) {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(bin, "info", path)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit)
			assert.Equal(t, 1, exit.ExitCode())
			assert.Empty(t, stdout.String())
			assert.Regexp(t, `^lcrun info: .+\n$`, stderr.String())
		})
	}
	out, err := exec.Command(bin, "info", filepath.Join(testdata, "stories260K.gguf")).Output()
	require.NoError(t, err)
	assert.Contains(t, string(out), "architecture  llama\n")
}

// lcrun info names each golden mix by llama-quantize's name and counts its
// tensors per type as the manifest lists what the reference wrote.
func TestInfoGoldenMixes(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testdata, "golden", "manifest.json"))
	require.NoError(t, err)
	var man struct {
		Models map[string]struct {
			File        string            `json:"file"`
			TensorTypes map[string]string `json:"tensor_types"`
		} `json:"models"`
	}
	require.NoError(t, json.Unmarshal(raw, &man))
	n := 0
	for key, m := range man.Models {
		mix, ok := strings.CutPrefix(key, "quant/llama-q-")
		if !ok {
			continue
		}
		n++
		t.Run(mix, func(t *testing.T) {
			code, out, errOut := runLcrun("info", "--json", filepath.Join(testdata, "golden", m.File))
			require.Equal(t, 0, code, errOut)
			var got modelInfo
			require.NoError(t, json.Unmarshal([]byte(out), &got))
			require.NotNil(t, got.FileType)
			assert.Equal(t, mix, got.FileType.Name)
			assert.False(t, got.FileType.Guessed)
			want := map[string]int{}
			for _, typ := range m.TensorTypes {
				want[strings.ToUpper(typ)]++
			}
			counts := map[string]int{}
			for i, c := range got.TensorTypes {
				counts[strings.ToUpper(c.Type)] = c.Count
				if i > 0 {
					assert.LessOrEqual(t, c.Count, got.TensorTypes[i-1].Count, "the commonest type first")
				}
			}
			assert.Equal(t, want, counts)
		})
	}
	assert.Equal(t, 19, n, "the README's 19 mixes")
	_, out, _ := runLcrun("info", filepath.Join(testdata, "golden/models/quant/llama-q-Q4_K_M.gguf"))
	assert.Contains(t, out, "\nfile type     Q4_K_M (15: Q4_K - Medium)\ntensor types  Q4_K 10, F32 5, Q5_0 3, Q6_K 2, Q8_0 1\n")
}
