// Package evals holds the measurements of lcrun ppl and lcrun niah:
// perplexity by token position and llama.cpp's llama-perplexity protocol,
// and the needle-in-a-haystack test (Kamradt 2023) with a generation and a
// log-probability scorer. It works on any LM (a model session seen through
// a small interface), so the CLI decides the model, RoPE scaling and
// attention policy, and tests can use small stand-ins.
package evals

import (
	"fmt"
	"math"
)

// LM is one sequence's state of a language model.
type LM interface {
	// Reset empties the state: the next Eval starts at position 0.
	Reset()
	// Eval appends tokens at the next positions and writes the logits of
	// rows (ascending indices into tokens) to out[i*V:(i+1)*V], V =
	// VocabSize(). len(out) >= len(rows)*V.
	Eval(tokens []int32, rows []int, out []float32) error
	VocabSize() int
}

// Progress is told how much of a measurement is done (tokens evaluated
// so far and in all); nil is allowed.
type Progress func(done, total int)

func (p Progress) report(done, total int) {
	if p != nil {
		p(done, total)
	}
}

// defaultBatch is how many tokens one Eval call gets at most: it bounds
// the logits buffer (rows x vocabulary) whatever the window.
const defaultBatch = 256

// scoreSpan evaluates tokens[0:n] from an empty state in batches of at
// most batch tokens and calls fn(i, logits) for every row i >= from in
// order (the logits predict token i+1).
func scoreSpan(lm LM, tokens []int32, from, batch int, done func(int), fn func(i int, logits []float32) error) error {
	if batch <= 0 {
		batch = defaultBatch
	}
	v := lm.VocabSize()
	if v <= 0 {
		return fmt.Errorf("evals: model reports %d logits per token", v)
	}
	lm.Reset()
	out := make([]float32, min(batch, len(tokens))*v)
	rows := make([]int, 0, batch)
	for s := 0; s < len(tokens); s += batch {
		e := min(s+batch, len(tokens))
		rows = rows[:0]
		for i := max(s, from); i < e; i++ {
			rows = append(rows, i-s)
		}
		if err := lm.Eval(tokens[s:e], rows, out); err != nil {
			return err
		}
		for k, r := range rows {
			if err := fn(s+r, out[k*v:(k+1)*v]); err != nil {
				return err
			}
		}
		if done != nil {
			done(e)
		}
	}
	return nil
}

// NLL is -log p(tok) under logits, computed as llama-perplexity does:
// max in float32, sum of expf(logit - max) in float64, then
// -(logit[tok] - max - log(sum)).
func NLL(logits []float32, tok int32) float64 {
	m := logits[0]
	for _, x := range logits[1:] {
		m = max(m, x)
	}
	sum := 0.0
	for _, x := range logits {
		sum += float64(float32(math.Exp(float64(x - m))))
	}
	return -(float64(logits[tok]-m) - math.Log(sum))
}

// Rank is 1 + the number of tokens with a higher logit than tok (1 =
// greedy decoding would pick it, barring ties).
func Rank(logits []float32, tok int32) int {
	r := 1
	for _, x := range logits {
		if x > logits[tok] {
			r++
		}
	}
	return r
}

// checkTokens rejects ids the model has no logits for.
func checkTokens(tokens []int32, vocab int) error {
	for i, t := range tokens {
		if t < 0 || int(t) >= vocab {
			return fmt.Errorf("evals: token %d at index %d is outside the vocabulary of %d", t, i, vocab)
		}
	}
	return nil
}
