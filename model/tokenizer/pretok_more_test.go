package tokenizer

import (
	"fmt"
	"github.com/stretchr/testify/require"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// TestMorePreTokenizerSplits pins the splits of the later pre-tokenizers on
// inputs that reach their corners (worked out from the patterns as
// llama.cpp runs them; the golden ids in testdata/golden/tokenize check the
// same on whole texts).
func TestMorePreTokenizerSplits(t *testing.T) {
	for _, c := range []struct {
		pre  preTokenizer
		text string
		want []string
	}{
		// gpt-4o: words split before a capital that starts a lower-case
		// tail, contractions stay on the word, digits in threes.
		{preGPT4o, "getValueFromJSON", []string{"get", "Value", "From", "JSON"}},
		{preGPT4o, "XMLHttpRequest", []string{"XMLHttp", "Request"}},
		{preGPT4o, "I'm DON'T they'LL 's", []string{"I'm", " DON'T", " they'LL", " '", "s"}},
		{preGPT4o, "1 12 123 1234 12345", []string{"1", " ", "12", " ", "123", " ", "123", "4", " ", "123", "45"}},
		{preGPT4o, "a  b\n\n c", []string{"a", " ", " b", "\n\n", " c"}},
		{preGPT4o, "x!\n\n/y", []string{"x", "!\n\n/", "y"}},
		{preGPT4o, "a//b", []string{"a", "//", "b"}},
		// Non-ASCII letters are upper and lower at once on the collapsed
		// text: "ÄBC" gives back to the last one that can end upper*lower+.
		{preGPT4o, "ÄBC Über ÉCOLE", []string{"Ä", "BC", " Über", " É", "COLE"}},
		{preGPT4o, "中文字 日本", []string{"中文字", " 日本"}},
		{preGPT4o, " 🙂x 🙂 ", []string{" 🙂", "x", " 🙂", " "}},
		{preGPT4o, "\t\tend  ", []string{"\t", "\tend", "  "}},
		{preGPT4o, "٣٤٥٦", []string{"٣٤٥", "٦"}},
		// tekken: the same words without contractions, single digits.
		{preTekken, "McDonaldIPhone's 2024", []string{"Mc", "Donald", "IPhone", "'s", " ", "2", "0", "2", "4"}},
		{preTekken, "DON'T ÄBC", []string{"DON", "'T", " Ä", "BC"}},
		{preTekken, "x)\n\n//", []string{"x", ")\n\n//"}},
		{preTekken, "  \n\t z", []string{"  \n", "\t", " z"}},
		// deepseek-v3: digits in threes first, kana and CJK runs, then ASCII
		// punctuation takes the letters after it; '~' is no symbol there.
		{preDeepseek3, "12345 カタカナ中文", []string{"123", "45", " ", "カタカナ中文"}},
		{preDeepseek3, "a.b (x) $5 ~~y", []string{"a", ".b", " (", "x", ")", " $", "5", " ", "~", "~y"}},
		{preDeepseek3, "e\u0301 \u0301x ~é", []string{"e\u0301", " \u0301x", " ", "~é"}},
		{preDeepseek3, "x!!\n\ny  ", []string{"x", "!!\n\n", "y", "  "}},
		// seed-coder: qwen2's pattern, but symbols leave the newlines.
		{preSeedCoder, "x.\n\ny 'RE", []string{"x", ".", "\n\n", "y", " '", "RE"}},
		{preSeedCoder, "a 12 'S", []string{"a", " ", "1", "2", " '", "S"}},
		{preSeedCoder, "f(x)\r\n\treturn", []string{"f", "(x", ")", "\r\n", "\treturn"}},
		// superbpe: words over spaces; numbers apart, ASCII digits cut
		// into thousands from the right.
		{preSuperBPE, "a b\n\nc 1234567 d", []string{"a b\n\nc ", "1", "234", "567", " d"}},
		{preSuperBPE, "x123456y12", []string{"x", "123", "456", "y", "12"}},
		{preSuperBPE, "²123 12²3456 ٣٤٥٦", []string{"²", "123", " ", "12²3", "456", " ", "٣٤٥٦"}},
		// bloom: words with a leading space; the rest, stops and
		// whitespace together, in between.
		{preBloom, "Hello, world! (a|b)\n\n.x", []string{"Hello", ",", " world", "! (", "a", "|", "b", ")\n\n.", "x"}},
		{preBloom, "  a\tb。中文，c", []string{" ", " a", "\t", "b", "。", "中文", "，", "c"}},
		// viking: bloom's words, then every digit alone.
		{preViking, "v1.25 ٣4", []string{"v", "1", ".", "2", "5", " ", "٣", "4"}},
		{preViking, "a (12)", []string{"a", " (", "1", "2", ")"}},
		// chameleon: its token spellings, tabs, newlines, space pairs,
		// digits and punctuation apart, then GPT-2's pattern.
		// The later steps still cut a sentinel's spelling.
		{preChameleon, "<sentinel:12>xIMGIMGABZy", []string{"<", "sentinel", ":", "1", "2", ">", "x", "IMGIMGABZ", "y"}},
		{preChameleon, "xIMGIMGABCDEZy", []string{"xIMGIMGABCDEZy"}},
		{preChameleon, "a     b\t\tc\n\nd", []string{"a", "    ", " b", "\t", "\t", "c", "\n", "\n", "d"}},
		{preChameleon, "it's 12.5%", []string{"it", "'", "s", " ", "1", "2", ".", "5", "%"}},
		// afmoe: digit groups of three from the right, the text before a
		// run glued to its first group until the later steps cut it;
		// Asian script runs; then deepseek-v3's pattern.
		{preAfmoe, "ab1234cd", []string{"ab", "1", "234", "cd"}},
		{preAfmoe, "~12 x", []string{"~12", " x"}},
		{preAfmoe, "ไทย 한국 12345", []string{"ไทย", " ", "한국", " ", "12", "345"}},
		// kimi-k2: Han runs apart, no case split, contractions on the word.
		{preKimiK2, "你好world 世界!", []string{"你好", "world", " ", "世界", "!"}},
		{preKimiK2, "I'm DON'T 's", []string{"I'm", " DON'T", " '", "s"}},
		{preKimiK2, "XMLHttpRequest 12345", []string{"XMLHttpRequest", " ", "123", "45"}},
		{preKimiK2, "(中) ひらがな", []string{"(", "中", ")", " ひらがな"}},
		{preKimiK2, "a.\n\n  b  ", []string{"a", ".\n\n", " ", " b", "  "}},
	} {
		assert.Equal(t, c.want, pieces(c.pre.steps(), c.text), "%d %q", c.pre, c.text)
	}
}

// cutTexts has every "X\n…\nY" a Stream may cut in, for printable ASCII X
// and Y and one to three newlines, between words, digits and symbols.
func cutTexts() string {
	var b []byte
	for x := byte('!'); x < 0x7F; x++ {
		for y := byte('!'); y < 0x7F; y++ {
			b = append(b, "ab"...)
			b = append(b, x)
			b = append(b, "\n\n\n"[:1+int(x+y)%3]...)
			b = append(b, y, 'c', '1', ' ')
		}
	}
	return string(b)
}

// TestGoldenVocabCuts: for every pre-tokenizer of the golden vocabularies,
// the text cut where Stream and Encode cut splits into the same words as in
// one uncut pass, so the cut rule (cutsBefore, lastNewlineAlone) holds.
func TestGoldenVocabCuts(t *testing.T) {
	paths := goldenVocabPaths(t)
	texts := streamTexts(t)
	texts["cuts"] = cutTexts()
	for _, path := range paths {
		tk := load(t, path)
		steps := tk.bpePre.steps()
		for textName, text := range texts {
			want := pieces(steps, text)
			var got []string
			for pos := 0; pos < len(text); {
				end, _, _, _ := nextSegment(tk, text[pos:], false, true, 0)
				got = append(got, pieces(steps, text[pos:pos+end])...)
				pos += end
			}
			require.Equal(t, want, got, "%s/%s", filepath.Base(path), textName)
		}
	}
}

// oracleAt runs an anchored regexp on the collapsed view from codepoint p
// and returns the end of its match, or -1.
func oracleAt(re *regexp.Regexp, view []rune, p int) int {
	s := string(view[p:])
	loc := re.FindStringIndex(s)
	if loc == nil || loc[1] == 0 {
		return -1
	}
	return p + utf8.RuneCountInString(s[:loc[1]])
}

// Class bodies of the collapsed text for the oracles (see collapse).
const (
	oSym   = "\\$\\+<=>\\^`\\|\\x{E0D5}" // \p{S}: llama.cpp's ASCII list has no '~'
	oMark  = `\x{E0D4}`
	oUpper = `A-Z\x{E0D2}` // (?=[\p{L}])[^a-z]
	oLower = `a-z\x{E0D2}` // (?=[\p{L}])[^A-Z]
	oSpace = `\t\n\v\f\r `
)

// TestMatchersMatchOracle checks the hand-written matchers position by
// position against Go's regexp (leftmost-first, the match a backtracking
// engine prefers) running the pattern on the collapsed text. Go's regexp
// has no lookahead, so the oracle patterns stop before \s+(?!\S)|\s+ and
// where they fail the matcher must give that tail's match (spaceRunEnd).
func TestMatchersMatchOracle(t *testing.T) {
	lead := `[^\r\n` + oL + oN + `]`
	other := `[^` + oSpace + oL + oN + `]`
	contr := `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])`
	caseWords := lead + `?[` + oUpper + `]*[` + oLower + `]+` + "%[1]s|" + lead + `?[` + oUpper + `]+[` + oLower + `]*%[1]s`
	for _, c := range []struct {
		name    string
		m       matcher
		pattern string
	}{
		{"gpt-4o", matchGPT4o, fmt.Sprintf(caseWords, contr+"?") + `|[` + oN + `]{1,3}| ?` + other + `+[\r\n/]*|[` + oSpace + `]*[\r\n]+`},
		{"tekken", matchTekken, fmt.Sprintf(caseWords, "") + `|[` + oN + `]| ?` + other + `+[\r\n/]*|[` + oSpace + `]*[\r\n]+`},
		{"seed-coder", matchSeedCoder, contr + `|` + lead + `?[` + oL + `]+|[` + oN + `]| ?` + other + `+|[` + oSpace + `]*[\r\n]+`},
		{"deepseek-v3", matchDeepseek3, `[!-/:-@\[-` + "`" + `{-~][A-Za-z]+|[^\r\n` + oL + oP + oSym + `]?[` + oL + oMark + `]+| ?[` + oP + oSym + `]+[\r\n]*|[` + oSpace + `]*[\r\n]+`},
	} {
		t.Run(c.name, func(t *testing.T) {
			re := regexp.MustCompile(`^(?:` + c.pattern + `)`)
			rng := rand.New(rand.NewPCG(9, 10))
			alphabet := append([]rune("ÄÉüßĲǅʰ中ぁア"), mixedAlphabet...)
			var s segmenter
			for range 3000 {
				cpts, _ := decodeCodepoints(randomText(rng, rng.IntN(24), alphabet), nil)
				s.reset(cpts)
				s.a, s.b = 0, len(cpts)
				view := collapse(cpts)
				for p := range cpts {
					want := oracleAt(re, view, p)
					if want < 0 {
						if e := spaceRunEnd(&s, p, false); e > p {
							want = e
						}
					}
					require.Equal(t, want, c.m(&s, p), "%q at %d", string(cpts), p)
				}
			}
		})
	}
}

// TestPreTokenizerFlags: the flags llama.cpp sets with each newer
// tokenizer.ggml.pre value (a file without special-token keys).
func TestPreTokenizerFlags(t *testing.T) {
	var toks []string
	for i := range 16 {
		toks = append(toks, string(rune('a'+i)))
	}
	for _, c := range []struct {
		pre                               string
		want                              preTokenizer
		cleanSpaces, ignoreMerges, addBOS bool
		bos                               int32
	}{
		{"gpt-4o", preGPT4o, false, false, false, 11},
		{"llama4", preGPT4o, false, false, false, 11},
		{"tekken", preTekken, false, true, true, 11},
		{"deepseek-v3", preDeepseek3, false, false, false, 11},
		{"glm4", preLlama3, true, false, false, -1},
		{"kimi-k2", preKimiK2, false, false, false, 11},
		{"seed-coder", preSeedCoder, false, false, false, 11},
		{"superbpe", preSuperBPE, false, false, false, 11},
		{"bloom", preBloom, true, false, false, 11},
		{"poro-chat", preBloom, false, false, false, 11},
		{"viking", preViking, false, false, false, 11},
		{"chameleon", preChameleon, false, false, true, 11},
		{"afmoe", preAfmoe, false, false, false, 11},
		{"chatglm-bpe", preLlama3, true, false, false, -1},
	} {
		tk, err := New(Vocab{Model: "gpt2", Pre: c.pre, Tokens: toks})
		require.NoError(t, err, c.pre)
		assert.Equal(t, c.want, tk.bpePre, c.pre)
		assert.Equal(t, c.cleanSpaces, tk.cleanSpaces, c.pre)
		assert.Equal(t, c.ignoreMerges, tk.ignoreMerges, c.pre)
		assert.Equal(t, c.addBOS, tk.AddBOS(), c.pre)
		assert.Equal(t, c.bos, tk.BOS(), c.pre)
	}
}

// TestKimiK2MatchesLlama3: without Han characters and apostrophes the
// Kimi-K2 scanner is llama3's.
func TestKimiK2MatchesLlama3(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var alphabet []rune
	for _, r := range append([]rune("ÄüĲ가ひ"), mixedAlphabet...) {
		if !isHan(r) && r != '\'' {
			alphabet = append(alphabet, r)
		}
	}
	for range 3000 {
		text := randomText(rng, rng.IntN(30), alphabet)
		require.Equal(t, pieces(preLlama3.steps(), text), pieces(preKimiK2.steps(), text), "%q", text)
	}
}

// TestBloomMatchesOracle: bloom's pattern has no \p{...}, so llama.cpp runs
// it on the codepoints (non-ASCII whitespace as '\v').
func TestBloomMatchesOracle(t *testing.T) {
	re := regexp.MustCompile(` ?[^(` + oSpace + `|.,!?…。，、।۔،)]+`)
	rng := rand.New(rand.NewPCG(13, 14))
	alphabet := append([]rune("(|)…。，、।۔،"), mixedAlphabet...)
	for range 3000 {
		text := randomText(rng, rng.IntN(24), alphabet)
		require.Equal(t, oracleSplit(re, false, text), pieces(preBloom.steps(), text), "%q", text)
	}
}

// TestChameleonStepsMatchOracle runs chameleon's own steps against Go's
// regexp on texts built from the pieces its patterns look for.
func TestChameleonStepsMatchOracle(t *testing.T) {
	words := []string{"<sentinel:", "IMGIMG", "A", "I", "J", "Z", "1", "42", ">", " ", "  ", "\t", "\n", "x", "'", "~", "、", "é", "\u00a0"}
	rng := rand.New(rand.NewPCG(15, 16))
	for _, c := range []struct {
		name      string
		m         matcher
		pattern   string
		collapsed bool
	}{
		{"sentinel", matchSentinel, `<sentinel:[0-9]+>`, false},
		{"image", matchImageToken, `(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z`, false},
		{"space", matchChameleonSpace, "([\t\n]|    |  )", false},
		{"punct", matchChameleonPunct, `[` + oP + `!-/:-@\[-` + "`" + `{-~]`, true},
	} {
		re := regexp.MustCompile(c.pattern)
		for range 2000 {
			var b strings.Builder
			for range rng.IntN(12) {
				b.WriteString(words[rng.IntN(len(words))])
			}
			text := b.String()
			require.Equal(t, oracleSplit(re, c.collapsed, text), pieces([]splitStep{matching(c.m)}, text), "%s %q", c.name, text)
		}
	}
}

// TestDigitGroupSteps: the two thousands-style digit steps on runs of 1 to
// 7 digits and around other text.
func TestDigitGroupSteps(t *testing.T) {
	for _, c := range []struct {
		step splitStep
		text string
		want []string
	}{
		{splitAfmoeDigits, "1 12 123", []string{"1", " 12", " 123"}},
		{splitAfmoeDigits, "1234", []string{"1", "234"}},
		{splitAfmoeDigits, "12345", []string{"12", "345"}},
		{splitAfmoeDigits, "123456", []string{"123", "456"}},
		{splitAfmoeDigits, "x1234567y", []string{"x1", "234", "567", "y"}},
		{splitAfmoeDigits, "٣٤٥٦ ab", []string{"٣", "٤٥٦", " ab"}},
		{splitAfmoeDigits, "no digits", []string{"no digits"}},
		{splitThousands, "1234567", []string{"1", "234", "567"}},
		{splitThousands, "x123456y", []string{"x", "123", "456y"}},
		{splitThousands, "٣٤٥٦", []string{"٣٤٥٦"}},
	} {
		assert.Equal(t, c.want, pieces([]splitStep{c.step}, c.text), "%q", c.text)
	}
}
