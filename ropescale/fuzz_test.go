package ropescale

import (
	"math"
	"testing"
)

// FuzzNew: any Params give either an error or a Rope whose tables are
// finite and bounded by the magnitude, at any position and length.
func FuzzNew(f *testing.F) {
	f.Add(uint8(YaRN), 128, 10000.0, 4.0, 512, 0, 0.0, 0.0, 0.0, 0.0, 4096, 3000)
	f.Add(uint8(Dynamic), 64, 10000.0, 2.0, 2048, 0, 0.0, 0.0, 0.0, 0.0, 1<<20, 1<<20)
	f.Add(uint8(Llama3), 128, 500000.0, 8.0, 8192, 0, 0.0, 0.0, 0.0, 0.0, 100000, 0)
	f.Add(uint8(NTK), 4, 10000.0, 1e20, 0, 0, 0.0, 0.0, 0.0, 0.0, -5, 0)
	f.Add(uint8(LongRoPE), 96, 10000.0, 32.0, 4096, 131072, 0.0, 0.0, 0.0, 0.0, 7, 0)
	f.Add(uint8(YaRN), 8, 2.0, 0.001, 1, 0, 0.5, 3.0, 1.0, 1.0, math.MaxInt32, -1)
	f.Fuzz(func(t *testing.T, method uint8, dims int, base, factor float64, orig, ctx int, ext, attn, betaFast, betaSlow float64, pos, length int) {
		if dims > 4096 {
			dims %= 4096 // keep each run fast; validation of large dims is tested directly
		}
		p := Params{Method: Method(method % 8), Dims: dims, FreqBase: base, Factor: factor, OrigCtx: orig, Ctx: ctx,
			ExtFactor: ext, AttnFactor: attn, BetaFast: betaFast, BetaSlow: betaSlow}
		if p.Method == LongRoPE && dims > 0 && dims%2 == 0 {
			p.LongFactors, p.ShortFactors = make([]float32, dims/2), make([]float32, dims/2)
			for i := range p.LongFactors {
				p.LongFactors[i], p.ShortFactors[i] = float32(1+i), 1
			}
		}
		r, err := New(p)
		if err != nil {
			if r != nil {
				t.Fatal("a Rope with an error")
			}
			return
		}
		r = r.ForLength(length)
		_ = r.Describe()
		c, s := make([]float32, r.Pairs()), make([]float32, r.Pairs())
		r.CosSin(pos, c, s)
		bound := float64(r.Magnitude()) * (1 + 1e-6)
		for i := range c {
			if !(math.Abs(float64(c[i])) <= bound && math.Abs(float64(s[i])) <= bound) {
				t.Fatalf("pair %d: cos %v sin %v beyond magnitude %v (%s)", i, c[i], s[i], r.Magnitude(), r.Describe())
			}
		}
	})
}
