package model

import (
	"math"
	"math/rand/v2"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/stretchr/testify/assert"
)

// geluMulF16 is gelu of x rounded to f16, rounded to f16 again, times up;
// exact at the clamps; within f16 rounding of the exact form.
func TestGeluMulF16(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 1000
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * 4)
	}
	x = append(x, -10, 10, -10.5, 12, 0, 9.999, -9.999, float32(math.NaN()))
	up := make([]float32, len(x))
	for i := range up {
		up[i] = float32(r.NormFloat64())
	}
	gate := append([]float32(nil), x...)
	geluMulF16(gate, up)
	exact := make([]float32, len(x))
	lc.GELU(exact, x)
	round := func(v float32) float32 {
		h := []uint16{0}
		lc.F32sToF16(h, []float32{v})
		out := []float32{0}
		lc.F16sToF32(out, h)
		return out[0]
	}
	for i, v := range x {
		var want float32
		switch {
		case v != v:
			assert.True(t, gate[i] != gate[i], "NaN stays NaN")
			continue
		case v <= -10:
			want = 0
		case v >= 10:
			want = v * up[i]
		default:
			want = round(geluTanh(round(v))) * up[i]
		}
		assert.Equal(t, want, gate[i], "x = %v", v)
		assert.InDelta(t, exact[i]*up[i], gate[i], 2e-3*(1+math.Abs(float64(v*up[i]))), "x = %v: near the exact form", v)
	}
}
