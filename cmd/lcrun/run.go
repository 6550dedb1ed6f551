package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"

	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/tokenizer"
)

func init() {
	register(command{
		name:    "run",
		summary: "read a text (FILE, or - for stdin), then continue it (-p adds a prompt after it)",
		run:     runRun,
	})
}

// runConfig is the run command's command line. The steps of a run (input,
// session, prefill, generation) are separate functions over it, so that
// other input kinds and attention policies extend them one at a time.
type runConfig struct {
	input   string // FILE or "-"; "" = only the prompt
	model   string
	prompt  string
	n       int
	ctx     int
	seed    int64
	sampler model.SamplerOptions
	session sessionFlags
}

func parseRun(args []string, stderr io.Writer) (*runConfig, error) {
	c := &runConfig{}
	fs := newFlagSet("run", stderr)
	fs.StringVar(&c.model, "m", "", "model file (default: $LCRUN_MODEL, else the embedded model)")
	fs.StringVar(&c.prompt, "p", "", "prompt, appended after the input")
	fs.IntVar(&c.n, "n", 128, "tokens to generate")
	fs.Var(countFlag{&c.ctx}, "ctx", "context in tokens, e.g. 4096, 32K (default: input + -n)")
	fs.Int64Var(&c.seed, "seed", -1, "sampling seed (-1 = random)")
	temp := fs.Float64("temp", 0.8, "temperature (0 = greedy)")
	fs.IntVar(&c.sampler.TopK, "top-k", 40, "keep the K most likely tokens (0 = all)")
	topP := fs.Float64("top-p", 0.95, "nucleus: keep tokens up to this probability mass (1 = off)")
	minP := fs.Float64("min-p", 0.05, "drop tokens less likely than this times the best (0 = off)")
	rep := fs.Float64("repeat-penalty", 1, "penalise the last --repeat-last-n tokens (1 = off)")
	fs.IntVar(&c.sampler.RepeatLastN, "repeat-last-n", 64, "tokens the repeat penalty looks back")
	c.session.register(fs, "f16")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	c.session.noteGiven(fs)
	switch {
	case len(pos) > 1:
		return nil, fmt.Errorf("one input please (FILE or -), got %d", len(pos))
	case len(pos) == 1:
		c.input = pos[0]
	case c.prompt == "":
		return nil, fmt.Errorf("usage: lcrun [run] FILE|- [-p PROMPT] [-n N] [-m MODEL] (give an input or -p)")
	}
	if c.n < 0 || *temp < 0 || c.sampler.TopK < 0 || *topP < 0 || *minP < 0 || *rep < 0 || c.sampler.RepeatLastN < 0 {
		return nil, fmt.Errorf("-n, --temp, --top-k, --top-p, --min-p and the repeat penalty must not be negative")
	}
	c.sampler.Temperature, c.sampler.TopP, c.sampler.MinP, c.sampler.RepeatPenalty = float32(*temp), float32(*topP), float32(*minP), float32(*rep)
	c.sampler.Seed = uint64(c.seed)
	if c.seed < 0 {
		c.sampler.Seed = rand.Uint64()
	}
	return c, nil
}

func runRun(args []string, stdout, stderr io.Writer) error {
	c, err := parseRun(args, stderr)
	if err != nil {
		return err
	}
	m, err := loadModel(c.model, stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	tok, err := m.Tokenizer()
	if err != nil {
		return fmt.Errorf("%s: %w", m.Name(), err)
	}
	tokens, err := c.readTokens(tok)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s, err := c.newSession(m, len(tokens), stderr)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Prefill(ctx, tokens, nil); err != nil {
		return err
	}
	return c.generate(ctx, s, stdout)
}

// readTokens tokenises the input (with BOS as the model asks) and the
// prompt after it. Text that looks like a special token is plain text: a
// document must not be able to end the sequence.
func (c *runConfig) readTokens(tok *tokenizer.Tokenizer) ([]int32, error) {
	var tokens []int32
	if c.input != "" {
		r, err := openInput(c.input, stdin)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		if tokens, err = tok.EncodeReader(r, true, false); err != nil {
			return nil, fmt.Errorf("%s: %w", c.input, err)
		}
	}
	if c.prompt != "" {
		tokens = append(tokens, tok.Encode(c.prompt, len(tokens) == 0, false)...)
	}
	if len(tokens) == 0 {
		return nil, errors.New("the input is empty")
	}
	return tokens, nil
}

// newSession sizes the context for the input and the tokens to generate.
func (c *runConfig) newSession(m *model.Model, nInput int, stderr io.Writer) (*model.Session, error) {
	need := nInput + c.n
	ctx := c.ctx
	if ctx == 0 {
		ctx = need
	} else if ctx < need {
		return nil, fmt.Errorf("the input is %d tokens and -n %d more: that needs --ctx %d or more (have %d)", nInput, c.n, need, ctx)
	}
	o, err := c.session.options(m, ctx, stderr)
	if err != nil {
		return nil, err
	}
	return m.NewSession(o)
}

// generate streams the continuation to stdout, ending with a newline.
func (c *runConfig) generate(ctx context.Context, s *model.Session, stdout io.Writer) error {
	opts := model.GenerateOptions{MaxTokens: c.n, Sampler: model.NewSampler(c.sampler)}
	if c.n == 0 {
		return nil
	}
	for t, err := range s.Generate(ctx, opts) {
		if err != nil {
			return err
		}
		if _, err := io.WriteString(stdout, t.Text); err != nil {
			return err
		}
	}
	_, err := io.WriteString(stdout, "\n")
	return err
}
