package ropescale

import (
	"math"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// positions covers the start, both sides of typical trained lengths and far past them.
var positions = []int{0, 1, 2, 7, 100, 511, 512, 513, 2047, 2048, 4096, 8191, 8192, 40000, 131071, 1 << 20}

func mustNew(t *testing.T, p Params) *Rope {
	t.Helper()
	r, err := New(p)
	require.NoError(t, err)
	return r
}

func anglesAt(r *Rope, pos int) []float32 {
	a := make([]float32, r.Pairs())
	r.Angles(pos, a)
	return a
}

func cosSinAt(r *Rope, pos int) ([]float32, []float32) {
	c, s := make([]float32, r.Pairs()), make([]float32, r.Pairs())
	r.CosSin(pos, c, s)
	return c, s
}

// requireSameTables checks two ropes give bit-identical cos/sin at every test position.
func requireSameTables(t *testing.T, want, got *Rope) {
	t.Helper()
	for _, pos := range positions {
		wc, ws := cosSinAt(want, pos)
		gc, gs := cosSinAt(got, pos)
		require.Equal(t, wc, gc, "cos at position %d", pos)
		require.Equal(t, ws, gs, "sin at position %d", pos)
	}
}

func TestFactorOneIsNone(t *testing.T) {
	ones := func(n int) []float32 {
		f := make([]float32, n)
		for i := range f {
			f[i] = 1
		}
		return f
	}
	for _, dims := range []int{64, 128} {
		none := mustNew(t, Params{Dims: dims, FreqBase: 10000})
		for _, tc := range []struct {
			name string
			p    Params
		}{
			{"linear", Params{Method: Linear, Factor: 1}},
			{"ntk", Params{Method: NTK, Factor: 1}},
			{"dynamic", Params{Method: Dynamic, Factor: 1, OrigCtx: 512}},
			{"llama3", Params{Method: Llama3, Factor: 1}},
			{"longrope", Params{Method: LongRoPE, Factor: 1, OrigCtx: 4096, Ctx: 8192, LongFactors: ones(dims / 2), ShortFactors: ones(dims / 2)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.p.Dims, tc.p.FreqBase = dims, 10000
				r := mustNew(t, tc.p)
				require.Equal(t, float32(1), r.Magnitude())
				requireSameTables(t, none, r)
				// (Dynamic NTK still extends past the trained length at
				// factor 1: its factor is the slope of s(L) = s*L/L0 - (s-1).)
			})
		}
		t.Run("yarn", func(t *testing.T) {
			// YaRN at factor 1 mixes two equal angles with one fmaf, which
			// may round to the neighbouring float32: exact up to one ulp,
			// like ggml itself. The magnitude 1 + 0.1 ln 1 is exactly 1.
			r := mustNew(t, Params{Method: YaRN, Dims: dims, FreqBase: 10000, Factor: 1, OrigCtx: 512})
			require.Equal(t, float32(1), r.Magnitude())
			for _, pos := range positions {
				want, got := anglesAt(none, pos), anglesAt(r, pos)
				for i := range want {
					require.LessOrEqual(t, ulpDistance(want[i], got[i]), 1, "pos %d pair %d", pos, i)
				}
			}
		})
	}
}

func TestLinearDividesAngles(t *testing.T) {
	none := mustNew(t, Params{Dims: 128})
	for _, s := range []float64{2, 4, 8, 16} {
		r := mustNew(t, Params{Method: Linear, Dims: 128, Factor: s})
		require.Equal(t, float32(1), r.Magnitude())
		for _, pos := range positions {
			// freq_scale is a power of two here, so interpolation is exact:
			// position m at factor s turns exactly as position m/s unscaled.
			want, got := anglesAt(none, pos), anglesAt(r, pos)
			for i := range want {
				require.Equal(t, want[i]/float32(s), got[i], "factor %g pos %d pair %d", s, pos, i)
			}
		}
	}
}

func TestNTKBase(t *testing.T) {
	for _, tc := range []struct {
		dims   int
		base   float64
		factor float64
	}{{128, 10000, 4}, {64, 10000, 2}, {128, 500000, 8}, {8, 10000, 4}} {
		r := mustNew(t, Params{Method: NTK, Dims: tc.dims, FreqBase: tc.base, Factor: tc.factor})
		d := float64(tc.dims)
		want := tc.base * math.Pow(tc.factor, d/(d-2))
		require.InEpsilon(t, want, r.Base(), 1e-12)
		require.Equal(t, float32(1), r.Magnitude())
		// The derivation's two anchors: pair 0 unchanged, the last pair
		// interpolated by exactly the factor. Float32 angles carry the
		// relative error of pairs-1 float32 multiplications.
		none := mustNew(t, Params{Dims: tc.dims, FreqBase: tc.base})
		for _, pos := range []int{1000, 4096, 65536} {
			a, a0 := anglesAt(r, pos), anglesAt(none, pos)
			last := len(a) - 1
			require.Equal(t, a0[0], a[0])
			require.InEpsilon(t, float64(a0[last])/tc.factor, float64(a[last]), float64(last+1)*2e-7)
		}
	}
	_, err := New(Params{Method: NTK, Dims: 2, Factor: 2})
	require.ErrorContains(t, err, "at least 4")
}

func TestDynamicNTK(t *testing.T) {
	const orig, factor, dims, base = 2048, 2.0, 128, 10000.0
	r := mustNew(t, Params{Method: Dynamic, Dims: dims, FreqBase: base, Factor: factor, OrigCtx: orig})
	none := mustNew(t, Params{Dims: dims, FreqBase: base})
	requireSameTables(t, none, r)
	for _, n := range []int{0, 1, 100, orig - 1, orig} {
		require.Same(t, r, r.ForLength(n), "length %d is within the trained context", n)
	}
	for _, tc := range []struct{ n, bucket int }{
		{orig + 1, 2304}, {2304, 2304}, {2305, 2560}, {4096, 4096}, {10000, 10240}, {1 << 20, 1 << 20},
	} {
		g := r.ForLength(tc.n)
		want := base * math.Pow(factor*float64(tc.bucket)/orig-(factor-1), dims/(dims-2.0))
		require.InEpsilon(t, want, g.Base(), 1e-12, "length %d", tc.n)
		require.Same(t, g, r.ForLength(tc.bucket), "one table per bucket")
		require.Same(t, g, g.ForLength(tc.n), "the bucket tables answer ForLength too")
		require.Contains(t, g.Describe(), "length")
		ntk := mustNew(t, Params{Method: NTK, Dims: dims, FreqBase: base, Factor: factor*float64(tc.bucket)/orig - (factor - 1)})
		requireSameTables(t, ntk, g) // = static NTK at the length's own factor
	}
	// Longer sequences interpolate more: the base grows with the length.
	require.Greater(t, r.ForLength(8192).Base(), r.ForLength(4096).Base())
}

func TestDynamicConcurrent(t *testing.T) {
	r := mustNew(t, Params{Method: Dynamic, Dims: 64, Factor: 4, OrigCtx: 512})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := 1; n < 5000; n += 37 * (g + 1) {
				c, s := cosSinAt(r.ForLength(n), n-1)
				assert.False(t, math.IsNaN(float64(c[0]+s[0])))
			}
		})
	}
	wg.Wait()
}

func TestLlama3Bands(t *testing.T) {
	const dims, base = 128, 500000.0
	r := mustNew(t, Params{Method: Llama3, Dims: dims, FreqBase: base})
	p := r.Params()
	require.Equal(t, 8.0, p.Factor)
	require.Equal(t, 8192, p.OrigCtx)
	require.Equal(t, float32(1), r.Magnitude())
	var bands [3]int
	prev := float32(0)
	for i, d := range r.divisors {
		wave := 2 * math.Pi * math.Pow(base, 2*float64(i)/dims)
		switch {
		case wave < 8192/4.0: // high frequency: unchanged
			require.Equal(t, float32(1), d, "pair %d", i)
			bands[0]++
		case wave > 8192/1.0: // low frequency: divided by the factor
			require.Equal(t, float32(8), d, "pair %d", i)
			bands[2]++
		default: // smooth blend (1-smooth)/8 + smooth of the frequency
			smooth := (8192/wave - 1) / 3
			require.InEpsilon(t, 1/((1-smooth)/8+smooth), float64(d), 1e-6, "pair %d", i)
			require.True(t, d >= 1 && d <= 8)
			bands[1]++
		}
		require.GreaterOrEqual(t, d, prev, "divisors grow with the wavelength")
		prev = d
	}
	// Llama 3.1's head: 2*pi*500000^(i/64) < 2048 for i <= 28, > 8192 for i >= 35.
	require.Equal(t, [3]int{29, 6, 29}, bands)
	none := mustNew(t, Params{Dims: dims, FreqBase: base})
	for _, pos := range positions {
		a, a0 := anglesAt(r, pos), anglesAt(none, pos)
		for i := range a {
			require.Equal(t, a0[i]/r.divisors[i], a[i])
		}
	}
}

func TestLlama3FromTensor(t *testing.T) {
	// rope_freqs.weight as llama.cpp uses it: theta_i / freq_factors[i], for any method.
	ff := make([]float32, 32)
	for i := range ff {
		ff[i] = 1 + float32(i)/4
	}
	none := mustNew(t, Params{Dims: 64})
	for _, m := range []Method{Llama3, None, Linear} {
		r := mustNew(t, Params{Method: m, Dims: 64, Factor: 2, FreqFactors: ff})
		fs := float32(1)
		if m == Linear {
			fs = 0.5
		}
		for _, pos := range positions {
			a, a0 := anglesAt(r, pos), anglesAt(none, pos)
			for i := range a {
				require.Equal(t, fs*(a0[i]/ff[i]), a[i], "%v pos %d pair %d", m, pos, i)
			}
		}
		require.Contains(t, r.Describe(), "rope_freqs")
	}
}

func TestLongRoPE(t *testing.T) {
	const dims = 96 // Phi-3 mini
	long, short := make([]float32, dims/2), make([]float32, dims/2)
	for i := range long {
		long[i] = 1 + float32(i)
		short[i] = 1 + float32(i)/16
	}
	base := Params{Method: LongRoPE, Dims: dims, OrigCtx: 4096, Factor: 32, LongFactors: long, ShortFactors: short}
	none := mustNew(t, Params{Dims: dims})
	// sqrt(1 + ln 32/ln 4096) = sqrt(1 + 5/12)
	wantMag := float32(math.Sqrt(17.0 / 12))
	for _, tc := range []struct {
		ctx  int
		want []float32
	}{{0, short}, {2048, short}, {4096, short}, {4097, long}, {131072, long}} {
		p := base
		p.Ctx = tc.ctx
		r := mustNew(t, p)
		require.Equal(t, wantMag, r.Magnitude(), "the attention factor applies to both sets")
		for _, pos := range positions {
			a, a0 := anglesAt(r, pos), anglesAt(none, pos)
			for i := range a {
				require.Equal(t, a0[i]/tc.want[i], a[i], "ctx %d pos %d pair %d", tc.ctx, pos, i)
			}
		}
	}
	p := base
	p.AttnFactor = 1.19
	require.Equal(t, float32(1.19), mustNew(t, p).Magnitude(), "the file's attn_factor wins")
	p = base
	p.Factor = 0
	require.Equal(t, float32(1), mustNew(t, p).Magnitude(), "no extension: no attention factor")
}

func TestYaRNCorrDimsAndRamp(t *testing.T) {
	// c(beta) = d ln(L/(2 pi beta)) / (2 ln base); c0 = floor(c(32)), c1 = ceil(c(1)).
	corr := func(d int, l, base, beta float64) float64 {
		return float64(d) * math.Log(l/(2*math.Pi*beta)) / (2 * math.Log(base))
	}
	for _, tc := range []struct {
		dims, orig int
		base       float64
		c0, c1     float32
	}{
		{8, 512, 10000, 0, 2}, // stories260K golden: pair 0 extrapolated, pair 1 half, 2-3 interpolated
		{64, 512, 10000, 3, 16},
		{128, 512, 10000, 6, 31},
		{128, 4096, 10000, 20, 46},
		{128, 32768, 1000000, 23, 40},
	} {
		require.Equal(t, float32(math.Max(0, math.Floor(corr(tc.dims, float64(tc.orig), tc.base, 32)))), tc.c0)
		require.Equal(t, float32(math.Min(float64(tc.dims-1), math.Ceil(corr(tc.dims, float64(tc.orig), tc.base, 1)))), tc.c1)
		r := mustNew(t, Params{Method: YaRN, Dims: tc.dims, FreqBase: tc.base, Factor: 4, OrigCtx: tc.orig})
		require.Equal(t, [2]float32{tc.c0, tc.c1}, r.corr, "dims %d orig %d", tc.dims, tc.orig)
		for i, m := range r.rampMix {
			switch {
			case float32(i) <= tc.c0:
				require.Equal(t, float32(1), m, "pair %d extrapolates", i)
			case float32(i) >= tc.c1:
				require.Equal(t, float32(0), m, "pair %d interpolates", i)
			default:
				require.InDelta(t, 1-(float64(i)-float64(tc.c0))/float64(tc.c1-tc.c0), float64(m), 1e-7)
			}
			require.Equal(t, 1-m, r.oneMinus[i])
		}
	}
	r := mustNew(t, Params{Method: YaRN, Dims: 8, Factor: 4, OrigCtx: 512})
	require.Equal(t, []float32{1, 0.5, 0, 0}, r.rampMix)
	// Ramp ends: pair 0 keeps the unscaled angle, pairs 2-3 are divided by 4.
	none := mustNew(t, Params{Dims: 8})
	a, a0 := anglesAt(r, 2047), anglesAt(none, 2047)
	require.Equal(t, a0[0], a[0])
	require.Equal(t, a0[2]/4, a[2])
	require.Equal(t, a0[3]/4, a[3])
	// ext_factor scales the ramp.
	r = mustNew(t, Params{Method: YaRN, Dims: 8, Factor: 4, OrigCtx: 512, ExtFactor: 0.5})
	require.Equal(t, []float32{0.5, 0.25, 0, 0}, r.rampMix)
}

func TestMagnitude(t *testing.T) {
	yarnMag := func(s float64) float32 { return float32(1 + 0.1*math.Log(s)) }
	for _, tc := range []struct {
		name string
		p    Params
		want float32
	}{
		{"none", Params{}, 1},
		{"linear", Params{Method: Linear, Factor: 4}, 1},
		{"yarn4", Params{Method: YaRN, Factor: 4, OrigCtx: 512}, yarnMag(4)},
		{"yarn16", Params{Method: YaRN, Factor: 16, OrigCtx: 4096}, yarnMag(16)},
		{"yarn4 attn 2", Params{Method: YaRN, Factor: 4, OrigCtx: 512, AttnFactor: 2}, 2 * yarnMag(4)},
		{"yarn4 half ramp", Params{Method: YaRN, Factor: 4, OrigCtx: 512, ExtFactor: 0.5}, yarnMag(4)},
		{"linear attn 1.5", Params{Method: Linear, Factor: 4, AttnFactor: 1.5}, 1.5},
		{"ntk", Params{Method: NTK, Factor: 4}, 1},
		{"llama3", Params{Method: Llama3}, 1},
	} {
		tc.p.Dims = 64
		r := mustNew(t, tc.p)
		require.LessOrEqual(t, ulpDistance(tc.want, r.Magnitude()), 1, "%s: %v vs %v", tc.name, r.Magnitude(), tc.want)
		c, s := cosSinAt(r, 123)
		a := anglesAt(r, 123)
		for i := range c {
			cc, ss := cosSinf(a[i])
			require.Equal(t, cc*r.Magnitude(), c[i])
			require.Equal(t, ss*r.Magnitude(), s[i])
		}
	}
	require.Equal(t, float32(1.1386294), mustNew(t, Params{Method: YaRN, Dims: 8, Factor: 4, OrigCtx: 512}).Magnitude())
}

// TestStoriesYarnGolden checks that the parameters the model layer will
// build for the stories260K 2048-token YaRN golden (--rope-scaling yarn
// --rope-scale 4 --yarn-orig-ctx 512 over the file's metadata) are what the
// reference used: freq_scale 0.25, ext_factor 1, beta 32/1, n_ctx_orig 512,
// corr dims [0, 2], magnitude 1 + 0.1 ln 4 on q and k. p is what the model
// layer reads from that metadata (model's TestRopeFromMetadata, case
// "stories260K").
func TestStoriesYarnGolden(t *testing.T) {
	p := Params{Method: None, Dims: 8, OrigCtx: 2048}
	o := Overrides{Method: new(YaRN), Scale: new(4.0), OrigCtx: new(512)}
	r := mustNew(t, o.Apply(p))
	require.Equal(t, float32(0.25), r.freqScale)
	require.Equal(t, [2]float32{0, 2}, r.corr)
	require.Equal(t, []float32{1, 0.5, 0, 0}, r.rampMix)
	require.Equal(t, float32(1+0.1*math.Log(4)), r.Magnitude())
	require.Equal(t, 512, r.Params().OrigCtx)

	o = Overrides{Method: new(Linear), Scale: new(4.0)}
	r = mustNew(t, o.Apply(p))
	require.Equal(t, float32(0.25), r.freqScale)
	require.Nil(t, r.rampMix)
	require.Equal(t, float32(1), r.Magnitude())
}

func TestValidation(t *testing.T) {
	three := []float32{1, 1, 1}
	for _, tc := range []struct {
		name string
		p    Params
		msg  string
	}{
		{"odd dims", Params{Dims: 63}, "even"},
		{"zero dims", Params{}, "even"},
		{"negative dims", Params{Dims: -8}, "even"},
		{"huge dims", Params{Dims: 1 << 20}, "even"},
		{"base 1", Params{Dims: 64, FreqBase: 1}, "base"},
		{"negative base", Params{Dims: 64, FreqBase: -5}, "base"},
		{"NaN base", Params{Dims: 64, FreqBase: math.NaN()}, "base"},
		{"inf base", Params{Dims: 64, FreqBase: math.Inf(1)}, "base"},
		{"negative factor", Params{Method: Linear, Dims: 64, Factor: -4}, "factor"},
		{"NaN factor", Params{Method: Linear, Dims: 64, Factor: math.NaN()}, "factor"},
		{"inf factor", Params{Method: Linear, Dims: 64, Factor: math.Inf(1)}, "factor"},
		{"tiny factor", Params{Method: Linear, Dims: 64, Factor: 1e-300}, "factor"},
		{"negative attn", Params{Dims: 64, AttnFactor: -1}, "attention factor"},
		{"yarn no orig", Params{Method: YaRN, Dims: 64, Factor: 4}, "original context"},
		{"yarn betas swapped", Params{Method: YaRN, Dims: 64, Factor: 4, OrigCtx: 512, BetaFast: 1, BetaSlow: 32}, "beta"},
		{"yarn negative beta", Params{Method: YaRN, Dims: 64, Factor: 4, OrigCtx: 512, BetaSlow: -1}, "beta"},
		{"yarn negative ext", Params{Method: YaRN, Dims: 64, Factor: 4, OrigCtx: 512, ExtFactor: -1}, "extrapolation"},
		{"yarn shrinking", Params{Method: YaRN, Dims: 64, Factor: 0.5, OrigCtx: 512}, "at least 1"},
		{"dynamic no orig", Params{Method: Dynamic, Dims: 64, Factor: 4}, "original context"},
		{"negative orig", Params{Method: Linear, Dims: 64, OrigCtx: -1}, "negative"},
		{"llama3 bands", Params{Method: Llama3, Dims: 64, LowFreqFactor: 4, HighFreqFactor: 1}, "low_freq_factor"},
		{"rope_freqs length", Params{Dims: 8, FreqFactors: three}, "rope_freqs has 3 values, want 4"},
		{"rope_freqs zero", Params{Dims: 6, FreqFactors: []float32{1, 0, 1}}, "rope_freqs[1]"},
		{"rope_freqs NaN", Params{Dims: 6, FreqFactors: []float32{1, float32(math.NaN()), 1}}, "rope_freqs[1]"},
		{"longrope missing", Params{Method: LongRoPE, Dims: 6, OrigCtx: 4096, LongFactors: three}, "both"},
		{"longrope length", Params{Method: LongRoPE, Dims: 8, OrigCtx: 4096, LongFactors: three, ShortFactors: three}, "rope_factors_long has 3"},
		{"longrope no orig", Params{Method: LongRoPE, Dims: 6, LongFactors: three, ShortFactors: three}, "original context"},
		{"longrope with rope_freqs", Params{Method: LongRoPE, Dims: 6, OrigCtx: 9, LongFactors: three, ShortFactors: three, FreqFactors: three}, "not rope_freqs"},
		{"unknown method", Params{Method: Method(42), Dims: 64}, "unknown"},
		{"ntk overflow", Params{Method: NTK, Dims: 4, Factor: 1e30}, "overflows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(tc.p)
			require.ErrorContains(t, err, tc.msg)
			require.Nil(t, r)
		})
	}
}

// TestOrigCtxError: every method that needs the trained context says so
// with a type the caller can match, in the words it always used.
func TestOrigCtxError(t *testing.T) {
	three := []float32{1, 1, 1}
	for _, tc := range []struct {
		p   Params
		msg string
	}{
		{Params{Method: Dynamic, Dims: 64, Factor: 4}, "rope: dynamic scaling needs the original context length"},
		{Params{Method: YaRN, Dims: 64, Factor: 4}, "rope: yarn needs the original context length"},
		{Params{Method: LongRoPE, Dims: 6, LongFactors: three, ShortFactors: three}, "rope: longrope needs the original context length"},
	} {
		_, err := New(tc.p)
		var e *OrigCtxError
		require.ErrorAs(t, err, &e)
		require.Equal(t, tc.p.Method, e.Method)
		require.EqualError(t, err, tc.msg)
	}
	require.EqualError(t, &OrigCtxError{Method: Llama3}, "rope: llama3 scaling needs the original context length")
}

func TestParseMethod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Method
	}{
		{"none", None}, {"linear", Linear}, {"ntk", NTK}, {"NTK-aware", NTK}, {"dynamic", Dynamic},
		{"yarn", YaRN}, {"YaRN", YaRN}, {"llama3", Llama3}, {"longrope", LongRoPE}, {"su", LongRoPE}, {" linear ", Linear},
	} {
		m, err := ParseMethod(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, m, tc.in)
	}
	for _, bad := range []string{"", "lin", "yarn2", "rope"} {
		_, err := ParseMethod(bad)
		require.ErrorContains(t, err, "unknown RoPE scaling method")
	}
	for m := None; m <= LongRoPE; m++ {
		back, err := ParseMethod(m.String())
		require.NoError(t, err)
		require.Equal(t, m, back)
	}
	require.Equal(t, "Method(9)", Method(9).String())
}

func TestDescribe(t *testing.T) {
	three := []float32{1, 2, 3}
	for _, tc := range []struct {
		p    Params
		want []string
	}{
		{Params{Dims: 64}, []string{"none: dims 64, base 10000"}},
		{Params{Method: Linear, Dims: 64, Factor: 4}, []string{"linear", "factor 4 (freq_scale 0.25)"}},
		{Params{Method: NTK, Dims: 128, Factor: 4}, []string{"ntk", "effective base 40"}},
		{Params{Method: Dynamic, Dims: 64, Factor: 2, OrigCtx: 4096}, []string{"dynamic", "orig_ctx 4096", "256-token bucket"}},
		{Params{Method: YaRN, Dims: 64, Factor: 4, OrigCtx: 512}, []string{"yarn", "freq_scale 0.25", "orig_ctx 512", "ext_factor 1", "beta_fast 32", "beta_slow 1", "corr dims [3, 16]", "magnitude 1.13863"}},
		{Params{Method: Llama3, Dims: 128, FreqBase: 500000}, []string{"llama3", "factor 8", "orig_ctx 8192", "low_freq_factor 1", "high_freq_factor 4"}},
		{Params{Method: LongRoPE, Dims: 6, OrigCtx: 4096, Ctx: 8192, Factor: 32, LongFactors: three, ShortFactors: three}, []string{"longrope", "long factors (context 8192 > orig_ctx 4096)", "magnitude 1.19024"}},
		{Params{Method: LongRoPE, Dims: 6, OrigCtx: 4096, Ctx: 4096, LongFactors: three, ShortFactors: three}, []string{"short factors (context 4096 <= orig_ctx 4096)"}},
	} {
		d := mustNew(t, tc.p).Describe()
		for _, w := range tc.want {
			require.Contains(t, d, w)
		}
	}
}

// exactFmaf is the oracle for fmaf: a*b+c in exact arithmetic, rounded once
// to float32 (big.Float rounds to nearest even).
func exactFmaf(a, b, c float32) float32 {
	x := new(big.Float).SetPrec(400).SetFloat64(float64(a))
	x.Mul(x, new(big.Float).SetFloat64(float64(b)))
	x.Add(x, new(big.Float).SetFloat64(float64(c)))
	f, _ := x.Float32()
	return f
}

func TestFmaf(t *testing.T) {
	// Double-rounding traps: a*b = 1 + 2^-11 + 2^-24 is exactly halfway
	// between two float32 values. Adding +-2^-80 is lost in the float64 sum,
	// after which round-half-even alone would pick 1 + 2^-11 both times.
	a := float32(1 + 0x1p-12)
	for _, tc := range []struct{ a, b, c, want float32 }{
		{a, a, 0x1p-80, 1 + 0x1p-11 + 0x1p-23},
		{a, a, -0x1p-80, 1 + 0x1p-11},
		{a, a, 0, 1 + 0x1p-11}, // a true tie: to even
		{-a, a, -0x1p-80, -(1 + 0x1p-11 + 0x1p-23)},
		{1e30, 1e30, -1, float32(math.Inf(1))},
		{3, 0x1p-149, 0, 3 * 0x1p-149}, // subnormal result
		{0.5, 0x1p-149, 0, 0},          // half the smallest subnormal: a tie, to even (0)
	} {
		require.Equal(t, tc.want, exactFmaf(tc.a, tc.b, tc.c), "oracle")
		require.Equal(t, tc.want, fmaf(tc.a, tc.b, tc.c), "%v*%v%+v", tc.a, tc.b, tc.c)
	}
	require.True(t, math.IsNaN(float64(fmaf(float32(math.Inf(1)), 0, 1))))
	// Random operands, including c near -a*b (cancellation) and tiny c near halfway products.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200000 {
		x := float32(rng.NormFloat64()) * float32(math.Exp2(float64(rng.IntN(40)-20)))
		y := float32(rng.NormFloat64())
		var z float32
		switch i % 3 {
		case 0:
			z = float32(rng.NormFloat64())
		case 1:
			z = -x * y * (1 + float32(rng.NormFloat64())*0x1p-20)
		case 2:
			z = float32(rng.NormFloat64()) * 0x1p-60 * x
		}
		want := exactFmaf(x, y, z)
		require.Equal(t, want, fmaf(x, y, z), "%v*%v%+v", x, y, z)
	}
}
