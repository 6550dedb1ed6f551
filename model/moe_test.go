package model

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// route picks the k largest logits, largest first, and weights them by a
// softmax over the chosen ones (normW) or over all experts.
func TestRoute(t *testing.T) {
	logits := []float32{0.5, 2, -1, 2, 1.5, 0}
	for _, c := range []struct {
		name   string
		normW  bool
		choice []float32
		weight func(all []float64) []float64
	}{
		{"renormalised", true, []float32{1, 3}, func(all []float64) []float64 { return []float64{0.5, 0.5} }},
		{"softmax over all", false, []float32{1, 3}, func(all []float64) []float64 { return []float64{all[1], all[3]} }},
	} {
		t.Run(c.name, func(t *testing.T) {
			lg := append([]float32(nil), logits...)
			choice, weight := make([]float32, 2), make([]float32, 2)
			route(lg, choice, weight, len(lg), 2, c.normW)
			require.Equal(t, c.choice, choice)
			var sum float64
			all := make([]float64, len(logits))
			for i, v := range logits {
				all[i] = math.Exp(float64(v))
				sum += all[i]
			}
			for i := range all {
				all[i] /= sum
			}
			for j, w := range c.weight(all) {
				assert.InDelta(t, w, weight[j], 1e-6)
			}
		})
	}
	// Two tokens of three experts, top 1.
	lg := []float32{1, 3, 2, 9, -1, 4}
	choice, weight := make([]float32, 2), make([]float32, 2)
	route(lg, choice, weight, 3, 1, true)
	assert.Equal(t, []float32{1, 0}, choice)
	assert.Equal(t, []float32{1, 1}, weight)
}

// swigluOAI clamps the gate above and the up value both ways at 7.
func TestSwigluOAI(t *testing.T) {
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-1.702*x)) }
	for _, c := range []struct{ g, u, want float64 }{
		{1, 2, 1 * sig(1) * 3},
		{-2, -0.5, -2 * sig(-2) * 0.5},
		{10, 10, 7 * sig(7) * 8},
		{-10, -10, -10 * sig(-10) * -6},
	} {
		g, u := []float32{float32(c.g)}, []float32{float32(c.u)}
		swigluOAI(g, u)
		assert.InDelta(t, c.want, g[0], 1e-5, "g %v u %v", c.g, c.u)
	}
}
