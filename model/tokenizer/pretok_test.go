package tokenizer

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pieces splits text with a pre-tokenizer's steps and returns the words.
func pieces(steps []splitStep, text string) []string {
	var s segmenter
	cpts, _ := decodeCodepoints(text, nil)
	ends := s.split(steps, cpts)
	var out []string
	start := 0
	for _, e := range ends {
		if e > start {
			out = append(out, string(cpts[start:e]))
		}
		start = e
	}
	return out
}

// TestPreTokenizerSplits pins the splits of the pre-tokenizers that no
// vocabulary in testdata exercises (llama3, qwen2), worked out by hand from
// their patterns.
func TestPreTokenizerSplits(t *testing.T) {
	for _, c := range []struct {
		pre  preTokenizer
		text string
		want []string
	}{
		{preLlama3, "Hello world", []string{"Hello", " world"}},
		{preLlama3, "12345 678", []string{"123", "45", " ", "678"}},
		{preLlama3, "I'm 'RE DON'T", []string{"I", "'m", " '", "RE", " DON", "'T"}},
		{preLlama3, "hello\n\nworld", []string{"hello", "\n\n", "world"}},
		{preLlama3, "a  b", []string{"a", " ", " b"}},
		{preLlama3, "x.\n\ny", []string{"x", ".\n\n", "y"}},
		{preLlama3, "  \n  z", []string{"  \n", " ", " z"}},
		{preLlama3, "$100", []string{"$", "100"}},
		{preLlama3, " 🙂x", []string{" 🙂", "x"}},
		{preLlama3, "\tword end ", []string{"\tword", " end", " "}},
		{preQwen2, "12345 678", []string{"1", "2", "3", "4", "5", " ", "6", "7", "8"}},
		{preQwen2, "I'm 'RE DON'T", []string{"I", "'m", " '", "RE", " DON", "'T"}},
		{preQwen2, "x.\n\ny  ", []string{"x", ".\n\n", "y", "  "}},
		{preGPT2, "Hello  world's 42!!\n\n", []string{"Hello", " ", " world", "'s", " 42", "!!", "\n\n"}},
		{preGPT2, "I'M", []string{"I", "'", "M"}},
		{preStarcoder, "x=123", []string{"x", "=", "1", "2", "3"}},
		// The digit steps run after GPT-2's split and cut " 1234" again.
		{preFalcon, "a+b 1234", []string{"a", "+", "b", " ", "123", "4"}},
		{preDefault, "a+b 1234", []string{"a", "+", "b", " ", "123", "4"}},
		{preDeepseekLLM, "Hi 你好 123\n", []string{"Hi", " ", "你好", " ", "123", "\n"}},
		{preDeepseekCoder, "Hi 你好 123\n", []string{"Hi", " ", "你好", " ", "1", "2", "3", "\n"}},
	} {
		assert.Equal(t, c.want, pieces(c.pre.steps(), c.text), "%d %q", c.pre, c.text)
	}
}

// randomText draws codepoints from a mix of every class the splitters care
// about: ASCII, letters and digits from other scripts, marks, symbols,
// non-ASCII whitespace, format and private-use characters, unassigned ones.
func randomText(rng *rand.Rand, n int, alphabet []rune) string {
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[rng.IntN(len(alphabet))])
	}
	return b.String()
}

var mixedAlphabet = []rune("aZ09 '\t\n\r\v.,!$+<=>^~|`-_\"(sStTrReEvVmMlLdD" +
	"éΩж中한ا١½Ⅻ\u0301\u0903€🙂©、。«»！（）\u00a0\u3000\u2028\u0085\u200b\ue000\u0378ꙀＡ")

// TestQwen2MatchesLlama3: the qwen2 pattern is llama3's with single digits;
// without digits llama.cpp's hand-written llama3 scanner and a regex
// engine running the qwen2 pattern must agree.
func TestQwen2MatchesLlama3(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var alphabet []rune
	for _, r := range mixedAlphabet {
		if !flagsOf(r).number() {
			alphabet = append(alphabet, r)
		}
	}
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		text := randomText(rng, rng.IntN(30), alphabet)
		require.Equal(t, pieces(preLlama3.steps(), text), pieces(preQwen2.steps(), text), "%q", text)
	}
}

// llama.cpp runs the other patterns through std::regex: on a "collapsed"
// text (every codepoint >= 128 replaced by one byte for its class, \p{X}
// rewritten to match that byte) when the pattern uses \p{...}, else on the
// codepoints with non-ASCII whitespace replaced by '\v'. The oracle below
// does the same with Go's regexp (leftmost-first, as a backtracking engine
// for these patterns) and checks the hand-written matchers against it.
const (
	oL = `A-Za-z\x{E0D2}`
	oN = `0-9\x{E0D1}`
	oP = `!-#%-*,-/:-;?-@\[-\]_\{\}\x{E0D3}`
	oS = `[\t\n\v\f\r ]`
)

func collapse(cpts []rune) []rune {
	out := make([]rune, len(cpts))
	for i, c := range cpts {
		f := flagsOf(c)
		switch {
		case c < 128:
			out[i] = c
		case f.space():
			out[i] = '\v'
		case f.number():
			out[i] = 0xE0D1
		case f.letter():
			out[i] = 0xE0D2
		case f.punct():
			out[i] = 0xE0D3
		case f&flagMark != 0:
			out[i] = 0xE0D4
		case f&flagSymbol != 0:
			out[i] = 0xE0D5
		default:
			out[i] = 0xE0D0
		}
	}
	return out
}

func spaceToVT(cpts []rune) []rune {
	out := make([]rune, len(cpts))
	for i, c := range cpts {
		out[i] = c
		if c > 0x7F && flagsOf(c).space() {
			out[i] = '\v'
		}
	}
	return out
}

// oracleSplit splits text into regexp matches and the runs between them.
func oracleSplit(re *regexp.Regexp, collapsed bool, text string) []string {
	cpts, _ := decodeCodepoints(text, nil)
	var view []rune
	if collapsed {
		view = collapse(cpts)
	} else {
		view = spaceToVT(cpts)
	}
	s := string(view)
	// byte offset in s -> codepoint index
	idx := make(map[int]int, len(view)+1)
	off := 0
	for i, r := range view {
		idx[off] = i
		off += len(string(r))
	}
	idx[off] = len(view)
	var out []string
	gap := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		a, b := idx[m[0]], idx[m[1]]
		if a > gap {
			out = append(out, string(cpts[gap:a]))
		}
		out = append(out, string(cpts[a:b]))
		gap = b
	}
	if gap < len(cpts) {
		out = append(out, string(cpts[gap:]))
	}
	return out
}

func TestRegexStepsMatchOracle(t *testing.T) {
	for _, c := range []struct {
		name      string
		step      splitStep
		pattern   string
		collapsed bool
	}{
		{"newline", matching(matchNewline), `[\r\n]`, false},
		{"number", matching(matchNumber), `[` + oN + `]`, true},
		{"number run", matching(matchNumberRun), `[` + oN + `]+`, true},
		{"digit triple", matching(matchDigitTriple), `[0-9][0-9][0-9]`, false},
		{"space letters", matching(matchSpaceLetters), oS + `?[` + oL + `]+`, true},
		{"space punct", matching(matchSpacePunct), oS + `?[` + oP + `]+`, true},
		{"default punct", matching(matchDefaultPunct), `[` + oP + `\$\+<=>\^~\|]+`, true},
		{"falcon punct", matching(matchFalconPunct), `[` + oP + "\\$\\+<=>\\^~\\|`]+", true},
		{"trailing space", splitTrailingSpace, `[\t\n\v\f\r ]+$`, false},
		{"cjk", matching(matchCJK), `[一-龥ࠀ-一가-퟿]+`, false},
		{"deepseek punct", matching(matchDeepseekPunct), oS + `?[!-/:-~！-／：-～‘-‟　-。]+`, false},
		{"deepseek letters", matching(matchDeepseekLetters), oS + `?[` + deepseekLetterClass() + `]+`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			re := regexp.MustCompile(c.pattern)
			rng := rand.New(rand.NewPCG(7, 8))
			alphabet := append([]rune("一龥가\u0800Ⅎ"), mixedAlphabet...)
			for range 2000 {
				text := randomText(rng, rng.IntN(24), alphabet)
				require.Equal(t, oracleSplit(re, c.collapsed, text), pieces([]splitStep{c.step}, text), "%q", text)
			}
		})
	}
}

// deepseekLetterClass writes the deepseek-llm letter ranges as a regexp
// class body.
func deepseekLetterClass() string {
	var b strings.Builder
	for _, r := range deepseekLetterRanges {
		b.WriteString(regexp.QuoteMeta(string(r[0])))
		if r[1] != r[0] {
			b.WriteString("-" + regexp.QuoteMeta(string(r[1])))
		}
	}
	return b.String()
}

func TestRangesSorted(t *testing.T) {
	for _, ranges := range [][][2]rune{cjkRanges, deepseekPunctRanges, deepseekLetterRanges, deepseek3CJKRanges, afmoeCJKRanges} {
		for i := range ranges {
			require.LessOrEqual(t, ranges[i][0], ranges[i][1])
			if i > 0 {
				require.LessOrEqual(t, ranges[i-1][0], ranges[i][0])
			}
		}
	}
}
