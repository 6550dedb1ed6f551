package evals

import (
	"errors"
	"math"
	"testing"

	"github.com/lcrun/lcrun/gguf"
	"github.com/lcrun/lcrun/model/tokenizer"
	"github.com/stretchr/testify/require"
)

// posLM is a stand-in model whose logits depend on the previous token and
// the absolute position, so a wrong position, a missing Reset or a wrong
// row shows up in the scores. It records every Eval call.
type posLM struct {
	vocab int
	hist  []int32
	calls []evalCall
	fail  int // Eval fails on this call number (1-based); 0 = never
}

type evalCall struct {
	pos0 int
	n    int
	rows []int
}

func (m *posLM) Reset()         { m.hist = m.hist[:0] }
func (m *posLM) VocabSize() int { return m.vocab }

func (m *posLM) Eval(tokens []int32, rows []int, out []float32) error {
	m.calls = append(m.calls, evalCall{len(m.hist), len(tokens), append([]int(nil), rows...)})
	if m.fail == len(m.calls) {
		return errors.New("eval failed")
	}
	pos0 := len(m.hist)
	m.hist = append(m.hist, tokens...)
	for i, r := range rows {
		posLogits(out[i*m.vocab:(i+1)*m.vocab], tokens[r], pos0+r)
	}
	return nil
}

// posLogits is the stand-in's distribution after token tok at position pos.
func posLogits(dst []float32, tok int32, pos int) {
	for j := range dst {
		dst[j] = float32(math.Sin(float64(tok)*0.37+float64(j)*1.3+float64(pos)*0.011)) * 3
	}
}

// nllRef is -log softmax in float64 throughout.
func nllRef(logits []float32, tok int32) float64 {
	m := math.Inf(-1)
	for _, x := range logits {
		m = math.Max(m, float64(x))
	}
	s := 0.0
	for _, x := range logits {
		s += math.Exp(float64(x) - m)
	}
	return -(float64(logits[tok]) - m - math.Log(s))
}

// inductionLM predicts by copying: after the longest recent suffix (up to
// 4 tokens) that occurred before, it favours the token that followed it.
// It retrieves a needle perfectly at any distance, and knows nothing
// without one: the behaviour a needle test must tell apart.
type inductionLM struct {
	vocab int
	hist  []int32
}

func (m *inductionLM) Reset()         { m.hist = m.hist[:0] }
func (m *inductionLM) VocabSize() int { return m.vocab }

func (m *inductionLM) Eval(tokens []int32, rows []int, out []float32) error {
	start := len(m.hist)
	m.hist = append(m.hist, tokens...)
	for i, r := range rows {
		dst := out[i*m.vocab : (i+1)*m.vocab]
		clear(dst)
		if next, ok := m.copyNext(m.hist[:start+r+1]); ok {
			dst[next] = 8
		}
	}
	return nil
}

func (m *inductionLM) copyNext(h []int32) (int32, bool) {
	for k := min(4, len(h)-1); k >= 2; k-- {
		suffix := h[len(h)-k:]
		for j := len(h) - k - 1; j >= 0; j-- {
			if j+k < len(h)-k+1 && equal(h[j:j+k], suffix) && j+k < len(h) {
				return h[j+k], true
			}
		}
	}
	return 0, false
}

func equal(a, b []int32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func storiesTokenizer(t testing.TB) *tokenizer.Tokenizer {
	t.Helper()
	f, err := gguf.Open("../../testdata/stories260K.gguf")
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	tok, err := tokenizer.FromGGUF(f)
	require.NoError(t, err)
	return tok
}
