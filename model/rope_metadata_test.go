package model

import (
	"math"
	"testing"

	"github.com/lcrun/lcrun/ropescale"
	"github.com/stretchr/testify/require"
)

func mapMeta(md map[string]any) func(string) (any, bool) {
	return func(k string) (any, bool) {
		v, ok := md[k]
		return v, ok
	}
}

func mapTensors(ts map[string][]float32) func(string) ([]float32, bool) {
	return func(name string) ([]float32, bool) {
		v, ok := ts[name]
		return v, ok
	}
}

func TestRopeFromMetadata(t *testing.T) {
	ff := []float32{1, 2, 4, 8}
	long, short := []float32{1, 3, 9, 27}, []float32{1, 1.5, 2, 2.5}
	base := map[string]any{"llama.rope.dimension_count": uint32(8), "llama.context_length": uint32(4096)}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name string
		md   map[string]any
		ts   map[string][]float32
		want ropescale.Params
	}{
		{"plain", base, nil, ropescale.Params{Method: ropescale.None, Dims: 8, OrigCtx: 4096}},
		{"stories260K", map[string]any{"llama.context_length": uint32(2048), "llama.embedding_length": uint32(64),
			"llama.attention.head_count": uint32(8), "llama.rope.dimension_count": uint32(8)}, nil,
			ropescale.Params{Method: ropescale.None, Dims: 8, OrigCtx: 2048}},
		{"dims from heads", map[string]any{"llama.embedding_length": int32(64), "llama.attention.head_count": uint32(8)}, nil,
			ropescale.Params{Method: ropescale.None, Dims: 8}},
		{"dims from key_length", map[string]any{"llama.attention.key_length": uint64(128), "llama.embedding_length": uint32(4096), "llama.attention.head_count": uint32(8)}, nil,
			ropescale.Params{Method: ropescale.None, Dims: 128}},
		{"base", with("llama.rope.freq_base", float32(500000)), nil, ropescale.Params{Method: ropescale.None, Dims: 8, FreqBase: 500000, OrigCtx: 4096}},
		{"tiny yarn model", with("llama.rope.scaling.type", "yarn", "llama.rope.scaling.factor", float32(4), "llama.rope.scaling.original_context_length", uint32(1024)), nil,
			ropescale.Params{Method: ropescale.YaRN, Dims: 8, Factor: 4, OrigCtx: 1024}},
		{"yarn betas", with("llama.rope.scaling.type", "yarn", "llama.rope.scaling.factor", float32(4), "llama.rope.scaling.yarn_beta_fast", float32(16), "llama.rope.scaling.yarn_beta_slow", float32(2), "llama.rope.scaling.yarn_ext_factor", float32(0.5)), nil,
			ropescale.Params{Method: ropescale.YaRN, Dims: 8, Factor: 4, OrigCtx: 4096, BetaFast: 16, BetaSlow: 2, ExtFactor: 0.5}},
		{"yarn ext 0 is linear", with("llama.rope.scaling.type", "yarn", "llama.rope.scaling.factor", float32(4), "llama.rope.scaling.yarn_ext_factor", float32(0)), nil,
			ropescale.Params{Method: ropescale.Linear, Dims: 8, Factor: 4, OrigCtx: 4096}},
		{"linear", with("llama.rope.scaling.type", "linear", "llama.rope.scaling.factor", float32(2)), nil, ropescale.Params{Method: ropescale.Linear, Dims: 8, Factor: 2, OrigCtx: 4096}},
		{"no type, factor: linear", with("llama.rope.scaling.factor", float64(2)), nil, ropescale.Params{Method: ropescale.Linear, Dims: 8, Factor: 2, OrigCtx: 4096}},
		{"legacy scale_linear", with("llama.rope.scale_linear", float32(2)), nil, ropescale.Params{Method: ropescale.Linear, Dims: 8, Factor: 2, OrigCtx: 4096}},
		{"none ignores factor", with("llama.rope.scaling.type", "none", "llama.rope.scaling.factor", float32(2)), nil, ropescale.Params{Method: ropescale.None, Dims: 8, OrigCtx: 4096}},
		{"attn factor", with("llama.rope.scaling.attn_factor", float32(1.5)), nil, ropescale.Params{Method: ropescale.None, Dims: 8, OrigCtx: 4096, AttnFactor: 1.5}},
		{"llama 3.1", with("llama.rope.freq_base", float32(500000)), map[string][]float32{tensorRopeFreqs: ff},
			ropescale.Params{Method: ropescale.Llama3, Dims: 8, FreqBase: 500000, OrigCtx: 4096, FreqFactors: ff}},
		{"yarn with rope_freqs", with("llama.rope.scaling.type", "yarn", "llama.rope.scaling.factor", float32(4)), map[string][]float32{tensorRopeFreqs: ff},
			ropescale.Params{Method: ropescale.YaRN, Dims: 8, Factor: 4, OrigCtx: 4096, FreqFactors: ff}},
		{"phi3 longrope", map[string]any{"phi3.rope.dimension_count": uint32(8), "phi3.context_length": uint32(131072),
			"phi3.rope.scaling.original_context_length": uint32(4096), "phi3.rope.scaling.attn_factor": float32(1.25)},
			map[string][]float32{tensorRopeFactorsLong: long, tensorRopeFactorsShort: short},
			ropescale.Params{Method: ropescale.LongRoPE, Dims: 8, Factor: 32, OrigCtx: 4096, AttnFactor: 1.25, LongFactors: long, ShortFactors: short}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arch := "llama"
			if tc.name == "phi3 longrope" {
				arch = "phi3"
			}
			var tf func(string) ([]float32, bool)
			if tc.ts != nil {
				tf = mapTensors(tc.ts)
			}
			p, err := ropeFromMetadata(arch, mapMeta(tc.md), tf)
			require.NoError(t, err)
			require.Equal(t, tc.want, p)
			_, err = ropescale.New(p)
			require.NoError(t, err, "the params make a rope")
		})
	}
}

func TestRopeFromMetadataErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		md   map[string]any
		msg  string
	}{
		{"no dims", map[string]any{}, "rope.dimension_count"},
		{"heads do not divide", map[string]any{"llama.embedding_length": uint32(65), "llama.attention.head_count": uint32(8)}, "rope.dimension_count"},
		{"dims string", map[string]any{"llama.rope.dimension_count": "eight"}, "want a count"},
		{"dims fraction", map[string]any{"llama.rope.dimension_count": float32(8.5)}, "want a count"},
		{"dims negative", map[string]any{"llama.rope.dimension_count": int32(-8)}, "want a count"},
		{"base string", map[string]any{"llama.rope.dimension_count": uint32(8), "llama.rope.freq_base": "1e4"}, "want a finite number"},
		{"type number", map[string]any{"llama.rope.dimension_count": uint32(8), "llama.rope.scaling.type": uint32(2)}, "want a string"},
		{"type unknown", map[string]any{"llama.rope.dimension_count": uint32(8), "llama.rope.scaling.type": "xpos"}, "unknown RoPE scaling method"},
		{"factor array", map[string]any{"llama.rope.dimension_count": uint32(8), "llama.rope.scaling.factor": []float32{2}}, "want a finite number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ropeFromMetadata("llama", mapMeta(tc.md), nil)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}

// FuzzRopeFromMetadata: arbitrary typed metadata never panics.
func FuzzRopeFromMetadata(f *testing.F) {
	f.Add("yarn", 128.0, 10000.0, 4.0, 512.0, 4096.0, uint8(0))
	f.Add("", 8.0, 0.0, 0.0, 0.0, 0.0, uint8(3))
	f.Add("longrope", -1.0, 1e300, math.Inf(1), 1e15, 2.5, uint8(1))
	f.Fuzz(func(t *testing.T, typ string, dims, base, factor, orig, ctx float64, tensorSet uint8) {
		md := map[string]any{
			"a.rope.dimension_count": dims, "a.rope.freq_base": float32(base), "a.rope.scaling.factor": factor,
			"a.rope.scaling.original_context_length": orig, "a.context_length": uint64(math.Abs(ctx)), "a.rope.scaling.type": typ,
		}
		ts := map[string][]float32{}
		if tensorSet&1 != 0 {
			ts[tensorRopeFreqs] = []float32{1, 2}
		}
		if tensorSet&2 != 0 {
			ts[tensorRopeFactorsLong] = []float32{1, 2}
			ts[tensorRopeFactorsShort] = []float32{1, 2}
		}
		p, err := ropeFromMetadata("a", mapMeta(md), mapTensors(ts))
		if err != nil {
			return
		}
		if r, err := ropescale.New(p); err == nil {
			c, s := make([]float32, r.Pairs()), make([]float32, r.Pairs())
			r.CosSin(12345, c, s)
		}
	})
}

// rope.scaling.yarn_log_multiplier L sets YaRN's net cos/sin magnitude to
// mscale(s, 1)/mscale(s, L), mscale(s, m) = 1 + 0.1 m ln s: 1 for L = 1
// (Mistral 3's files) where plain YaRN gives 1 + 0.1 ln s.
func TestRopeYarnLogMultiplier(t *testing.T) {
	mscale := func(m float64) float64 { return 1 + 0.1*m*math.Log(16) }
	for _, tc := range []struct {
		name string
		kv   []any
		want float64 // net magnitude
	}{
		{"plain yarn", nil, mscale(1)},
		{"L 1", []any{"a.rope.scaling.yarn_log_multiplier", float32(1)}, 1},
		{"L 2", []any{"a.rope.scaling.yarn_log_multiplier", float32(2)}, mscale(1) / mscale(2)},
		{"L 1 with attn factor", []any{"a.rope.scaling.yarn_log_multiplier", float32(1), "a.rope.scaling.attn_factor", float32(2)}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			md := map[string]any{"a.rope.dimension_count": uint32(8), "a.rope.scaling.type": "yarn",
				"a.rope.scaling.factor": float32(16), "a.rope.scaling.original_context_length": uint32(64)}
			for i := 0; i+1 < len(tc.kv); i += 2 {
				md[tc.kv[i].(string)] = tc.kv[i+1]
			}
			p, err := ropeFromMetadata("a", mapMeta(md), nil)
			require.NoError(t, err)
			p.Ctx = 64
			r, err := ropescale.New(p)
			require.NoError(t, err)
			require.InDelta(t, tc.want, float64(r.Magnitude()), 1e-6)
		})
	}
	// Not YaRN: the key changes nothing.
	p, err := ropeFromMetadata("a", mapMeta(map[string]any{"a.rope.dimension_count": uint32(8),
		"a.rope.scaling.yarn_log_multiplier": float32(1)}), nil)
	require.NoError(t, err)
	require.Zero(t, p.AttnFactor)
}
