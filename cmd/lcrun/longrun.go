package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"time"

	"github.com/lcrun/lcrun/internal/source"
	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/longinput"
	"github.com/lcrun/lcrun/model/prefixcache"
	"github.com/lcrun/lcrun/model/tokenizer"
)

// promptSeparator goes between the input and the -p prompt.
const promptSeparator = "\n\n"

// afterMicroBatch, when set (tests), is called after each micro-batch of
// the prefill with the tokens done.
var afterMicroBatch func(done int)

// planMade, when set (tests), sees the library's plan a run prints.
var planMade func(*model.Plan)

// goSlack is the garbage a run may hold between collections; gcPercent
// the collector's pacing (GOGC) during a run.
const (
	goSlack   = 4 << 20
	gcPercent = 20
)

// streamChunk is how much text the tokenizer reads at a time; its cuts are
// the points where a run may save a state that survives appended text.
const streamChunk = 64 << 10

// longRun is one run over an input: the library reads, plans, resumes and
// prefills (model.Plan, model/longinput); this is the command line's side
// of it: notes, the estimate, progress, the answer and statistics.
type longRun struct {
	c              *runConfig
	m              *model.Model
	tok            *tokenizer.Tokenizer
	stdout, stderr io.Writer

	src    longinput.TextSource
	first  *source.Input    // the input of the first pass
	last   *source.Input    // the input of the pass being read
	input  *longinput.Input // nil without an input
	nInput int              // the input's tokens, BOS included
	prompt []int32
	plan   *model.Plan
	stats  runStats
	chat   *chatPrompt // run --chat's rendered prompt

	contextNotes string // notes on the run's context, said once it fits (runcontext.go)
}

func (r *longRun) note(format string, args ...any) {
	if !r.c.quiet {
		fmt.Fprintf(r.stderr, "lcrun: "+format+"\n", args...)
	}
}

func (r *longRun) warn(msg string) { fmt.Fprintf(r.stderr, "lcrun: warning: %s\n", oneLine(msg)) }

func (r *longRun) run() error {
	start := time.Now()
	r.stats.Model, r.stats.Arch = r.m.Name(), r.m.Arch()
	defer debug.SetGCPercent(debug.SetGCPercent(gcPercent))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		// A second Ctrl-C ends the process at once (cache entries are
		// written whole or not at all, so that is safe too).
		<-ctx.Done()
		stop()
	}()

	if err := r.prepareChat(); err != nil {
		return err
	}
	if err := r.countInput(); err != nil {
		return err
	}
	// The counting pass leaves garbage the estimate should not count as
	// the process's own.
	debug.FreeOSMemory()
	if err := r.readPrompt(); err != nil {
		return err
	}
	notes := r.stderr
	if r.c.quiet {
		notes = io.Discard
	}
	o, err := r.c.session.options(r.m, r.total(), notes)
	if err != nil {
		return err
	}
	if err := r.settleRope(&o, notes); err != nil {
		return err
	}
	r.plan, err = r.m.NewPlan(o, model.PlanInput{Input: r.nInput, Prompt: len(r.prompt), Generate: r.c.n,
		ExtraProcess: r.src.TokenizerBytes, WithCache: r.c.cacheDir != "", MaxMemory: r.c.maxMem})
	if err != nil {
		return err
	}
	if planMade != nil {
		planMade(r.plan)
	}
	if err := r.plan.Check(); err != nil {
		return refusal(err)
	}
	fmt.Fprint(notes, r.contextNotes)
	r.stats.EstimateBytes = r.plan.Memory()
	// Keep garbage from piling up (gcPercent, set above): a long run makes
	// a little per token (tokenizer chunks), and the collector's default
	// pacing lets the heap reach twice what is live before collecting, so
	// that peak memory would depend on how long the run is. The live heap
	// holds no pointers worth scanning (caches are flat), so collecting
	// often is cheap. Mapped weights are outside Go's heap.
	p := r.plan
	debug.SetMemoryLimit(sysmem.GoBytes() + r.src.TokenizerBytes + p.Session + p.History + p.CacheIO + goSlack)

	// The estimate comes before the session takes its memory; it counts
	// on the longest cached prefix loading.
	cached := 0
	if r.input != nil {
		cached = r.input.Cached()
	}
	if r.nInput-cached+len(r.prompt) >= longInput {
		var head []int32
		if r.input != nil {
			head = r.input.Head()
		}
		if err := p.Measure(append(head, r.prompt...)); err != nil {
			return err
		}
		if !r.c.quiet {
			reportPlan(r.stderr, p, cached)
		}
		pre, dec := p.Seconds(cached)
		r.stats.EstimateSeconds = pre + dec
	}

	s, err := r.m.NewSession(o)
	if err != nil {
		return err
	}
	defer s.Close()
	resume := 0
	if r.input != nil {
		if resume = r.input.Resume(s, len(r.prompt) == 0); resume > 0 {
			r.note("cache: resumed from a saved state of %s tokens (%s to compute)", groupDigits(resume), groupDigits(r.nInput-resume))
		}
	}
	r.stats.CachedTokens = resume

	t0 := time.Now()
	err = r.prefill(ctx, s, resume)
	r.stats.PrefillSeconds = time.Since(t0).Seconds()
	r.stats.PrefillTokens = s.Pos() - resume
	if err == nil {
		err = r.generate(ctx, s)
	}
	r.stats.WallSeconds = time.Since(start).Seconds()
	if errors.Is(err, context.Canceled) {
		r.stats.Interrupted, r.stats.StopReason = true, "interrupted"
		r.finishStats(s)
		r.noteSaves()
		r.printJSON()
		return withExit(130, fmt.Errorf("interrupted after %s tokens", groupDigits(s.Pos())))
	}
	if err != nil {
		return err
	}
	r.finishStats(s)
	r.noteSaves()
	return r.printJSON()
}

// noteSaves says what --cache wrote, so that a user knows a next run can
// resume (and what it cost).
func (r *longRun) noteSaves() {
	st := &r.stats
	if st.CacheSaves == 0 {
		return
	}
	states := "state"
	if st.CacheSaves > 1 {
		states = "states"
	}
	r.note("cache: saved %d %s (%s) in %s in %.2f s", st.CacheSaves, states, sizeText(st.CacheSavedBytes), r.c.cacheDir, st.CacheSaveSecs)
}

// total is the sequence the session must hold.
func (r *longRun) total() int { return r.nInput + len(r.prompt) + r.c.n }

// countInput is the first pass over the input (model/longinput), with
// the state cache when --cache is given. Standard input, a pipe or a
// device is kept whole, as it cannot be read again.
func (r *longRun) countInput() error {
	if r.c.input == "" {
		return nil
	}
	if ggufInput(r.c.input) {
		return fmt.Errorf("%s is a GGUF model, not a text to read: did you mean -m %s?", r.c.input, r.c.input)
	}
	r.src = longinput.TextSource{Tokenizer: r.tok, AddBOS: true, ChunkSize: streamChunk, Text: func() (io.ReadCloser, error) {
		in, err := source.Open(r.c.input, source.Options{Stdin: stdin, MaxFileSize: r.c.maxFileSize})
		if err == nil {
			if r.first == nil {
				r.first = in
				r.stats.Input = in.Name()
			}
			r.last = in
		}
		return in, err
	}}
	o := longinput.Options{MaxTokens: r.c.ctx, Keep: source.ReadsOnce(r.c.input), Warn: r.warn}
	if r.c.cacheDir != "" {
		var err error
		if o.Fingerprint, err = fingerprint(r.m, &r.c.session); err != nil {
			return err
		}
		if o.Cache, err = prefixcache.Open(r.c.cacheDir, r.c.cacheMax, r.warn); err != nil {
			return err
		}
	}
	t0 := time.Now()
	in, err := longinput.Count(r.m, r.chatSource(), o)
	var long *longinput.TooLongError
	if errors.As(err, &long) {
		f := r.last
		return fmt.Errorf("%s is longer than --ctx %s tokens (stopped reading at %s tokens, %s of %s)",
			f.Name(), groupDigits(long.Max), groupDigits(long.Read), sizeText(f.BytesRead()), sizeText(f.Size()))
	}
	if err != nil {
		return err
	}
	r.input, r.nInput = in, in.Tokens()
	r.stats.TokenizeSeconds = time.Since(t0).Seconds()
	r.stats.InputTokens = r.nInput
	r.describeInput(r.first)
	return nil
}

// describeInput reports what a directory walk read.
func (r *longRun) describeInput(in *source.Input) {
	if in.Kind() != source.KindDir {
		return
	}
	r.stats.Files, r.stats.Skipped, r.stats.dir = in.FilesRead(), in.Skipped(), true
	skipped := ""
	if s := in.SkippedSummary(); s != "" {
		skipped = "; " + s
	}
	r.note("read %d files (%s) from %s%s: %s tokens", in.FilesRead(), sizeText(in.BytesRead()), in.Name(), skipped, groupDigits(r.nInput))
}

// fingerprint names what, besides the model and the tokens, makes two
// saved states interchangeable: the architecture's state layout under the
// session's options (the micro-batch as asked for: it sets where a
// streaming cache evicts).
func fingerprint(m *model.Model, sf *sessionFlags) (string, error) {
	var b strings.Builder
	batch := sf.batch
	if batch == 0 {
		batch = model.DefaultBatch
	}
	fmt.Fprintf(&b, "arch=%s batch=%d", m.Arch(), batch)
	if m.Features().Attention {
		kv, err := parseKV(sf.kv)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, " attn=%s kv=%s", sf.attn.Effective(m), kvText(kv))
	}
	if m.Features().RoPE && len(sf.ropeText) > 0 {
		b.WriteString(" rope=" + strings.Join(sf.ropeText, ","))
	}
	return b.String(), nil
}

// readPrompt tokenises -p after a separator (with BOS when it is alone).
// Text that looks like a special token stays plain text.
func (r *longRun) readPrompt() error {
	if why := source.NotText([]byte(r.c.prompt)); why != "" {
		return fmt.Errorf("-p is not text (%s)", why)
	}
	if r.chat != nil {
		r.prompt = r.chatPromptTokens()
	} else if r.c.prompt != "" {
		text := r.c.prompt
		if r.nInput > 0 {
			text = promptSeparator + text
		}
		r.prompt = r.tok.Encode(text, r.nInput == 0, false)
	}
	r.stats.PromptTokens = len(r.prompt)
	if r.nInput+len(r.prompt) == 0 {
		return errors.New("nothing to evaluate: the input and the prompt are empty")
	}
	if r.c.n < 0 {
		return r.fillContext()
	}
	if r.c.ctx > 0 && r.total() > r.c.ctx {
		return fmt.Errorf("the input (%s tokens), the prompt (%s) and -n %d need --ctx %s or more (have %s)",
			groupDigits(r.nInput), groupDigits(len(r.prompt)), r.c.n, groupDigits(r.total()), groupDigits(r.c.ctx))
	}
	return nil
}

// prefill evaluates the input from resume on (the library saves states on
// the way when caching, also on Ctrl-C), then the prompt, with one
// progress line for both.
func (r *longRun) prefill(ctx context.Context, s *model.Session, resume int) error {
	todo := r.nInput - resume + len(r.prompt)
	if todo == 0 {
		return nil
	}
	pr := newProgress(r.stderr, r.c.quiet, "prefill", todo)
	pr.work = prefillWork(r.plan, resume)
	defer pr.finish()
	update := func(done int) {
		pr.update(done)
		if afterMicroBatch != nil {
			afterMicroBatch(done)
		}
	}
	if r.input != nil {
		err := r.input.Prefill(ctx, s, resume, update)
		if errors.Is(err, longinput.ErrChanged) {
			return fmt.Errorf("%s changed while it was being read", r.stats.Input)
		}
		if err != nil {
			return err
		}
	}
	if len(r.prompt) == 0 {
		return nil
	}
	base := s.Pos() - resume
	return s.Prefill(ctx, r.prompt, func(d, _ int) { update(base + d) })
}

// fillContext reads -n -1 (llama.cpp's "until the end"): the tokens left
// in --ctx, else in the model's trained context, after the input and the
// prompt. Generation stops earlier at an end-of-generation token.
func (r *longRun) fillContext() error {
	ctx, from := r.c.ctx, "--ctx"
	if ctx == 0 {
		ctx, from = r.m.ContextLength(), "the model's context"
		if ctx == 0 {
			return errors.New("-n -1 generates until the context is full, and the model does not say its context length: give --ctx")
		}
	}
	used := r.nInput + len(r.prompt)
	if used >= ctx {
		return fmt.Errorf("-n -1: the input (%s tokens) and the prompt (%s) leave no room in %s (%s tokens)",
			groupDigits(r.nInput), groupDigits(len(r.prompt)), from, groupDigits(ctx))
	}
	r.c.n = ctx - used
	return nil
}
