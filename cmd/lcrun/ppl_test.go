package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPPLChunksGolden: lcrun ppl --chunks on the text file gives
// llama-perplexity's figures (testdata/golden/README.md, "Perplexity"),
// within their stated tolerance (rel 1e-4). Unlike the evals test, this
// one starts from the text: file reading and tokenisation included.
func TestPPLChunksGolden(t *testing.T) {
	var manifest struct {
		Cases []json.RawMessage `json:"cases"`
	}
	b, err := os.ReadFile(filepath.Join(testdata, "golden/manifest.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &manifest))
	ran := 0
	for _, raw := range manifest.Cases {
		var kind struct {
			Kind string `json:"kind"`
		}
		require.NoError(t, json.Unmarshal(raw, &kind))
		if kind.Kind != "ppl" {
			continue // other kinds have other shapes
		}
		var c struct {
			Kind   string `json:"kind"`
			Model  string `json:"model"`
			Inputs struct {
				Text string `json:"text"`
			} `json:"inputs"`
			Expected  float64 `json:"expected_value"`
			Tolerance struct {
				PPLRel float64 `json:"ppl_rel"`
			} `json:"tolerance"`
			Flags struct {
				NCtx int `json:"n_ctx"`
			} `json:"flags"`
		}
		require.NoError(t, json.Unmarshal(raw, &c))
		ran++
		model := filepath.Join(testdata, "golden", c.Model)
		text := filepath.Join(testdata, "golden", c.Inputs.Text)
		// Under -short (CI under qemu) the first three chunks, checked
		// against llama-perplexity's running figure after three.
		chunks, chunkCount, want := "--chunks", 6061/c.Flags.NCtx, c.Expected
		if testing.Short() {
			chunks, chunkCount = "--chunks=3", 3
			want = goldenRunning(t, c.Flags.NCtx)[2]
		}
		code, out, errOut := runLcrun("ppl", "-m", model, text, "--ctx", strconv.Itoa(c.Flags.NCtx), chunks, "--json")
		require.Equal(t, 0, code, errOut)
		var rep struct {
			PPL  float64 `json:"ppl"`
			Mode string  `json:"mode"`
			Runs []struct {
				Chunks struct {
					Chunks int `json:"chunks"`
				} `json:"chunks"`
			} `json:"runs"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &rep))
		assert.Equal(t, "chunks", rep.Mode)
		assert.InEpsilon(t, want, rep.PPL, c.Tolerance.PPLRel, "ctx %d", c.Flags.NCtx)
		assert.Equal(t, chunkCount, rep.Runs[0].Chunks.Chunks)
	}
	code, out, errOut := runLcrun("ppl", "-m", filepath.Join(testdata, "stories260K.gguf"), filepath.Join(testdata, "golden/text/story-a.txt"), "--ctx", "128", "--chunks=2")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "6061 tokens")
	assert.Contains(t, out, "2 chunks of 128 tokens, 126 tokens scored")
	assert.Regexp(t, `model rope\s+6\.14215\d\s+\d+\.\d+`, out, "llama-perplexity after two chunks: 6.142151")
	assert.Equal(t, 2, ran)
}

// goldenRunning is llama-perplexity's running perplexity after each chunk
// at ctx (f32 KV), from testdata/golden/ppl.
func goldenRunning(t *testing.T, ctx int) []float64 {
	var gold struct {
		Results []struct {
			NCtx       int `json:"n_ctx"`
			BySettings map[string]struct {
				Running []float64 `json:"running_ppl_after_each_chunk"`
			} `json:"by_settings"`
		} `json:"results"`
	}
	b, err := os.ReadFile(filepath.Join(testdata, "golden/ppl/stories260K-story-a.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &gold))
	for _, r := range gold.Results {
		if r.NCtx == ctx {
			return r.BySettings["f32kv_fa_off"].Running
		}
	}
	t.Fatalf("no golden running perplexity for ctx %d", ctx)
	return nil
}

// TestPPLByPosition compares three RoPE settings on one window and checks
// the report, the table and the chart.
func TestPPLByPosition(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "ppl.svg")
	story := filepath.Join(testdata, "golden/text/story-a.txt")
	model := filepath.Join(testdata, "stories260K.gguf")
	code, out, errOut := runLcrun("ppl", "-m", model, story, "--ctx", "256", "--buckets", "4", "--windows", "2",
		"--compare", "none,linear,yarn", "--yarn-orig-ctx", "64", "--svg", svg, "--json")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		PPL  float64 `json:"ppl"`
		Ctx  int     `json:"ctx"`
		Runs []struct {
			Method   string `json:"method"`
			Label    string `json:"label"`
			Position struct {
				PPL     float64 `json:"ppl"`
				Windows int     `json:"windows"`
				Scored  int     `json:"scored_tokens"`
				Buckets []struct {
					Start, End int
					PPL        float64 `json:"ppl"`
				} `json:"buckets"`
			} `json:"position"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Runs, 3)
	var labels []string
	for _, r := range rep.Runs {
		labels = append(labels, r.Label)
		assert.Len(t, r.Position.Buckets, 4)
		assert.Equal(t, 2, r.Position.Windows)
		assert.Equal(t, 2*255, r.Position.Scored)
		assert.Greater(t, r.Position.PPL, 1.0)
	}
	assert.Equal(t, []string{"none", "linear x4", "yarn x4 (orig 64)"}, labels)
	assert.Equal(t, rep.Runs[0].Position.PPL, rep.PPL, `"ppl" is the first run's`)
	assert.NotEqual(t, rep.Runs[0].Position.PPL, rep.Runs[1].Position.PPL, "the methods differ")

	// "none" is the model's own RoPE for stories260K: the plain run agrees.
	code, out, errOut = runLcrun("ppl", "-m", model, story, "--ctx", "256", "--buckets", "4", "--windows", "2", "--json")
	require.Equal(t, 0, code, errOut)
	var plain struct {
		PPL float64 `json:"ppl"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &plain))
	assert.Equal(t, rep.PPL, plain.PPL)

	pic, err := os.ReadFile(svg)
	require.NoError(t, err)
	for _, want := range []string{"<svg", "Perplexity by position", "linear x4", "yarn x4 (orig 64)", "trained context 64", "token position"} {
		assert.Contains(t, string(pic), want)
	}

	code, out, errOut = runLcrun("ppl", "-m", model, story, "--ctx", "256", "--buckets", "4", "--compare", "none,yarn", "--yarn-orig-ctx", "64")
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `positions\s+none\s+yarn x4 \(orig 64\)`, out)
	assert.Regexp(t, `\n\s+0-63\s+\d+\.\d+\s+\d+\.\d+\n`, out)
	assert.Regexp(t, `\n\s+all\s+\d+\.\d+\s+\d+\.\d+\n`, out)
}

// The --rope-* flags apply without --compare too (they were once dropped:
// every method measured the model's own RoPE). Dynamic NTK at a 256-token
// window trained at 64 is, filled at once, NTK with factor 256/64 = 4
// (the same base), so the two figures agree exactly.
func TestPPLRopeFlags(t *testing.T) {
	story := filepath.Join(testdata, "golden/text/story-a.txt")
	model := filepath.Join(testdata, "stories260K.gguf")
	ppl := func(args ...string) float64 {
		t.Helper()
		code, out, errOut := runLcrun(append([]string{"ppl", "-m", model, story, "--ctx", "256", "--json"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var rep struct {
			PPL float64 `json:"ppl"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &rep))
		return rep.PPL
	}
	none := ppl("--rope-scaling", "none")
	dynamic := ppl("--rope-scaling", "dynamic", "--yarn-orig-ctx", "64")
	assert.Equal(t, ppl("--rope-scaling", "ntk", "--rope-scale", "4"), dynamic)
	assert.NotEqual(t, none, dynamic)
	assert.Equal(t, ppl("--compare", "linear", "--yarn-orig-ctx", "64"), ppl("--rope-scaling", "linear", "--rope-scale", "4"))
}

func TestPPLErrors(t *testing.T) {
	story := filepath.Join(testdata, "golden/text/story-a.txt")
	mamba := filepath.Join(testdata, "golden/models/mamba-tiny-f32.gguf")
	empty := filepath.Join(t.TempDir(), "empty.txt")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o644))
	cases := map[string][]string{
		"no file":          {"ppl", "--ctx", "128"},
		"two files":        {"ppl", story, story},
		"missing file":     {"ppl", filepath.Join(t.TempDir(), "none.txt")},
		"empty text":       {"ppl", empty},
		"chunks and svg":   {"ppl", story, "--chunks", "--svg", "x.svg"},
		"text too short":   {"ppl", story, "--ctx", "4096", "--chunks"},
		"window too long":  {"ppl", story, "--ctx", "8192"},
		"bad method":       {"ppl", story, "--ctx", "256", "--compare", "none,warp"},
		"method twice":     {"ppl", story, "--ctx", "256", "--compare", "none,none"},
		"compare on mamba": {"ppl", "-m", mamba, story, "--ctx", "256", "--compare", "none,yarn"},
		"bad attention":    {"ppl", story, "--ctx", "256", "--attn", "sideways"},
		"too many buckets": {"ppl", story, "--ctx", "256", "--buckets", "200"},
		"bad kv":           {"ppl", story, "--ctx", "256", "--kv", "q2"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := runLcrun(args...)
			assert.NotEqual(t, 0, code)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			assert.Regexp(t, `^lcrun ppl: `, lines[len(lines)-1], errOut)
		})
	}
}

// TestPPLMambaAndPolicies: the position mode runs a recurrent model (the
// attention flags get a note), and a window policy changes the figures
// of a transformer only past the window.
func TestPPLMambaAndPolicies(t *testing.T) {
	story := filepath.Join(testdata, "golden/text/story-a.txt")
	code, out, errOut := runLcrun("ppl", "-m", filepath.Join(testdata, "golden/models/mamba-tiny-f32.gguf"), story,
		"--ctx", "128", "--buckets", "2", "--attn", "window:64", "--kv", "f16")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "note: --kv --attn do not apply to mamba models")
	assert.Contains(t, out, "recurrent state")

	model := filepath.Join(testdata, "stories260K.gguf")
	get := func(args ...string) []float64 {
		code, out, errOut := runLcrun(append([]string{"ppl", "-m", model, story, "--ctx", "256", "--buckets", "4", "--json"}, args...)...)
		require.Equal(t, 0, code, errOut)
		var rep struct {
			Runs []struct {
				Position struct {
					Buckets []struct {
						PPL float64 `json:"ppl"`
					} `json:"buckets"`
				} `json:"position"`
			} `json:"runs"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &rep))
		var ppl []float64
		for _, b := range rep.Runs[0].Position.Buckets {
			ppl = append(ppl, b.PPL)
		}
		return ppl
	}
	full, window := get(), get("--attn", "window:64")
	assert.InDelta(t, full[0], window[0], 1e-9, "positions 0-63 see all their keys either way")
	assert.NotEqual(t, full[3], window[3], "positions 192-255 lose keys with a window of 64")
}
