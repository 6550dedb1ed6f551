package model

import (
	"bytes"
	"math"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/synth"

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

// Decoding through the experts (and gpt-oss's sinks) allocates nothing
// once the session is warm.
func TestMoEDecodeNoAllocs(t *testing.T) {
	for _, name := range []string{"qwen3moe", "llama-moe", "gpt-oss"} {
		t.Run(name, func(t *testing.T) {
			m := openGoldenModel(t, "models/arch/"+name+".gguf")
			s := newTestSession(t, m, SessionOptions{Ctx: 256, Threads: 2, KV: lc.F16})
			for i := range 80 {
				_, err := s.Decode(int32(1 + i))
				require.NoError(t, err)
			}
			tok := int32(100)
			allocs := testing.AllocsPerRun(50, func() {
				if _, err := s.Decode(tok); err != nil {
					t.Fatal(err)
				}
				tok = (tok*31 + 7) % 512
			})
			assert.Zero(t, allocs)
		})
	}
}

// The time estimate counts the router and the k chosen experts, not all
// of them: qwen3moe's golden model (dim 32, 8 experts of width 32, 2
// used) costs what a dense FFN of width 64 plus its router would.
func TestMoECostCountsActive(t *testing.T) {
	moe := openGoldenModel(t, "models/arch/qwen3moe.gguf")
	hp := moe.arch.(*llama).hp
	require.Equal(t, 8, hp.moe.experts)
	dim, ff := float64(hp.dim), float64(hp.ff)
	qDim, kvDim := float64(hp.heads*hp.headDim), float64(hp.kvHeads*hp.headDim)
	perLayer := 2*dim*qDim + 2*dim*kvDim + 2*3*dim*ff + dim*8
	want := 2 * (float64(hp.layers)*perLayer + float64(hp.vocab)*dim)
	assert.InDelta(t, want, moe.Cost().Dense, 1e-6)
}

// Quantised experts (synth's Q4_K and Q8_0 stacks) give the same logits
// whether a batch is grouped by expert or each token runs its own k
// experts, on the pool and serially.
func TestMoEQuantisedBatchMatchesDecode(t *testing.T) {
	shape := synth.LlamaShape{Arch: "qwen3moe", Embd: 256, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 32, FF: 256, Vocab: 400, Ctx: 512, Experts: 8, ExpertsUsed: 3}
	for _, wt := range []lc.DType{lc.Q8_0, lc.Q4_K} {
		t.Run(wt.String(), func(t *testing.T) {
			var buf bytes.Buffer
			_, err := synth.Spec{Name: "moe", WType: wt, Seed: 3, Llama: &shape}.WriteTo(&buf)
			require.NoError(t, err)
			m, err := OpenBytes(buf.Bytes(), "moe")
			require.NoError(t, err)
			defer m.Close()
			tokens := make([]int32, 40)
			for i := range tokens {
				tokens[i] = int32(3 + (i*37)%390)
			}
			batched := evalAll(t, newTestSession(t, m, SessionOptions{Ctx: 64, Batch: 16, Threads: 2}), tokens)
			s := newTestSession(t, m, SessionOptions{Ctx: 64, Threads: 1})
			for i, tok := range tokens {
				logits, err := s.Decode(tok)
				require.NoError(t, err)
				for j, v := range logits {
					require.InDelta(t, batched[i*400+j], v, 2e-3, "token %d logit %d", i, j)
				}
			}
		})
	}
}
