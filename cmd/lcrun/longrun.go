package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"time"

	"github.com/lcrun/lcrun/internal/source"
	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/tokenizer"
)

// promptSeparator goes between the input and the -p prompt.
const promptSeparator = "\n\n"

// streamChunk is how much text the tokenizer reads at a time; its cuts are
// the points where a run may save a state that survives appended text.
const streamChunk = 64 << 10

// longRun is one run over an input: read and tokenise it, plan memory and
// time, resume from the cache, prefill with progress, append the prompt,
// generate (issue 6).
type longRun struct {
	c              *runConfig
	m              *model.Model
	tok            *tokenizer.Tokenizer
	stdout, stderr io.Writer

	in     *source.Input
	input  []int32 // the input's tokens, BOS first
	stable []int   // token counts where the tokenizer's cuts are final
	prompt []int32

	plan  *plan
	cache *runCache
	stats runStats
}

// runStats are what --json prints at the end.
type runStats struct {
	Model           string         `json:"model"`
	Arch            string         `json:"arch"`
	Input           string         `json:"input,omitempty"`
	Files           int            `json:"files,omitempty"`
	Skipped         map[string]int `json:"skipped,omitempty"`
	InputTokens     int            `json:"input_tokens"`
	PromptTokens    int            `json:"prompt_tokens"`
	CachedTokens    int            `json:"cached_tokens"`
	PrefillTokens   int            `json:"prefill_tokens"`
	PrefillSeconds  float64        `json:"prefill_seconds"`
	PrefillTPS      float64        `json:"prefill_tps"`
	DecodeTokens    int            `json:"decode_tokens"`
	DecodeSeconds   float64        `json:"decode_seconds"`
	DecodeTPS       float64        `json:"decode_tps"`
	TokenizeSeconds float64        `json:"tokenize_seconds"`
	WallSeconds     float64        `json:"wall_seconds"`
	Attention       string         `json:"attention,omitempty"`
	KV              string         `json:"kv,omitempty"`
	KVSlots         int            `json:"kv_slots,omitempty"`
	Evicted         int64          `json:"evicted_tokens,omitempty"`
	EstimateBytes   int64          `json:"estimate_bytes"`
	EstimateSeconds float64        `json:"estimate_seconds,omitempty"`
	PeakRSSBytes    int64          `json:"peak_rss_bytes"`
	CacheHits       int            `json:"cache_hits"`
	CacheSaves      int            `json:"cache_saves"`
	CacheSavedBytes int64          `json:"cache_saved_bytes"`
	CacheSaveSecs   float64        `json:"cache_save_seconds"`
	Interrupted     bool           `json:"interrupted,omitempty"`
}

func (r *longRun) note(format string, args ...any) {
	if !r.c.quiet {
		fmt.Fprintf(r.stderr, "lcrun: "+format+"\n", args...)
	}
}

func (r *longRun) run() error {
	start := time.Now()
	r.stats.Model, r.stats.Arch = r.m.Name(), r.m.Arch()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		// A second Ctrl-C ends the process at once (cache entries are
		// written whole or not at all, so that is safe too).
		<-ctx.Done()
		stop()
	}()

	if err := r.readInput(); err != nil {
		return err
	}
	if err := r.readPrompt(); err != nil {
		return err
	}
	o, err := r.c.session.options(r.m, r.total(), r.stderr)
	if err != nil {
		return err
	}
	if r.plan, err = newPlan(r.m, o, len(r.input), len(r.prompt), r.c.n, r.c.cacheDir != "", r.c.maxMem); err != nil {
		return err
	}
	if err := r.plan.check(r.m); err != nil {
		return err
	}
	r.stats.EstimateBytes = r.plan.memory()
	// Keep the collector from letting garbage pile up past the estimate;
	// mapped weights are outside Go's heap.
	debug.SetMemoryLimit(max(r.plan.memory()-r.plan.weights, 0)*5/4 + 64<<20)

	s, err := r.m.NewSession(o)
	if err != nil {
		return err
	}
	defer s.Close()
	resume := 0
	if r.c.cacheDir != "" {
		if r.cache, err = openRunCache(r.c.cacheDir, r.c.cacheMax, r.m, fingerprint(r.m, o, &r.c.session), r.stderr); err != nil {
			return err
		}
		if resume, err = r.cache.resume(s, r.input, len(r.prompt) == 0, r.stderr); err != nil {
			return err
		}
		if resume > 0 {
			r.note("cache: resumed from a saved state of %s tokens (%s to compute)", groupDigits(resume), groupDigits(len(r.input)-resume))
		}
	}
	r.stats.CachedTokens = resume
	if len(r.input)-resume+len(r.prompt) >= longInput {
		if err := r.plan.measure(r.m, r.input); err != nil {
			return err
		}
		if !r.c.quiet {
			r.plan.report(r.stderr, r.m, resume)
		}
		pre, dec := r.plan.seconds(r.m, resume)
		r.stats.EstimateSeconds = pre + dec
	}

	t0 := time.Now()
	err = r.prefill(ctx, s, resume)
	r.stats.PrefillSeconds = time.Since(t0).Seconds()
	r.stats.PrefillTokens = len(s.Tokens()) - resume
	if err == nil {
		err = r.generate(ctx, s)
	}
	r.stats.WallSeconds = time.Since(start).Seconds()
	if errors.Is(err, context.Canceled) {
		r.stats.Interrupted = true
		r.finishStats(s)
		r.printJSON()
		return withExit(130, fmt.Errorf("interrupted after %s tokens", groupDigits(len(s.Tokens()))))
	}
	if err != nil {
		return err
	}
	r.finishStats(s)
	return r.printJSON()
}

// total is the sequence the session must hold.
func (r *longRun) total() int { return len(r.input) + len(r.prompt) + r.c.n }

// readInput tokenises the input as a stream, stopping past --ctx.
func (r *longRun) readInput() error {
	if r.c.input == "" {
		return nil
	}
	t0 := time.Now()
	in, err := source.Open(r.c.input, source.Options{Stdin: stdin, MaxFileSize: r.c.maxFileSize})
	if err != nil {
		return err
	}
	defer in.Close()
	r.in = in
	st := r.tok.NewStream(in, true, false)
	st.ChunkSize = streamChunk
	var cuts []int
	for {
		ids, err := st.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", in.Name(), err)
		}
		r.input = append(r.input, ids...)
		cuts = append(cuts, len(r.input))
		if r.c.ctx > 0 && len(r.input) > r.c.ctx {
			return fmt.Errorf("%s is longer than --ctx %s tokens (stopped reading at %s tokens, %s of %s bytes)",
				in.Name(), groupDigits(r.c.ctx), groupDigits(len(r.input)), sizeText(in.BytesRead()), sizeText(in.Size()))
		}
	}
	// Only the last two cuts depend on where the text ends (the final
	// read, then the end itself).
	r.stable = cuts[:max(len(cuts)-2, 0)]
	r.stats.TokenizeSeconds = time.Since(t0).Seconds()
	r.stats.Input, r.stats.InputTokens = in.Name(), len(r.input)
	if in.Kind() == source.KindDir {
		r.stats.Files, r.stats.Skipped = in.FilesRead(), in.Skipped()
		skipped := ""
		if s := in.SkippedSummary(); s != "" {
			skipped = "; " + s
		}
		r.note("read %d files (%s) from %s%s: %s tokens", in.FilesRead(), sizeText(in.BytesRead()), in.Name(), skipped, groupDigits(len(r.input)))
	}
	return nil
}

// readPrompt tokenises -p after a separator (with BOS when it is alone).
// Text that looks like a special token stays plain text.
func (r *longRun) readPrompt() error {
	if r.c.prompt != "" {
		text := r.c.prompt
		if len(r.input) > 0 {
			text = promptSeparator + text
		}
		r.prompt = r.tok.Encode(text, len(r.input) == 0, false)
	}
	r.stats.PromptTokens = len(r.prompt)
	if len(r.input)+len(r.prompt) == 0 {
		return errors.New("nothing to evaluate: the input and the prompt are empty")
	}
	if r.c.ctx > 0 && r.total() > r.c.ctx {
		return fmt.Errorf("the input (%s tokens), the prompt (%s) and -n %d need --ctx %s or more (have %s)",
			groupDigits(len(r.input)), groupDigits(len(r.prompt)), r.c.n, groupDigits(r.total()), groupDigits(r.c.ctx))
	}
	return nil
}

// prefill evaluates the input from resume on, stopping at save points
// when caching, then the prompt. On Ctrl-C the tokens done so far are
// saved (when caching) and ctx's error returned.
func (r *longRun) prefill(ctx context.Context, s *model.Session, resume int) error {
	todo := len(r.input) - resume + len(r.prompt)
	if todo == 0 {
		return nil
	}
	pr := newProgress(r.stderr, r.c.quiet, "prefill", todo)
	defer pr.finish()
	done := 0
	eval := func(tokens []int32) error {
		base := done
		err := s.Prefill(ctx, tokens, func(d, _ int) { pr.update(base + d) })
		done = len(s.Tokens()) - resume
		return err
	}
	points := []int{len(r.input)}
	var periodic map[int]bool
	if r.cache != nil {
		points, periodic = savePoints(r.stable, resume, len(r.input))
	}
	at := resume
	for _, p := range points {
		if p <= at {
			continue
		}
		err := eval(r.input[at:p])
		at = len(s.Tokens())
		if r.cache != nil && (err == nil || errors.Is(err, context.Canceled)) {
			if serr := r.cache.save(s, r.input, periodic[p] && err == nil); serr != nil {
				fmt.Fprintf(r.stderr, "lcrun: warning: cache: could not save: %s\n", oneLine(serr.Error()))
			}
		}
		if err != nil {
			return err
		}
	}
	if len(r.prompt) > 0 {
		return eval(r.prompt)
	}
	return nil
}

// generate streams the answer (or the continuation) to stdout.
func (r *longRun) generate(ctx context.Context, s *model.Session) error {
	if r.c.n == 0 {
		return nil
	}
	t0 := time.Now()
	n := 0
	defer func() {
		r.stats.DecodeTokens = n
		r.stats.DecodeSeconds = time.Since(t0).Seconds()
	}()
	opts := model.GenerateOptions{MaxTokens: r.c.n, Sampler: model.NewSampler(r.c.sampler)}
	for t, err := range s.Generate(ctx, opts) {
		if err != nil {
			return err
		}
		n++
		if _, err := io.WriteString(r.stdout, t.Text); err != nil {
			return err
		}
	}
	_, err := io.WriteString(r.stdout, "\n")
	return err
}

func (r *longRun) finishStats(s *model.Session) {
	st := &r.stats
	st.PeakRSSBytes = sysmem.PeakRSS()
	if st.PrefillSeconds > 0 {
		st.PrefillTPS = float64(st.PrefillTokens) / st.PrefillSeconds
	}
	if st.DecodeSeconds > 0 {
		st.DecodeTPS = float64(st.DecodeTokens) / st.DecodeSeconds
	}
	if r.plan != nil && r.plan.attention {
		st.Attention, st.KV, st.KVSlots = attnText(r.plan.opts), kvText(r.plan.opts.KV), r.plan.opts.Ctx
		st.Evicted, _ = s.StreamStats()
	}
	if r.cache != nil {
		st.CacheHits, st.CacheSaves, st.CacheSavedBytes = r.cache.hits, r.cache.saves, r.cache.savedBytes
		st.CacheSaveSecs = r.cache.saveTime.Seconds()
	}
}

// printJSON writes the statistics as the last line of stdout (--json).
func (r *longRun) printJSON() error {
	if !r.c.json {
		return nil
	}
	b, err := json.Marshal(&r.stats)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(r.stdout, "%s\n", b)
	return err
}
