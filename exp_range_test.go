package lcrun

import (
	"math"
	"testing"
)

// TestExpSumFullRange holds every implementation's exp (through the
// exp_sum slot, m = 0) to 2 ulp of the correctly rounded value over the
// whole float32 range, at every ulp near the ends where the result
// overflows, turns subnormal and underflows. The differential tests in
// vector_test.go only see the values random data reaches.
func TestExpSumFullRange(t *testing.T) {
	step := uint32(251)
	if testing.Short() {
		step = 16411
	}
	var xs []float32
	for b := uint32(0); b < 0x42d20000; b += step { // |x| < 105
		f := math.Float32frombits(b)
		xs = append(xs, f, -f)
	}
	for _, edge := range []float32{88.72283, -87.33655, -103.27893, -103.97208} {
		up, down := edge, edge
		for i := 0; i < 2000; i++ {
			xs = append(xs, up, down)
			up = math.Nextafter32(up, float32(math.Inf(1)))
			down = math.Nextafter32(down, float32(math.Inf(-1)))
		}
	}
	xs = append(xs, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1000, -1000)
	for _, im := range expSumK.impls {
		t.Run(im.name, func(t *testing.T) {
			got := append([]float32(nil), xs...)
			im.fn(got, 0)
			var worst uint32
			for i, x := range xs {
				want := float32(math.Exp(float64(x)))
				d := ulpDistance(want, got[i])
				if d > 2 {
					t.Fatalf("exp(%v) = %v, want %v (%d ulp)", x, got[i], want, d)
				}
				worst = max(worst, d)
			}
			t.Logf("exp: at most %d ulp from the correctly rounded value over %d inputs", worst, len(xs))
		})
	}
}

// ulpDistance counts the float32 values between a and b: 0 for two NaNs,
// the maximum when only one is NaN.
func ulpDistance(a, b float32) uint32 {
	if a != a || b != b {
		if a != a && b != b {
			return 0
		}
		return math.MaxUint32
	}
	ord := func(f float32) int64 {
		u := int64(math.Float32bits(f))
		if u&0x80000000 != 0 {
			return -(u & 0x7fffffff)
		}
		return u
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return uint32(min(d, math.MaxUint32))
}
