package evals

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func seqTokens(n, vocab int) []int32 {
	t := make([]int32, n)
	for i := range t {
		t[i] = int32((i*7 + i*i/3) % vocab)
	}
	return t
}

func TestNLLAndRank(t *testing.T) {
	cases := [][]float32{
		{0, 0, 0, 0},
		{1, 2, 3, 4},
		{-100, 50, 49.5, 0},
		{3.25, -1e30, 7, 7},
	}
	for _, logits := range cases {
		for tok := range logits {
			// float32 exp terms summed in float64 differ from float64
			// throughout by about 1e-7 relative.
			assert.InDelta(t, nllRef(logits, int32(tok)), NLL(logits, int32(tok)), 1e-6, "%v %d", logits, tok)
		}
	}
	assert.InDelta(t, math.Log(4), NLL(cases[0], 2), 1e-7)
	assert.Equal(t, 1, Rank(cases[1], 3))
	assert.Equal(t, 4, Rank(cases[1], 0))
	assert.Equal(t, 1, Rank(cases[3], 2), "ties share the better rank")
	assert.Equal(t, 1, Rank(cases[3], 3))
	assert.Equal(t, 3, Rank(cases[3], 0))
}

// TestChunks checks the llama-perplexity protocol against a direct
// computation on the stand-in model: chunk boundaries, the BOS in place of
// each chunk's first token, positions restarting at 0, scored rows
// ctx/2..ctx-2, the running figures and the standard error.
func TestChunks(t *testing.T) {
	const vocab = 11
	cases := []struct {
		name              string
		n, ctx, batch     int
		bos               int32
		wantChunks, calls int
	}{
		{"three chunks one batch", 100, 32, 64, 1, 3, 3},
		{"leftover tokens unused", 95, 30, 256, 1, 3, 3},
		{"batches split the chunk", 64, 32, 8, 1, 2, 8},
		{"no bos", 64, 16, 0, -1, 4, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			toks := seqTokens(c.n, vocab)
			lm := &posLM{vocab: vocab}
			var prog []int
			res, err := Chunks(lm, toks, c.ctx, c.bos, c.batch, func(done, total int) {
				require.Equal(t, c.wantChunks*c.ctx, total)
				prog = append(prog, done)
			})
			require.NoError(t, err)
			require.Equal(t, c.wantChunks, res.Chunks)
			first := c.ctx / 2
			var sum, sum2 float64
			var running []float64
			count := 0
			logits := make([]float32, vocab)
			for ch := 0; ch < c.wantChunks; ch++ {
				chunk := append([]int32(nil), toks[ch*c.ctx:(ch+1)*c.ctx]...)
				if c.bos >= 0 {
					chunk[0] = c.bos
				}
				for i := first; i <= c.ctx-2; i++ {
					posLogits(logits, chunk[i], i)
					v := nllRef(logits, chunk[i+1])
					sum += v
					sum2 += v * v
					count++
				}
				running = append(running, math.Exp(sum/float64(count)))
			}
			assert.Equal(t, c.wantChunks*(c.ctx-1-first), res.Scored)
			assert.Equal(t, count, res.Scored)
			assert.InDelta(t, math.Exp(sum/float64(count)), res.PPL, 1e-6*res.PPL)
			assert.InDeltaSlice(t, running, res.Running, 1e-6*res.PPL)
			mean := sum / float64(count)
			assert.InDelta(t, math.Sqrt((sum2/float64(count)-mean*mean)/float64(count-1))*res.PPL, res.StdErr, 1e-6)
			if c.batch == 0 || c.batch >= c.ctx {
				require.Len(t, lm.calls, c.calls)
				for _, call := range lm.calls {
					assert.Equal(t, 0, call.pos0, "each chunk starts from an empty state")
					assert.Equal(t, c.ctx-1, call.n, "the last token is only a target")
					assert.Equal(t, first, call.rows[0])
					assert.Len(t, call.rows, c.ctx-1-first)
				}
			} else {
				require.Len(t, lm.calls, c.calls)
				assert.Empty(t, lm.calls[0].rows, "rows before ctx/2 are not asked for")
			}
			assert.Equal(t, c.wantChunks*c.ctx, prog[len(prog)-1], "the last report is the total")
		})
	}
}

func TestChunksErrors(t *testing.T) {
	lm := &posLM{vocab: 5}
	_, err := Chunks(lm, seqTokens(60, 5), 32, 1, 0, nil)
	assert.ErrorContains(t, err, "fewer than the 64")
	_, err = Chunks(lm, seqTokens(60, 5), 2, 1, 0, nil)
	assert.ErrorContains(t, err, "too small")
	bad := seqTokens(64, 5)
	bad[40] = 9
	_, err = Chunks(lm, bad, 32, 1, 0, nil)
	assert.ErrorContains(t, err, "token 9 at index 40 is outside the vocabulary of 5")
	_, err = Chunks(&posLM{vocab: 5, fail: 2}, seqTokens(64, 5), 16, 1, 0, nil)
	assert.ErrorContains(t, err, "eval failed")
}

func TestByPosition(t *testing.T) {
	const vocab = 13
	cases := []struct {
		name                     string
		n, ctx, buckets, windows int
		batch                    int
	}{
		{"one window, 4 buckets", 64, 64, 4, 1, 0},
		{"two windows, uneven buckets", 150, 50, 7, 2, 16},
		{"one bucket", 20, 20, 1, 1, 3},
		{"most buckets", 10, 10, 5, 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			toks := seqTokens(c.n, vocab)
			lm := &posLM{vocab: vocab}
			res, err := ByPosition(lm, toks, c.ctx, c.buckets, c.windows, 1, c.batch, nil)
			require.NoError(t, err)
			sums := make([]float64, c.buckets)
			counts := make([]int, c.buckets)
			total := 0.0
			logits := make([]float32, vocab)
			for w := 0; w < c.windows; w++ {
				win := append([]int32(nil), toks[w*c.ctx:(w+1)*c.ctx]...)
				win[0] = 1
				for p := 1; p < c.ctx; p++ {
					posLogits(logits, win[p-1], p-1)
					v := nllRef(logits, win[p])
					var b int
					for b = range res.Buckets {
						if p >= res.Buckets[b].Start && p < res.Buckets[b].End {
							break
						}
					}
					sums[b] += v
					counts[b]++
					total += v
				}
			}
			require.Len(t, res.Buckets, c.buckets)
			assert.Equal(t, 0, res.Buckets[0].Start)
			assert.Equal(t, c.ctx, res.Buckets[c.buckets-1].End)
			for b, bk := range res.Buckets {
				if b > 0 {
					assert.Equal(t, res.Buckets[b-1].End, bk.Start, "buckets tile the window")
				}
				assert.Equal(t, counts[b], bk.Scored, "bucket %d", b)
				assert.Greater(t, bk.Scored, 0)
				assert.InDelta(t, math.Exp(sums[b]/float64(counts[b])), bk.PPL, 1e-6*bk.PPL, "bucket %d", b)
			}
			assert.Equal(t, c.windows*(c.ctx-1), res.Scored)
			assert.InDelta(t, math.Exp(total/float64(res.Scored)), res.PPL, 1e-6*res.PPL)
		})
	}
}

func TestByPositionErrors(t *testing.T) {
	lm := &posLM{vocab: 5}
	toks := seqTokens(64, 5)
	for name, c := range map[string]struct{ ctx, buckets, windows int }{
		"ctx 1":          {1, 1, 1},
		"zero buckets":   {32, 0, 1},
		"too many":       {32, 17, 1},
		"zero windows":   {32, 4, 0},
		"text too short": {64, 4, 2},
	} {
		_, err := ByPosition(lm, toks, c.ctx, c.buckets, c.windows, 1, 0, nil)
		assert.Error(t, err, name)
	}
}
