package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/lcrun/lcrun/internal/source"
	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model"
	"github.com/lcrun/lcrun/model/tokenizer"
)

// promptSeparator goes between the input and the -p prompt.
const promptSeparator = "\n\n"

// afterMicroBatch, when set (tests), is called after each micro-batch of
// the prefill with the tokens done.
var afterMicroBatch func(done int)

// goSlack is the garbage a run may hold between collections; gcPercent
// the collector's pacing (GOGC) during a run.
const (
	goSlack   = 4 << 20
	gcPercent = 20
)

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

	// The input is read twice, as a stream each time: once to count its
	// tokens (and find cached prefixes), once to evaluate them. Only what
	// cannot be read again (standard input) is kept, as tokens.
	inName string
	nInput int     // the input's tokens, BOS included
	head   []int32 // its first tokens (the speed probe)
	stored []int32 // all of them, for standard input
	stable []int   // token counts where the tokenizer's cuts are final
	prompt []int32
	// tokenizerBytes is what the tokenizer held at the end of the
	// counting pass (its word cache): the prefill pass holds as much again.
	tokenizerBytes int64

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

	if r.c.cacheDir != "" {
		fp, err := fingerprint(r.m, &r.c.session)
		if err != nil {
			return err
		}
		if r.cache, err = openRunCache(r.c.cacheDir, r.c.cacheMax, r.m, fp, r.stderr); err != nil {
			return err
		}
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
	if !r.m.Features().Attention || o.Window > 0 {
		o.History = model.DefaultHistory // set here so that the plan counts the bounded history
	}
	if r.plan, err = newPlan(r.m, o, r.nInput, len(r.prompt), r.c.n, r.cache != nil, r.c.maxMem); err != nil {
		return err
	}
	r.plan.process += r.tokenizerBytes
	if err := r.plan.check(r.m); err != nil {
		return err
	}
	r.stats.EstimateBytes = r.plan.memory()
	// Keep garbage from piling up (gcPercent, set above): a long run makes
	// a little per token (tokenizer chunks), and the collector's default
	// pacing lets the heap reach twice what is live before collecting, so
	// that peak memory would depend on how long the run is. The live heap
	// holds no pointers worth scanning (caches are flat), so collecting
	// often is cheap. Mapped weights are outside Go's heap.
	debug.SetMemoryLimit(sysmem.GoBytes() + r.tokenizerBytes + r.plan.session + r.plan.history + r.plan.cacheIO + goSlack)

	// The estimate comes before the session takes its memory; it counts
	// on the longest cached prefix loading.
	cached := 0
	if r.cache != nil {
		if ms := r.cache.finder.Matches(); len(ms) > 0 {
			cached = ms[0].Tokens
		}
	}
	if r.nInput-cached+len(r.prompt) >= longInput {
		if err := r.plan.measure(r.m, append(r.head, r.prompt...)); err != nil {
			return err
		}
		if !r.c.quiet {
			r.plan.report(r.stderr, r.m, cached)
		}
		pre, dec := r.plan.seconds(r.m, cached)
		r.stats.EstimateSeconds = pre + dec
	}

	s, err := r.m.NewSession(o)
	if err != nil {
		return err
	}
	defer s.Close()
	resume := 0
	if r.cache != nil {
		if resume = r.cache.resume(s, r.nInput, len(r.prompt) == 0, r.stderr); resume > 0 {
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
		r.stats.Interrupted = true
		r.finishStats(s)
		r.printJSON()
		return withExit(130, fmt.Errorf("interrupted after %s tokens", groupDigits(s.Pos())))
	}
	if err != nil {
		return err
	}
	r.finishStats(s)
	return r.printJSON()
}

// total is the sequence the session must hold.
func (r *longRun) total() int { return r.nInput + len(r.prompt) + r.c.n }

// headTokens is how many of the input's first tokens are kept for the
// speed probe.
const headTokens = 256

// readInput streams the input's tokens to each, chunk by chunk, and
// returns the cut points (token counts after each chunk).
func (r *longRun) readInput(each func(ids []int32) error) ([]int, error) {
	if r.stored != nil {
		for i := 0; i < len(r.stored); i += streamChunk {
			if err := each(r.stored[i:min(i+streamChunk, len(r.stored))]); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	in, err := source.Open(r.c.input, source.Options{Stdin: stdin, MaxFileSize: r.c.maxFileSize})
	if err != nil {
		return nil, err
	}
	defer in.Close()
	if r.inName == "" {
		r.inName = in.Name()
		r.stats.Input = in.Name()
		defer r.describeInput(in)
	}
	st := r.tok.NewStream(in, true, false)
	st.ChunkSize = streamChunk
	var cuts []int
	n := 0
	first := r.nInput == 0 && r.tokenizerBytes == 0
	var base int64
	if first {
		runtime.GC()
		base = sysmem.HeapLive()
	}
	for {
		ids, err := st.Next()
		if errors.Is(err, io.EOF) {
			if first {
				runtime.GC()
				r.tokenizerBytes = max(sysmem.HeapLive()-base, 0)
				runtime.KeepAlive(st)
			}
			return cuts, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.Name(), err)
		}
		n += len(ids)
		cuts = append(cuts, n)
		if r.c.ctx > 0 && n > r.c.ctx {
			return nil, fmt.Errorf("%s is longer than --ctx %s tokens (stopped reading at %s tokens, %s of %s)",
				in.Name(), groupDigits(r.c.ctx), groupDigits(n), sizeText(in.BytesRead()), sizeText(in.Size()))
		}
		if err := each(ids); err != nil {
			return nil, err
		}
	}
}

// describeInput reports what a directory walk read.
func (r *longRun) describeInput(in *source.Input) {
	if in.Kind() != source.KindDir {
		return
	}
	r.stats.Files, r.stats.Skipped = in.FilesRead(), in.Skipped()
	skipped := ""
	if s := in.SkippedSummary(); s != "" {
		skipped = "; " + s
	}
	r.note("read %d files (%s) from %s%s: %s tokens", in.FilesRead(), sizeText(in.BytesRead()), in.Name(), skipped, groupDigits(r.nInput))
}

// countInput is the first pass: tokens counted (and fed to the cache's
// finder), the first ones kept, stable cut points noted. Standard input
// is kept whole, as it cannot be read again.
func (r *longRun) countInput() error {
	if r.c.input == "" {
		return nil
	}
	t0 := time.Now()
	keep := r.c.input == "-"
	cuts, err := r.readInput(func(ids []int32) error {
		if len(r.head) < headTokens {
			r.head = append(r.head, ids[:min(len(ids), headTokens-len(r.head))]...)
		}
		if keep {
			r.stored = append(r.stored, ids...)
		}
		if r.cache != nil {
			r.cache.finder.Add(ids)
		}
		r.nInput += len(ids)
		return nil
	})
	if err != nil {
		return err
	}
	if keep && r.stored == nil {
		r.stored = []int32{}
	}
	// Only the last two cuts depend on where the text ends (the final
	// read, then the end itself).
	r.stable = cuts[:max(len(cuts)-2, 0)]
	r.stats.TokenizeSeconds = time.Since(t0).Seconds()
	r.stats.InputTokens = r.nInput
	return nil
}

// readPrompt tokenises -p after a separator (with BOS when it is alone).
// Text that looks like a special token stays plain text.
func (r *longRun) readPrompt() error {
	if r.c.prompt != "" {
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
	if r.c.ctx > 0 && r.total() > r.c.ctx {
		return fmt.Errorf("the input (%s tokens), the prompt (%s) and -n %d need --ctx %s or more (have %s)",
			groupDigits(r.nInput), groupDigits(len(r.prompt)), r.c.n, groupDigits(r.total()), groupDigits(r.c.ctx))
	}
	return nil
}

// prefill is the second pass: the input's tokens from resume on are
// evaluated as they stream in, stopping at save points when caching, then
// the prompt. On Ctrl-C the tokens done so far are saved (when caching)
// and ctx's error returned.
func (r *longRun) prefill(ctx context.Context, s *model.Session, resume int) error {
	todo := r.nInput - resume + len(r.prompt)
	if todo == 0 {
		return nil
	}
	pr := newProgress(r.stderr, r.c.quiet, "prefill", todo)
	defer pr.finish()
	eval := func(tokens []int32) error {
		base := s.Pos() - resume
		return s.Prefill(ctx, tokens, func(d, _ int) {
			pr.update(base + d)
			if afterMicroBatch != nil {
				afterMicroBatch(base + d)
			}
		})
	}
	if r.nInput > resume {
		points := []int{r.nInput}
		var periodic map[int]bool
		if r.cache != nil {
			points, periodic = savePoints(r.stable, resume, r.nInput)
		}
		// roll feeds the prefix key the tokens up to count (evaluated or
		// restored), so that a save names exactly what the session holds.
		rolled := 0
		roll := func(ids []int32, from, count int) error {
			if r.cache == nil || count <= rolled {
				return nil
			}
			err := r.cache.roll(ids[rolled-from:count-from], r.inName)
			rolled = count
			return err
		}
		read := 0 // tokens streamed so far
		_, err := r.readInput(func(ids []int32) error {
			from := read
			read += len(ids)
			if err := roll(ids, from, min(read, resume)); err != nil {
				return err
			}
			for at := max(from, resume); at < read; {
				for len(points) > 0 && points[0] <= at {
					points = points[1:]
				}
				end := read
				if len(points) > 0 && points[0] < end {
					end = points[0]
				}
				err := eval(ids[at-from : end-from])
				at = s.Pos()
				if rerr := roll(ids, from, at); rerr != nil {
					return rerr
				}
				if r.cache != nil && (err == nil && len(points) > 0 && at == points[0] || errors.Is(err, context.Canceled)) {
					if serr := r.cache.save(s, err == nil && periodic[at]); serr != nil {
						fmt.Fprintf(r.stderr, "lcrun: warning: cache: could not save: %s\n", oneLine(serr.Error()))
					}
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if read != r.nInput {
			return fmt.Errorf("%s changed while it was being read (%s tokens, then %s)", r.inName, groupDigits(r.nInput), groupDigits(read))
		}
	}
	if len(r.prompt) > 0 {
		return eval(r.prompt)
	}
	return nil
}

// generate streams the answer (or the continuation) to stdout, ending its
// line also when generation stops early (Ctrl-C, an error).
func (r *longRun) generate(ctx context.Context, s *model.Session) (err error) {
	if r.c.n == 0 {
		return nil
	}
	t0 := time.Now()
	n := 0
	out := &lineEnder{w: r.stdout}
	defer func() {
		r.stats.DecodeTokens = n
		r.stats.DecodeSeconds = time.Since(t0).Seconds()
		if ferr := out.finish(); err == nil {
			err = ferr
		}
	}()
	opts := model.GenerateOptions{MaxTokens: r.c.n, Sampler: model.NewSampler(r.c.sampler)}
	for t, err := range s.Generate(ctx, opts) {
		if err != nil {
			return err
		}
		n++
		if _, err := io.WriteString(out, t.Text); err != nil {
			return err
		}
	}
	return nil
}

// lineEnder passes text through and, at finish, ends its last line if the
// text did not: the shell's prompt or the --json line then starts a line
// of its own, and a text that already ends with a newline gets no second.
type lineEnder struct {
	w      io.Writer
	open   bool // the last byte written was not a newline
	broken bool // a write failed: write nothing more
}

func (l *lineEnder) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := l.w.Write(p)
	if err != nil {
		l.broken = true
		return n, err
	}
	l.open = p[len(p)-1] != '\n'
	return n, nil
}

func (l *lineEnder) finish() error {
	if !l.open || l.broken {
		return nil
	}
	l.open = false
	_, err := io.WriteString(l.w, "\n")
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
