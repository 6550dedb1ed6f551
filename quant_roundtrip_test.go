package lcrun

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// Round trips: quantise, dequantise, and hold every value to the error its
// format allows. The bounds are derived below from each format's
// arithmetic; "rel" terms cover float32 rounding of the products and
// quotients the quantiser and dequantiser compute (a few ulps, 2^-22
// relative is a generous cover for the at most four roundings involved).

const rel = 1.0 / (1 << 22)

// f16HalfUlp is the largest |d - f16(d)| for a d that rounds to the
// binary16 value h: half the spacing of binary16 numbers at h (2^-25 in
// the subnormal range, whose spacing is 2^-24).
func f16HalfUlp(h float64) float64 {
	h = math.Abs(h)
	if h < 1.0/(1<<14) {
		return 1.0 / (1 << 25)
	}
	_, e := math.Frexp(h) // h = m * 2^e, m in [0.5, 1)
	return math.Ldexp(1, e-1-10) / 2
}

// blockBound gives, for block b of format t holding the values x, the
// largest error each dequantised value may have.
type blockBound func(x []float64, blk []byte, bound []float64)

func absMax64(x []float64) (amax, max float64) {
	for _, v := range x {
		if math.Abs(v) > amax {
			amax, max = math.Abs(v), v
		}
	}
	return amax, max
}

func minMax64(x []float64) (lo, hi float64) {
	lo, hi = x[0], x[0]
	for _, v := range x {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}

// boundQ8 covers Q8_0, Q8_1 (qsOff 2 or 4 does not matter: only d at 0 is
// read). d = amax/127 and q = round(x/d), so |x - q*d| <= d/2 (q never
// clamps: |x/d| <= 127). The block stores D = f16(d) and x' = q*D, so
// |x - x'| <= d/2 + |q|*|d-D| <= d/2 + 127*|d-D|.
func boundQ8(x []float64, blk []byte, bound []float64) {
	amax, _ := absMax64(x)
	d := amax / 127
	D := float64(f16At(blk))
	for i, v := range x {
		bound[i] = d/2 + 127*math.Abs(d-D) + (math.Abs(v)+d)*rel
	}
}

// boundSigned covers Q4_0 (half = 8) and Q5_0 (half = 16): d = max/-half
// with max the value of largest magnitude, t = x/d lies in [-half, half],
// and q - half = trunc(t + half + 0.5) - half = floor(t + 0.5), clamped to
// half-1. Unclamped, |t - (q-half)| <= 1/2; for t in (half-1/2, half] the
// clamp to half-1 leaves t - (half-1) <= 1. With D = f16(d) and
// |q - half| <= half, |x - x'| <= |d|*max(1/2, t-(half-1)) + half*|d-D|.
func boundSigned(half float64) blockBound {
	return func(x []float64, blk []byte, bound []float64) {
		_, max := absMax64(x)
		d := max / -half
		D := float64(f16At(blk))
		for i, v := range x {
			e := 0.5
			if d != 0 {
				e = math.Max(0.5, v/d-(half-1))
			}
			bound[i] = math.Abs(d)*e + half*math.Abs(d-D) + (math.Abs(v)+math.Abs(d))*rel
		}
	}
}

// boundMin covers Q4_1 (levels = 15) and Q5_1 (31): d = (max-min)/levels,
// m = min, q = floor((x-min)/d + 1/2) in 0..levels, so |x - (q*d + m)| <=
// d/2. Stored D = f16(d) and M = f16(m) add levels*|d-D| + |m-M|.
func boundMin(levels float64) blockBound {
	return func(x []float64, blk []byte, bound []float64) {
		lo, hi := minMax64(x)
		d := (hi - lo) / levels
		D := float64(f16At(blk[0:]))
		M := float64(f16At(blk[2:]))
		for i, v := range x {
			bound[i] = d/2 + levels*math.Abs(d-D) + math.Abs(lo-M) + (math.Abs(v)+math.Abs(lo)+d)*rel
		}
	}
}

// boundQ8K: Q8_K stores d = 1/iscale as float32 with iscale = -127/max
// and q = nearest(x*iscale) in -127..127 (the min(127) never bites:
// |x*iscale| <= 127), so |x - q*d| <= |d|/2 up to rounding.
func boundQ8K(x []float64, blk []byte, bound []float64) {
	d := math.Abs(float64(math.Float32frombits(binary.LittleEndian.Uint32(blk))))
	for i, v := range x {
		bound[i] = d/2 + (math.Abs(v)+d)*rel
	}
}

// subGrid describes the levels one sub-block of a K-quant can represent:
// value(k) = scale*k - min for k in kmin..kmax.
type subGrid struct {
	n          int // values in the sub-block
	scale, min float64
	kmin, kmax int
}

// kGrids decodes the sub-block grids of a K-quant block from its bytes,
// written from the layout description independently of the dequantisers.
func kGrids(t DType, blk []byte) []subGrid {
	var g []subGrid
	switch t {
	case Q2_K:
		d, dmin := float64(f16At(blk[Q2_KOffD:])), float64(f16At(blk[Q2_KOffDmin:]))
		for s := range 16 {
			sc := blk[Q2_KOffScales+s]
			g = append(g, subGrid{16, d * float64(sc&15), dmin * float64(sc>>4), 0, 3})
		}
	case Q3_K:
		d := float64(f16At(blk[Q3_KOffD:]))
		for s := range 16 {
			g = append(g, subGrid{16, d * float64(scaleQ3K(s, blk[Q3_KOffScales:])), 0, -4, 3})
		}
	case Q4_K, Q5_K:
		d, dmin := float64(f16At(blk[0:])), float64(f16At(blk[2:]))
		kmax := 15
		if t == Q5_K {
			kmax = 31
		}
		for s := range 8 {
			sc, m := ScaleMinK4(s, blk[4:16])
			g = append(g, subGrid{32, d * float64(sc), dmin * float64(m), 0, kmax})
		}
	case Q6_K:
		d := float64(f16At(blk[Q6_KOffD:]))
		for s := range 16 {
			g = append(g, subGrid{16, d * float64(int8(blk[Q6_KOffScales+s])), 0, -32, 31})
		}
	}
	return g
}

// boundNearestLevel is the K-quants' exact check: after choosing the
// sub-block scales, ggml re-quantises every value to the nearest level of
// its sub-block's grid (nearest_int((x+min)/scale), clamped). So each
// dequantised value must be the grid level nearest to x: its error is at
// most the distance from x to the nearest level (half a step inside the
// grid's range, the distance to the end level outside it). A zero scale
// leaves the levels of the search, which all dequantise to -min.
func boundNearestLevel(t DType) blockBound {
	return func(x []float64, blk []byte, bound []float64) {
		e := 0
		for _, g := range kGrids(t, blk) {
			for range g.n {
				v := x[e]
				best := math.Inf(1)
				for k := g.kmin; k <= g.kmax; k++ {
					best = math.Min(best, math.Abs(g.scale*float64(k)-g.min-v))
				}
				bound[e] = best + (math.Abs(v)+math.Abs(g.scale)*float64(g.kmax-g.kmin)+math.Abs(g.min))*rel
				e++
			}
		}
	}
}

var roundTripBounds = map[DType]blockBound{
	Q8_0: boundQ8,
	Q8_1: boundQ8,
	Q4_0: boundSigned(8),
	Q5_0: boundSigned(16),
	Q4_1: boundMin(15),
	Q5_1: boundMin(31),
	Q8_K: boundQ8K,
	Q2_K: boundNearestLevel(Q2_K),
	Q3_K: boundNearestLevel(Q3_K),
	Q4_K: boundNearestLevel(Q4_K),
	Q5_K: boundNearestLevel(Q5_K),
	Q6_K: boundNearestLevel(Q6_K),

	TQ1_0: boundTernary(TQ1_0OffD),
	TQ2_0: boundTernary(TQ2_0OffD),
}

func TestQuantizeRoundTripBounds(t *testing.T) {
	for typ, boundOf := range roundTripBounds {
		bs, bb := typ.BlockSize(), typ.BlockBytes()
		for _, nblocks := range []int{1, 3, 37} {
			for di, dist := range testDists {
				t.Run(fmt.Sprintf("%s/%d/%s", typ, nblocks, dist.name), func(t *testing.T) {
					x := make([]float32, nblocks*bs)
					dist.gen(newTestRand(uint64(100*di+nblocks)), x)
					q := make([]byte, nblocks*bb)
					require.NoError(t, Quantize(typ, q, x))
					y := make([]float32, len(x))
					require.NoError(t, Dequantize(typ, y, q))
					x64 := make([]float64, bs)
					bound := make([]float64, bs)
					for b := range nblocks {
						for i := range x64 {
							x64[i] = float64(x[b*bs+i])
						}
						boundOf(x64, q[b*bb:(b+1)*bb], bound)
						for i := range bs {
							e := b*bs + i
							err := math.Abs(float64(y[e]) - x64[i])
							if !(err <= bound[i]) {
								require.Failf(t, "error above bound", "value %d (block %d): x=%g got %g, error %g > bound %g",
									e, b, x[e], y[e], err, bound[i])
							}
						}
					}
				})
			}
		}
	}
}

// TestKQuantQuality holds the K-quant scale searches to a quality level,
// which the nearest-level check above cannot: it would pass a search that
// picked needlessly coarse scales. Reference level: a grid of nmax steps
// spanning a sub-block's values [min(lo,0), hi] (what the searches start
// from, with min/max formats) has step Δ = range/nmax and, since every
// value is then within Δ/2 of a level, RMS error at most Δ/2. A signed
// format (Q3_K, Q6_K) starts from step amax/nmax. The searches only keep
// a candidate that lowers their (weighted) error, so their RMS error over
// a whole tensor must not exceed the RMS of these per-sub-block Δ/2
// worst cases, plus the error of rounding the sub-block scales to 4, 6 or
// 8 bits: a scale off by δ moves the top level by nmax*δ, and δ is at most
// half the quantum of the sub-scale (d/2), adding nmax*d/2 to that
// sub-block's worst case and so at most that to the RMS. Last, the
// super-scales themselves are f16: |d - f16(d)| <= f16HalfUlp, times the
// largest sub-scale and level (scMax*kMax), for d and dmin each. That
// term is what lets tiny inputs, whose super-scale underflows f16 and
// which then dequantise to zero (as in ggml), pass.
func TestKQuantQuality(t *testing.T) {
	type kfmt struct {
		t      DType
		sub    int     // values per sub-block
		nmax   int     // levels - 1
		signed bool    // symmetric format without min
		scMax  float64 // largest |sub-scale| in units of d
		kMax   float64 // largest |level|
	}
	for _, f := range []kfmt{
		{Q2_K, 16, 3, false, 15, 3},
		{Q3_K, 16, 7, true, 32, 4},
		{Q4_K, 32, 15, false, 63, 15},
		{Q5_K, 32, 31, false, 63, 31},
		{Q6_K, 16, 63, true, 128, 32},
	} {
		for di, dist := range testDists {
			t.Run(fmt.Sprintf("%s/%s", f.t, dist.name), func(t *testing.T) {
				const nblocks = 16
				x := make([]float32, nblocks*QKK)
				dist.gen(newTestRand(uint64(7+di)), x)
				q := make([]byte, nblocks*f.t.BlockBytes())
				require.NoError(t, Quantize(f.t, q, x))
				y := make([]float32, len(x))
				require.NoError(t, Dequantize(f.t, y, q))
				var sse, worst float64
				for b := range nblocks {
					blk := q[b*f.t.BlockBytes() : (b+1)*f.t.BlockBytes()]
					quantum := kSubScaleQuantum(f.t, blk)
					superErr := 2 * f.scMax * f.kMax * f16HalfUlp(quantum)
					for s := 0; s < QKK; s += f.sub {
						xs := x[b*QKK+s : b*QKK+s+f.sub]
						var step float64
						if f.signed {
							var amax float64
							for _, v := range xs {
								amax = math.Max(amax, math.Abs(float64(v)))
							}
							step = 2 * amax / float64(f.nmax)
						} else {
							lo, hi := 0.0, math.Inf(-1)
							for _, v := range xs {
								lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
							}
							step = (hi - lo) / float64(f.nmax)
						}
						w := step/2 + float64(f.nmax)*quantum/2 + superErr
						worst += float64(f.sub) * w * w
						for i, v := range xs {
							d := float64(y[b*QKK+s+i]) - float64(v)
							sse += d * d
						}
					}
				}
				rmsErr, rmsBound := math.Sqrt(sse/float64(len(x))), math.Sqrt(worst/float64(len(x)))
				require.LessOrEqual(t, rmsErr, rmsBound*(1+1e-6)+1e-30, "RMS error %g, bound %g", rmsErr, rmsBound)
			})
		}
	}
}

// kSubScaleQuantum is the step of a K-quant's quantised sub-block scales:
// the f16 super-scale d (and dmin, which bounds the min's rounding the
// same way; the larger of the two is used).
func kSubScaleQuantum(t DType, blk []byte) float64 {
	switch t {
	case Q2_K:
		return math.Max(math.Abs(float64(f16At(blk[Q2_KOffD:]))), math.Abs(float64(f16At(blk[Q2_KOffDmin:]))))
	case Q3_K:
		return math.Abs(float64(f16At(blk[Q3_KOffD:])))
	case Q4_K, Q5_K:
		return math.Max(math.Abs(float64(f16At(blk[0:]))), math.Abs(float64(f16At(blk[2:]))))
	case Q6_K:
		return math.Abs(float64(f16At(blk[Q6_KOffD:])))
	}
	return 0
}

// Plain float formats: F32 is exact; F16 and BF16 round to nearest, so
// the error is at most half a unit in the last place of the result
// (2^-11 and 2^-8 relative for normal values, plus the subnormal spacing
// for F16, whose absolute floor is 2^-25).
func TestQuantizeFloatFormats(t *testing.T) {
	for _, tc := range []struct {
		t     DType
		bound func(x float64) float64
	}{
		{F32, func(float64) float64 { return 0 }},
		{F16, func(x float64) float64 { return math.Abs(x)/(1<<11) + 1.0/(1<<25) }},
		{BF16, func(x float64) float64 { return math.Abs(x) / (1 << 8) }},
	} {
		for di, dist := range testDists {
			t.Run(tc.t.String()+"/"+dist.name, func(t *testing.T) {
				x := make([]float32, 1000)
				dist.gen(newTestRand(uint64(di)), x)
				n, err := tc.t.RowBytes(len(x))
				require.NoError(t, err)
				q := make([]byte, n)
				require.NoError(t, Quantize(tc.t, q, x))
				y := make([]float32, len(x))
				require.NoError(t, Dequantize(tc.t, y, q))
				for i := range x {
					require.LessOrEqual(t, math.Abs(float64(y[i])-float64(x[i])), tc.bound(float64(x[i])), "value %d: %g -> %g", i, x[i], y[i])
				}
			})
		}
	}
}
