package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"time"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
	"github.com/lcrun/lcrun/model"
)

// Result is one end-to-end figure, as a row of llama-bench: a prefill
// ("pp") of Tokens prompt tokens in one Eval, or Tokens single-token
// decode ("tg") steps, each timed from a cache that already holds Depth
// tokens.
type Result struct {
	Test    string  `json:"test"`    // llama-bench's name: "pp512", "tg128"
	Phase   string  `json:"phase"`   // "pp" (prefill) or "tg" (decode)
	Tokens  int     `json:"tokens"`  // tokens timed
	Depth   int     `json:"depth"`   // tokens in the cache before the timed ones
	TPS     float64 `json:"tps"`     // tokens per second: the mean over the repetitions
	Seconds float64 `json:"seconds"` // wall time of the timed tokens, mean over the repetitions
	// The spread over the repetitions (llama-bench's stddev_ts; absent in
	// older reports): every repetition's tokens per second, their sample
	// standard deviation (0 for one), median, slowest and fastest.
	Reps      int       `json:"reps,omitempty"`
	TPSStddev float64   `json:"tps_stddev,omitempty"`
	TPSMedian float64   `json:"tps_median,omitempty"`
	TPSMin    float64   `json:"tps_min,omitempty"`
	TPSMax    float64   `json:"tps_max,omitempty"`
	RepTPS    []float64 `json:"rep_tps,omitempty"`
}

// Spread is the fastest repetition over the slowest (1 = steady); 0 for a
// result without repetitions recorded.
func (r Result) Spread() float64 {
	if r.TPSMin <= 0 {
		return 0
	}
	return r.TPSMax / r.TPSMin
}

// Name is the result's label in tables: "pp512", or "pp512 @ d4096" when
// the cache was not empty (llama-bench's form).
func (r Result) Name() string {
	if r.Depth == 0 {
		return r.Test
	}
	return fmt.Sprintf("%s @ d%d", r.Test, r.Depth)
}

// ModelRun says what MeasureModel times.
type ModelRun struct {
	Prompt  int   // tokens of each pp test (>= 1)
	Gen     int   // tokens of each tg test (0 = no tg test)
	Depths  []int // cache fill before each pp/tg pair (nil = [0])
	Threads int
	KV      lc.DType // KV cache type (F32, F16, Q8_0) for models with attention
	// Reps times each test this many times (llama-bench's -r); a figure
	// is the mean of their tokens per second, as llama-bench's avg_ts,
	// with their spread beside it. 0 = 1.
	Reps int
}

// MeasureModel runs llama-bench's pp and tg tests at each depth: for
// depth d, d tokens are prefilled once untimed and the session state is
// saved; pp then times a prefill of Prompt tokens in one Eval (micro-
// batches of the session's Batch, as a long prompt runs), the state is
// restored, and tg times Gen single-token decode steps. With depth 0 both
// start from an empty cache. The tokens are a fixed pseudo-random sequence
// (the speed does not depend on them; no sampling is timed). As
// llama-bench, one whole untimed pp and tg test comes first, so the first
// repetition does not pay for page faults, cold caches and idle threads.
func MeasureModel(m *model.Model, run ModelRun) ([]Result, error) {
	depths := run.Depths
	if len(depths) == 0 {
		depths = []int{0}
	}
	reps := max(run.Reps, 1)
	if run.Prompt < 1 || run.Gen < 0 || slices.Min(depths) < 0 || run.Reps < 0 {
		return nil, fmt.Errorf("bench: need at least one prompt token, no negative generation and no negative depth (-p %d -n %d --depth %v -r %d)", run.Prompt, run.Gen, depths, run.Reps)
	}
	vocab := m.VocabSize()
	if vocab < 1 {
		return nil, errors.New("bench: the model has no vocabulary")
	}
	maxDepth := slices.Max(depths)
	s, err := m.NewSession(model.SessionOptions{Ctx: maxDepth + max(run.Prompt, run.Gen), Threads: run.Threads, KV: run.KV})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	tokens := benchTokens(maxDepth+max(run.Prompt, run.Gen), vocab)
	ctx := context.Background()

	if err := s.Prefill(ctx, tokens[:run.Prompt], nil); err != nil {
		return nil, err
	}
	s.Reset()
	for _, t := range tokens[:run.Gen] {
		if _, err := s.Decode(t); err != nil {
			return nil, err
		}
	}

	var out []Result
	var saved bytes.Buffer
	for _, d := range depths {
		// fill brings the session back to d tokens of context.
		fill := func() error {
			s.Reset()
			if d == 0 {
				return nil
			}
			return s.Restore(bytes.NewReader(saved.Bytes()))
		}
		if d > 0 {
			s.Reset()
			if err := s.Prefill(ctx, tokens[:d], nil); err != nil {
				return nil, err
			}
			saved.Reset()
			if err := s.Save(&saved); err != nil {
				return nil, err
			}
		}
		took := make([]time.Duration, reps)
		for i := range took {
			if err := fill(); err != nil {
				return nil, err
			}
			start := time.Now()
			if err := s.Prefill(ctx, tokens[d:d+run.Prompt], nil); err != nil {
				return nil, err
			}
			took[i] = time.Since(start)
		}
		out = append(out, newResult("pp", run.Prompt, d, took))
		if run.Gen == 0 {
			continue
		}
		for i := range took {
			if err := fill(); err != nil {
				return nil, err
			}
			start := time.Now()
			for _, t := range tokens[d : d+run.Gen] {
				if _, err := s.Decode(t); err != nil {
					return nil, err
				}
			}
			took[i] = time.Since(start)
		}
		out = append(out, newResult("tg", run.Gen, d, took))
	}
	return out, nil
}

// newResult summarises the repetitions of one test, each taking took[i].
func newResult(phase string, tokens, depth int, took []time.Duration) Result {
	r := Result{Test: fmt.Sprintf("%s%d", phase, tokens), Phase: phase, Tokens: tokens, Depth: depth, Reps: len(took)}
	for _, d := range took {
		sec := max(d.Seconds(), 1e-9) // a coarse clock must not make a rate infinite
		r.RepTPS = append(r.RepTPS, float64(tokens)/sec)
		r.Seconds += sec / float64(len(took))
	}
	r.TPS, r.TPSStddev = meanStddev(r.RepTPS)
	sorted := slices.Sorted(slices.Values(r.RepTPS))
	r.TPSMin, r.TPSMax = sorted[0], sorted[len(sorted)-1]
	r.TPSMedian = sorted[len(sorted)/2]
	if len(sorted)%2 == 0 {
		r.TPSMedian = (sorted[len(sorted)/2-1] + sorted[len(sorted)/2]) / 2
	}
	return r
}

// meanStddev is the mean of xs and their sample standard deviation (0 for
// fewer than two), as llama-bench reports avg_ts and stddev_ts.
func meanStddev(xs []float64) (mean, stddev float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}

// benchTokens is a fixed pseudo-random token sequence (an LCG).
func benchTokens(n, vocab int) []int32 {
	tokens := make([]int32, n)
	x := uint32(12345)
	for i := range tokens {
		x = x*1664525 + 1013904223
		tokens[i] = int32(x>>8) % int32(vocab)
	}
	return tokens
}

// DescribeModel fills the report's model section; name is the shape name
// or the label the CLI uses for the file.
func DescribeModel(m *model.Model, name string, synthetic bool) *ModelInfo {
	f := m.File()
	info := &ModelInfo{Name: name, Arch: m.Arch(), Synthetic: synthetic, SizeBytes: f.Size()}
	if paths := f.Paths(); len(paths) > 0 {
		info.Path = paths[0]
		if name == "" {
			info.Name = filepath.Base(paths[0])
		}
	}
	for i := range f.Tensors {
		info.Parameters += int64(f.Tensors[i].Elements())
	}
	if id, _, ok, err := f.FileType(); ok && err == nil {
		info.FileType = gguf.FileTypeName(id)
	}
	for _, c := range f.TypeCounts() {
		info.TensorTypes = append(info.TensorTypes, TypeCount{Type: c.Type.String(), Count: c.Count})
	}
	return info
}
