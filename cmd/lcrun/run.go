package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/lcrun/lcrun/internal/source"
	"github.com/lcrun/lcrun/model"
)

func init() {
	register(command{
		name:    "run",
		summary: "read a text (FILE, DIR as a codebase, or - for stdin), then answer -p or continue it",
		help: commandHelp{
			synopsis: []string{"lcrun [run] FILE|DIR|- [-p PROMPT] [flags]", "lcrun [run] -p PROMPT [flags]"},
			about: `Reads the input (a text file, a directory read as a codebase with a header
before each file, or - for standard input), evaluates it in micro-batches,
appends -p after a blank line, and generates up to -n tokens: the answer, or
the text's continuation. The generated text goes to stdout and ends with a
newline; notes, the memory and time estimate and progress go to stderr.

The model is -m, else $LCRUN_MODEL, else the embedded 260K-parameter
TinyStories model. For inputs past the model's trained context use the RoPE
scaling flags; --attn bounds the KV cache; --cache keeps states on disk so
that asking again about the same input skips its prefill.`,
			groups: []flagGroup{
				{"Input and output", []string{"m", "f", "p", "n", "ignore-eos", "stop", "escape", "no-display-prompt", "json", "quiet", "verbose"}},
				{"Chat", []string{"chat", "chat-template", "system", "verbose-prompt"}},
				{"Sampling", []string{"temp", "top-k", "top-p", "min-p", "repeat-penalty", "repeat-last-n", "seed"}},
				{"Context, memory and cache", []string{"ctx", "max-mem", "max-file-size", "cache", "cache-max"}},
				evalGroup, ropeGroup,
			},
			examples: []string{
				"lcrun testdata/prompts/once-upon-a-time.txt -n 64 --seed 1",
				`lcrun -m instruct.gguf notes.txt --chat -p "Summarise this in three lines." --temp 0`,
				`lcrun -m model.gguf book.txt -p "Who took the letter?" --temp 0 --cache ~/.cache/lcrun`,
				`lcrun -m model.gguf ./src --ctx 64K --rope-scaling yarn --rope-scale 4 -p "Where is -m parsed?"`,
			},
		},
		run: runRun,
	})
}

// runConfig is the run command's command line. The steps of a run (input,
// session, prefill, generation) are separate functions over it, so that
// other input kinds and attention policies extend them one at a time.
type runConfig struct {
	input     string // FILE or "-"; "" = only the prompt
	file      string // -f, llama.cpp's spelling of the input
	model     string
	prompt    string
	n         int
	ctx       int
	seed      int64
	ignoreEOS bool
	sampler   model.SamplerOptions
	session   sessionFlags

	stop []string // --stop texts

	chat      bool // --chat: -p through the chat template (chatrun.go)
	chatFlags chatFlags

	// Long inputs (longrun.go).
	cacheDir    string
	cacheMax    int64
	maxMem      int64
	maxFileSize int64
	quiet, json bool
}

func parseRun(args []string, stderr io.Writer) (*runConfig, error) {
	c := &runConfig{}
	fs := newFlagSet("run", stderr)
	fs.StringVar(&c.model, "m", "", "model file (default: $LCRUN_MODEL, else the embedded model)")
	alias(fs, "m", "model")
	fs.StringVar(&c.file, "f", "", "the input FILE, as llama.cpp's -f (give it or the argument)")
	alias(fs, "f", "file")
	fs.StringVar(&c.prompt, "p", "", "prompt, appended after the input")
	alias(fs, "p", "prompt")
	c.n = 128
	fs.Var(signedCountFlag{&c.n}, "n", "tokens to generate; -1 = until an end-of-generation token or a full --ctx (or the model's context)")
	alias(fs, "n", "n-predict")
	fs.BoolVar(&c.ignoreEOS, "ignore-eos", false, "keep generating past end-of-generation tokens (</s>)")
	fs.Func("stop", "end the answer at this text, not printed (repeatable)", func(v string) error {
		if v == "" {
			return fmt.Errorf("an empty stop text would stop at once")
		}
		c.stop = append(c.stop, v)
		return nil
	})
	alias(fs, "stop", "r", "reverse-prompt")
	fs.BoolVar(&c.chat, "chat", false, "ask -p as a chat: the chat template around it (the input as the user's context), ending at the end of the turn")
	c.chatFlags.register(fs)
	fs.BoolFunc("no-display-prompt", "llama.cpp's: lcrun never prints the prompt (accepted)", func(string) error { return nil })
	fs.Var(countFlag{&c.ctx}, "ctx", "context in tokens, e.g. 4096, 32K (default: input + -n)")
	alias(fs, "ctx", "c", "ctx-size")
	sampling := registerSampler(fs, &c.sampler, &c.seed)
	c.session.register(fs, "f16")
	fs.StringVar(&c.cacheDir, "cache", "", "directory of saved states: a run over the same input (or more of it) resumes")
	c.cacheMax = 8 << 30
	fs.Var(byteFlag{&c.cacheMax}, "cache-max", "bound on the cache's size, least recently used states go first (e.g. 2G)")
	fs.Var(byteFlag{&c.maxMem}, "max-mem", "refuse a run whose estimate exceeds this (e.g. 8G; default: what the system has)")
	c.maxFileSize = source.DefaultMaxFileSize
	fs.Var(byteFlag{&c.maxFileSize}, "max-file-size", "in a directory, skip files larger than this")
	fs.BoolVar(&c.quiet, "quiet", false, "no estimate, progress or notes on stderr")
	registerVerbose(fs, &c.quiet)
	fs.BoolVar(&c.json, "json", false, "print run statistics as JSON, the last line of stdout")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	notes := stderr
	if c.quiet {
		notes = io.Discard
	}
	if err := c.session.parsed(fs, notes); err != nil {
		return nil, err
	}
	if c.file != "" {
		pos = append([]string{c.file}, pos...)
	}
	if c.chatFlags.escape {
		c.prompt, c.chatFlags.system = unescape(c.prompt), unescape(c.chatFlags.system)
	}
	if !c.chat && (c.chatFlags.template != "" || c.chatFlags.system != "") {
		return nil, usageError(fs, errors.New("--chat-template and --system need --chat (or lcrun chat)"))
	}
	if c.session.given["ctx"] && c.ctx <= 0 {
		return nil, usageError(fs, fmt.Errorf("--ctx %d: want a positive number of tokens (e.g. 4096, 32K, 1M)", c.ctx))
	}
	switch {
	case len(pos) > 1:
		return nil, usageError(fs, fmt.Errorf("one input please (FILE, DIR or -), got %d", len(pos)))
	case len(pos) == 1:
		c.input = pos[0]
	case c.prompt == "":
		return nil, usageError(fs, errors.New("usage: lcrun [run] FILE|DIR|- [-p PROMPT] [-n N] [-m MODEL] [--ctx N] [--attn POLICY] (give an input or -p)"))
	}
	if c.n < -1 {
		return nil, usageError(fs, fmt.Errorf("-n %d: want a count, or -1", c.n))
	}
	if err := sampling.check(); err != nil {
		return nil, usageError(fs, err)
	}
	return c, nil
}

func runRun(args []string, stdout, stderr io.Writer) error {
	c, err := parseRun(args, stderr)
	if err != nil {
		return err
	}
	notes := stderr
	if c.quiet {
		notes = io.Discard
	}
	m, tok, err := loadTokenized(c.model, notes)
	if err != nil {
		return err
	}
	defer m.Close()
	r := &longRun{c: c, m: m, tok: tok, stdout: stdout, stderr: stderr}
	return r.run()
}
