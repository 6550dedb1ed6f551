package ropescale

// Overrides replace or adjust a model's Params for one run (a user's
// choice over what the file says); a nil field keeps the model's value.
// Apply combines them once the model's Params are known.
type Overrides struct {
	Method     *Method
	Scale      *float64 // the factor s (freq_scale = 1/s)
	FreqBase   *float64
	OrigCtx    *int
	BetaFast   *float64
	BetaSlow   *float64
	ExtFactor  *float64
	AttnFactor *float64 // multiplies the model's attention factor
}

// Apply returns p with the overrides in place, as llama.cpp combines its
// options with the model: a Method replaces the model's method but keeps
// its factor unless Scale is given; AttnFactor multiplies the model's
// attention factor; None drops every frequency change (also the model's
// FreqFactors and LongRoPE factors). YaRN with ExtFactor 0 is linear
// interpolation, exactly.
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
