package ropescale

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Overrides are the CLI's RoPE flags, applied over the model's Params.
// Register every name in FlagNames with Set (e.g. with flag.FlagSet.Func)
// and call Apply once the model's Params are known.
type Overrides struct {
	Method     *Method  // --rope-scaling
	Scale      *float64 // --rope-scale: the factor s (freq_scale = 1/s)
	FreqBase   *float64 // --rope-freq-base
	OrigCtx    *int     // --yarn-orig-ctx
	BetaFast   *float64 // --yarn-beta-fast
	BetaSlow   *float64 // --yarn-beta-slow
	ExtFactor  *float64 // --yarn-ext-factor
	AttnFactor *float64 // --yarn-attn-factor
}

// FlagNames are the flags Overrides.Set understands (llama.cpp's names).
var FlagNames = []string{
	"rope-scaling", "rope-scale", "rope-freq-base",
	"yarn-orig-ctx", "yarn-beta-fast", "yarn-beta-slow", "yarn-ext-factor", "yarn-attn-factor",
}

// FlagUsage is a one-line help text per flag name.
var FlagUsage = map[string]string{
	"rope-scaling":     "RoPE scaling method: none|linear|ntk|dynamic|yarn|llama3|longrope (default: from the model)",
	"rope-scale":       "RoPE context extension factor s (linear/yarn use freq_scale 1/s)",
	"rope-freq-base":   "RoPE frequency base (default: from the model)",
	"yarn-orig-ctx":    "context length the model was trained at (default: from the model)",
	"yarn-beta-fast":   "YaRN: pairs turning more than this many times are extrapolated (default 32)",
	"yarn-beta-slow":   "YaRN: pairs turning fewer times than this are interpolated (default 1)",
	"yarn-ext-factor":  "YaRN extrapolation mix, 0..1 (default 1; 0 = linear interpolation)",
	"yarn-attn-factor": "multiplier of the RoPE magnitude (default 1)",
}

// Set parses the value of one flag (name without dashes).
func (o *Overrides) Set(name, value string) error {
	switch name {
	case "rope-scaling":
		m, err := ParseMethod(value)
		if err != nil {
			return err
		}
		o.Method = &m
		return nil
	case "yarn-orig-ctx":
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || n <= 0 {
			return fmt.Errorf("--%s: %q is not a positive token count", name, value)
		}
		o.OrigCtx = &n
		return nil
	}
	dst := map[string]**float64{
		"rope-scale": &o.Scale, "rope-freq-base": &o.FreqBase, "yarn-beta-fast": &o.BetaFast,
		"yarn-beta-slow": &o.BetaSlow, "yarn-ext-factor": &o.ExtFactor, "yarn-attn-factor": &o.AttnFactor,
	}[name]
	if dst == nil {
		return fmt.Errorf("unknown RoPE flag --%s", name)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("--%s: %q is not a number", name, value)
	}
	// ext_factor 0 is meaningful (no ramp); every other value must be positive.
	if f < 0 || (f == 0 && name != "yarn-ext-factor") {
		return fmt.Errorf("--%s: %v must be above 0", name, f)
	}
	*dst = &f
	return nil
}

// Apply returns p with the overrides in place, as llama.cpp combines its
// flags with the model: a method flag replaces the model's method but keeps
// its factor unless --rope-scale is given; --yarn-attn-factor multiplies the
// model's attention factor; "none" drops every frequency change (also the
// model's rope_freqs and LongRoPE factors). YaRN with --yarn-ext-factor 0 is
// linear interpolation, exactly.
func (o *Overrides) Apply(p Params) Params {
	if o.Method != nil && *o.Method != p.Method {
		p.Method = *o.Method
		if p.Method == None {
			p.Factor, p.FreqFactors, p.LongFactors, p.ShortFactors = 0, nil, nil, nil
		}
		if p.Method != LongRoPE {
			p.LongFactors, p.ShortFactors = nil, nil
		}
	}
	if o.Scale != nil {
		p.Factor = *o.Scale
	}
	if o.FreqBase != nil {
		p.FreqBase = *o.FreqBase
	}
	if o.OrigCtx != nil {
		p.OrigCtx = *o.OrigCtx
	}
	if o.BetaFast != nil {
		p.BetaFast = *o.BetaFast
	}
	if o.BetaSlow != nil {
		p.BetaSlow = *o.BetaSlow
	}
	if o.AttnFactor != nil {
		if p.AttnFactor == 0 {
			p.AttnFactor = p.withDefaults().AttnFactor // 1, or LongRoPE's default
		}
		p.AttnFactor *= *o.AttnFactor
	}
	if o.ExtFactor != nil {
		p.ExtFactor = *o.ExtFactor
		if p.Method == YaRN && p.ExtFactor == 0 {
			p.Method = Linear
		}
	}
	return p
}
