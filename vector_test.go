package lcrun

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Differential tests of the vector kernels: every implementation against a
// float64 reference and against the plain-Go twin, for lengths 0..67 and
// large, unaligned starts, guard cells around outputs.

// sumTol is the tolerance of a float32 sum of n terms whose absolute values
// add up to mag: rounding errors of independent accumulators grow like a
// random walk, so 1e-5*mag holds with room to spare up to n ~ 10^4
// (2^-24*sqrt(4099) = 3.8e-6), while one missing or doubled term of random
// data (~mag/n) is still far above it.
func sumTol(mag float64) float64 { return 1e-5*mag + 1e-30 }

func TestDot(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := newRand(1)
		for _, n := range testLengths() {
			for _, off := range testOffsets {
				x, y := randVec(r, n, off, 1), randVec(r, n, 3-off, 1)
				var ref, mag float64
				for i := range x {
					ref += float64(x[i]) * float64(y[i])
					mag += math.Abs(float64(x[i]) * float64(y[i]))
				}
				got := Dot(x, y)
				require.InDelta(t, ref, got, sumTol(mag), "n=%d off=%d", n, off)
				require.InDelta(t, dotGeneric(x, y), got, 2*sumTol(mag), "vs generic n=%d off=%d", n, off)
			}
		}
		assert.True(t, math.IsNaN(float64(Dot([]float32{1, float32(math.NaN()), 2}, []float32{1, 1, 1}))))
		assert.True(t, math.IsInf(float64(Dot([]float32{1, float32(math.Inf(1))}, []float32{1, 2})), 1))
		assert.Panics(t, func() { Dot(make([]float32, 3), make([]float32, 4)) })
	})
}

// elementwise describes a kernel that maps inputs to dst value by value.
type elementwise struct {
	name string
	args int // number of inputs
	run  func(dst []float32, in [][]float32)
	ref  func(in []float64) float64
	// tol is the allowed |got - ref| for inputs in and result ref.
	tol func(in []float64, ref float64) float64
}

// relTol allows rel relative error plus abs absolute error.
func relTol(rel, abs float64) func([]float64, float64) float64 {
	return func(_ []float64, ref float64) float64 { return rel*math.Abs(ref) + abs }
}

func sigmoid64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

var elementwiseKernels = []elementwise{
	// Exact: one rounding of an exact sum or product.
	{"Add", 2, func(d []float32, in [][]float32) { Add(d, in[0], in[1]) },
		func(v []float64) float64 { return float64(float32(v[0] + v[1])) }, relTol(0, 0)},
	{"Mul", 2, func(d []float32, in [][]float32) { Mul(d, in[0], in[1]) },
		func(v []float64) float64 { return float64(float32(v[0] * v[1])) }, relTol(0, 0)},
	// y + a*x: one rounding with FMA, two without.
	{"Axpy", 2, func(d []float32, in [][]float32) { copy(d, in[1]); Axpy(0.7, in[0], d) },
		func(v []float64) float64 { return v[1] + float64(float32(0.7))*v[0] },
		func(v []float64, _ float64) float64 { return 2 * ulp32 * (math.Abs(v[1]) + math.Abs(0.7*v[0])) }},
	{"Scale", 1, func(d []float32, in [][]float32) { copy(d, in[0]); Scale(-1.3, d) },
		func(v []float64) float64 { return float64(float32(float64(float32(-1.3)) * v[0])) }, relTol(0, 0)},
	// expf is within 2 ulp; the quotient adds one rounding, the exp's
	// error is damped by 1/(1+e).
	{"SiLU", 1, func(d []float32, in [][]float32) { SiLU(d, in[0]) },
		func(v []float64) float64 { return v[0] * sigmoid64(v[0]) }, relTol(4*ulp32, 1e-37)},
	{"SwiGLU", 2, func(d []float32, in [][]float32) { SwiGLU(d, in[0], in[1]) },
		func(v []float64) float64 { return v[0] * sigmoid64(v[0]) * v[1] }, relTol(5*ulp32, 1e-37)},
	// The tanh form cancels in 1+tanh for x < 0: absolute error ~ |x|*ulp.
	{"GELU", 1, func(d []float32, in [][]float32) { GELU(d, in[0]) },
		func(v []float64) float64 {
			x := v[0]
			if x <= -10 {
				return 0
			}
			if x >= 10 {
				return x
			}
			return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*x*(1+0.044715*x*x)))
		},
		func(v []float64, ref float64) float64 { return 8*ulp32*math.Abs(ref) + 4*ulp32*math.Abs(v[0]) }},
}

func TestElementwise(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, k := range elementwiseKernels {
			t.Run(k.name, func(t *testing.T) {
				r := newRand(2)
				for _, n := range testLengths() {
					for _, off := range testOffsets {
						in := make([][]float32, k.args)
						for a := range in {
							in[a] = randVec(r, n, (off+a)%4, 3)
						}
						dst := newGuarded(n, off)
						k.run(dst.s(), in)
						dst.check(t)
						v := make([]float64, k.args)
						for i, got := range dst.s() {
							for a := range in {
								v[a] = float64(in[a][i])
							}
							ref := k.ref(v)
							require.InDelta(t, ref, float64(got), k.tol(v, ref), "n=%d off=%d i=%d in=%v", n, off, i, v)
						}
					}
				}
			})
		}
	})
}

func TestElementwiseSpecialValues(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	x := []float32{inf, -inf, nan, 0, float32(math.Copysign(0, -1)), 100, -100, 1e-40}
	forEachImpl(t, func(t *testing.T) {
		for _, tc := range []struct {
			name string
			f    func(dst, x []float32)
			want []float32
		}{
			// silu(-Inf) = -Inf/Inf = NaN, as ggml computes it.
			{"SiLU", SiLU, []float32{inf, nan, nan, 0, 0, 100, -100 / (1 + expf(100)), 1e-40 / 2}},
			{"GELU", GELU, []float32{inf, 0, nan, 0, 0, 100, 0, 0.5e-40}},
		} {
			dst := make([]float32, len(x))
			tc.f(dst, x)
			for i := range x {
				if math.IsNaN(float64(tc.want[i])) {
					assert.True(t, math.IsNaN(float64(dst[i])), "%s(%v) = %v", tc.name, x[i], dst[i])
				} else {
					assert.InDelta(t, tc.want[i], dst[i], 1e-45, "%s(%v)", tc.name, x[i])
				}
			}
		}
	})
}

func TestExpf(t *testing.T) {
	r := newRand(3)
	check := func(x float32) {
		got := float64(expf(x))
		want := math.Exp(float64(x))
		if want > math.MaxFloat32*(1+ulp32) {
			require.True(t, math.IsInf(got, 1), "expf(%v) = %v", x, got)
			return
		}
		// 2 ulp of the result, or of the smallest normal for subnormals.
		tol := 2 * ulp32 * 2 * math.Max(want, 0x1p-126)
		require.InDelta(t, want, got, tol, "expf(%v)", x)
	}
	for i := 0; i < 200000; i++ {
		check(float32(r.Float64()*200 - 105))
	}
	for _, x := range []float32{0, -0, 1, -1, 1e-30, -1e-30, 88.7, 88.72283, -87.3, -103, -103.9, 0.34657, -0.34657} {
		check(x)
	}
	assert.Equal(t, float32(0), expf(float32(math.Inf(-1))))
	assert.Equal(t, float32(0), expf(-200))
	assert.True(t, math.IsInf(float64(expf(float32(math.Inf(1)))), 1))
	assert.True(t, math.IsInf(float64(expf(89)), 1))
	assert.True(t, math.IsNaN(float64(expf(float32(math.NaN())))))
}

func TestExpSumAndMax(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := newRand(4)
		for _, n := range testLengths() {
			for _, off := range testOffsets {
				x := randVec(r, n, off, 4)
				g := newGuarded(n, off).fill(x)
				m := maxK.fn(g.s())
				want := float32(math.Inf(-1))
				for _, v := range x {
					want = max(want, v)
				}
				require.Equal(t, want, m, "max n=%d", n)
				sum := expSumK.fn(g.s(), m)
				g.check(t)
				var ref float64
				for i, v := range x {
					// x - m is rounded to float32 first, as every
					// implementation does; then exp is within 2 ulp.
					e := math.Exp(float64(v - m))
					ref += e
					require.InDelta(t, e, g.s()[i], 2*ulp32*2*e+1e-45, "n=%d i=%d", n, i)
				}
				require.InDelta(t, ref, sum, sumTol(ref), "sum n=%d", n)
			}
		}
		nan := float32(math.NaN())
		assert.Equal(t, float32(3), maxK.fn([]float32{nan, 3, nan, -1}))
		x := []float32{float32(math.Inf(-1)), 0, nan}
		expSumK.fn(x, 0)
		assert.Equal(t, float32(0), x[0])
		assert.Equal(t, float32(1), x[1])
		assert.True(t, math.IsNaN(float64(x[2])))
	})
}

func TestSoftmax(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	forEachImpl(t, func(t *testing.T) {
		r := newRand(5)
		for _, n := range testLengths() {
			for _, off := range testOffsets {
				x := randVec(r, n, off, 5)
				if n > 3 {
					x[n/2] = -inf // masked entries
					x[1] = -inf
				}
				g := newGuarded(n, off).fill(x)
				Softmax(g.s())
				g.check(t)
				m := math.Inf(-1)
				for _, v := range x {
					m = math.Max(m, float64(v))
				}
				var sum float64
				for _, v := range x {
					sum += math.Exp(float64(v) - m)
				}
				for i, v := range x {
					ref := math.Exp(float64(v)-m) / sum
					// exp (2 ulp), sum (sumTol) and the final scaling.
					require.InDelta(t, ref, g.s()[i], 2e-5*ref+1e-12, "n=%d i=%d", n, i)
				}
			}
		}
		for _, tc := range []struct {
			name    string
			in      []float32
			want    []float32
			wantNaN bool
		}{
			{"all -Inf", []float32{-inf, -inf, -inf}, []float32{0, 0, 0}, false},
			{"one finite", []float32{-inf, 2, -inf}, []float32{0, 1, 0}, false},
			{"empty", nil, nil, false},
			{"NaN", []float32{1, nan, 2}, nil, true},
			{"NaN among -Inf", []float32{-inf, nan}, nil, true},
			{"+Inf", []float32{1, inf}, nil, true},
		} {
			x := append([]float32(nil), tc.in...)
			Softmax(x)
			if tc.wantNaN {
				for _, v := range x {
					assert.True(t, math.IsNaN(float64(v)), "%s: %v", tc.name, x)
				}
			} else {
				assert.Equal(t, tc.want, x, tc.name)
			}
		}
	})
}

func TestRMSNorm(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := newRand(6)
		for _, n := range testLengths()[1:] {
			for _, off := range testOffsets {
				for _, withW := range []bool{true, false} {
					x := randVec(r, n, off, 2)
					var w []float32
					if withW {
						w = randVec(r, n, (off+1)%4, 1)
					}
					dst := newGuarded(n, (off+2)%4)
					const eps = 1e-5
					RMSNorm(dst.s(), x, w, eps)
					dst.check(t)
					var ss float64
					for _, v := range x {
						ss += float64(v) * float64(v)
					}
					s := 1 / math.Sqrt(ss/float64(n)+eps)
					for i, v := range x {
						ref := float64(v) * s
						if withW {
							ref *= float64(w[i])
						}
						// The scale is rounded to float32 twice (mean, then
						// 1/sqrt), and each product once: 5 ulp covers it.
						require.InDelta(t, ref, dst.s()[i], 5*ulp32*math.Abs(ref)+1e-30, "n=%d i=%d", n, i)
					}
				}
			}
		}
		// In place, and the llama.cpp order (x*scale)*w exactly.
		x := []float32{1, 2, 3, 4}
		w := []float32{0.5, 1, 2, 3}
		want := make([]float32, 4)
		rmsNormGeneric(want, x, w, 1e-6)
		RMSNorm(x, x, w, 1e-6)
		assert.Equal(t, want, x)
	})
}

func TestRoPE(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := newRand(7)
		for _, m := range []int{0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33, 64} {
			for _, extra := range []int{0, 3} { // dims past 2m stay as they are
				for _, neox := range []bool{false, true} {
					n := 2*m + extra
					x := randVec(r, n, m%4, 1)
					cos, sin := make([]float32, m), make([]float32, m)
					for i := range cos {
						th := r.Float64() * 100
						cos[i], sin[i] = float32(math.Cos(th)), float32(math.Sin(th))
					}
					g := newGuarded(n, (m+1)%4).fill(x)
					RoPE(g.s(), cos, sin, neox)
					g.check(t)
					for i := 0; i < m; i++ {
						a, b := 2*i, 2*i+1
						if neox {
							a, b = i, i+m
						}
						x0, x1 := float64(x[a]), float64(x[b])
						c, s := float64(cos[i]), float64(sin[i])
						// Two rounded products and a rounded sum.
						tolA := 2 * ulp32 * (math.Abs(x0*c) + math.Abs(x1*s))
						tolB := 2 * ulp32 * (math.Abs(x0*s) + math.Abs(x1*c))
						require.InDelta(t, x0*c-x1*s, g.s()[a], tolA, "m=%d neox=%v i=%d", m, neox, i)
						require.InDelta(t, x0*s+x1*c, g.s()[b], tolB, "m=%d neox=%v i=%d", m, neox, i)
					}
					require.Equal(t, x[2*m:], g.s()[2*m:])
				}
			}
		}
		assert.Panics(t, func() { RoPE(make([]float32, 3), make([]float32, 2), make([]float32, 2), false) })
	})
}

func TestHalfConversions(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		all := make([]uint16, 1<<16)
		for i := range all {
			all[i] = uint16(i)
		}
		for _, off := range testOffsets {
			src := all[off:]
			dst := newGuarded(len(src), off)
			F16sToF32(dst.s(), src)
			dst.check(t)
			for i, h := range src {
				want := F16ToF32(h)
				if math.Float32bits(want) != math.Float32bits(dst.s()[i]) && !(want != want && dst.s()[i] != dst.s()[i]) {
					t.Fatalf("F16sToF32(%#04x) = %v, want %v", h, dst.s()[i], want)
				}
			}
		}
		r := newRand(8)
		for _, n := range testLengths() {
			src := randVec(r, n, n%4, 1000)
			for i := range src {
				switch i % 7 {
				case 1:
					src[i] *= 1e-5 // f16 subnormals
				case 2:
					src[i] *= 100 // overflow to Inf
				}
			}
			if n > 3 {
				src[0], src[1], src[2] = float32(math.Inf(1)), float32(math.NaN()), float32(math.Inf(-1))
			}
			dst := make([]uint16, n)
			F32sToF16(dst, src)
			for i, v := range src {
				want := F32ToF16(v)
				if v != v {
					require.True(t, dst[i]&0x7c00 == 0x7c00 && dst[i]&0x3ff != 0, "NaN gave %#04x", dst[i])
					continue
				}
				require.Equal(t, want, dst[i], "F32sToF16(%v)", v)
			}
		}
	})
}

// TestRoPEGolden applies ggml's own cos/sin tables (ops/rope/table_*) to
// the golden inputs and compares with ggml's rotated outputs: with the
// same float32 table the rotation is a few float32 operations, so the
// difference is the last bit of x0*c - x1*s (ggml may contract it into an
// FMA): at most 1 ulp of |x0*c| + |x1*s| <= 4, well under 1e-6.
func TestRoPEGolden(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, d := range []int{64, 128} {
			for _, scaling := range []string{"none", "linear4", "yarn4"} {
				table := readF32(t, fmt.Sprintf("testdata/golden/ops/rope/table_d%d_%s.f32", d, scaling))
				x := readF32(t, fmt.Sprintf("testdata/golden/ops/rope/x_d%d.f32", d))
				const T, H = 48, 2
				require.Len(t, table, T*d)
				require.Len(t, x, T*H*d)
				for mode, neox := range map[int]bool{0: false, 2: true} {
					want := readF32(t, fmt.Sprintf("testdata/golden/ops/rope/out_d%d_mode%d_%s.f32", d, mode, scaling))
					got := append([]float32(nil), x...)
					cos, sin := make([]float32, d/2), make([]float32, d/2)
					for tok := 0; tok < T; tok++ {
						for i := range cos {
							cos[i], sin[i] = table[tok*d+2*i], table[tok*d+2*i+1]
						}
						for h := 0; h < H; h++ {
							RoPE(got[(tok*H+h)*d:][:d], cos, sin, neox)
						}
					}
					assertClose(t, want, got, 1e-6, "d=%d mode=%d %s", d, mode, scaling)
				}
			}
		}
	})
}
