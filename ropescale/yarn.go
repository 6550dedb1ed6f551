package ropescale

import "math"

// YaRN (Peng, Quesnelle, Fan, Shippole 2023, "YaRN: Efficient Context
// Window Extension of Large Language Models", arXiv:2309.00071), with the
// conventions of llama.cpp's ggml_rope_ext.
//
// Derivation. Pair i turns at theta_i = base^(-2i/d) radians per token, so
// over the trained context L it makes r_i = L*theta_i/(2*pi) turns.
//   - Pairs with many turns (r_i > beta_fast, high frequency) already saw
//     every angle in training: they are left alone ("extrapolated").
//   - Pairs with less than one turn (r_i < beta_slow) would see angles never
//     seen in training: they are interpolated like Chen et al.'s position
//     interpolation, theta_i/s.
//   - In between, a linear ramp in the pair index mixes the two.
// Solving r_i = beta for i gives the correction dimension
//   c(beta) = d * ln(L / (2*pi*beta)) / (2 ln base),
// and ggml takes c0 = max(0, floor(c(beta_fast))), c1 = min(d-1,
// ceil(c(beta_slow))). With ramp(i) = 1 - clamp((i - c0)/max(0.001, c1 - c0),
// 0, 1) and ramp_mix = ramp*ext_factor:
//   theta = theta_interp*(1 - ramp_mix) + theta_extrap*ramp_mix,
//   theta_interp = freq_scale*theta_extrap, freq_scale = 1/s.
// Interpolation lowers the entropy of the attention softmax at long range;
// the paper restores it with a temperature: multiply both q and k by
// sqrt(1/t) = 0.1 ln(s) + 1 (fitted on LLaMA). ggml folds this into cos and
// sin: mscale = attn_factor*(1 + 0.1 ln(1/freq_scale)) whenever ext_factor
// != 0; llama.cpp passes attn_factor 1 (times the GGUF's
// rope.scaling.attn_factor), so a model's net magnitude is 1 + 0.1 ln s.
//
// Everything below is float32 in the same order as ggml (see f32.go); the
// mix is one fmaf because the reference build contracts it into an FMA.

// yarnCorrDim is ggml_rope_yarn_corr_dim: the (fractional) pair index whose
// frequency makes nRot turns over the original context.
func yarnCorrDim(nDims, nCtxOrig int, nRot, base float32) float32 {
	return float32(nDims) * logf(float32(nCtxOrig)/(nRot*2*float32(math.Pi))) / (2 * logf(base))
}

// yarnCorrDims is ggml_rope_yarn_corr_dims: the ramp's start and end pairs.
func yarnCorrDims(nDims, nCtxOrig int, base, betaFast, betaSlow float32) [2]float32 {
	start := float32(math.Floor(float64(yarnCorrDim(nDims, nCtxOrig, betaFast, base))))
	end := float32(math.Ceil(float64(yarnCorrDim(nDims, nCtxOrig, betaSlow, base))))
	return [2]float32{max(0, start), min(float32(nDims-1), end)}
}

// yarnRamp is ggml's rope_yarn_ramp for pair i: 1 below c0 (extrapolate),
// 0 above c1 (interpolate), linear in between.
func yarnRamp(low, high float32, i int) float32 {
	y := (float32(i) - low) / max(0.001, high-low)
	return 1 - min(1, max(0, y))
}

// yarnMagnitude is ggml's mscale for ext_factor != 0:
// attn_factor * (1.0f + 0.1f*logf(1.0f/freq_scale)), the sum contracted into
// an FMA by the reference build.
func yarnMagnitude(attnFactor, freqScale float32) float32 {
	return attnFactor * fmaf(0.1, logf(1/freqScale), 1)
}

// setupYaRN precomputes the per-pair ramp and the magnitude.
func (r *Rope) setupYaRN() {
	p := r.p
	ext := float32(p.ExtFactor)
	if ext == 0 {
		return // ggml: no ramp and no temperature, i.e. plain linear interpolation
	}
	r.corr = yarnCorrDims(p.Dims, p.OrigCtx, float32(p.FreqBase), float32(p.BetaFast), float32(p.BetaSlow))
	r.rampMix = make([]float32, r.pairs)
	r.oneMinus = make([]float32, r.pairs)
	for i := range r.pairs {
		// The conversion keeps ramp*ext a rounded product: without it Go may
		// fuse 1 - ramp*ext into one FMA on arm64. (With ext_factor 1, the
		// only value llama.cpp uses for models, the product is exact anyway.)
		m := float32(yarnRamp(r.corr[0], r.corr[1], i) * ext)
		r.rampMix[i] = m
		r.oneMinus[i] = 1 - m
	}
	r.mscale = yarnMagnitude(float32(p.AttnFactor), r.freqScale)
}
