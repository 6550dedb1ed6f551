package evals

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSentences(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"One. Two!  Three?\n\nFour", []string{"One.", "Two!", "Three?", "Four"}},
		{`"Look!" she said. He ran.`, []string{`"Look!" she said.`, "He ran."}},
		{`He said, "Go home." Then he left.`, []string{`He said, "Go home."`, "Then he left."}},
		{"It cost 3.50 dollars. 2 cats came.", []string{"It cost 3.50 dollars.", "2 cats came."}},
		{"Mr. Smith went home.", []string{"Mr.", "Smith went home."}},
		{"", nil},
		{"  \n ", nil},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Sentences(c.in), "%q", c.in)
	}
	s := Sentences(DefaultHaystack)
	assert.Greater(t, len(s), 100, "the default haystack has many sentences")
	lower := strings.ToLower(DefaultHaystack)
	assert.NotContains(t, lower, strings.ToLower(DefaultNeedle.Answer), "the haystack must not give the answer away")
}

// TestNIAHLengthsAndDepths checks the prompts: each fits its length, the
// needle lands near the asked depth at a sentence boundary, and the answer
// follows the question.
func TestNIAHLengthsAndDepths(t *testing.T) {
	tok := storiesTokenizer(t)
	lm := &inductionLM{vocab: tok.VocabSize()}
	depths := []int{0, 10, 25, 50, 75, 90, 100}
	lengths := []int{64, 256, 1000, 5000} // 5000 tokens cycles the haystack
	res, err := RunNIAH(lm, tok, NIAHOptions{Lengths: lengths, Depths: depths, Haystack: DefaultHaystack, Needle: DefaultNeedle, Scorer: ScoreLogProb})
	require.NoError(t, err)
	require.Len(t, res.Cells, len(lengths)*len(depths))
	require.Len(t, res.NoNeedle, len(lengths))
	longest := 0
	for _, s := range Sentences(DefaultHaystack) {
		longest = max(longest, len(tok.Encode(s, false, false)))
	}
	fixed := len(tok.Encode(DefaultNeedle.Text+"\n\n"+DefaultNeedle.Question, true, false))
	for i, length := range lengths {
		for j, depth := range depths {
			c := res.Cell(i, j)
			assert.Equal(t, length, c.Length)
			assert.Equal(t, depth, c.Depth)
			assert.LessOrEqual(t, c.Tokens, length+2, "prompt fits its length (a token of slack: the needle moves)")
			assert.Greater(t, c.Tokens, length*8/10, "and fills most of it")
			// The needle goes to the nearest sentence boundary: within half
			// the longest sentence of the asked depth (plus a token of
			// rounding), which at 64 tokens is many percent.
			hay := float64(c.Tokens - fixed)
			slack := 100 * (float64(longest)/2 + 1) / hay
			assert.InDelta(t, float64(depth), c.ActualDepth, slack, "length %d depth %d", length, depth)
			require.NotNil(t, c.LogProb)
			assert.Greater(t, *c.LogProb, -0.2, "the copying model retrieves the needle anywhere (p = e^8/(e^8+511))")
			assert.Equal(t, 1, c.Ranks[0])
			assert.Nil(t, c.Found)
		}
		nn := res.NoNeedle[i]
		assert.Equal(t, -1, nn.Depth)
		assert.Equal(t, -1, nn.NeedleToken)
		assert.Less(t, *nn.LogProb, -3.0, "without the needle the answer is a guess")
	}
	c := res.Cell(0, 0)
	assert.Equal(t, 1, c.NeedleToken, "depth 0: right after BOS")
	assert.Len(t, c.Ranks, len(tok.Encode(DefaultNeedle.Answer, false, false)))
}

func TestNIAHGen(t *testing.T) {
	tok := storiesTokenizer(t)
	lm := &inductionLM{vocab: tok.VocabSize()}
	res, err := RunNIAH(lm, tok, NIAHOptions{Lengths: []int{200}, Depths: []int{0, 50, 100}, Haystack: DefaultHaystack,
		Needle: DefaultNeedle, Scorer: ScoreGen, MaxNew: 6})
	require.NoError(t, err)
	for _, c := range res.Cells {
		require.NotNil(t, c.Found)
		assert.True(t, *c.Found, "output %q", *c.Output)
		assert.Contains(t, *c.Output, DefaultNeedle.Answer)
		assert.Equal(t, 1.0, c.Score())
		assert.Nil(t, c.LogProb)
	}
	assert.False(t, *res.NoNeedle[0].Found)
	assert.Equal(t, 0.0, res.NoNeedle[0].Score())
}

func TestNIAHErrors(t *testing.T) {
	tok := storiesTokenizer(t)
	lm := &inductionLM{vocab: tok.VocabSize()}
	base := NIAHOptions{Lengths: []int{128}, Depths: []int{50}, Haystack: DefaultHaystack, Needle: DefaultNeedle}
	cases := map[string]func(o *NIAHOptions){
		"no lengths":       func(o *NIAHOptions) { o.Lengths = nil },
		"depth over 100":   func(o *NIAHOptions) { o.Depths = []int{101} },
		"empty needle":     func(o *NIAHOptions) { o.Needle.Text = " " },
		"empty answer":     func(o *NIAHOptions) { o.Needle.Answer = "" },
		"empty haystack":   func(o *NIAHOptions) { o.Haystack = "\n" },
		"length too short": func(o *NIAHOptions) { o.Lengths = []int{10} },
		"bad scorer":       func(o *NIAHOptions) { o.Scorer = "vibes" },
	}
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			o := base
			mod(&o)
			_, err := RunNIAH(lm, tok, o)
			assert.Error(t, err)
		})
	}
	_, err := ParseScorer("gen")
	assert.NoError(t, err)
}
