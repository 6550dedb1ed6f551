package model

import (
	"math"
	"sync"

	lc "github.com/lcrun/lcrun"
)

// geluMulF16 sets gate = gelu(gate) * up as the reference engine's CPU
// backend computes GELU by default (GGML_GELU_FP16): x rounded to f16
// indexes a table of f16 results, so the value is gelu of the rounded x,
// rounded again; x <= -10 gives 0 and x >= 10 gives x, exactly. Gemma's
// golden logits move by 0.003-0.005 with the exact tanh form, far more
// than every other source of difference (testdata/golden/README.md).
func geluMulF16(gate, up []float32) {
	table := geluF16Table()
	var h [256]uint16
	for i0 := 0; i0 < len(gate); i0 += len(h) {
		g := gate[i0:min(i0+len(h), len(gate))]
		lc.F32sToF16(h[:len(g)], g)
		for i, x := range g {
			switch {
			case x <= -10:
				g[i] = 0
			case x >= 10:
			default:
				g[i] = table[h[i]]
			}
		}
	}
	lc.Mul(gate, gate, up)
}

// geluF16Table is gelu of every f16 value, rounded to f16 and widened
// back (NaN stays NaN), built on first use.
var geluF16Table = sync.OnceValue(func() []float32 {
	h := make([]uint16, 1<<16)
	for i := range h {
		h[i] = uint16(i)
	}
	x := make([]float32, len(h))
	lc.F16sToF32(x, h)
	for i, v := range x {
		x[i] = geluTanh(v)
	}
	lc.F32sToF16(h, x)
	lc.F16sToF32(x, h)
	return x
})

// geluTanh is the tanh form in float32 steps, tanh correctly rounded:
// how the table's entries are computed. The conversion keeps arm64 from
// fusing 1 + a*x*x into one rounding, so every machine builds the same table.
func geluTanh(x float32) float32 {
	const sqrt2OverPi, coefA = 0.79788456080286535587989211986876, 0.044715
	z := float32(sqrt2OverPi) * x * (1 + float32(float32(coefA)*x*x))
	return 0.5 * x * (1 + float32(math.Tanh(float64(z))))
}
