package ropescale

import (
	"fmt"
	"math"
	"strings"
)

// Rope turns a position into the cos/sin of every rotated pair, with the
// scaling method's frequency changes and magnitude already applied. Build it
// once per session with New; CosSin is then safe for concurrent use.
type Rope struct {
	p      Params  // with defaults filled in
	base   float64 // effective frequency base (NTK and Dynamic raise it)
	pairs  int
	length int // Dynamic: the sequence length this table was built for; 0 otherwise

	// ggml's float32 constants: theta_i(pos) = pos * thetaScale^i, reached by
	// repeated float32 multiplication exactly as ggml_rope_cache_init does.
	thetaScale float32
	freqScale  float32 // 1/Factor for Linear and YaRN, else 1
	mscale     float32 // magnitude folded into cos and sin

	divisors []float32 // per-pair frequency divisors, nil = none
	longSet  bool      // LongRoPE: the long factors are in use

	// YaRN: per-pair ramp_mix and 1 - ramp_mix; nil when there is no ramp.
	rampMix, oneMinus []float32
	corr              [2]float32 // YaRN correction dims c0, c1

	dyn *dynamicTables // Dynamic: the tables per length bucket, shared by all of them
}

// New checks p, fills in its defaults and precomputes what CosSin needs.
func New(p Params) (*Rope, error) {
	p = p.withDefaults()
	if err := p.validate(); err != nil {
		return nil, err
	}
	r := &Rope{p: p, base: p.FreqBase, pairs: p.Dims / 2, divisors: p.FreqFactors,
		freqScale: 1, mscale: float32(p.AttnFactor)}
	switch p.Method {
	case None, Dynamic:
		// Dynamic starts unscaled: up to the trained length it is exactly
		// None; ForLength returns the tables for longer sequences.
	case Linear:
		r.freqScale = float32(1 / p.Factor)
	case NTK:
		r.base = ntkBase(p.FreqBase, p.Factor, p.Dims)
	case YaRN:
		r.freqScale = float32(1 / p.Factor)
		r.setupYaRN()
	case Llama3:
		if r.divisors == nil {
			r.divisors = llama3Divisors(p)
		}
	case LongRoPE:
		r.longSet = p.Ctx > p.OrigCtx
		r.divisors = p.ShortFactors
		if r.longSet {
			r.divisors = p.LongFactors
		}
	}
	if math.IsInf(float64(float32(r.base)), 1) {
		return nil, fmt.Errorf("rope: %v scaling with factor %g overflows the frequency base %g", p.Method, p.Factor, p.FreqBase)
	}
	r.thetaScale = thetaScale(r.base, p.Dims)
	if p.Method == Dynamic {
		r.dyn = &dynamicTables{root: r}
	}
	return r, nil
}

// thetaScale is ggml's powf(freq_base, -2.0f/n_dims) with freq_base a float.
func thetaScale(base float64, dims int) float32 {
	return powf(float32(base), float32(-2)/float32(dims))
}

// Pairs is the number of rotated pairs: the length CosSin and Angles fill.
func (r *Rope) Pairs() int { return r.pairs }

// Params returns the parameters with their defaults filled in.
func (r *Rope) Params() Params { return r.p }

// Magnitude is the factor CosSin multiplies cos and sin by (YaRN's attention
// temperature, LongRoPE's attention factor; 1 for most models). Since both q
// and k are rotated, attention logits grow by its square.
func (r *Rope) Magnitude() float32 { return r.mscale }

// Base is the effective frequency base (raised by NTK and dynamic scaling).
func (r *Rope) Base() float64 { return r.base }

// CosSin fills cos[i] and sin[i], i < Pairs(), with the rotation of pair i at
// position pos, times Magnitude(). Pair i is (2i, 2i+1) in llama's NORMAL
// mode and (i, i+Dims/2) in NEOX mode; the caller rotates
// (x0, x1) -> (x0*cos - x1*sin, x0*sin + x1*cos). The angles are those of
// Angles; cos and sin are C's cosf and sinf of them times the magnitude, in
// float32. The model calls it once per position, shared by all layers.
func (r *Rope) CosSin(pos int, cos, sin []float32) {
	n := r.pairs
	cos, sin = cos[:n], sin[:n]
	r.Angles(pos, cos)
	m := r.mscale
	for i, a := range cos {
		c, s := cosSinf(a)
		cos[i] = c * m
		sin[i] = s * m
	}
}

// Angles fills theta[i], i < Pairs(), with the rotation angle of pair i at
// position pos, computed as ggml_rope_cache_init does, in float32 step by
// step: theta_0 = (float)pos, theta_{i+1} = theta_i*theta_scale (repeated
// multiplication, theta_scale = powf(base, -2/Dims)), extrap = theta_i /
// freq_factor_i, interp = freq_scale*extrap, and for YaRN
// fmaf(interp, 1-ramp_mix_i, extrap*ramp_mix_i). Float64 angles would
// differ from llama.cpp by up to ~1e-3 rad at position 4096 (one float32
// ulp of the angle); these are bit-identical to its tables.
func (r *Rope) Angles(pos int, theta []float32) {
	theta = theta[:r.pairs]
	div, mix, oneMinus := r.divisors, r.rampMix, r.oneMinus
	fs, ts := r.freqScale, r.thetaScale
	t := float32(pos)
	for i := range theta {
		extrap := t
		if div != nil {
			extrap = t / div[i]
		}
		a := fs * extrap
		if mix != nil {
			a = fmaf(a, oneMinus[i], float32(extrap*mix[i]))
		}
		theta[i] = a
		t *= ts
	}
}

// ForLength returns the tables for a sequence of n positions (0..n-1). Only
// dynamic NTK depends on it: the base is recomputed for n rounded up to a
// multiple of 256 (once per bucket; the result is cached), and for n up to
// the trained length it is the unscaled table. Other methods return r.
func (r *Rope) ForLength(n int) *Rope {
	if r.dyn == nil {
		return r
	}
	return r.dyn.forLength(n)
}

// Describe says in one line which method is in effect and with what
// parameters, for `lcrun info` and logs.
func (r *Rope) Describe() string {
	p := r.p
	var b strings.Builder
	fmt.Fprintf(&b, "%v: dims %d, base %g", p.Method, p.Dims, p.FreqBase)
	switch p.Method {
	case Linear:
		fmt.Fprintf(&b, ", factor %g (freq_scale %g)", p.Factor, r.freqScale)
	case NTK:
		fmt.Fprintf(&b, ", factor %g, effective base %.6g", p.Factor, r.base)
	case Dynamic:
		fmt.Fprintf(&b, ", factor %g, orig_ctx %d, base recomputed per %d-token bucket above orig_ctx", p.Factor, p.OrigCtx, dynamicBucket)
		if r.length > 0 {
			fmt.Fprintf(&b, " (length %d: base %.6g)", r.length, r.base)
		}
	case YaRN:
		fmt.Fprintf(&b, ", factor %g (freq_scale %g), orig_ctx %d, ext_factor %g, beta_fast %g, beta_slow %g, corr dims [%g, %g], attn_factor %g",
			p.Factor, r.freqScale, p.OrigCtx, p.ExtFactor, p.BetaFast, p.BetaSlow, r.corr[0], r.corr[1], p.AttnFactor)
	case Llama3:
		if p.FreqFactors == nil {
			fmt.Fprintf(&b, ", factor %g, orig_ctx %d, low_freq_factor %g, high_freq_factor %g", p.Factor, p.OrigCtx, p.LowFreqFactor, p.HighFreqFactor)
		}
	case LongRoPE:
		set, cmp := "short", "<="
		if r.longSet {
			set, cmp = "long", ">"
		}
		fmt.Fprintf(&b, ", %s factors (context %d %s orig_ctx %d)", set, p.Ctx, cmp, p.OrigCtx)
	}
	if p.FreqFactors != nil {
		b.WriteString(", frequency divisors from rope_freqs")
	}
	if r.mscale != 1 {
		fmt.Fprintf(&b, ", magnitude %.6g", r.mscale)
	}
	return b.String()
}
