package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/lcrun/lcrun/internal/evals"
	"github.com/lcrun/lcrun/internal/svgplot"
)

func init() {
	register(command{
		name:    "niah",
		summary: "needle in a haystack: hide a fact at each depth of each context length, ask for it, score (--svg heat map)",
		help: commandHelp{
			synopsis: []string{"lcrun niah [-m MODEL] [flags]"},
			about: `Needle in a haystack: hides a sentence (the needle) at each depth of a
filler text cut to each length, asks the question after it and scores the
answer. The logprob scorer (default) reads the mean log-probability of the
answer's tokens, teacher-forced, next to the same prompt without the needle;
gen checks whether greedy output contains the answer. Prints a table of
length by depth (or --json); --svg draws the heat map. The table and the map
show the same values: with logprob, each cell's gain over the same length
without the needle (--map logprob: the log-probabilities themselves), on a
fixed colour scale (gain 0 to 3 nats, log-probability -10 to 0).`,
			groups: []flagGroup{
				{"The test", []string{"m", "lengths", "depths", "haystack", "needle", "question", "answer"}},
				{"Scoring and output", []string{"scorer", "map", "json", "svg"}},
				evalGroup, ropeGroup,
			},
			examples: []string{
				"lcrun niah --lengths 64,128 --depths 0,50,100",
				"lcrun niah -m model.gguf --lengths 4K,8K,...,32K --rope-scaling yarn --rope-scale 4 --svg niah.svg",
			},
		},
		run: runNIAH,
	})
}

// niahReport is lcrun niah --json.
type niahReport struct {
	Model    string `json:"model"`
	Haystack string `json:"haystack"` // file, or "default"
	Rope     string `json:"rope"`
	Settings string `json:"settings"`
	*evals.NIAHResult

	gain bool // --map gain (the JSON has every raw value)
}

func runNIAH(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("niah", stderr)
	modelPath := fs.String("m", "", "model file (default: $LCRUN_MODEL, else the embedded model)")
	alias(fs, "m", "model")
	lengths := fs.String("lengths", "1K,2K,4K", "prompt lengths in tokens; a,b,...,z continues the step a→b")
	depths := fs.String("depths", "0,10,...,100", "needle depths in percent of the haystack")
	haystackPath := fs.String("haystack", "", "text to hide the needle in (default: built-in short stories); repeated to fill long contexts")
	needle := fs.String("needle", evals.DefaultNeedle.Text, "the sentence to hide")
	question := fs.String("question", evals.DefaultNeedle.Question, "asked after the haystack; best ending where the answer starts")
	answer := fs.String("answer", evals.DefaultNeedle.Answer, "the expected answer")
	scorer := fs.String("scorer", "logprob", "gen (greedy output contains the answer) or logprob (mean log-probability of the answer, teacher-forced)")
	svgPath := fs.String("svg", "", "write the heat map here")
	mapValue := fs.String("map", "gain", "logprob scorer's table and heat map: gain (log-prob over the same length without the needle) or logprob")
	asJSON := fs.Bool("json", false, "print JSON")
	registerVerbose(fs, nil)
	var mf measureFlags
	mf.register(fs)
	pos, err := mf.parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usageError(fs, fmt.Errorf("unexpected argument %q (usage: lcrun niah [-m MODEL] [--lengths 1K,2K,4K] [--depths 0,10,...,100] [--scorer gen|logprob] [--svg OUT.svg] [--json])", pos[0]))
	}
	o := evals.NIAHOptions{Haystack: evals.DefaultHaystack, Needle: evals.Needle{Text: *needle, Question: *question, Answer: *answer}}
	if o.Lengths, err = parseSeries(*lengths, 2, 1<<30); err != nil {
		return usageError(fs, fmt.Errorf("--lengths: %w", err))
	}
	if o.Depths, err = parseSeries(*depths, 0, 100); err != nil {
		return usageError(fs, fmt.Errorf("--depths: %w", err))
	}
	sc, err := evals.ParseScorer(*scorer)
	if err != nil {
		return usageError(fs, fmt.Errorf("--scorer: %w", err))
	}
	o.Scorer = sc
	if *mapValue != "gain" && *mapValue != "logprob" {
		return usageError(fs, fmt.Errorf("--map %s: want gain or logprob", *mapValue))
	}
	if strings.TrimSpace(*needle) == "" || strings.TrimSpace(*answer) == "" {
		return usageError(fs, errors.New("--needle and --answer must not be empty"))
	}
	if err := checkWritable("--svg", *svgPath); err != nil {
		return err
	}
	hayName := "default"
	if *haystackPath != "" {
		if o.Haystack, err = readText(*haystackPath); err != nil {
			return err
		}
		hayName = *haystackPath
	}
	m, tok, err := loadTokenized(*modelPath, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	// Room for the longest prompt (which may overrun its length by a
	// token) and the answer or the generated tokens after it.
	answerTokens := len(tok.Encode(*answer, false, false))
	need := maxInt(o.Lengths) + 2 + answerTokens + 16
	variants, err := ropeVariants("", m, &mf, need, stderr)
	if err != nil {
		return err
	}
	so, err := mf.options(m, need, mf.session.rope, stderr)
	if err != nil {
		return err
	}
	s, err := m.NewSession(so)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	prog, update := progressFor(stderr, "niah")
	o.Progress = update
	o.Batch = mf.session.batch
	res, err := evals.RunNIAH(sessionLM{ctx, s}, tok, o)
	prog.finish()
	if err != nil {
		return err
	}
	rep := &niahReport{Model: m.Name(), Haystack: hayName, Rope: variants[0].Label, Settings: mf.describe(m), NIAHResult: res,
		gain: *mapValue == "gain"}
	if *svgPath != "" {
		if err := writeSVG(*svgPath, rep.heatMap()); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(stdout, rep)
	}
	return rep.writeText(stdout)
}

// parseSeries reads "256,512,1K" or an arithmetic series "0,10,...,100"
// (the step is the first two values'), each value in [lo, hi].
func parseSeries(s string, lo, hi int) ([]int, error) {
	parts := strings.Split(s, ",")
	var out []int
	for i := 0; i < len(parts); i++ {
		p := strings.TrimSpace(parts[i])
		if p == "..." {
			if len(out) < 2 || i+1 >= len(parts) {
				return nil, fmt.Errorf("%q: \"...\" needs two values before it and one after", s)
			}
			last, err := parseCount(strings.TrimSpace(parts[i+1]))
			if err != nil {
				return nil, err
			}
			step := out[len(out)-1] - out[len(out)-2]
			if step <= 0 || (last-out[len(out)-1])%step != 0 || last <= out[len(out)-1] {
				return nil, fmt.Errorf("%q: the series does not rise in steps of %d to %d", s, step, last)
			}
			if (last-out[len(out)-1])/step > 10000 {
				return nil, fmt.Errorf("%q: more than 10000 values", s)
			}
			for v := out[len(out)-1] + step; v < last; v += step {
				out = append(out, v)
			}
			continue
		}
		v, err := parseCount(p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	for _, v := range out {
		if v < lo || v > hi {
			return nil, fmt.Errorf("%d is outside %d..%d", v, lo, hi)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no values")
	}
	return out, nil
}

func maxInt(xs []int) int {
	m := xs[0]
	for _, x := range xs[1:] {
		m = max(m, x)
	}
	return m
}

// lengthLabel writes 2048 as 2K, other values as they are.
func lengthLabel(n int) string {
	if n >= 1024 && n%1024 == 0 {
		return strconv.Itoa(n/1024) + "K"
	}
	return strconv.Itoa(n)
}

// gainMap: the logprob scorer's table and heat map show each cell's gain
// over the same length without the needle (--map gain), not its raw
// log-probability: both show the same values (issue 17: the map showed
// gains and the table raw values).
func (r *niahReport) gainMap() bool { return r.Scorer == evals.ScoreLogProb && r.gain }

// value is what the table and the heat map show for the cell at length
// index i (j < 0: the no-needle cell, always its raw score, the baseline
// the gains are taken from).
func (r *niahReport) value(i, j int) float64 {
	if j < 0 {
		return r.NoNeedle[i].Score()
	}
	v := r.Cell(i, j).Score()
	if r.gainMap() {
		v -= r.NoNeedle[i].Score()
	}
	return v
}

func (r *niahReport) cellText(i, j int) string {
	c := r.NoNeedle[i]
	if j >= 0 {
		c = r.Cell(i, j)
	}
	if c.Found != nil {
		if *c.Found {
			return "yes"
		}
		return "no"
	}
	if r.gainMap() && j >= 0 {
		return fmt.Sprintf("%+.2f", r.value(i, j))
	}
	return fmt.Sprintf("%.2f", r.value(i, j))
}

func (r *niahReport) writeText(w io.Writer) error {
	fmt.Fprintf(w, "model %s; rope %s; %s; haystack %s\n", r.Model, r.Rope, r.Settings, r.Haystack)
	fmt.Fprintf(w, "needle %q; question %q; answer %q\n", r.Needle.Text, r.Needle.Question, r.Needle.Answer)
	what := "mean log-probability of the answer tokens (nats; 0 = certain)"
	switch {
	case r.Scorer == evals.ScoreGen:
		what = "greedy output contains the answer"
	case r.gainMap():
		what = "gain in the mean log-probability of the answer tokens over the same length without the needle (nats; no needle: its log-probability)"
	}
	fmt.Fprintf(w, "scorer %s: %s; rows: context length (tokens), columns: needle depth\n", r.Scorer, what)
	if err := r.writeGrid(w, r.cellText); err != nil {
		return err
	}
	if r.Scorer != evals.ScoreLogProb {
		return nil
	}
	fmt.Fprintf(w, "answer tokens ranked first, teacher-forced (all = greedy decoding would say the whole answer)\n")
	return r.writeGrid(w, func(i, j int) string {
		if j < 0 {
			return topRanked(r.NoNeedle[i].Ranks)
		}
		return topRanked(r.Cell(i, j).Ranks)
	})
}

// writeGrid writes one value per cell: a row per length, a column per
// depth, and the no-needle cell last.
func (r *niahReport) writeGrid(w io.Writer, cell func(i, j int) string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "length\t")
	for _, d := range r.Depths {
		fmt.Fprintf(tw, "%d%%\t", d)
	}
	fmt.Fprintf(tw, "no needle\t\n")
	for i, l := range r.Lengths {
		fmt.Fprintf(tw, "%s\t", lengthLabel(l))
		for j := range r.Depths {
			fmt.Fprintf(tw, "%s\t", cell(i, j))
		}
		fmt.Fprintf(tw, "%s\t\n", cell(i, -1))
	}
	return tw.Flush()
}

// topRanked writes how many ranks are 1, of how many: "3/5".
func topRanked(ranks []int) string {
	n := 0
	for _, r := range ranks {
		if r == 1 {
			n++
		}
	}
	return fmt.Sprintf("%d/%d", n, len(ranks))
}

// The heat map's fixed colour scales (issue 17: the scale followed each
// run's values, so two maps' colours could not be compared): a gain from
// 0 (red: the needle did not help) to 3 nats (the answer 20 times
// likelier), a log-probability from -10 nats to 0 (certain); values
// beyond take the end colours.
const (
	niahGainTop   = 3.0
	niahLogProbLo = -10.0
)

// heatMap draws lengths x depths with the values of the table: gen 0
// (not found) or 1, logprob gains or raw log-probabilities (--map).
func (r *niahReport) heatMap() *svgplot.HeatMap {
	what := string(r.Scorer)
	if r.gainMap() {
		what = "logprob, gain over no needle"
	}
	h := &svgplot.HeatMap{
		Title: fmt.Sprintf("Needle in a haystack: %s", r.Model),
		Subtitle: fmt.Sprintf("scorer %s; rope %s; %s; haystack %s; needle %q, answer %q",
			what, r.Rope, r.Settings, r.Haystack, r.Needle.Text, r.Needle.Answer),
		XLabel: "needle depth (% of the haystack)", YLabel: "context length (tokens)",
	}
	for _, d := range r.Depths {
		h.Cols = append(h.Cols, fmt.Sprintf("%d%%", d))
	}
	for i, l := range r.Lengths {
		h.Rows = append(h.Rows, lengthLabel(l))
		row := make([]float64, len(r.Depths))
		for j := range r.Depths {
			row[j] = r.value(i, j)
		}
		h.Values = append(h.Values, row)
	}
	switch {
	case r.Scorer == evals.ScoreGen:
		h.Min, h.Max, h.Legend, h.CellFormat = 0, 1, "answer found (1) or not (0)", "%.0f"
	case r.gainMap():
		h.Min, h.Max, h.Legend, h.CellFormat = 0, niahGainTop, "log-prob gain from the needle (nats)", "%+.2f"
	default:
		h.Min, h.Max, h.Legend, h.CellFormat = niahLogProbLo, 0, "mean log-prob of the answer (nats)", "%.2f"
	}
	return h
}
