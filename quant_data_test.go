package lcrun

import (
	"math"
	"math/rand/v2"
)

// Test inputs shared by the quantisation tests.

type testDist struct {
	name string
	gen  func(r *rand.Rand, x []float32)
}

// testDists are the value distributions every quantiser is checked on.
// "huge range" spans 13 orders of magnitude inside each block but keeps
// the largest value small enough that an f16 scale (max 65504) holds
// amax/127; scales that overflow f16 are a separate, documented case.
var testDists = []testDist{
	{"zeros", func(r *rand.Rand, x []float32) { clear(x) }},
	{"constant positive", func(r *rand.Rand, x []float32) { fill(x, 1.5) }},
	{"constant negative", func(r *rand.Rand, x []float32) { fill(x, -0.75) }},
	{"normal", func(r *rand.Rand, x []float32) {
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
	}},
	{"uniform", func(r *rand.Rand, x []float32) {
		for i := range x {
			x[i] = float32(2*r.Float64() - 1)
		}
	}},
	{"all positive", func(r *rand.Rand, x []float32) {
		for i := range x {
			x[i] = float32(0.5 + 1.5*r.Float64())
		}
	}},
	{"sparse outliers", func(r *rand.Rand, x []float32) {
		for i := range x {
			x[i] = float32(0.01 * r.NormFloat64())
			if r.IntN(100) == 0 {
				x[i] = float32(50 * (2*r.Float64() - 1))
			}
		}
	}},
	{"huge range", func(r *rand.Rand, x []float32) {
		for i := range x {
			v := math.Exp(-20 + 30*r.Float64())
			if r.IntN(2) == 0 {
				v = -v
			}
			x[i] = float32(v)
		}
	}},
	{"tiny", func(r *rand.Rand, x []float32) {
		for i := range x {
			x[i] = float32(1e-6 * r.NormFloat64())
		}
	}},
	{"weights-like", func(r *rand.Rand, x []float32) {
		// N(0, 1/fan_in) rows as the golden models use, fan_in 64.
		for i := range x {
			x[i] = float32(r.NormFloat64() / 8)
		}
	}},
}

func fill(x []float32, v float32) {
	for i := range x {
		x[i] = v
	}
}

func newTestRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }
