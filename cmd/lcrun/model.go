package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/defaultmodel"
	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/kvcache"
	"github.com/lcrun/lcrun/model/tokenizer"
	"github.com/lcrun/lcrun/ropescale"
)

// loadModel loads the model a command names (see openModel: -m, else
// $LCRUN_MODEL, else the embedded model, which gets one line on stderr).
func loadModel(path string, stderr io.Writer) (*model.Model, error) {
	fromEnv := path == ""
	if fromEnv {
		path = os.Getenv("LCRUN_MODEL")
	}
	if path == "" {
		fmt.Fprintf(stderr, "lcrun: no model given (-m or $LCRUN_MODEL): using %s\n", defaultmodel.Name)
		return model.OpenBytes(defaultmodel.GGUF(), defaultmodel.Name)
	}
	m, err := model.Open(path)
	if err != nil && fromEnv {
		// The user did not type this path in this command line: say where it came from.
		return nil, fmt.Errorf("$LCRUN_MODEL: %w", err)
	}
	return m, err
}

// ggufInput says whether path, given as the text to read, is a GGUF file
// (a model given where the input goes): its first bytes are the magic.
// Only a regular file is looked at: a pipe's bytes cannot be read twice.
func ggufInput(path string) bool {
	if info, err := os.Stat(path); err != nil || !info.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	return err == nil && string(magic[:]) == "GGUF"
}

// loadTokenized is loadModel for commands that read text: the model
// must have a tokenizer. The caller closes the model.
func loadTokenized(path string, stderr io.Writer) (*model.Model, *tokenizer.Tokenizer, error) {
	m, err := loadModel(path, stderr)
	if err != nil {
		return nil, nil, err
	}
	tok, err := m.Tokenizer()
	if err != nil {
		m.Close()
		return nil, nil, fmt.Errorf("%s: %w", m.Name(), err)
	}
	for _, w := range tok.Warnings() {
		fmt.Fprintf(stderr, "lcrun: warning: %s: %s\n", m.Name(), w)
	}
	return m, tok, nil
}

// sessionFlags are the flags every command that evaluates a model shares:
// threads, micro-batch, KV cache type, attention policy and the RoPE
// overrides.
type sessionFlags struct {
	threads, batch int
	kv             string
	attn           model.Attention
	rope           ropescale.Overrides
	given          map[string]bool // flags named on the command line
	ropeText       []string        // the RoPE flags as given, "name=value"

	// llama.cpp's spellings (llamaflags.go) that are more than aliases.
	kvTypes kvTypes
	ubatch  int // -ub: caps --batch
	keep    int // --keep: the sinks of a window; -1 = not given
	fa      flashAttn
}

func (f *sessionFlags) register(fs *flag.FlagSet, defaultKV string) {
	fs.IntVar(&f.threads, "t", 0, "threads (default: all cores)")
	alias(fs, "t", "threads")
	fs.Var(countFlag{&f.batch}, "batch", "tokens per evaluation step (micro-batch; 1 = token by token); "+
		"llama.cpp's -ub (its physical batch, what this is) caps it: the smaller wins")
	alias(fs, "batch", "b", "batch-size")
	aliasValueOf(fs, "batch", countFlag{&f.ubatch}, "ub", "ubatch-size")
	f.kvTypes.register(fs, defaultKV, "KV cache type: f32|f16|q8_0 (-ctk and -ctv must agree)")
	fs.Func("attn", "attention: full | window:N | sinks:S,N (StreamingLLM)", func(v string) error {
		a, err := model.ParseAttention(v)
		f.attn = a
		return attnFlagError(err)
	})
	f.keep = -1
	fs.Func("keep", "llama.cpp's tokens kept at the start: the sinks of --attn window:N or sinks:S,N "+
		"(sinks:N,W); full attention keeps every token anyway", func(v string) error {
		n, err := parseCount(v)
		if err != nil {
			return fmt.Errorf("want a count of tokens (llama.cpp's -1, all of the prompt, is not supported): %w", err)
		}
		f.keep = n
		return nil
	})
	f.fa.register(fs)
	for _, name := range ropeFlagNames {
		fs.Func(name, ropeFlagUsage[name], func(v string) error {
			if err := setRopeFlag(&f.rope, name, v); err != nil {
				return err
			}
			// One text per setting, so that a saved state made with
			// --rope-scale 4 serves --rope-freq-scale 0.25 too.
			text := name + "=" + v
			if name == "rope-freq-scale" {
				text = "rope-scale=" + strconv.FormatFloat(*f.rope.Scale, 'g', -1, 64)
			}
			f.ropeText = append(f.ropeText, text)
			return nil
		})
	}
}

// attnFlagError says a bad --attn value in the flag's words.
func attnFlagError(err error) error {
	var bad *model.AttentionError
	if errors.As(err, &bad) {
		return fmt.Errorf("--attn %s: %s (want %s)", bad.Text, bad.Why, kvcache.PolicyForms)
	}
	return err
}

// parsed records which flags were named and settles what llama.cpp's
// spellings ask for (-ub, -ctk/-ctv, --keep), with notes for the ones that
// change nothing on notes. A contradiction is a usage error.
func (f *sessionFlags) parsed(fs *flag.FlagSet, notes io.Writer) error {
	f.given = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.given[canonical(fl)] = true })
	kv, err := f.kvTypes.kind()
	if err != nil {
		return usageError(fs, err)
	}
	f.kv = kv
	if _, err := parseKV(kv); err != nil {
		return usageError(fs, err)
	}
	if f.threads < 0 {
		return usageError(fs, fmt.Errorf("-t %d: want a positive number of threads (0 = one per CPU)", f.threads))
	}
	if f.ubatch > 0 && (f.batch == 0 || f.ubatch < f.batch) {
		f.batch = f.ubatch
	}
	switch {
	case f.keep < 0:
	case f.attn.Window == 0:
		fmt.Fprintf(notes, "lcrun: note: --keep %d changes nothing with full attention, which keeps every token (it sets the sinks of --attn window:N)\n", f.keep)
	case f.attn.Streaming || f.keep > 0:
		f.attn.Sinks, f.attn.Streaming = f.keep, true
	}
	f.fa.note(notes)
	if n := runtime.NumCPU(); f.threads > n {
		fmt.Fprintf(notes, "lcrun: note: -t %d is more threads than the %d CPUs here: the extra ones only take turns\n", f.threads, n)
	}
	return nil
}

// options turns the flags into session options for m, for a sequence of
// up to ctx tokens (the KV cache gets the slots the attention policy needs
// for it). Flags that do not apply to m's architecture are accepted with
// one note on stderr, so that scripts can sweep models of every kind with
// one command line.
func (f *sessionFlags) options(m *model.Model, ctx int, stderr io.Writer) (model.SessionOptions, error) {
	o := model.SessionOptions{Ctx: ctx, Threads: f.threads, Batch: f.batch}
	feat := m.Features()
	var ignored []string
	kv, err := parseKV(f.kv)
	if err != nil {
		return o, err
	}
	if feat.Attention {
		o.KV = kv
		f.applyAttention(m, &o, stderr)
	} else {
		for _, name := range []string{"kv", "attn"} {
			if f.given[name] {
				ignored = append(ignored, "--"+name)
			}
		}
	}
	if feat.RoPE {
		o.Rope = f.rope
	} else {
		for _, name := range ropeFlagNames {
			if f.given[name] {
				ignored = append(ignored, "--"+name)
			}
		}
	}
	if len(ignored) > 0 {
		fmt.Fprintf(stderr, "lcrun: note: %s do%s not apply to %s models (ignored)\n",
			strings.Join(ignored, " "), map[bool]string{true: "es", false: ""}[len(ignored) == 1], m.Arch())
	}
	return o, nil
}

func parseKV(s string) (lc.DType, error) {
	switch strings.ToLower(s) {
	case "f32":
		return lc.F32, nil
	case "f16":
		return lc.F16, nil
	case "q8_0":
		return lc.Q8_0, nil
	}
	return 0, fmt.Errorf("--kv %s: want f32, f16 or q8_0", s)
}

// openInput opens a named file, or standard input for "-".
func openInput(name string, stdin io.Reader) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(stdin), nil
	}
	return os.Open(name)
}

// stdin is what "-" reads (a variable so that tests can feed it).
var stdin io.Reader = os.Stdin

// applyAttention sets the policy (narrowed to the model's own sliding
// window, with a note when that changes it) and sizes the KV cache for it.
func (f *sessionFlags) applyAttention(m *model.Model, o *model.SessionOptions, stderr io.Writer) {
	a := f.attn.Effective(m)
	if a != f.attn {
		fmt.Fprintf(stderr, "lcrun: note: the model's own sliding window of %d tokens applies (attention %s)\n", m.SlidingWindow(), a)
	}
	batch := o.Batch
	if batch == 0 {
		batch = model.DefaultBatch
	}
	a.Apply(o)
	o.Ctx = a.Slots(o.Ctx, min(batch, o.Ctx))
}
