package ropescale

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOverrides(t *testing.T) {
	ff := []float32{1, 2, 4, 8}
	model := Params{Method: Llama3, Dims: 8, FreqBase: 500000, OrigCtx: 8192, FreqFactors: ff}
	for _, tc := range []struct {
		name string
		o    Overrides
		in   Params
		want Params
	}{
		{"nothing", Overrides{}, model, model},
		{"yarn over llama3 keeps rope_freqs", Overrides{Method: new(YaRN), Scale: new(4.0), OrigCtx: new(8192)}, model,
			Params{Method: YaRN, Dims: 8, FreqBase: 500000, Factor: 4, OrigCtx: 8192, FreqFactors: ff}},
		{"none drops everything", Overrides{Method: new(None)}, Params{Method: Linear, Dims: 8, Factor: 4, FreqFactors: ff},
			Params{Method: None, Dims: 8}},
		{"scale keeps method", Overrides{Scale: new(8.0)}, Params{Method: YaRN, Dims: 8, Factor: 4, OrigCtx: 512},
			Params{Method: YaRN, Dims: 8, Factor: 8, OrigCtx: 512}},
		{"yarn knobs", Overrides{Method: new(YaRN), Scale: new(2.0), BetaFast: new(16.0), BetaSlow: new(2.0), ExtFactor: new(0.5), AttnFactor: new(2.0), FreqBase: new(20000.0), OrigCtx: new(1024)},
			Params{Dims: 8, AttnFactor: 1.5}, Params{Method: YaRN, Dims: 8, Factor: 2, FreqBase: 20000, OrigCtx: 1024, BetaFast: 16, BetaSlow: 2, ExtFactor: 0.5, AttnFactor: 3}},
		{"yarn ext 0 is linear", Overrides{Method: new(YaRN), Scale: new(4.0), ExtFactor: new(0.0)}, Params{Dims: 8},
			Params{Method: Linear, Dims: 8, Factor: 4}},
		{"attn factor over longrope default", Overrides{AttnFactor: new(2.0)},
			Params{Method: LongRoPE, Dims: 8, Factor: 32, OrigCtx: 4096, LongFactors: ff, ShortFactors: ff},
			Params{Method: LongRoPE, Dims: 8, Factor: 32, OrigCtx: 4096, LongFactors: ff, ShortFactors: ff, AttnFactor: 2 * longRoPEAttnFactor(32, 4096)}},
		{"switching away from longrope drops its factors", Overrides{Method: new(Linear)},
			Params{Method: LongRoPE, Dims: 8, Factor: 32, OrigCtx: 4096, LongFactors: ff, ShortFactors: ff},
			Params{Method: Linear, Dims: 8, Factor: 32, OrigCtx: 4096}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.o.Apply(tc.in))
		})
	}
}
