//go:build (amd64 || arm64) && !purego && !noasm

package lcrun

import (
	"math"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSoftplusAsm holds the scan's vector softplus to the float64 value
// over its whole input range: within 4 ulp (exp's 2, the quotient, the
// polynomial and the final sum each round), or 2^-149 where the result is
// subnormal; NaN stays NaN, -Inf gives 0, +Inf and x > 20 give x.
func TestSoftplusAsm(t *testing.T) {
	if !ssmAsmOK {
		t.Skip("CPU lacks the features of ssm_" + runtime.GOARCH + ".s")
	}
	var xs []float32
	for x := float32(-110); x < 40; x += 0.0137 {
		xs = append(xs, x)
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), 20, math.Nextafter32(20, 0), math.Nextafter32(20, 21), 1e-20, -1e-20, 1e30, -1e30)
	got := make([]float32, len(xs))
	softplusAsm(got, xs)
	for i, x := range xs {
		want := float32(math.Log1p(math.Exp(float64(x))))
		if x > 20 {
			want = x
		}
		if ulpDistance(want, got[i]) > 4 {
			require.InDelta(t, want, got[i], 0x1p-149, "softplus(%v)", x)
		}
	}
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	sp := make([]float32, 3)
	softplusAsm(sp, []float32{nan, -inf, inf})
	require.True(t, math.IsNaN(float64(sp[0])))
	require.Equal(t, []float32{0, inf}, sp[1:])
}
