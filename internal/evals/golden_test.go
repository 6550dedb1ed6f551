package evals

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sessionLM runs a model session as an LM.
type sessionLM struct{ s *model.Session }

func (l sessionLM) Reset()         { l.s.Reset() }
func (l sessionLM) VocabSize() int { return l.s.Model().VocabSize() }
func (l sessionLM) Eval(tokens []int32, rows []int, out []float32) error {
	return l.s.Eval(context.Background(), model.Batch{Tokens: tokens, Rows: rows, Logits: out})
}

// TestChunksGolden reproduces llama-perplexity's figures for stories260K
// on story-a (testdata/golden/README.md, "Perplexity"): rel 1e-4, twice
// the spread llama.cpp itself shows across KV types and flash attention.
func TestChunksGolden(t *testing.T) {
	const dir = "../../testdata/golden/"
	var manifest struct {
		Cases []json.RawMessage `json:"cases"` // of many kinds and shapes
	}
	type pplCase struct {
		Kind   string `json:"kind"`
		Model  string `json:"model"`
		Inputs struct {
			Tokens string `json:"tokens"`
		} `json:"inputs"`
		ExpectedValue float64 `json:"expected_value"`
		Tolerance     struct {
			PPLRel float64 `json:"ppl_rel"`
		} `json:"tolerance"`
		Flags struct {
			NCtx int `json:"n_ctx"`
		} `json:"flags"`
	}
	b, err := os.ReadFile(dir + "manifest.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &manifest))
	var cases []pplCase
	for _, raw := range manifest.Cases {
		var kind struct {
			Kind string `json:"kind"`
		}
		require.NoError(t, json.Unmarshal(raw, &kind))
		if kind.Kind == "ppl" {
			var c pplCase
			require.NoError(t, json.Unmarshal(raw, &c))
			cases = append(cases, c)
		}
	}
	var gold struct {
		Results []struct {
			NCtx       int `json:"n_ctx"`
			BySettings map[string]struct {
				PPL     float64   `json:"ppl"`
				StdErr  float64   `json:"ppl_stderr"`
				Running []float64 `json:"running_ppl_after_each_chunk"`
			} `json:"by_settings"`
		} `json:"results"`
	}
	b, err = os.ReadFile(dir + "ppl/stories260K-story-a.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &gold))
	ran := 0
	for _, c := range cases {
		ctx := c.Flags.NCtx
		t.Run(strconv.Itoa(ctx), func(t *testing.T) {
			m, err := model.Open(dir + c.Model)
			require.NoError(t, err)
			defer m.Close()
			raw, err := os.ReadFile(dir + c.Inputs.Tokens)
			require.NoError(t, err)
			var toks []int32
			for _, f := range strings.Fields(string(raw)) {
				v, err := strconv.Atoi(f)
				require.NoError(t, err)
				toks = append(toks, int32(v))
			}
			s, err := m.NewSession(model.SessionOptions{Ctx: ctx, Threads: 2})
			require.NoError(t, err)
			defer s.Close()
			// Under -short (CI under qemu) the first four chunks only; the
			// running figures check them.
			if testing.Short() {
				toks = toks[:4*ctx]
			}
			res, err := Chunks(sessionLM{s}, toks, ctx, 1, 0, nil)
			require.NoError(t, err)
			rel := c.Tolerance.PPLRel
			if !testing.Short() {
				assert.InEpsilon(t, c.ExpectedValue, res.PPL, rel, "ppl")
			}
			for _, g := range gold.Results {
				if g.NCtx != ctx {
					continue
				}
				want := g.BySettings["f32kv_fa_off"]
				if !testing.Short() {
					require.Len(t, res.Running, len(want.Running))
					assert.InEpsilon(t, want.StdErr, res.StdErr, 1e-3, "standard error")
				}
				for i := range res.Running {
					assert.InEpsilon(t, want.Running[i], res.Running[i], rel, "running ppl after chunk %d", i+1)
				}
			}
			t.Logf("ctx %d: ppl %.6f (llama.cpp %.6f), %d chunks, %d tokens", ctx, res.PPL, c.ExpectedValue, res.Chunks, res.Scored)
			ran++
		})
	}
	require.Equal(t, 2, ran, "the manifest's two ppl cases")
}
