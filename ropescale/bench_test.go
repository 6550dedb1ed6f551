package ropescale

import "testing"

// BenchmarkCosSin measures one position's table (what the model computes
// once per token per micro-batch, shared by all layers).
func BenchmarkCosSin(b *testing.B) {
	ff := make([]float32, 64)
	for i := range ff {
		ff[i] = 1 + float32(i)/8
	}
	for _, bc := range []struct {
		name string
		p    Params
	}{
		{"none-d128", Params{Dims: 128}},
		{"yarn-d128", Params{Method: YaRN, Dims: 128, Factor: 4, OrigCtx: 4096}},
		{"llama3-d128", Params{Method: Llama3, Dims: 128, FreqBase: 500000, FreqFactors: ff}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, err := New(bc.p)
			if err != nil {
				b.Fatal(err)
			}
			c, s := make([]float32, r.Pairs()), make([]float32, r.Pairs())
			pos := 0
			for b.Loop() {
				r.CosSin(pos, c, s)
				pos = (pos + 1) & (1<<17 - 1)
			}
			b.ReportMetric(float64(b.N*r.Pairs())/b.Elapsed().Seconds()/1e6, "Mpairs/s")
		})
	}
}
