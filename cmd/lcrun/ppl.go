package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/lcrun/lcrun/internal/evals"
	"github.com/lcrun/lcrun/internal/svgplot"
)

func init() {
	register(command{
		name:    "ppl",
		summary: "perplexity of a text by token position (--compare RoPE methods, --svg chart), or llama-perplexity's figure (--chunks)",
		help: commandHelp{
			synopsis: []string{"lcrun ppl [-m MODEL] FILE|- [--ctx N] [flags]"},
			about: `Perplexity of a text. By default it scores a window of --ctx tokens (or
the mean of --windows consecutive ones) and reports perplexity by position,
in --buckets groups: it shows whether later tokens gain from the context
before them, and where a model breaks down past its trained context.
--compare runs the same window under several RoPE scaling methods; --svg
draws the curves.

--chunks follows llama.cpp's llama-perplexity instead: consecutive chunks of
--ctx tokens, the second half of each scored, one figure (JSON key "ppl").`,
			groups: []flagGroup{
				{"What to measure", []string{"m", "f", "ctx", "buckets", "windows", "chunks", "compare"}},
				{"Output", []string{"json", "svg"}},
				evalGroup, ropeGroup,
			},
			examples: []string{
				"lcrun ppl -m model.gguf book.txt --ctx 8K --compare none,linear,yarn --svg ppl.svg",
				"lcrun ppl -m model.gguf wiki.test.raw --ctx 512 --chunks --json",
			},
		},
		run: runPPL,
	})
}

// pplReport is lcrun ppl --json. "ppl" is the first run's perplexity
// (the only one without --compare).
type pplReport struct {
	Model      string   `json:"model"`
	Text       string   `json:"text"`
	TextTokens int      `json:"text_tokens"`
	Mode       string   `json:"mode"` // "position" or "chunks"
	Ctx        int      `json:"ctx"`
	Settings   string   `json:"settings"`
	PPL        float64  `json:"ppl"`
	Runs       []pplRun `json:"runs"`
	TrainedCtx int      `json:"trained_ctx"`
}

type pplRun struct {
	ropeVariant
	Position *evals.PositionResult `json:"position,omitempty"`
	Chunks   *evals.ChunksResult   `json:"chunks,omitempty"`
}

func runPPL(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("ppl", stderr)
	modelPath := fs.String("m", "", "model file (default: $LCRUN_MODEL, else the embedded model)")
	alias(fs, "m", "model")
	file := fs.String("f", "", "the text FILE, as llama-perplexity's -f (give it or the argument)")
	alias(fs, "f", "file")
	ctxLen := 0
	fs.Var(countFlag{&ctxLen}, "ctx", "tokens per window (e.g. 2048, 4K); default: the model's trained context")
	alias(fs, "ctx", "c", "ctx-size")
	buckets, windows := 16, 1
	fs.Var(signedCountFlag{&buckets}, "buckets", "position buckets the window's tokens are aggregated into")
	fs.Var(signedCountFlag{&windows}, "windows", "consecutive windows of the text to average over (position mode)")
	var chunks chunksFlag
	fs.Var(&chunks, "chunks", "llama.cpp llama-perplexity protocol: chunks of --ctx tokens, second halves scored; --chunks=N (or --chunks N) stops after N chunks")
	compare := fs.String("compare", "", "RoPE scaling methods to compare on the same window, e.g. none,linear,yarn")
	svgPath := fs.String("svg", "", "write the perplexity-by-position chart here")
	asJSON := fs.Bool("json", false, "print JSON")
	registerVerbose(fs, nil)
	var mf measureFlags
	mf.register(fs)
	pos, err := mf.parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if *file != "" {
		pos = append([]string{*file}, pos...)
	}
	if len(pos) != 1 {
		return usageError(fs, errors.New("usage: lcrun ppl -m MODEL FILE|- --ctx N [--buckets K] [--chunks] [--compare none,linear,yarn] [--svg OUT.svg] [--json]"))
	}
	if chunks.on && *svgPath != "" {
		return usageError(fs, errors.New("--svg draws perplexity by position; --chunks has no positions to draw"))
	}
	if !chunks.on && (buckets < 1 || ctxLen > 0 && buckets > ctxLen/2) {
		return usageError(fs, fmt.Errorf("--buckets %d: want 1..%d for --ctx %d (two positions per bucket)", buckets, max(ctxLen/2, 1), ctxLen))
	}
	if err := checkWritable("--svg", *svgPath); err != nil {
		return err
	}
	m, tok, err := loadTokenized(*modelPath, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	text, err := readText(pos[0])
	if err != nil {
		return err
	}
	tokens := tok.Encode(text, true, false)
	if ctxLen == 0 {
		if ctxLen = m.ContextLength(); ctxLen == 0 {
			return errors.New("the model does not say its context length: give --ctx")
		}
	}
	textTokens := len(tokens)
	if chunks.max > 0 && len(tokens) > chunks.max*ctxLen {
		tokens = tokens[:chunks.max*ctxLen] // as llama-perplexity's --chunks N
	}
	variants, err := ropeVariants(*compare, m, &mf, ctxLen, stderr)
	if err != nil {
		return err
	}
	rep := &pplReport{Model: m.Name(), Text: pos[0], TextTokens: textTokens, Ctx: ctxLen, Settings: mf.describe(m),
		TrainedCtx: m.ContextLength(), Mode: "position"}
	if chunks.on {
		rep.Mode = "chunks"
	}
	bos := int32(-1)
	if tok.AddBOS() {
		bos = tok.BOS()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	for _, v := range variants {
		o, err := mf.options(m, ctxLen, v.rope, stderr)
		if err != nil {
			return err
		}
		s, err := m.NewSession(o)
		if err != nil {
			return err
		}
		lm := sessionLM{ctx, s}
		prog, update := progressFor(stderr, "ppl "+v.Label)
		run := pplRun{ropeVariant: v}
		if chunks.on {
			run.Chunks, err = evals.Chunks(lm, tokens, ctxLen, bos, mf.session.batch, update)
		} else {
			run.Position, err = evals.ByPosition(lm, tokens, ctxLen, buckets, windows, bos, mf.session.batch, update)
		}
		prog.finish()
		s.Close()
		if err != nil {
			return err
		}
		rep.Runs = append(rep.Runs, run)
	}
	if r := rep.Runs[0]; r.Chunks != nil {
		rep.PPL = r.Chunks.PPL
	} else {
		rep.PPL = r.Position.PPL
	}
	if *svgPath != "" {
		if err := writeSVG(*svgPath, rep.chart()); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(stdout, rep)
	}
	return rep.writeText(stdout)
}

// chunksFlag is --chunks (the protocol, every chunk) or --chunks=N (at
// most N chunks, as llama-perplexity's --chunks N).
type chunksFlag struct {
	on  bool
	max int
}

func (c *chunksFlag) IsBoolFlag() bool { return true }

func (c *chunksFlag) String() string {
	if c == nil || !c.on {
		return "false"
	}
	if c.max > 0 {
		return strconv.Itoa(c.max)
	}
	return "true"
}

// takes reads llama-perplexity's --chunks N: a number after --chunks.
func (c *chunksFlag) takes(next string) bool {
	_, err := strconv.Atoi(next)
	return err == nil
}

func (c *chunksFlag) Set(s string) error {
	switch s {
	case "true":
		c.on, c.max = true, 0
		return nil
	case "false":
		c.on, c.max = false, 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 2 {
		return fmt.Errorf("--chunks=%s: want a number of chunks, at least 2", s)
	}
	c.on, c.max = true, n
	return nil
}

// readText reads a file (or stdin for "-") as llama.cpp's -f does: one
// trailing newline is dropped.
func readText(path string) (string, error) {
	r, err := openInput(path, stdin)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	text := strings.TrimSuffix(string(b), "\n")
	if strings.TrimSpace(text) == "" {
		return "", fmt.Errorf("%s: no text", path)
	}
	return text, nil
}

func (r *pplReport) writeText(w io.Writer) error {
	fmt.Fprintf(w, "model %s; text %s (%d tokens); %s\n", r.Model, r.Text, r.TextTokens, r.Settings)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if r.Mode == "chunks" {
		c := r.Runs[0].Chunks
		fmt.Fprintf(w, "llama-perplexity protocol: %d chunks of %d tokens, %d tokens scored (second halves)\n", c.Chunks, c.Ctx, c.Scored)
		fmt.Fprintf(tw, "rope\tppl\t± stderr\tmean nll\t\n")
		for _, run := range r.Runs {
			c := run.Chunks
			fmt.Fprintf(tw, "%s\t%.6f\t%.6f\t%.6f\t\n", run.Label, c.PPL, c.StdErr, c.MeanNLL)
		}
		return tw.Flush()
	}
	p := r.Runs[0].Position
	fmt.Fprintf(w, "perplexity by position: %d window%s of %d tokens, %d buckets\n", p.Windows, plural(p.Windows), p.Ctx, len(p.Buckets))
	fmt.Fprintf(tw, "positions\t")
	for _, run := range r.Runs {
		fmt.Fprintf(tw, "%s\t", run.Label)
	}
	fmt.Fprintln(tw)
	for b, bk := range p.Buckets {
		fmt.Fprintf(tw, "%d-%d\t", bk.Start, bk.End-1)
		for _, run := range r.Runs {
			fmt.Fprintf(tw, "%.3f\t", run.Position.Buckets[b].PPL)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "all\t")
	for _, run := range r.Runs {
		fmt.Fprintf(tw, "%.3f\t", run.Position.PPL)
	}
	fmt.Fprintln(tw)
	return tw.Flush()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// chart draws each run's bucket perplexities at the buckets' middle
// positions, on a log scale, with the trained context marked.
func (r *pplReport) chart() *svgplot.LineChart {
	p := r.Runs[0].Position
	lc := &svgplot.LineChart{
		Title: fmt.Sprintf("Perplexity by position: %s, ctx %d", r.Model, r.Ctx),
		Subtitle: fmt.Sprintf("text %s (%d tokens), %d window%s, %d buckets of about %d tokens; %s",
			filepath.Base(r.Text), r.TextTokens, p.Windows, plural(p.Windows), len(p.Buckets), r.Ctx/len(p.Buckets), r.Settings),
		XLabel: "token position in the window", YLabel: "perplexity (log scale)", LogY: true,
	}
	for _, run := range r.Runs {
		s := svgplot.Series{Name: run.Label}
		for _, bk := range run.Position.Buckets {
			s.X = append(s.X, float64(bk.Start+bk.End-1)/2)
			s.Y = append(s.Y, bk.PPL)
		}
		lc.Series = append(lc.Series, s)
	}
	// The context the scaled methods were told the model was trained at,
	// else the model's own.
	trained := r.TrainedCtx
	for _, run := range r.Runs {
		if run.rope.OrigCtx != nil {
			trained = *run.rope.OrigCtx
		}
	}
	if trained > 0 && trained < r.Ctx {
		lc.Marks = append(lc.Marks, svgplot.Mark{X: float64(trained), Label: fmt.Sprintf("trained context %d", trained)})
	}
	return lc
}
