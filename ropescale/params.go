package ropescale

import (
	"fmt"
	"math"
)

// Defaults used where a Params field is zero.
const (
	DefaultFreqBase       = 10000.0
	DefaultBetaFast       = 32.0 // YaRN: pairs turning more than 32 times in the trained context are extrapolated
	DefaultBetaSlow       = 1.0  // YaRN: pairs turning less than once are interpolated
	DefaultLlama3Factor   = 8.0
	DefaultLlama3OrigCtx  = 8192
	DefaultLowFreqFactor  = 1.0
	DefaultHighFreqFactor = 4.0
	// maxDims bounds the rotated dimensions: real models use 32..256.
	maxDims = 1 << 16
)

// Params describe a RoPE and its scaling. A zero field means "the default";
// the model layer fills them from the GGUF metadata and a run may override
// them (see Overrides).
type Params struct {
	Method Method
	// Dims is the number of rotated dimensions (rope.dimension_count), even.
	// CosSin returns Dims/2 values, one per rotated pair.
	Dims int
	// FreqBase is the base of the frequencies theta_i = base^(-2i/Dims) (rope.freq_base; 0 = 10000).
	FreqBase float64
	// Factor is the context extension factor s (rope.scaling.factor):
	// Linear and YaRN use freq_scale = 1/s. 0 = 1 (no scaling), except Llama3 (8).
	// LongRoPE uses it only for its default attention factor.
	Factor float64
	// OrigCtx is the context length the model was trained at
	// (rope.scaling.original_context_length). Needed by YaRN, Dynamic and
	// LongRoPE; Llama3 defaults to 8192.
	OrigCtx int
	// Ctx is the context length of this run. LongRoPE uses the long factors
	// when Ctx > OrigCtx and the short ones otherwise (as llama.cpp decides).
	Ctx int
	// ExtFactor is YaRN's extrapolation mix (ggml's ext_factor; 0 = 1). YaRN
	// with ext_factor 0 is exactly Linear.
	ExtFactor float64
	// AttnFactor multiplies cos and sin (ggml's attn_factor, times the GGUF
	// rope.scaling.attn_factor). 0 = the default: 1, or for LongRoPE
	// sqrt(1 + ln(Factor)/ln(OrigCtx)). YaRN multiplies it by 1 + 0.1 ln(Factor).
	AttnFactor float64
	// BetaFast and BetaSlow set YaRN's ramp (0 = 32 and 1).
	BetaFast, BetaSlow float64
	// LowFreqFactor and HighFreqFactor set Llama3's bands (0 = 1 and 4).
	LowFreqFactor, HighFreqFactor float64
	// FreqFactors are per-pair frequency divisors (the rope_freqs.weight
	// tensor, len Dims/2): pair i turns at theta_i / FreqFactors[i]. Any
	// method but LongRoPE may have them; for Llama3 they replace the formula.
	FreqFactors []float32
	// LongFactors and ShortFactors are LongRoPE's divisors
	// (rope_factors_long.weight, rope_factors_short.weight; len Dims/2).
	LongFactors, ShortFactors []float32
}

// withDefaults returns p with every zero field that has a default filled in.
func (p Params) withDefaults() Params {
	if p.FreqBase == 0 {
		p.FreqBase = DefaultFreqBase
	}
	if p.Factor == 0 {
		p.Factor = 1
		if p.Method == Llama3 {
			p.Factor = DefaultLlama3Factor
		}
	}
	if p.Method == Llama3 && p.OrigCtx == 0 {
		p.OrigCtx = DefaultLlama3OrigCtx
	}
	if p.ExtFactor == 0 {
		p.ExtFactor = 1
	}
	if p.BetaFast == 0 {
		p.BetaFast = DefaultBetaFast
	}
	if p.BetaSlow == 0 {
		p.BetaSlow = DefaultBetaSlow
	}
	if p.LowFreqFactor == 0 {
		p.LowFreqFactor = DefaultLowFreqFactor
	}
	if p.HighFreqFactor == 0 {
		p.HighFreqFactor = DefaultHighFreqFactor
	}
	if p.AttnFactor == 0 {
		p.AttnFactor = 1
		if p.Method == LongRoPE {
			p.AttnFactor = longRoPEAttnFactor(p.Factor, p.OrigCtx)
		}
	}
	return p
}

// positive reports whether x is a finite number > 0 (false for NaN).
func positive(x float64) bool { return x > 0 && !math.IsInf(x, 1) }

// validate checks parameters that already have their defaults.
func (p Params) validate() error {
	if p.Method < None || p.Method > LongRoPE {
		return fmt.Errorf("rope: unknown scaling method %d", int(p.Method))
	}
	if p.Dims <= 0 || p.Dims%2 != 0 || p.Dims > maxDims {
		return fmt.Errorf("rope: dimension count %d must be even and between 2 and %d", p.Dims, maxDims)
	}
	if !positive(p.FreqBase) || float32(p.FreqBase) <= 1 || math.IsInf(float64(float32(p.FreqBase)), 1) {
		return fmt.Errorf("rope: frequency base %g must be a finite number above 1", p.FreqBase)
	}
	if fs := float32(1 / p.Factor); !positive(p.Factor) || !positive(float64(float32(p.Factor))) || !(fs >= 0x1p-126) || math.IsInf(float64(fs), 1) {
		return fmt.Errorf("rope: scaling factor %g must be a finite number above 0", p.Factor)
	}
	if !positive(p.AttnFactor) || math.IsInf(float64(float32(p.AttnFactor)), 1) {
		return fmt.Errorf("rope: attention factor %g must be a finite number above 0", p.AttnFactor)
	}
	if p.OrigCtx < 0 || p.Ctx < 0 {
		return fmt.Errorf("rope: context lengths must not be negative (original %d, run %d)", p.OrigCtx, p.Ctx)
	}
	if p.Method == LongRoPE && p.FreqFactors != nil {
		return fmt.Errorf("rope: longrope takes long and short factors, not rope_freqs")
	}
	if err := checkFactors("rope_freqs", p.FreqFactors, p.Dims); err != nil {
		return err
	}
	switch p.Method {
	case NTK, Dynamic:
		if p.Dims < 4 {
			return fmt.Errorf("rope: %v scaling needs at least 4 rotated dimensions, have %d", p.Method, p.Dims)
		}
		if p.Method == Dynamic && p.OrigCtx == 0 {
			return &OrigCtxError{Method: p.Method}
		}
	case YaRN:
		if p.OrigCtx == 0 {
			return &OrigCtxError{Method: p.Method}
		}
		if p.Factor < 1 {
			// Its temperature 1 + 0.1 ln s would fall below 1 (and below 0 for tiny s).
			return fmt.Errorf("rope: yarn extends the context: factor %g must be at least 1", p.Factor)
		}
		if !(p.ExtFactor >= 0) || math.IsInf(p.ExtFactor, 1) {
			return fmt.Errorf("rope: yarn extrapolation factor %g must be a finite number >= 0", p.ExtFactor)
		}
		if !positive(p.BetaFast) || !positive(p.BetaSlow) || p.BetaFast < p.BetaSlow {
			return fmt.Errorf("rope: yarn beta_fast %g and beta_slow %g must be finite, above 0, and beta_fast >= beta_slow", p.BetaFast, p.BetaSlow)
		}
	case Llama3:
		if p.FreqFactors == nil {
			if p.OrigCtx == 0 {
				return &OrigCtxError{Method: p.Method}
			}
			if !positive(p.LowFreqFactor) || !positive(p.HighFreqFactor) || p.LowFreqFactor >= p.HighFreqFactor {
				return fmt.Errorf("rope: llama3 low_freq_factor %g and high_freq_factor %g must be finite, above 0, low < high", p.LowFreqFactor, p.HighFreqFactor)
			}
		}
	case LongRoPE:
		if p.OrigCtx == 0 {
			return &OrigCtxError{Method: p.Method}
		}
		if p.LongFactors == nil || p.ShortFactors == nil {
			return fmt.Errorf("rope: longrope needs both rope_factors_long and rope_factors_short")
		}
		if err := checkFactors("rope_factors_long", p.LongFactors, p.Dims); err != nil {
			return err
		}
		if err := checkFactors("rope_factors_short", p.ShortFactors, p.Dims); err != nil {
			return err
		}
	}
	return nil
}

// OrigCtxError is New's error when Method scales relative to the context
// the model was trained at and Params.OrigCtx does not say it. It is a type
// so that a caller can tell where that length comes from (its own options,
// the file) without parsing the message.
type OrigCtxError struct{ Method Method }

func (e *OrigCtxError) Error() string {
	what := e.Method.String()
	if e.Method == Dynamic || e.Method == Llama3 {
		what += " scaling" // "yarn" and "longrope" read as nouns alone
	}
	return "rope: " + what + " needs the original context length"
}

// checkFactors checks a per-pair divisor table: nil, or Dims/2 finite values above 0.
func checkFactors(name string, f []float32, dims int) error {
	if f == nil {
		return nil
	}
	if len(f) != dims/2 {
		return fmt.Errorf("rope: %s has %d values, want %d (one per rotated pair)", name, len(f), dims/2)
	}
	for i, v := range f {
		if !positive(float64(v)) {
			return fmt.Errorf("rope: %s[%d] = %g must be a finite number above 0", name, i, v)
		}
	}
	return nil
}
