package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lcrun/lcrun/internal/evals"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSeries(t *testing.T) {
	cases := []struct {
		in     string
		lo, hi int
		want   []int
		bad    bool
	}{
		{"0,10,...,100", 0, 100, []int{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, false},
		{"256,512,...,2048", 2, 1 << 30, []int{256, 512, 768, 1024, 1280, 1536, 1792, 2048}, false},
		{"1K,2K,4K", 2, 1 << 30, []int{1024, 2048, 4096}, false},
		{" 50 ", 0, 100, []int{50}, false},
		{"0,25,...,100,7", 0, 100, []int{0, 25, 50, 75, 100, 7}, false},
		{"0,10,...,95", 0, 100, nil, true},  // 95 is not on the series
		{"10,0,...,100", 0, 100, nil, true}, // falling
		{"0,...,100", 0, 100, nil, true},    // one value before
		{"0,10,...", 0, 100, nil, true},     // nothing after
		{"0,150", 0, 100, nil, true},
		{"x", 0, 100, nil, true},
		{"", 0, 100, nil, true},
		{"0,1,...,1M", 0, 1 << 30, nil, true}, // too many
	}
	for _, c := range cases {
		got, err := parseSeries(c.in, c.lo, c.hi)
		if c.bad {
			assert.Error(t, err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

// TestNIAH runs the test on stories260K and checks the report, the table
// and the heat map.
func TestNIAH(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(testdata, "stories260K.gguf")
	svg := filepath.Join(dir, "niah.svg")
	code, out, errOut := runLcrun("niah", "-m", model, "--lengths", "128,256", "--depths", "0,50,100", "--svg", svg, "--json")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Model   string `json:"model"`
		Scorer  string `json:"scorer"`
		Lengths []int  `json:"lengths"`
		Depths  []int  `json:"depths"`
		Needle  struct {
			Answer string `json:"answer"`
		} `json:"needle"`
		Cells []struct {
			Length, Depth, Tokens int
			LogProb               *float64 `json:"logprob"`
			Ranks                 []int    `json:"ranks"`
			Found                 *bool    `json:"found"`
		} `json:"cells"`
		NoNeedle []struct {
			LogProb *float64 `json:"logprob"`
		} `json:"no_needle"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, "logprob", rep.Scorer)
	assert.Equal(t, []int{128, 256}, rep.Lengths)
	assert.Equal(t, "Zuzu", rep.Needle.Answer)
	require.Len(t, rep.Cells, 6)
	require.Len(t, rep.NoNeedle, 2)
	for _, c := range rep.Cells {
		require.NotNil(t, c.LogProb)
		assert.Less(t, *c.LogProb, 0.0)
		assert.NotEmpty(t, c.Ranks)
		assert.Nil(t, c.Found)
		assert.LessOrEqual(t, c.Tokens, c.Length+2)
	}
	// stories260K copies the made-up name from a short context: with the
	// needle near the question the answer is clearly likelier than without
	// (measured: about -3.2 against -5.0 nats at 128 tokens).
	assert.Greater(t, *rep.Cells[2].LogProb, *rep.NoNeedle[0].LogProb+1)

	pic, err := os.ReadFile(svg)
	require.NoError(t, err)
	for _, want := range []string{"<svg", "Needle in a haystack: " + model, "log-prob gain from the needle", "context length (tokens)", "50%", "256"} {
		assert.Contains(t, string(pic), want)
	}

	code, out, errOut = runLcrun("niah", "-m", model, "--lengths", "128", "--depths", "0,100", "--scorer", "gen", "--svg", svg)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "scorer gen: greedy output contains the answer")
	assert.Regexp(t, `\n\s+128\s+(yes|no)\s+(yes|no)\s+(yes|no)\n`, out)
	pic, err = os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(pic), "answer found (1) or not (0)")

	hay := filepath.Join(dir, "hay.txt")
	require.NoError(t, os.WriteFile(hay, []byte("The sun was hot. The sea was blue. A bird sang.\n"), 0o644))
	code, out, errOut = runLcrun("niah", "-m", model, "--lengths", "64", "--depths", "50", "--haystack", hay,
		"--needle", "The key was in the green box.", "--question", "Where was the key? The key was in the", "--answer", "green box",
		"--attn", "window:32", "--map", "logprob")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "attention window:32")
	assert.Contains(t, out, `answer "green box"`)
	assert.Regexp(t, `\n\s+64\s+-\d+\.\d\d\s+-\d+\.\d\d\n`, out)
	assert.Contains(t, out, "answer tokens ranked first")
}

func TestNIAHErrors(t *testing.T) {
	cases := map[string][]string{
		"depth over 100":   {"niah", "--depths", "0,150"},
		"length too short": {"niah", "--lengths", "8", "--depths", "0"},
		"bad scorer":       {"niah", "--scorer", "vibes"},
		"bad map":          {"niah", "--map", "rainbow"},
		"missing haystack": {"niah", "--haystack", filepath.Join(t.TempDir(), "none.txt")},
		"stray argument":   {"niah", "book.txt"},
		"empty answer":     {"niah", "--answer", "", "--lengths", "128", "--depths", "0"},
		"bad series":       {"niah", "--lengths", "128,64,...,512"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, _, errOut := runLcrun(args...)
			assert.NotEqual(t, 0, code)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			assert.Regexp(t, `^lcrun niah: `, lines[len(lines)-1], errOut)
		})
	}
}

// The table shows what the heat map shows (issue 17: the map showed
// gains over the no-needle prompt, the table raw log-probabilities), and
// the colour scale is the same whatever a run measured.
func TestNIAHTableAndMapAgree(t *testing.T) {
	report := func(gain bool, lp ...float64) *niahReport {
		cell := func(v float64) evals.Cell { return evals.Cell{LogProb: &v, Ranks: []int{1, 2}} }
		return &niahReport{Model: "m", Rope: "none", Settings: "s", Haystack: "default", gain: gain,
			NIAHResult: &evals.NIAHResult{Scorer: evals.ScoreLogProb, Lengths: []int{128}, Depths: []int{0, 100},
				Cells: []evals.Cell{cell(lp[0]), cell(lp[1])}, NoNeedle: []evals.Cell{cell(lp[2])}}}
	}
	for name, c := range map[string]struct {
		gain     bool
		row      string
		values   []float64
		min, max float64
	}{
		"gain":    {true, "     128  +2.00  +0.50      -5.00", []float64{2, 0.5}, 0, niahGainTop},
		"logprob": {false, "     128  -3.00  -4.50      -5.00", []float64{-3, -4.5}, niahLogProbLo, 0},
	} {
		t.Run(name, func(t *testing.T) {
			r := report(c.gain, -3, -4.5, -5)
			var b strings.Builder
			require.NoError(t, r.writeText(&b))
			assert.Contains(t, b.String(), "\n"+c.row+"\n")
			h := r.heatMap()
			assert.Equal(t, [][]float64{c.values}, h.Values)
			assert.Equal(t, []float64{c.min, c.max}, []float64{h.Min, h.Max})
			other := report(c.gain, -0.1, -9, -9.5).heatMap()
			assert.Equal(t, []float64{h.Min, h.Max}, []float64{other.Min, other.Max}, "the scale does not follow the values")
		})
	}
}
