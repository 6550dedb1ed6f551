//go:build !purego && !noasm

package lcrun

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Differential tests: each AVX2 vector kernel against its Go twin.
// Tolerances, where not bit-exact, follow from what the kernel may do
// differently: reorder a sum (8 lanes), fuse a*b+c (one rounding fewer),
// or use its own exp (both within 2 ulp of the true value, so 4 apart).

func TestDotAVX2(t *testing.T) {
	requireAVX2(t)
	forShapes(t, func(t *testing.T, rng *rand.Rand, n, off int) {
		x, y := newGuarded(n, off), newGuarded(n, 3-off)
		randomFill(rng, x, 1, false)
		randomFill(rng, y, 1, false)
		want, got := dotGeneric(x.s, y.s), dotAVX2(x.s, y.s)
		// Each order of summation is within n*2^-24*sum|x*y| of the exact sum.
		var abs float64
		for i := range x.s {
			abs += math.Abs(float64(x.s[i] * y.s[i]))
		}
		require.InDelta(t, want, got, float64(n)*0x1p-23*abs+1e-30, shape(n, off))
		x.check(t, "x")
		y.check(t, "y")
	})
	// A NaN or an infinity anywhere reaches the result.
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	y := []float32{1, 1, 1, 1, 1, 1, 1, 1, float32(math.NaN())}
	require.True(t, math.IsNaN(float64(dotAVX2(x, y))))
	y[8] = float32(math.Inf(-1))
	require.True(t, math.IsInf(float64(dotAVX2(x, y)), -1))
}

func TestAxpyAVX2(t *testing.T) {
	requireAVX2(t)
	forShapes(t, func(t *testing.T, rng *rand.Rand, n, off int) {
		x, y := newGuarded(n, off), newGuarded(n, 3-off)
		randomFill(rng, x, 1, true)
		randomFill(rng, y, 1, true)
		a := rng.Float32()*4 - 2
		want := y.clone()
		axpyGeneric(a, x.s, want.s)
		axpyAVX2(a, x.s, y.s)
		for i := range y.s {
			// The FMA rounds a*x+y once, the twin twice: they differ by at
			// most half an ulp of a*x plus one of the result.
			tol := 0x1p-23 * (math.Abs(float64(a*x.s[i])) + math.Abs(float64(want.s[i])))
			if !sameFloat(want.s[i], y.s[i]) {
				require.InDelta(t, want.s[i], y.s[i], tol, "%s i=%d", shape(n, off), i)
			}
		}
		x.check(t, "x")
		y.check(t, "y")
	})
}

// exactUnary checks kernels that must match their twin bit for bit.
func exactElementwise(t *testing.T, inputs int, specials bool, asm, twin func(dst []float32, in ...[]float32)) {
	forShapes(t, func(t *testing.T, rng *rand.Rand, n, off int) {
		in := make([]*guarded, inputs)
		ins := make([][]float32, inputs)
		for i := range in {
			in[i] = newGuarded(n, (off+i)%4)
			randomFill(rng, in[i], 10, specials)
			ins[i] = in[i].s
		}
		want, got := newGuarded(n, off), newGuarded(n, off)
		twin(want.s, ins...)
		asm(got.s, ins...)
		for i := range got.s {
			require.True(t, sameFloat(want.s[i], got.s[i]), "%s i=%d: want %v got %v", shape(n, off), i, want.s[i], got.s[i])
		}
		got.check(t, "dst")
		for _, g := range in {
			g.check(t, "input")
		}
	})
}

func TestAddMulScaleAVX2(t *testing.T) {
	requireAVX2(t)
	t.Run("add", func(t *testing.T) {
		exactElementwise(t, 2, true,
			func(d []float32, in ...[]float32) { addAVX2(d, in[0], in[1]) },
			func(d []float32, in ...[]float32) { addGeneric(d, in[0], in[1]) })
	})
	t.Run("mul", func(t *testing.T) {
		exactElementwise(t, 2, true,
			func(d []float32, in ...[]float32) { mulAVX2(d, in[0], in[1]) },
			func(d []float32, in ...[]float32) { mulGeneric(d, in[0], in[1]) })
	})
	t.Run("scale", func(t *testing.T) {
		exactElementwise(t, 1, true,
			func(d []float32, in ...[]float32) { copy(d, in[0]); scaleAVX2(-1.75, d) },
			func(d []float32, in ...[]float32) { copy(d, in[0]); scaleGeneric(-1.75, d) })
	})
	t.Run("aliased", func(t *testing.T) { // dst may be x or y
		x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
		addAVX2(x, x, x)
		require.Equal(t, []float32{2, 4, 6, 8, 10, 12, 14, 16, 18, 20}, x)
		mulAVX2(x, x, x)
		require.Equal(t, []float32{4, 16, 36, 64, 100, 144, 196, 256, 324, 400}, x)
	})
}

func TestMaxAVX2(t *testing.T) {
	requireAVX2(t)
	forShapes(t, func(t *testing.T, rng *rand.Rand, n, off int) {
		x := newGuarded(n, off)
		randomFill(rng, x, 100, rng.IntN(2) == 0)
		// All-negative rows catch lanes past the end read as 0.
		if rng.IntN(3) == 0 {
			for i := range x.s {
				x.s[i] = -1 - float32(math.Abs(float64(x.s[i])))
			}
		}
		want, got := maxGeneric(x.s), maxAVX2(x.s)
		require.True(t, want == got || (want == 0 && got == 0), "%s: want %v got %v", shape(n, off), want, got)
		x.check(t, "x")
	})
	nan := float32(math.NaN())
	require.Equal(t, float32(3), maxAVX2([]float32{nan, 1, nan, 3, nan, nan, nan, nan, nan, 2}))
	require.True(t, math.IsInf(float64(maxAVX2([]float32{nan, nan})), -1))
	require.True(t, math.IsInf(float64(maxAVX2(nil)), -1))
}

// trueExp is exp rounded to float32 from float64, the reference both
// exps are held to.
func trueExp(x float32) float32 { return float32(math.Exp(float64(x))) }

func TestExpSumAVX2(t *testing.T) {
	requireAVX2(t)
	forShapes(t, func(t *testing.T, rng *rand.Rand, n, off int) {
		x := newGuarded(n, off)
		randomFill(rng, x, 30, rng.IntN(2) == 0)
		for i := range x.s {
			if math.IsNaN(float64(x.s[i])) || math.IsInf(float64(x.s[i]), 1) {
				x.s[i] = float32(math.Inf(-1)) // rows given to exp_sum have a finite max
			}
		}
		m := maxGeneric(x.s)
		if math.IsInf(float64(m), -1) {
			m = 0
		}
		in := append([]float32(nil), x.s...)
		want := x.clone()
		wantSum := expSumGeneric(want.s, m)
		gotSum := expSumAVX2(x.s, m)
		var sum float64
		for i, v := range x.s {
			exact := trueExp(in[i] - m)
			require.LessOrEqual(t, ulpDiff(exact, v), uint32(2), "%s i=%d exp(%v)", shape(n, off), i, in[i]-m)
			require.LessOrEqual(t, ulpDiff(want.s[i], v), uint32(4), "%s i=%d", shape(n, off), i)
			sum += float64(v)
		}
		// Positive terms: each summation order is within n*2^-24 of the
		// exact sum, relative; the terms themselves differ by 4 ulp.
		require.InEpsilon(t, wantSum+1e-30, gotSum+1e-30, float64(n+8)*0x1p-22, shape(n, off))
		require.InEpsilon(t, sum+1e-30, float64(gotSum)+1e-30, float64(n+8)*0x1p-23, shape(n, off))
		x.check(t, "x")
	})
}

// TestExpAccuracyAVX2 sweeps the whole float32 range the exp sees, with
// the edges (overflow, subnormal results, underflow to 0) at every ulp.
func TestExpAccuracyAVX2(t *testing.T) {
	requireAVX2(t)
	step := uint32(251)
	if testing.Short() {
		step = 16411
	}
	var xs []float32
	for b := uint32(0); b < 0x7f800000; b += step {
		f := math.Float32frombits(b)
		if f < 105 {
			xs = append(xs, f, -f)
		}
	}
	for _, edge := range []float32{88.72283, -87.33655, -103.27893, -103.97208} {
		f := edge
		for i := 0; i < 2000; i++ {
			xs = append(xs, f)
			f = math.Nextafter32(f, float32(math.Inf(-1)))
		}
		f = edge
		for i := 0; i < 2000; i++ {
			xs = append(xs, f)
			f = math.Nextafter32(f, float32(math.Inf(1)))
		}
	}
	xs = append(xs, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1000, -1000)
	got := append([]float32(nil), xs...)
	expSumAVX2(got, 0)
	var worst uint32
	for i, x := range xs {
		d := ulpDiff(trueExp(x), got[i])
		if d > 2 {
			t.Fatalf("exp(%v) = %v, want %v", x, got[i], trueExp(x))
		}
		worst = max(worst, d)
	}
	t.Logf("max error %d ulp over %d inputs", worst, len(xs))
}

func TestRMSNormAVX2(t *testing.T) {
	requireAVX2(t)
	forShapes(t, func(t *testing.T, rng *rand.Rand, n, off int) {
		if n == 0 {
			return // the API returns before the slot for empty rows
		}
		x, w := newGuarded(n, off), newGuarded(n, 3-off)
		randomFill(rng, x, 3, false)
		randomFill(rng, w, 2, false)
		for _, weighted := range []bool{true, false} {
			ws := w.s
			if !weighted {
				ws = nil
			}
			want, got := newGuarded(n, off), newGuarded(n, off)
			rmsNormGeneric(want.s, x.s, ws, 1e-5)
			rmsNormAVX2(got.s, x.s, ws, 1e-5)
			// The float64 sums differ only in order; after rounding to
			// float32 the scale can move by an ulp, the outputs by two.
			for i := range got.s {
				require.LessOrEqual(t, ulpDiff(want.s[i], got.s[i]), uint32(2), "%s i=%d", shape(n, off), i)
			}
			got.check(t, "dst")
		}
		x.check(t, "x")
		w.check(t, "w")
	})
	x := []float32{3, 4, 0, 0, 0, 0, 0, 0, 0}
	rmsNormAVX2(x, x, nil, 0) // in place
	require.InDeltaSlice(t, []float32{3 / float32(math.Sqrt(25.0/9)), 4 / float32(math.Sqrt(25.0/9)), 0, 0, 0, 0, 0, 0, 0}, x, 1e-6)
}

// activation checks a kernel within maxUlp of its twin, or within absTol
// (a function of the input) where cancellation makes ulps meaningless.
func activation(t *testing.T, scale float32, maxUlp uint32, absTol func(x float32) float64,
	asm, twin func(dst, x []float32)) {
	forShapes(t, func(t *testing.T, rng *rand.Rand, n, off int) {
		x := newGuarded(n, off)
		randomFill(rng, x, scale, true)
		want, got := newGuarded(n, 3-off), newGuarded(n, 3-off)
		twin(want.s, x.s)
		asm(got.s, x.s)
		for i := range got.s {
			if ulpDiff(want.s[i], got.s[i]) <= maxUlp {
				continue
			}
			require.InDelta(t, want.s[i], got.s[i], absTol(x.s[i]), "%s i=%d x=%v", shape(n, off), i, x.s[i])
		}
		got.check(t, "dst")
		x.check(t, "x")
	})
}

func TestActivationsAVX2(t *testing.T) {
	requireAVX2(t)
	none := func(float32) float64 { return 0 }
	// x/(1+e): e differs by up to 4 ulp; 1+e, the division and (for
	// SwiGLU) the product each add half an ulp.
	t.Run("silu", func(t *testing.T) { activation(t, 20, 6, none, siluAVX2, siluGeneric) })
	t.Run("swiglu", func(t *testing.T) {
		up := make([]float32, 1<<17+16)
		for i := range up {
			up[i] = float32(i%7) - 3.5
		}
		activation(t, 20, 7, none,
			func(d, x []float32) { swigluAVX2(d, x, up) },
			func(d, x []float32) { swigluGeneric(d, x, up[:len(x)]) })
	})
	// tanh = 1 - 2/(e+1) cancels for large |z|: an exp 4 ulp apart moves
	// it by up to ~8*2^-24 absolutely, and the result by 0.5*|x| times that.
	t.Run("gelu", func(t *testing.T) {
		activation(t, 12, 6, func(x float32) float64 { return 0x1p-20 * math.Abs(float64(x)) }, geluAVX2, geluGeneric)
	})
	t.Run("specials", func(t *testing.T) {
		inf, nan := float32(math.Inf(1)), float32(math.NaN())
		x := []float32{inf, -inf, nan, 0, -100, 100, 9.99, -9.99, 10, -10}
		for _, k := range []struct {
			asm, twin func(dst, x []float32)
		}{{siluAVX2, siluGeneric}, {geluAVX2, geluGeneric}} {
			want, got := make([]float32, len(x)), make([]float32, len(x))
			k.twin(want, x)
			k.asm(got, x)
			for i := range x {
				require.True(t, ulpDiff(want[i], got[i]) <= 6, "x=%v: want %v got %v", x[i], want[i], got[i])
			}
		}
	})
}

func TestRoPEAVX2(t *testing.T) {
	requireAVX2(t)
	forShapes(t, func(t *testing.T, rng *rand.Rand, n, off int) {
		m := n / 2
		cs, sn := newGuarded(m, off), newGuarded(m, 3-off)
		for i := range cs.s {
			a := rng.Float64() * 2 * math.Pi
			cs.s[i], sn.s[i] = float32(math.Cos(a)), float32(math.Sin(a))
		}
		for _, neox := range []bool{false, true} {
			x := newGuarded(n+1, off) // one dimension past the rotated ones
			randomFill(rng, x, 4, false)
			want := x.clone()
			ropeGeneric(want.s, cs.s, sn.s, neox)
			ropeAVX2(x.s, cs.s, sn.s, neox)
			// No FMA: the same products and sums as the twin, bit for bit.
			require.Equal(t, want.s, x.s, "%s neox=%v", shape(n, off), neox)
			x.check(t, "x")
		}
		cs.check(t, "cos")
		sn.check(t, "sin")
	})
}

func TestF16ConversionsAVX2(t *testing.T) {
	requireAVX2(t)
	forShapes(t, func(t *testing.T, rng *rand.Rand, n, off int) {
		h := make([]uint16, n+off+guardLen)
		for i := range h {
			h[i] = uint16(rng.Uint32())
		}
		src := h[off : off+n]
		want, got := newGuarded(n, 3-off), newGuarded(n, 3-off)
		f16ToF32Generic(want.s, src)
		f16ToF32AVX2(got.s, src)
		for i := range got.s {
			// VCVTPH2PS quiets signalling NaNs; any NaN matches any NaN.
			require.True(t, sameFloat(want.s[i], got.s[i]), "%s h=%#x", shape(n, off), src[i])
		}
		got.check(t, "f32 dst")

		f := newGuarded(n, off)
		randomFill(rng, f, 70000, true)
		for i := range f.s {
			if rng.IntN(4) == 0 { // halves' subnormal range and its rounding
				f.s[i] = (2*rng.Float32() - 1) * 1e-4
			}
		}
		wantH := make([]uint16, n+off+guardLen)
		gotH := make([]uint16, n+off+guardLen)
		for i := range gotH {
			wantH[i], gotH[i] = 0xbeef, 0xbeef
		}
		f32ToF16Generic(wantH[off:off+n], f.s)
		f32ToF16AVX2(gotH[off:off+n:off+n], f.s)
		require.Equal(t, wantH, gotH, shape(n, off))
		f.check(t, "f32 src")
	})
}
