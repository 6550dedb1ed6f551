package model

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// SamplerOptions choose how a token is drawn from logits. The zero value
// is greedy decoding (always the most likely token).
type SamplerOptions struct {
	// Temperature divides the logits before the draw; <= 0 means greedy.
	Temperature float32
	// TopK keeps only the K most likely tokens (0 = all).
	TopK int
	// TopP keeps the most likely tokens whose probabilities add up to at
	// least TopP (nucleus sampling; 0 or >= 1 = off).
	TopP float32
	// MinP drops tokens less likely than MinP times the most likely one (0 = off).
	MinP float32
	// RepeatPenalty > 1 makes the last RepeatLastN tokens less likely:
	// positive logits are divided by it, negative ones multiplied (as
	// llama.cpp). 0 or 1 = off.
	RepeatPenalty float32
	RepeatLastN   int // 0 = 64
	// Seed makes the draws reproducible: same seed, same logits, same tokens.
	Seed uint64
}

// Sampler draws tokens. The filters apply in llama.cpp's default order:
// repetition penalty, top-k, top-p, min-p, then temperature and the draw.
// Not safe for concurrent use; one per session.
type Sampler struct {
	o       SamplerOptions
	rng     *rand.Rand
	cand    []candidate
	penalty []bool // per token id: in the recent window (cleared after use)
}

type candidate struct {
	id    int32
	logit float32
	p     float64
}

// Check says what is wrong with options that do not describe a sampler:
// a number that is NaN or infinite, a negative count or factor, a top-p or
// min-p past 1 (a probability mass, a fraction of the best). NewSampler
// does not check (a bad number makes it greedy, never a draw from NaN
// probabilities); callers taking options from people call Check first.
func (o SamplerOptions) Check() error {
	for _, f := range []struct {
		name string
		v    float32
	}{{"temperature", o.Temperature}, {"top-p", o.TopP}, {"min-p", o.MinP}, {"repeat penalty", o.RepeatPenalty}} {
		if math.IsNaN(float64(f.v)) || math.IsInf(float64(f.v), 0) {
			return fmt.Errorf("model: sampler %s %v is not a number", f.name, f.v)
		}
		if f.v < 0 {
			return fmt.Errorf("model: sampler %s %v is negative", f.name, f.v)
		}
	}
	if o.TopP > 1 || o.MinP > 1 {
		return fmt.Errorf("model: sampler top-p %v and min-p %v must be at most 1", o.TopP, o.MinP)
	}
	if o.TopK < 0 || o.RepeatLastN < 0 {
		return fmt.Errorf("model: sampler top-k %d and repeat window %d must not be negative", o.TopK, o.RepeatLastN)
	}
	return nil
}

// NewSampler returns a sampler for the options.
func NewSampler(o SamplerOptions) *Sampler {
	if o.Check() != nil {
		// Whatever the bad number, draw nothing from it: greedy.
		o = SamplerOptions{Seed: o.Seed}
	}
	if o.RepeatLastN == 0 {
		o.RepeatLastN = 64
	}
	return &Sampler{o: o, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))}
}

// Options returns the sampler's options (defaults filled in).
func (s *Sampler) Options() SamplerOptions { return s.o }

// Sample returns the token drawn from logits (not modified); recent are
// the tokens so far (the last RepeatLastN count for the penalty).
func (s *Sampler) Sample(logits []float32, recent []int32) int32 {
	penalise := s.o.RepeatPenalty > 0 && s.o.RepeatPenalty != 1 && s.o.RepeatLastN > 0 && len(recent) > 0
	if s.o.Temperature <= 0 && !penalise {
		return argmax(logits)
	}
	cand := s.candidates(logits)
	if penalise {
		s.applyPenalty(cand, recent)
	}
	if s.o.Temperature <= 0 {
		best := 0
		for i, c := range cand {
			if c.logit > cand[best].logit {
				best = i
			}
		}
		return cand[best].id
	}
	cand = s.topK(cand)
	cand = topP(cand, s.o.TopP)
	cand = minP(cand, s.o.MinP)
	return s.draw(cand)
}

func argmax(x []float32) int32 {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return int32(best)
}

func (s *Sampler) candidates(logits []float32) []candidate {
	if cap(s.cand) < len(logits) {
		s.cand = make([]candidate, len(logits))
	}
	cand := s.cand[:len(logits)]
	for i, v := range logits {
		cand[i] = candidate{id: int32(i), logit: v}
	}
	return cand
}

// applyPenalty penalises each distinct token of the recent window once.
func (s *Sampler) applyPenalty(cand []candidate, recent []int32) {
	if len(s.penalty) < len(cand) {
		s.penalty = make([]bool, len(cand))
	}
	recent = recent[max(0, len(recent)-s.o.RepeatLastN):]
	for _, t := range recent {
		if t < 0 || int(t) >= len(cand) || s.penalty[t] {
			continue
		}
		s.penalty[t] = true
		if c := &cand[t]; c.logit <= 0 {
			c.logit *= s.o.RepeatPenalty
		} else {
			c.logit /= s.o.RepeatPenalty
		}
	}
	for _, t := range recent {
		if t >= 0 && int(t) < len(s.penalty) {
			s.penalty[t] = false
		}
	}
}

// topK returns the K most likely candidates, most likely first (all of
// them sorted when K is 0 or too large). Ties keep the lower id first.
func (s *Sampler) topK(cand []candidate) []candidate {
	k := s.o.TopK
	if k <= 0 || k >= len(cand) {
		slices.SortFunc(cand, byLogitDesc)
		return cand
	}
	// Insertion into a sorted prefix of cand: after the first K, a
	// candidate is inserted only if it beats the worst kept one, which is
	// rare once the prefix holds good ones. The prefix only grows behind
	// the reading position, so reading and writing cand do not collide.
	top := cand[:0:k]
	for _, c := range cand {
		if len(top) == k && byLogitDesc(c, top[k-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, c, byLogitDesc)
		if len(top) < k {
			top = top[:len(top)+1]
		}
		copy(top[i+1:], top[i:len(top)-1])
		top[i] = c
	}
	return top
}

func byLogitDesc(a, b candidate) int {
	if c := cmp.Compare(b.logit, a.logit); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// softmax sets p of sorted candidates from logit/temp.
func softmax(cand []candidate, temp float32) {
	m := float64(cand[0].logit) / float64(temp)
	sum := 0.0
	for i := range cand {
		cand[i].p = math.Exp(float64(cand[i].logit)/float64(temp) - m)
		sum += cand[i].p
	}
	for i := range cand {
		cand[i].p /= sum
	}
}

// topP keeps the shortest prefix of sorted candidates whose probability
// reaches p (at least one).
func topP(cand []candidate, p float32) []candidate {
	if p <= 0 || p >= 1 {
		return cand
	}
	softmax(cand, 1)
	sum := 0.0
	for i, c := range cand {
		sum += c.p
		if sum >= float64(p) {
			return cand[:i+1]
		}
	}
	return cand
}

// minP drops the candidates less likely than p times the first (sorted).
func minP(cand []candidate, p float32) []candidate {
	if p <= 0 {
		return cand
	}
	limit := float64(cand[0].logit) + math.Log(float64(p))
	for i, c := range cand {
		if float64(c.logit) < limit {
			return cand[:max(i, 1)]
		}
	}
	return cand
}

// draw samples from the sorted candidates at the sampler's temperature.
func (s *Sampler) draw(cand []candidate) int32 {
	softmax(cand, s.o.Temperature)
	r := s.rng.Float64()
	for _, c := range cand {
		r -= c.p
		if r < 0 {
			return c.id
		}
	}
	return cand[len(cand)-1].id
}
