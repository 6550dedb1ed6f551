package model

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/bytesize"
	"github.com/lcrun/lcrun/internal/sysmem"
	"github.com/lcrun/lcrun/model/kvcache"
)

// Plan is what a run over a sequence will hold and take, worked out
// before its session is allocated: the memory of the process, the weights,
// the session, its token history and a state cache's buffers, checked
// against what the machine (or the caller) allows, and, once measured,
// the time.
type Plan struct {
	Input, Prompt, Generate int // tokens
	Options                 SessionOptions
	Attention               bool // the model has a KV cache

	// Memory (bytes): the process as it is now (the caller adds what it
	// will rebuild, such as a tokenizer's working set), the weights (mapped:
	// resident once read), the session (KV cache or recurrent state, and
	// scratch), the session's token history, and the state cache's I/O
	// buffers.
	Process, Weights, Session, History, CacheIO int64
	// Available is what the system lets the process take beyond Process;
	// MaxMemory the caller's own bound on the whole (0 = none).
	Available Available
	MaxMemory int64

	Speed    Speed
	Measured bool

	m *Model
}

// Available is how much more memory the process may take, and what says
// so ("MemAvailable", "cgroup memory.max"); Bytes 0 = unknown.
type Available = sysmem.Limit

// available is the machine's free memory as lcrun counts it everywhere:
// the smallest of MemAvailable and the cgroup limits.
func available() Available { return sysmem.Available() }

// PlanInput is the sequence a plan is for.
type PlanInput struct {
	Input, Prompt, Generate int // tokens
	// ExtraProcess is memory the process will hold beyond what it holds
	// now (bytes).
	ExtraProcess int64
	// WithCache: states are saved and restored (buffers and a restored
	// history).
	WithCache bool
	// MaxMemory bounds the whole run (bytes; 0 = only the machine's).
	MaxMemory int64
}

// NewPlan works out what a session with options o needs for the sequence.
func (m *Model) NewPlan(o SessionOptions, in PlanInput) (*Plan, error) {
	c, err := m.resolve(o)
	if err != nil {
		return nil, err
	}
	p := &Plan{Input: in.Input, Prompt: in.Prompt, Generate: in.Generate, Options: o, Attention: m.Features().Attention,
		Process: bytesize.Add(sysmem.RSS(), in.ExtraProcess), Weights: m.File().Size(), Available: available(),
		MaxMemory: in.MaxMemory, m: m}
	p.Session = m.arch.stateBytes(&c)
	p.History = c.historyBytes(p.Total())
	if in.WithCache {
		// Save and restore buffer 1 MiB each side, and restore reads the
		// saved history into a slice of its own.
		p.CacheIO = 4<<20 + p.History/2
	}
	return p, nil
}

// Total is the sequence the session holds.
func (p *Plan) Total() int { return p.Input + p.Prompt + p.Generate }

// Memory is the peak resident memory the run should reach.
func (p *Plan) Memory() int64 {
	return bytesize.Add(p.Process, p.Weights, p.Session, p.History, p.CacheIO)
}

// MemoryError is a plan that does not fit: its Memory is over MaxMemory
// (OverMax) or over what the machine has available, and Fits lists
// changes under which it would.
type MemoryError struct {
	Plan    *Plan
	OverMax bool
	Fits    []Alternative
}

// Alternative is one change that makes a plan fit: a smaller KV type, a
// bounded attention policy, or (when nothing else does) a smaller batch or
// model; Recurrent says a state-space model would, whatever the length.
type Alternative struct {
	KV        lc.DType   // 0 (F32) when unchanged
	Attention *Attention // nil when unchanged
	Smaller   bool       // a smaller micro-batch or model
	Recurrent bool
}

func (e *MemoryError) Error() string {
	p := e.Plan
	over := fmt.Sprintf("the %s available (%s)", bytesize.Format(p.Available.Bytes), p.Available.Source)
	if e.OverMax {
		over = "the limit of " + bytesize.Format(p.MaxMemory)
	}
	return fmt.Sprintf("model: not enough memory: %d tokens need about %s (session %s, weights %s, process %s), more than %s",
		p.Total(), bytesize.Format(p.Memory()), bytesize.Format(p.Session), bytesize.Format(p.Weights), bytesize.Format(p.Process), over)
}

// Check returns a *MemoryError when the plan does not fit.
func (p *Plan) Check() error {
	need := p.Memory()
	e := &MemoryError{Plan: p}
	switch {
	case p.MaxMemory > 0 && need > p.MaxMemory:
		e.OverMax = true
	case p.Available.Bytes > 0 && need-p.Process > p.Available.Bytes:
	default:
		return nil
	}
	e.Fits = p.alternatives()
	return e
}

// budget is how many bytes the session may take.
func (p *Plan) budget() int64 {
	others := p.Memory() - p.Session
	b := int64(1<<63 - 1)
	if p.MaxMemory > 0 {
		b = p.MaxMemory - others
	}
	if p.Available.Bytes > 0 {
		b = min(b, p.Available.Bytes-(others-p.Process))
	}
	return b
}

// alternatives lists changes under which the session would fit: the first
// smaller KV type that does, the widest StreamingLLM window of 4 sinks that
// does (a power of two from 1M down to 256, below the sequence), and a
// recurrent model.
func (p *Plan) alternatives() []Alternative {
	if !p.Attention {
		return []Alternative{{Smaller: true}}
	}
	budget := p.budget()
	fits := func(o SessionOptions) bool {
		n, err := p.m.SessionBytes(o)
		return err == nil && n <= budget
	}
	var out []Alternative
	for _, t := range []lc.DType{lc.F16, lc.Q8_0} {
		if kvSmaller(t, p.Options.KV) {
			o := p.Options
			o.KV = t
			if fits(o) {
				out = append(out, Alternative{KV: t})
				break
			}
		}
	}
	batch := p.Options.Batch
	if batch == 0 {
		batch = DefaultBatch
	}
	for w := 1 << 20; w >= 256; w /= 2 {
		a := Attention{Window: w, Sinks: 4, Streaming: true}
		if w >= p.Total() {
			continue
		}
		o := p.Options
		a.Apply(&o)
		o.Ctx = a.Slots(p.Total(), min(batch, p.Total()))
		if fits(o) {
			out = append(out, Alternative{Attention: &a})
			break
		}
	}
	return append(out, Alternative{Recurrent: true})
}

// kvSmaller says whether a cache of type a is smaller than one of b (rows
// of a block's worth of values, as lcrun.KVRowBytes lays them out).
func kvSmaller(a, b lc.DType) bool {
	ra, errA := lc.KVRowBytes(a, lc.QK)
	rb, errB := lc.KVRowBytes(b, lc.QK)
	return errA == nil && errB == nil && ra < rb
}

// Measure times the machine on the model with the plan's own options over
// the first tokens of the input (at most 256 and one micro-batch), and a
// transformer's attention over as many keys as it will attend to (at most
// 4096).
func (p *Plan) Measure(tokens []int32) error {
	n := min(len(tokens), 256)
	if p.Options.Batch > 0 {
		n = min(n, p.Options.Batch)
	}
	keys := 0
	if p.Attention {
		keys = min(max(p.Options.Window+p.Options.Sinks, 0), 4096)
		if keys == 0 {
			keys = min(p.Total(), 4096)
		}
	}
	sp, err := p.m.MeasureSpeed(p.Options, tokens[:n], keys)
	if err != nil {
		return err
	}
	p.Speed, p.Measured = sp, true
	return nil
}

// VisibleKeys sums the keys token positions [from, to) attend to under the
// plan's attention policy (0 without attention).
func (p *Plan) VisibleKeys(from, to int) float64 {
	if !p.Attention {
		return 0
	}
	return kvcache.Policy(attentionOf(&p.Options)).VisibleKeys(from, to)
}

// Seconds estimates the prefill of the input from token resume on plus the
// prompt, and the generation (0, 0 before Measure).
func (p *Plan) Seconds(resume int) (prefill, decode float64) {
	if !p.Measured {
		return 0, 0
	}
	c := p.m.Cost()
	attn := func(v float64) float64 {
		if p.Speed.Attention <= 0 {
			return 0
		}
		return c.PerKey * v / p.Speed.Attention
	}
	end := p.Input + p.Prompt
	prefill = c.Dense*float64(end-resume)/p.Speed.Prefill + attn(p.VisibleKeys(resume, end))
	decode = c.Dense*float64(p.Generate)/p.Speed.Decode + attn(p.VisibleKeys(end, p.Total()))
	return prefill, decode
}

// Cost is the per-token arithmetic the time estimate counts (Model.Cost).
func (p *Plan) Cost() Cost { return p.m.Cost() }
