package model

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSamplerGreedy(t *testing.T) {
	logits := []float32{0.5, 2, -1, 1.95, 1.9}
	cases := []struct {
		name   string
		o      SamplerOptions
		recent []int32
		want   int32
	}{
		{"argmax", SamplerOptions{}, nil, 1},
		{"negative temperature", SamplerOptions{Temperature: -1}, nil, 1},
		{"penalty moves the max", SamplerOptions{RepeatPenalty: 1.1}, []int32{1, 3, 1}, 4},
		{"penalty window", SamplerOptions{RepeatPenalty: 1.1, RepeatLastN: 1}, []int32{1, 3}, 1},
		{"top-k 1 is greedy", SamplerOptions{Temperature: 5, TopK: 1}, nil, 1},
		{"tiny top-p is greedy", SamplerOptions{Temperature: 5, TopP: 1e-6}, nil, 1},
		{"min-p near 1 is greedy", SamplerOptions{Temperature: 5, MinP: 0.99}, nil, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewSampler(c.o)
			for range 20 {
				require.Equal(t, c.want, s.Sample(logits, c.recent))
			}
		})
	}
	assert.Equal(t, []float32{0.5, 2, -1, 1.95, 1.9}, logits, "logits untouched")
	assert.Equal(t, int32(1), argmax([]float32{1, 3, 3}), "first of a tie")
}

// The draw follows softmax(logits/T) restricted by the filters.
func TestSamplerDistribution(t *testing.T) {
	logits := []float32{1, 2, 3, 0, -2, 2.5}
	softmaxOf := func(keep []int, temp float64) map[int32]float64 {
		p, sum := map[int32]float64{}, 0.0
		for _, i := range keep {
			p[int32(i)] = math.Exp(float64(logits[i]) / temp)
			sum += p[int32(i)]
		}
		for k := range p {
			p[k] /= sum
		}
		return p
	}
	cases := []struct {
		name string
		o    SamplerOptions
		want map[int32]float64
	}{
		{"temperature 1", SamplerOptions{Temperature: 1}, softmaxOf([]int{0, 1, 2, 3, 4, 5}, 1)},
		{"temperature 0.5", SamplerOptions{Temperature: 0.5}, softmaxOf([]int{0, 1, 2, 3, 4, 5}, 0.5)},
		{"top-k 3", SamplerOptions{Temperature: 1, TopK: 3}, softmaxOf([]int{2, 5, 1}, 1)},
		// p(3)=0.39, p(2.5)=0.24, p(2)=0.14: 0.6 needs the first two and reaches 0.63.
		{"top-p 0.6", SamplerOptions{Temperature: 1, TopP: 0.6}, softmaxOf([]int{2, 5}, 1)},
		// min-p 0.3 keeps logits >= 3 + ln 0.3 = 1.80.
		{"min-p 0.3", SamplerOptions{Temperature: 2, MinP: 0.3}, softmaxOf([]int{2, 5, 1}, 2)},
	}
	const n = 40000
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.o.Seed = 7
			s := NewSampler(c.o)
			counts := map[int32]int{}
			for range n {
				counts[s.Sample(logits, nil)]++
			}
			for id, cnt := range counts {
				_, ok := c.want[id]
				require.True(t, ok, "token %d was filtered out", id)
				_ = cnt
			}
			for id, p := range c.want {
				// 5 standard deviations of a binomial count.
				sd := math.Sqrt(n * p * (1 - p))
				assert.InDelta(t, n*p, float64(counts[id]), 5*sd+1, "token %d", id)
			}
		})
	}
}

func TestSamplerSeeded(t *testing.T) {
	logits := make([]float32, 512)
	for i := range logits {
		logits[i] = float32(math.Sin(float64(i)))
	}
	draw := func(seed uint64) []int32 {
		s := NewSampler(SamplerOptions{Temperature: 0.9, TopK: 40, TopP: 0.95, MinP: 0.05, Seed: seed, RepeatPenalty: 1.1})
		var out []int32
		for range 50 {
			out = append(out, s.Sample(logits, out))
		}
		return out
	}
	assert.Equal(t, draw(1), draw(1))
	assert.NotEqual(t, draw(1), draw(2))
}

func TestTopKKeepsBest(t *testing.T) {
	s := NewSampler(SamplerOptions{TopK: 5})
	logits := make([]float32, 1000)
	for i := range logits {
		logits[i] = float32((i * 7919) % 1000) // a permutation of 0..999
	}
	top := s.topK(s.candidates(logits))
	require.Len(t, top, 5)
	for i, c := range top {
		assert.Equal(t, float32(999-i), c.logit)
		assert.Equal(t, logits[c.id], c.logit)
	}
}

func TestUTF8Stream(t *testing.T) {
	var u utf8Stream
	euro := []byte("€") // e2 82 ac
	assert.Equal(t, "a", u.add([]byte("a"), false))
	assert.Equal(t, "", u.add(euro[:1], false))
	assert.Equal(t, "", u.add(euro[1:2], false))
	assert.Equal(t, "€b", u.add(append(euro[2:3:3], 'b'), false))
	assert.Equal(t, "\xff", u.add([]byte{0xff}, false), "invalid bytes pass")
	assert.Equal(t, "x", u.add([]byte{'x', 0xf0, 0x9f}, false))
	assert.Equal(t, "\xf0\x9f", u.flush())
	assert.Equal(t, "\xe2", u.add(euro[:1], true), "last token flushes")
}

// TestSamplerCheck: NaN, infinite and negative settings, and a top-p or
// min-p past 1 (issue 17: --top-p 2 was taken silently), are errors, and a
// sampler made from them anyway is greedy instead of drawing from NaN
// probabilities.
func TestSamplerCheck(t *testing.T) {
	nan := float32(math.NaN())
	for _, o := range []SamplerOptions{
		{Temperature: nan}, {Temperature: float32(math.Inf(1))}, {Temperature: 0.8, TopP: nan},
		{Temperature: 0.8, MinP: nan}, {Temperature: 0.8, RepeatPenalty: nan}, {Temperature: 0.8, TopK: -1},
		{Temperature: -1}, {RepeatLastN: -2}, {Temperature: 0.8, TopP: 2}, {Temperature: 0.8, MinP: 1.5},
	} {
		require.Error(t, o.Check(), "%+v", o)
		logits := []float32{0.1, 3, 0.2, -1}
		for seed := range uint64(20) {
			o.Seed = seed
			assert.Equal(t, int32(1), NewSampler(o).Sample(logits, []int32{1, 1}), "%+v", o)
		}
	}
	assert.NoError(t, SamplerOptions{Temperature: 0.8, TopK: 40, TopP: 0.95, MinP: 0.05, RepeatPenalty: 1.1}.Check())
	assert.NoError(t, SamplerOptions{}.Check())
	assert.NoError(t, SamplerOptions{Temperature: 0.8, TopP: 1, MinP: 1}.Check())
}
