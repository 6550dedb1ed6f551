package ropescale

import "math"

// Llama 3.1 scaling (Meta, "The Llama 3 Herd of Models", 2024; the
// apply_scaling function of Meta's reference code; "llama3" rope_scaling in
// Hugging Face configs). llama.cpp does not compute it: its converter stores
// the result as the rope_freqs.weight tensor of per-pair divisors, which
// ggml applies as theta_i / freq_factors[i]. With that tensor in the file
// Params.FreqFactors carries it; without it we compute the same divisors.
//
// Derivation. The wavelength of pair i is w_i = 2*pi/theta_i tokens. With
// the trained context L0 (8192), factor s (8) and band edges
// low_freq_factor a (1) and high_freq_factor b (4):
//   - w_i < L0/b (short waves, many turns in the trained context): unchanged;
//   - w_i > L0/a (long waves, at most a turns): position interpolation, theta_i/s;
//   - in between, with smooth = (L0/w_i - a)/(b - a) in [0, 1], the new
//     frequency is the blend (1 - smooth)*theta_i/s + smooth*theta_i.
// As a divisor of theta_i: 1, s, and 1/((1 - smooth)/s + smooth); the blend
// meets both neighbours at the band edges (smooth = 0 and 1), so the
// divisors are continuous and monotone in i.

// llama3Divisors computes the per-pair divisors of Meta's apply_scaling in
// float64 (the formula), rounded to float32 like the stored tensor.
func llama3Divisors(p Params) []float32 {
	pairs := p.Dims / 2
	l0, s := float64(p.OrigCtx), p.Factor
	a, b := p.LowFreqFactor, p.HighFreqFactor
	lowWave, highWave := l0/a, l0/b
	out := make([]float32, pairs)
	for i := range out {
		freq := math.Pow(p.FreqBase, -2*float64(i)/float64(p.Dims))
		wave := 2 * math.Pi / freq
		d := 1.0
		switch {
		case wave < highWave:
		case wave > lowWave:
			d = s
		default:
			smooth := (l0/wave - a) / (b - a)
			d = 1 / ((1-smooth)/s + smooth)
		}
		out[i] = float32(d)
	}
	return out
}
