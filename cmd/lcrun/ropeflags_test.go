package main

import (
	"fmt"
	"testing"

	"github.com/lcrun/lcrun/ropescale"
	"github.com/stretchr/testify/require"
)

// TestRopeFlags: the flag lines of ropescale's TestOverrides parse to the
// Overrides that test applies.
func TestRopeFlags(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags [][2]string
		want  ropescale.Overrides
	}{
		{"nothing", nil, ropescale.Overrides{}},
		{"yarn over llama3 keeps rope_freqs", [][2]string{{"rope-scaling", "yarn"}, {"rope-scale", "4"}, {"yarn-orig-ctx", "8192"}},
			ropescale.Overrides{Method: new(ropescale.YaRN), Scale: new(4.0), OrigCtx: new(8192)}},
		{"none drops everything", [][2]string{{"rope-scaling", "none"}}, ropescale.Overrides{Method: new(ropescale.None)}},
		{"scale keeps method", [][2]string{{"rope-scale", "8"}}, ropescale.Overrides{Scale: new(8.0)}},
		{"yarn knobs", [][2]string{{"rope-scaling", "YARN"}, {"rope-scale", "2"}, {"yarn-beta-fast", "16"}, {"yarn-beta-slow", "2"}, {"yarn-ext-factor", "0.5"}, {"yarn-attn-factor", "2"}, {"rope-freq-base", "20000"}, {"yarn-orig-ctx", "1024"}},
			ropescale.Overrides{Method: new(ropescale.YaRN), Scale: new(2.0), BetaFast: new(16.0), BetaSlow: new(2.0), ExtFactor: new(0.5), AttnFactor: new(2.0), FreqBase: new(20000.0), OrigCtx: new(1024)}},
		{"yarn ext 0 is linear", [][2]string{{"rope-scaling", "yarn"}, {"rope-scale", "4"}, {"yarn-ext-factor", "0"}},
			ropescale.Overrides{Method: new(ropescale.YaRN), Scale: new(4.0), ExtFactor: new(0.0)}},
		{"attn factor over longrope default", [][2]string{{"yarn-attn-factor", "2"}}, ropescale.Overrides{AttnFactor: new(2.0)}},
		{"switching away from longrope drops its factors", [][2]string{{"rope-scaling", "linear"}}, ropescale.Overrides{Method: new(ropescale.Linear)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o ropescale.Overrides
			for _, f := range tc.flags {
				require.NoError(t, setRopeFlag(&o, f[0], f[1]))
			}
			require.Equal(t, tc.want, o)
		})
	}
	for _, tc := range []struct{ name, value, msg string }{
		{"rope-scaling", "fast", "unknown RoPE scaling method"},
		{"rope-scale", "x", "not a number"},
		{"rope-scale", "0", "above 0"},
		{"rope-scale", "-4", "above 0"},
		{"rope-scale", "NaN", "not a number"},
		{"rope-scale", "Inf", "not a number"},
		{"rope-freq-base", "", "not a number"},
		{"yarn-orig-ctx", "512.5", "positive token count"},
		{"yarn-orig-ctx", "0", "positive token count"},
		{"yarn-ext-factor", "-1", "above 0"},
		{"yarn-beta-fast", "0", "above 0"},
		{"rope-magic", "1", "unknown RoPE flag"},
	} {
		var o ropescale.Overrides
		require.ErrorContains(t, setRopeFlag(&o, tc.name, tc.value), tc.msg, "--%s %q", tc.name, tc.value)
	}
	for _, n := range ropeFlagNames {
		require.NotEmpty(t, ropeFlagUsage[n], n)
	}
}

// FuzzRopeFlags: any flag value is either rejected or gives Params that
// ropescale.New accepts or rejects with an error; nothing panics.
func FuzzRopeFlags(f *testing.F) {
	for i := range ropeFlagNames {
		for _, v := range []string{"4", "0", "-1", "yarn", "1e309", "NaN", " 512 ", ""} {
			f.Add(uint8(i), v)
		}
	}
	f.Fuzz(func(t *testing.T, flag uint8, value string) {
		var o ropescale.Overrides
		if err := setRopeFlag(&o, ropeFlagNames[int(flag)%len(ropeFlagNames)], value); err != nil {
			return
		}
		p := o.Apply(ropescale.Params{Method: ropescale.YaRN, Dims: 64, Factor: 4, OrigCtx: 512})
		if r, err := ropescale.New(p); err == nil {
			c, s := make([]float32, r.Pairs()), make([]float32, r.Pairs())
			r.CosSin(1000, c, s)
		}
	})
}

// TestRopeHint: YaRN's missing original context names the flag and the
// file key that give it, wherever the error sits in the message.
func TestRopeHint(t *testing.T) {
	yarn := fmt.Errorf("m.gguf: model: %w", &ropescale.OrigCtxError{Method: ropescale.YaRN})
	require.Equal(t, "m.gguf: model: rope: yarn needs the original context length (--yarn-orig-ctx or rope.scaling.original_context_length)", withRopeHint(yarn))
	dynamic := fmt.Errorf("model: %w", &ropescale.OrigCtxError{Method: ropescale.Dynamic})
	require.Equal(t, "model: rope: dynamic scaling needs the original context length", withRopeHint(dynamic))
	require.Equal(t, "plain", withRopeHint(fmt.Errorf("plain")))
}
