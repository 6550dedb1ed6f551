package evals

import (
	"fmt"
	"math"
)

// ChunksResult is llama-perplexity's figure for a text.
type ChunksResult struct {
	Ctx     int       `json:"ctx"`
	Chunks  int       `json:"chunks"`
	Scored  int       `json:"scored_tokens"`
	PPL     float64   `json:"ppl"`
	MeanNLL float64   `json:"mean_nll"`
	StdErr  float64   `json:"ppl_stderr"`
	Running []float64 `json:"running_ppl"` // after each chunk, as llama-perplexity prints them
}

// Chunks is llama.cpp's llama-perplexity protocol (perplexity() in
// tools/perplexity): tokens is the whole text as tokenised (with BOS when
// the vocabulary adds one); chunk i is tokens[i*ctx:(i+1)*ctx] with its
// first token replaced by bos (when bos >= 0), evaluated from an empty
// state at positions 0..ctx-1; the logits at positions ctx/2 .. ctx-2 are
// scored against the next token; ppl = exp(sum nll / count). There are
// len(tokens)/ctx chunks, and at least two are needed (as llama.cpp asks
// for 2*ctx tokens). The standard error is llama-perplexity's:
// sqrt(var(nll)/(count-1)) * ppl.
func Chunks(lm LM, tokens []int32, ctx int, bos int32, batch int, progress Progress) (*ChunksResult, error) {
	if ctx < 4 {
		return nil, fmt.Errorf("evals: context %d is too small for perplexity (need at least 4)", ctx)
	}
	n := len(tokens) / ctx
	if n < 2 {
		return nil, fmt.Errorf("evals: %d tokens are fewer than the %d (2 x context) the perplexity protocol needs", len(tokens), 2*ctx)
	}
	if err := checkTokens(tokens, lm.VocabSize()); err != nil {
		return nil, err
	}
	first := ctx / 2
	res := &ChunksResult{Ctx: ctx, Chunks: n}
	var sum, sum2 float64
	chunk := make([]int32, ctx)
	for c := 0; c < n; c++ {
		copy(chunk, tokens[c*ctx:(c+1)*ctx])
		if bos >= 0 {
			chunk[0] = bos
		}
		err := scoreSpan(lm, chunk[:ctx-1], first, batch, func(e int) { progress.report(c*ctx+e, n*ctx) },
			func(i int, logits []float32) error {
				v := NLL(logits, chunk[i+1])
				sum += v
				sum2 += v * v
				res.Scored++
				return nil
			})
		if err != nil {
			return nil, err
		}
		progress.report((c+1)*ctx, n*ctx)
		res.Running = append(res.Running, math.Exp(sum/float64(res.Scored)))
	}
	res.MeanNLL = sum / float64(res.Scored)
	res.PPL = math.Exp(res.MeanNLL)
	if v := sum2/float64(res.Scored) - res.MeanNLL*res.MeanNLL; v > 0 && res.Scored > 1 {
		res.StdErr = math.Sqrt(v/float64(res.Scored-1)) * res.PPL
	}
	return res, nil
}

// PositionResult is the perplexity of a window by token position.
type PositionResult struct {
	Ctx     int      `json:"ctx"`
	Windows int      `json:"windows"`
	Scored  int      `json:"scored_tokens"`
	PPL     float64  `json:"ppl"`
	MeanNLL float64  `json:"mean_nll"`
	Buckets []Bucket `json:"buckets"`
}

// Bucket is the perplexity of the tokens whose positions are in
// [Start, End) (position p's token is predicted by the logits of p-1).
type Bucket struct {
	Start   int     `json:"start"`
	End     int     `json:"end"`
	Scored  int     `json:"scored_tokens"`
	PPL     float64 `json:"ppl"`
	MeanNLL float64 `json:"mean_nll"`
}

// ByPosition scores every token of windows consecutive windows of ctx
// tokens (window w = tokens[w*ctx:(w+1)*ctx], its first token replaced
// by bos when bos >= 0, evaluated from an empty state at positions
// 0..ctx-1) and aggregates the negative log-likelihoods into buckets of
// equal position ranges: how well the model predicts a token given the
// tokens before it, as a function of how far into its context it is.
func ByPosition(lm LM, tokens []int32, ctx, buckets, windows int, bos int32, batch int, progress Progress) (*PositionResult, error) {
	switch {
	case ctx < 2:
		return nil, fmt.Errorf("evals: context %d is too small (need at least 2 tokens)", ctx)
	case buckets < 1 || buckets > ctx/2:
		return nil, fmt.Errorf("evals: %d buckets for a context of %d (need 1..%d: two positions per bucket)", buckets, ctx, ctx/2)
	case windows < 1:
		return nil, fmt.Errorf("evals: %d windows (need at least 1)", windows)
	case len(tokens) < windows*ctx:
		return nil, fmt.Errorf("evals: the text has %d tokens, fewer than the %d of %d window(s) of %d", len(tokens), windows*ctx, windows, ctx)
	}
	if err := checkTokens(tokens[:windows*ctx], lm.VocabSize()); err != nil {
		return nil, err
	}
	res := &PositionResult{Ctx: ctx, Windows: windows, Buckets: make([]Bucket, buckets)}
	// Position p goes to bucket p*buckets/ctx, so bucket b holds
	// [ceil(b*ctx/buckets), ceil((b+1)*ctx/buckets)).
	for b := range res.Buckets {
		res.Buckets[b].Start = (b*ctx + buckets - 1) / buckets
		res.Buckets[b].End = ((b+1)*ctx + buckets - 1) / buckets
	}
	sums := make([]float64, buckets)
	var total float64
	win := make([]int32, ctx)
	for w := 0; w < windows; w++ {
		copy(win, tokens[w*ctx:(w+1)*ctx])
		if bos >= 0 {
			win[0] = bos
		}
		err := scoreSpan(lm, win[:ctx-1], 0, batch, func(e int) { progress.report(w*ctx+e, windows*ctx) },
			func(i int, logits []float32) error {
				v := NLL(logits, win[i+1])
				b := (i + 1) * buckets / ctx
				sums[b] += v
				res.Buckets[b].Scored++
				total += v
				res.Scored++
				return nil
			})
		if err != nil {
			return nil, err
		}
		progress.report((w+1)*ctx, windows*ctx)
	}
	for b := range res.Buckets {
		bk := &res.Buckets[b]
		if bk.Scored > 0 {
			bk.MeanNLL = sums[b] / float64(bk.Scored)
			bk.PPL = math.Exp(bk.MeanNLL)
		}
	}
	res.MeanNLL = total / float64(res.Scored)
	res.PPL = math.Exp(res.MeanNLL)
	return res, nil
}
