package evals

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Needle is the fact hidden in the haystack and how it is asked for.
type Needle struct {
	Text string `json:"needle"` // the sentence inserted into the haystack
	// Question follows the haystack; it ends where the answer begins, so
	// that a model that does not follow instructions can still complete it.
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// DefaultNeedle suits the default haystack: a fact in the same simple
// register whose answer is a made-up name, so only the needle can give it
// (no prior from the stories), and a question that ends where the answer
// starts, so that small story models, which complete text rather than
// answer questions, can still show retrieval.
var DefaultNeedle = Needle{
	Text:     "The little cat was called Zuzu.",
	Question: "What was the little cat called? The little cat was called",
	Answer:   "Zuzu",
}

// Tokenizer is what the test needs of a model's tokenizer.
type Tokenizer interface {
	Encode(text string, addSpecial, parseSpecial bool) []int32
	Decode(ids []int32) string
	IsEOG(id int32) bool
}

// Scorer names how a cell is scored.
type Scorer string

const (
	// ScoreGen decodes greedily after the question; the cell scores 1 if
	// the output contains the answer (case-insensitive), else 0.
	ScoreGen Scorer = "gen"
	// ScoreLogProb teacher-forces the answer after the question and
	// scores the mean log-probability of its tokens (nats; 0 is certain),
	// with the rank of each: small models rarely answer verbatim, but
	// their probabilities still show where retrieval fails.
	ScoreLogProb Scorer = "logprob"
)

// ParseScorer reads a --scorer value.
func ParseScorer(s string) (Scorer, error) {
	switch Scorer(s) {
	case ScoreGen, ScoreLogProb:
		return Scorer(s), nil
	}
	return "", fmt.Errorf("unknown scorer %q (want gen or logprob)", s)
}

// NIAHOptions configure a needle-in-a-haystack run.
type NIAHOptions struct {
	Lengths  []int // prompt lengths in tokens (BOS, haystack, needle and question)
	Depths   []int // needle depths in percent of the haystack, 0..100
	Haystack string
	Needle   Needle
	Scorer   Scorer
	// MaxNew bounds the generated tokens (gen scorer); 0 = the answer's
	// token count + 16.
	MaxNew   int
	Batch    int
	Progress Progress
}

// NIAHResult holds every cell, length-major.
type NIAHResult struct {
	Needle  Needle `json:"needle"`
	Scorer  Scorer `json:"scorer"`
	Lengths []int  `json:"lengths"`
	Depths  []int  `json:"depths"`
	Cells   []Cell `json:"cells"`
	// NoNeedle is the same measurement per length without the needle:
	// how likely the answer is from the question alone.
	NoNeedle []Cell `json:"no_needle"`
}

// Cell is one (length, depth) measurement.
type Cell struct {
	Length      int      `json:"length"`       // requested prompt length
	Depth       int      `json:"depth"`        // requested depth, percent (-1 for no needle)
	Tokens      int      `json:"tokens"`       // actual prompt tokens
	NeedleToken int      `json:"needle_token"` // index of the needle's first token (-1 for no needle)
	ActualDepth float64  `json:"actual_depth"` // haystack tokens before the needle, percent of all haystack tokens
	LogProb     *float64 `json:"logprob"`      // logprob scorer: mean log-probability of the answer tokens
	Ranks       []int    `json:"ranks"`        // logprob scorer: rank of each answer token (1 = top)
	Found       *bool    `json:"found"`        // gen scorer: the output contains the answer
	Output      *string  `json:"output"`       // gen scorer: the generated text
}

// Score is the cell's value for a heat map: the mean log-probability, or
// 1/0 for found/not found.
func (c Cell) Score() float64 {
	switch {
	case c.LogProb != nil:
		return *c.LogProb
	case c.Found != nil && *c.Found:
		return 1
	case c.Found != nil:
		return 0
	}
	return math.NaN()
}

// Cell returns the cell at lengths[i], depths[j].
func (r *NIAHResult) Cell(i, j int) Cell { return r.Cells[i*len(r.Depths)+j] }

// RunNIAH builds every prompt and scores it. lm must hold the longest
// prompt plus the answer (or the generated tokens).
func RunNIAH(lm LM, tok Tokenizer, o NIAHOptions) (*NIAHResult, error) {
	if len(o.Lengths) == 0 || len(o.Depths) == 0 {
		return nil, errors.New("evals: no lengths or no depths to test")
	}
	for _, d := range o.Depths {
		if d < 0 || d > 100 {
			return nil, fmt.Errorf("evals: depth %d%% is outside 0..100", d)
		}
	}
	if strings.TrimSpace(o.Needle.Text) == "" || strings.TrimSpace(o.Needle.Answer) == "" {
		return nil, errors.New("evals: the needle and the answer must not be empty")
	}
	if o.Scorer == "" {
		o.Scorer = ScoreLogProb
	}
	if _, err := ParseScorer(string(o.Scorer)); err != nil {
		return nil, err
	}
	sents := Sentences(o.Haystack)
	if len(sents) == 0 {
		return nil, errors.New("evals: the haystack has no text")
	}
	res := &NIAHResult{Needle: o.Needle, Scorer: o.Scorer, Lengths: o.Lengths, Depths: o.Depths}
	hs := &haystack{tok: tok, sents: sents, needle: o.Needle}
	// Progress counts prompt tokens: each length is evaluated once per
	// depth and once without the needle.
	total, done := 0, 0
	for _, l := range o.Lengths {
		total += l * (len(o.Depths) + 1)
	}
	for _, length := range o.Lengths {
		n, err := hs.fit(length)
		if err != nil {
			return nil, err
		}
		for _, depth := range o.Depths {
			c, p, err := hs.build(length, n, depth)
			if err != nil {
				return nil, err
			}
			if err := score(lm, tok, p, &c, o); err != nil {
				return nil, err
			}
			res.Cells = append(res.Cells, c)
			done += length
			o.Progress.report(done, total)
		}
		c, p, err := hs.build(length, n, -1)
		if err != nil {
			return nil, err
		}
		if err := score(lm, tok, p, &c, o); err != nil {
			return nil, err
		}
		res.NoNeedle = append(res.NoNeedle, c)
		done += length
		o.Progress.report(done, total)
	}
	return res, nil
}

// haystack builds prompts from cycled sentences.
type haystack struct {
	tok    Tokenizer
	sents  []string
	needle Needle
	counts []int // token count of each sentence on its own (for placing the needle)
}

// prompt is one test input: the prompt's tokens and the answer's.
type prompt struct {
	tokens, answer []int32
}

func (h *haystack) sentence(i int) string { return h.sents[i%len(h.sents)] }

// text joins n haystack sentences with the needle before sentence k
// (k < 0: no needle), then the question.
func (h *haystack) text(n, k int) (context, full string) {
	var b strings.Builder
	for i := 0; i <= n; i++ {
		if i == k {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(h.needle.Text)
		}
		if i == n {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h.sentence(i))
	}
	context = b.String()
	return context, context + "\n\n" + h.needle.Question
}

// promptTokens is the length of the prompt with n sentences, needle first.
func (h *haystack) promptTokens(n int) int {
	_, full := h.text(n, 0)
	return len(h.tok.Encode(full, true, false))
}

// fit finds the most haystack sentences whose prompt (with the needle)
// has at most length tokens.
func (h *haystack) fit(length int) (int, error) {
	if need := h.promptTokens(0); need > length {
		return 0, fmt.Errorf("evals: length %d is too short: the needle and the question alone take %d tokens", length, need)
	}
	hi := 1
	for h.promptTokens(hi) <= length {
		hi *= 2
		if hi > 1<<24 {
			return 0, errors.New("evals: the haystack sentences have no tokens")
		}
	}
	lo := hi / 2 // fits; hi does not
	if hi == 1 {
		lo = 0
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if h.promptTokens(mid) <= length {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}

// build makes the prompt of n sentences with the needle at depth percent
// (-1: no needle) and the cell describing it.
func (h *haystack) build(length, n, depth int) (Cell, prompt, error) {
	k := -1
	if depth >= 0 {
		k = h.boundary(n, depth)
	}
	context, full := h.text(n, k)
	pt := h.tok.Encode(full, true, false)
	all := h.tok.Encode(full+" "+h.needle.Answer, true, false)
	lcp := 0
	for lcp < len(pt) && lcp < len(all) && pt[lcp] == all[lcp] {
		lcp++
	}
	if lcp == len(all) || lcp == 0 {
		return Cell{}, prompt{}, fmt.Errorf("evals: the answer %q adds no tokens after the question", h.needle.Answer)
	}
	c := Cell{Length: length, Depth: depth, Tokens: lcp, NeedleToken: -1}
	if k >= 0 {
		before, _ := h.text(k, -1)
		nb := len(h.tok.Encode("", true, false))
		c.NeedleToken = nb
		if k > 0 {
			c.NeedleToken = len(h.tok.Encode(before, true, false))
		}
		ctxTokens := len(h.tok.Encode(context, true, false))
		needleTokens := len(h.tok.Encode(h.needle.Text, false, false))
		if hay := ctxTokens - nb - needleTokens; hay > 0 {
			c.ActualDepth = 100 * float64(c.NeedleToken-nb) / float64(hay)
		}
	}
	return c, prompt{tokens: all[:lcp], answer: all[lcp:]}, nil
}

// boundary picks the sentence boundary (0..n) nearest to depth percent of
// the haystack's tokens.
func (h *haystack) boundary(n, depth int) int {
	for len(h.counts) < min(n, len(h.sents)) {
		h.counts = append(h.counts, len(h.tok.Encode(h.sents[len(h.counts)], false, false)))
	}
	offsets := make([]int, n+1)
	for i := 0; i < n; i++ {
		offsets[i+1] = offsets[i] + h.counts[i%len(h.sents)]
	}
	target := float64(depth) / 100 * float64(offsets[n])
	best := 0
	for i, off := range offsets {
		if math.Abs(float64(off)-target) < math.Abs(float64(offsets[best])-target) {
			best = i
		}
	}
	return best
}

// score runs the scorer on one prompt.
func score(lm LM, tok Tokenizer, p prompt, c *Cell, o NIAHOptions) error {
	switch o.Scorer {
	case ScoreLogProb:
		seq := append(append([]int32(nil), p.tokens...), p.answer[:len(p.answer)-1]...)
		sum := 0.0
		err := scoreSpan(lm, seq, len(p.tokens)-1, o.Batch, nil, func(i int, logits []float32) error {
			next := p.answer[i+1-len(p.tokens)]
			sum -= NLL(logits, next)
			c.Ranks = append(c.Ranks, Rank(logits, next))
			return nil
		})
		if err != nil {
			return err
		}
		lp := sum / float64(len(p.answer))
		c.LogProb = &lp
	case ScoreGen:
		maxNew := o.MaxNew
		if maxNew <= 0 {
			maxNew = len(p.answer) + 16
		}
		out, err := greedy(lm, tok, p.tokens, maxNew, o.Batch)
		if err != nil {
			return err
		}
		text := tok.Decode(out)
		found := strings.Contains(strings.ToLower(text), strings.ToLower(strings.TrimSpace(o.Needle.Answer)))
		c.Found, c.Output = &found, &text
	}
	return nil
}

// greedy evaluates the prompt and decodes up to maxNew tokens, stopping
// at an end-of-generation token.
func greedy(lm LM, tok Tokenizer, promptTokens []int32, maxNew, batch int) ([]int32, error) {
	v := lm.VocabSize()
	last := make([]float32, v)
	err := scoreSpan(lm, promptTokens, len(promptTokens)-1, batch, nil, func(_ int, logits []float32) error {
		copy(last, logits)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []int32
	for len(out) < maxNew {
		next := int32(0)
		for i, x := range last {
			if x > last[next] {
				next = int32(i)
			}
		}
		if tok.IsEOG(next) {
			break
		}
		out = append(out, next)
		if len(out) == maxNew {
			break
		}
		if err := lm.Eval([]int32{next}, []int{0}, last); err != nil {
			return nil, err
		}
	}
	return out, nil
}
