package tokenizer

// The deepseek-v3 pattern (shared by afmoe after their own digit and CJK
// steps) names \p{P}, \p{S} and \p{M}, so llama.cpp runs it on the collapsed
// text. There ASCII keeps its own bytes and its classes are the fixed lists
// llama.cpp substitutes: \p{S} is $+<=>^`| without '~' (Unicode's Sm), and
// \p{M} has no ASCII member.

// punctOrSymbol is [\p{P}\p{S}] on the collapsed text.
func punctOrSymbol(s *segmenter, i int) bool {
	return s.flags[i]&(flagPunctuation|flagSymbol) != 0 && s.cpts[i] != '~' && !s.flags[i].space()
}

// letterOrMark is [\p{L}\p{M}].
func letterOrMark(s *segmenter, i int) bool { return s.flags[i]&(flagLetter|flagMark) != 0 }

func isASCIIPunct(c rune) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

func isASCIILetter(s *segmenter, i int) bool {
	c := s.cpts[i]
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// matchDeepseek3 stands for
// [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
func matchDeepseek3(s *segmenter, p int) int {
	c, f := s.cpts[p], s.flags[p]
	if isASCIIPunct(c) && p+1 < s.b && isASCIILetter(s, p+1) {
		return runOf(s, p+1, isASCIILetter)
	}
	// With the optional lead first, then without it: a mark can lead and
	// also start the letters itself.
	if c != '\r' && c != '\n' && !f.letter() && !punctOrSymbol(s, p) && p+1 < s.b && letterOrMark(s, p+1) {
		return runOf(s, p+1, letterOrMark)
	}
	if letterOrMark(s, p) {
		return runOf(s, p, letterOrMark)
	}
	q := -1
	if c == ' ' && p+1 < s.b && punctOrSymbol(s, p+1) {
		q = p + 1
	} else if punctOrSymbol(s, p) {
		q = p
	}
	if q >= 0 {
		q = runOf(s, q, punctOrSymbol)
		for r := s.cpt(q); r == '\r' || r == '\n'; r = s.cpt(q) {
			q++
		}
		return q
	}
	if e := spaceRunEnd(s, p, true); e > p {
		return e
	}
	return -1
}

// matchNumberUpTo3: \p{N}{1,3}
func matchNumberUpTo3(s *segmenter, p int) int { return numberUpTo(s, p, 3) }

// matchDeepseek3CJK: [一-龥぀-ゟ゠-ヿ]+
func matchDeepseek3CJK(s *segmenter, p int) int {
	if deepseek3CJKSet.has(s, p) {
		return runOf(s, p, deepseek3CJKSet.has)
	}
	return -1
}

var (
	deepseek3CJKRanges = [][2]rune{{0x3040, 0x309F}, {0x30A0, 0x30FF}, {0x4E00, 0x9FA5}}
	deepseek3CJKSet    = newRuneSet(deepseek3CJKRanges)
)
