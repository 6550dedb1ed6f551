package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model"
)

// longInput is the input length (tokens) from which a run measures the
// machine's speed and prints an estimate before starting (a variable for
// tests).
var longInput = 8192

// plan is what a run will hold and take, worked out before the session is
// allocated.
type plan struct {
	input, prompt, generate int // tokens
	opts                    model.SessionOptions
	attention               bool // the model has a KV cache

	// Memory (bytes): the process as it is now (binary, tokenizer; the
	// caller adds the tokenizer's working set of the counting pass, which
	// the prefill pass rebuilds), the weights (mapped: resident once read), the
	// session (KV cache or recurrent state, and scratch), the session's
	// token history, and the cache's I/O buffers.
	process, weights, session, history, cacheIO int64
	avail                                       sysmem.Limit
	maxMem                                      int64 // --max-mem, 0 = none

	speed    model.Speed
	measured bool
}

func (p *plan) total() int { return p.input + p.prompt + p.generate }

// memory is the peak resident memory the run should reach.
func (p *plan) memory() int64 {
	return p.process + p.weights + p.session + p.history + p.cacheIO
}

func newPlan(m *model.Model, o model.SessionOptions, input, prompt, generate int, withCache bool, maxMem int64) (*plan, error) {
	p := &plan{input: input, prompt: prompt, generate: generate, opts: o, attention: m.Features().Attention,
		process: sysmem.RSS(), weights: m.File().Size(), avail: sysmem.Available(), maxMem: maxMem}
	var err error
	if p.session, err = m.SessionBytes(o); err != nil {
		return nil, err
	}
	// Session.history grows by appending (up to twice the tokens' bytes),
	// or is trimmed between History and twice that.
	p.history = 8 * int64(p.total())
	if o.History > 0 {
		p.history = 8 * int64(min(p.total(), 2*o.History))
	}
	if withCache {
		// Save and restore buffer 1 MiB each side and restore reads the
		// saved history into a slice of its own.
		p.cacheIO = 4<<20 + p.history/2
	}
	return p, nil
}

// check refuses a run that cannot fit, with one line that says what would.
func (p *plan) check(m *model.Model) error {
	need := p.memory()
	over := ""
	switch {
	case p.maxMem > 0 && need > p.maxMem:
		over = "--max-mem " + sizeText(p.maxMem)
	case p.avail.Bytes > 0 && need-p.process > p.avail.Bytes:
		over = fmt.Sprintf("the %s available (%s)", sizeText(p.avail.Bytes), p.avail.Source)
	default:
		return nil
	}
	what := "the state"
	if p.attention {
		what = fmt.Sprintf("attention %s, KV cache %s of %s slots", attnText(p.opts), kvText(p.opts.KV), groupDigits(p.opts.Ctx))
	}
	msg := fmt.Sprintf("not enough memory: %s tokens (%s) need about %s (session %s, weights %s, process %s), more than %s",
		groupDigits(p.total()), what, sizeText(need), sizeText(p.session), sizeText(p.weights), sizeText(p.process), over)
	if alt := p.alternatives(m); len(alt) > 0 {
		msg += "; would fit: " + strings.Join(alt, ", or ")
	}
	return withExit(2, fmt.Errorf("%s", msg))
}

// budget is how many bytes the session may take.
func (p *plan) budget() int64 {
	others := p.memory() - p.session
	b := int64(1<<63 - 1)
	if p.maxMem > 0 {
		b = p.maxMem - others
	}
	if p.avail.Bytes > 0 {
		b = min(b, p.avail.Bytes-(others-p.process))
	}
	return b
}

// alternatives lists options under which the session would fit: a smaller
// KV type, a bounded attention policy, a recurrent model.
func (p *plan) alternatives(m *model.Model) []string {
	budget := p.budget()
	fits := func(o model.SessionOptions) bool {
		n, err := m.SessionBytes(o)
		return err == nil && n <= budget
	}
	var out []string
	if !p.attention {
		return []string{"a smaller --batch or a smaller model"}
	}
	for _, t := range []lc.DType{lc.F16, lc.Q8_0} {
		if kvBytes(t) < kvBytes(p.opts.KV) {
			o := p.opts
			o.KV = t
			if fits(o) {
				out = append(out, "--kv "+kvText(t))
				break
			}
		}
	}
	batch := p.opts.Batch
	if batch == 0 {
		batch = model.DefaultBatch
	}
	for w := 1 << 20; w >= 256; w /= 2 {
		a := model.Attention{Window: w, Sinks: 4, Streaming: true}
		if w >= p.total() {
			continue
		}
		o := p.opts
		a.Apply(&o)
		o.Ctx = a.Slots(p.total(), min(batch, p.total()))
		if fits(o) {
			out = append(out, fmt.Sprintf("--attn sinks:4,%d (or window:%d)", w, w))
			break
		}
	}
	return append(out, "a Mamba model (its state does not grow with the text)")
}

// kvBytes orders the KV types by size.
func kvBytes(t lc.DType) int {
	switch t {
	case lc.F32:
		return 4
	case lc.F16:
		return 2
	}
	return 1
}

func kvText(t lc.DType) string { return strings.ToLower(t.String()) }

func attnText(o model.SessionOptions) string {
	return model.Attention{Window: o.Window, Sinks: o.Sinks, Streaming: o.Streaming}.String()
}

// measure times the machine on the model with the run's own options over
// the first tokens of the input.
func (p *plan) measure(m *model.Model, tokens []int32) error {
	n := min(len(tokens), 256)
	if p.opts.Batch > 0 {
		n = min(n, p.opts.Batch)
	}
	keys := 0
	if p.attention {
		keys = min(max(p.opts.Window+p.opts.Sinks, 0), 4096)
		if keys == 0 {
			keys = min(p.total(), 4096)
		}
	}
	sp, err := m.MeasureSpeed(p.opts, tokens[:n], keys)
	if err != nil {
		return err
	}
	p.speed, p.measured = sp, true
	return nil
}

// visibleKeys sums the keys token positions [from, to) attend to under
// the session's policy.
func (p *plan) visibleKeys(from, to int) float64 {
	if !p.attention || to <= from {
		return 0
	}
	sum := func(n int) float64 { // sum of min(i+1, cap) for i < n
		c := p.opts.Window + p.opts.Sinks
		if p.opts.Window == 0 || n <= c {
			return float64(n) * float64(n+1) / 2
		}
		return float64(c)*float64(c+1)/2 + float64(n-c)*float64(c)
	}
	return sum(to) - sum(from)
}

// seconds estimates the prefill of input tokens from resume on plus the
// prompt, and the generation.
func (p *plan) seconds(m *model.Model, resume int) (prefill, decode float64) {
	if !p.measured {
		return 0, 0
	}
	c := m.Cost()
	attn := func(v float64) float64 {
		if p.speed.Attention <= 0 {
			return 0
		}
		return c.PerKey * v / p.speed.Attention
	}
	end := p.input + p.prompt
	prefill = c.Dense*float64(end-resume)/p.speed.Prefill + attn(p.visibleKeys(resume, end))
	decode = c.Dense*float64(p.generate)/p.speed.Decode + attn(p.visibleKeys(end, p.total()))
	return prefill, decode
}

// report prints the estimate: two lines on stderr.
func (p *plan) report(w io.Writer, m *model.Model, resume int) {
	state := "recurrent state"
	if p.attention {
		state = fmt.Sprintf("%s, %s KV cache of %s slots", attnText(p.opts), kvText(p.opts.KV), groupDigits(p.opts.Ctx))
	}
	fmt.Fprintf(w, "lcrun: %s tokens: %s of input", groupDigits(p.total()), groupDigits(p.input))
	if resume > 0 {
		fmt.Fprintf(w, " (%s cached)", groupDigits(resume))
	}
	fmt.Fprintf(w, " + %s of prompt + %s to generate; %s\n", groupDigits(p.prompt), groupDigits(p.generate), state)
	avail := "unknown"
	if p.avail.Bytes > 0 {
		avail = sizeText(p.avail.Bytes+p.process) + " (" + p.avail.Source + " + this process)"
	}
	fmt.Fprintf(w, "lcrun: estimate: memory %s (session %s, weights %s, process %s) of %s",
		sizeText(p.memory()), sizeText(p.session), sizeText(p.weights), sizeText(p.process+p.history+p.cacheIO), avail)
	if pre, dec := p.seconds(m, resume); p.measured {
		c := m.Cost()
		fmt.Fprintf(w, "; time %s (prefill %s, generate %s; measured %.1f GFLOP/s prefill, %.1f decode",
			formatDuration(secs(pre+dec)), formatDuration(secs(pre)), formatDuration(secs(dec)),
			p.speed.Prefill/1e9, p.speed.Decode/1e9)
		if p.speed.Attention > 0 {
			fmt.Fprintf(w, ", %.1f attention", p.speed.Attention/1e9)
		}
		fmt.Fprintf(w, "; %.2f MFLOP/token + %.0f FLOP/key)", c.Dense/1e6, c.PerKey)
	}
	fmt.Fprintln(w)
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
