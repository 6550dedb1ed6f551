package tokenizer

// Pre-tokenizer steps that llama.cpp runs through std::regex. A regex step
// cuts a segment into its leftmost-first matches and the runs of text
// between them, each run becoming a piece of its own. Each matcher below
// returns the end of the match a backtracking engine finds at p, or -1.
//
// The character classes follow llama.cpp's rewriting: \p{L}, \p{N}, \p{P}
// and \s test the codepoint's class (non-ASCII whitespace counts as \s only),
// and literal ranges never match non-ASCII whitespace, which llama.cpp
// replaces by '\v' before matching.

type matcher func(s *segmenter, p int) int

// matching turns a matcher into a split step.
func matching(m matcher) splitStep {
	return func(s *segmenter, a, b int, ends []int) []int {
		gap := a
		for p := a; p < b; {
			e := m(s, p)
			if e <= p {
				p++
				continue
			}
			if p > gap {
				ends = append(ends, p)
			}
			ends = append(ends, e)
			p, gap = e, e
		}
		if b > gap {
			ends = append(ends, b)
		}
		return ends
	}
}

// runOf returns the end of the run of codepoints from p that satisfy in.
func runOf(s *segmenter, p int, in func(s *segmenter, i int) bool) int {
	for p < s.b && in(s, p) {
		p++
	}
	return p
}

// optSpaceRun matches \s?X+ for a class X that excludes whitespace.
func optSpaceRun(s *segmenter, p int, in func(s *segmenter, i int) bool) int {
	if in(s, p) {
		return runOf(s, p, in)
	}
	if s.flag(p).space() && p+1 < s.b && in(s, p+1) {
		return runOf(s, p+1, in)
	}
	return -1
}

func isLetter(s *segmenter, i int) bool { return s.flags[i].letter() }
func isNumber(s *segmenter, i int) bool { return s.flags[i].number() }
func isPunct(s *segmenter, i int) bool  { return s.flags[i].punct() }

func isASCIIDigit(s *segmenter, i int) bool { return s.cpts[i] >= '0' && s.cpts[i] <= '9' }

// matchNewline: [\r\n]
func matchNewline(s *segmenter, p int) int {
	if c := s.cpts[p]; c == '\r' || c == '\n' {
		return p + 1
	}
	return -1
}

// matchNumber: \p{N}
func matchNumber(s *segmenter, p int) int {
	if s.flags[p].number() {
		return p + 1
	}
	return -1
}

// matchNumberRun: \p{N}+
func matchNumberRun(s *segmenter, p int) int {
	if s.flags[p].number() {
		return runOf(s, p, isNumber)
	}
	return -1
}

// matchDigitTriple: [0-9][0-9][0-9]
func matchDigitTriple(s *segmenter, p int) int {
	if p+3 <= s.b && isASCIIDigit(s, p) && isASCIIDigit(s, p+1) && isASCIIDigit(s, p+2) {
		return p + 3
	}
	return -1
}

// matchSpaceLetters: \s?\p{L}+
func matchSpaceLetters(s *segmenter, p int) int { return optSpaceRun(s, p, isLetter) }

// matchSpacePunct: \s?\p{P}+
func matchSpacePunct(s *segmenter, p int) int { return optSpaceRun(s, p, isPunct) }

// matchDefaultPunct: [\p{P}\$\+<=>\^~\|]+
func matchDefaultPunct(s *segmenter, p int) int {
	in := func(s *segmenter, i int) bool { return s.flags[i].punct() || isOneOf(s.cpts[i], "$+<=>^~|") }
	if in(s, p) {
		return runOf(s, p, in)
	}
	return -1
}

// matchFalconPunct: [\p{P}\$\+<=>\^~\|`]+
func matchFalconPunct(s *segmenter, p int) int {
	in := func(s *segmenter, i int) bool { return s.flags[i].punct() || isOneOf(s.cpts[i], "$+<=>^~|`") }
	if in(s, p) {
		return runOf(s, p, in)
	}
	return -1
}

func isOneOf(r rune, set string) bool {
	for _, c := range set {
		if r == c {
			return true
		}
	}
	return false
}

// runeSet is a literal bracket expression: a table for ASCII, sorted
// ranges above.
type runeSet struct {
	ascii  [128]bool
	ranges [][2]rune
}

func newRuneSet(ranges [][2]rune) *runeSet {
	rs := &runeSet{ranges: ranges}
	for c := range rs.ascii {
		rs.ascii[c] = rs.inRanges(rune(c))
	}
	return rs
}

// has tests codepoint i of the segment; see the note on '\v' above.
func (rs *runeSet) has(s *segmenter, i int) bool {
	c := s.cpts[i]
	if c < 0x80 {
		return rs.ascii[c]
	}
	return !s.flags[i].space() && rs.inRanges(c)
}

// inRanges finds the last range starting at or before c; the ranges do not
// overlap except cjkRanges' two, which share 0x4E00, so looking one further
// back is enough.
func (rs *runeSet) inRanges(c rune) bool {
	ranges := rs.ranges
	lo, hi := 0, len(ranges)
	for lo < hi {
		mid := (lo + hi) / 2
		if ranges[mid][0] <= c {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for j := lo - 1; j >= 0 && j >= lo-2; j-- {
		if c <= ranges[j][1] {
			return true
		}
	}
	return false
}

// matchCJK: [一-龥ࠀ-一가-퟿]+
func matchCJK(s *segmenter, p int) int {
	if cjkSet.has(s, p) {
		return runOf(s, p, cjkSet.has)
	}
	return -1
}

var (
	cjkRanges         = [][2]rune{{0x0800, 0x4E00}, {0x4E00, 0x9FA5}, {0xAC00, 0xD7FF}}
	cjkSet            = newRuneSet(cjkRanges)
	deepseekPunctSet  = newRuneSet(deepseekPunctRanges)
	deepseekLetterSet = newRuneSet(deepseekLetterRanges)
)

// matchDeepseekLetters: \s?[A-Za-zµÀ-ÖØ-öø-ƺ...𞤀-𞥃]+ (deepseek-llm's list of
// cased-letter ranges).
func matchDeepseekLetters(s *segmenter, p int) int {
	return optSpaceRun(s, p, deepseekLetterSet.has)
}

// matchDeepseekPunct: \s?[!-/:-~！-／：-～‘-‟　-。]+
func matchDeepseekPunct(s *segmenter, p int) int {
	return optSpaceRun(s, p, deepseekPunctSet.has)
}

var deepseekPunctRanges = [][2]rune{
	{0x21, 0x2F}, {0x3A, 0x7E}, {0x2018, 0x201F}, {0x3000, 0x3002}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFF5E},
}

var deepseekLetterRanges = [][2]rune{
	{0x0041, 0x005A}, {0x0061, 0x007A}, {0x00B5, 0x00B5}, {0x00C0, 0x00D6}, {0x00D8, 0x00F6},
	{0x00F8, 0x01BA}, {0x01BC, 0x01BF}, {0x01C4, 0x0293}, {0x0295, 0x02AF}, {0x0370, 0x0373},
	{0x0376, 0x0377}, {0x037B, 0x037D}, {0x037F, 0x037F}, {0x0386, 0x0386}, {0x0388, 0x038A},
	{0x038C, 0x038C}, {0x038E, 0x03A1}, {0x03A3, 0x03F5}, {0x03F7, 0x0481}, {0x048A, 0x052F},
	{0x0531, 0x0556}, {0x10A0, 0x10C5}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1C90, 0x1CBA},
	{0x1CBD, 0x1CBF}, {0x1D00, 0x1D2B}, {0x1D6B, 0x1D77}, {0x1D79, 0x1D9A}, {0x1E00, 0x1F15},
	{0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57}, {0x1F59, 0x1F59},
	{0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBC},
	{0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3}, {0x1FD6, 0x1FDB},
	{0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x2102, 0x2102}, {0x2107, 0x2107},
	{0x210A, 0x2113}, {0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126},
	{0x2128, 0x2128}, {0x212A, 0x212D}, {0x212F, 0x2134}, {0x2139, 0x2139}, {0x213C, 0x213F},
	{0x2145, 0x2149}, {0x214E, 0x214E}, {0x2183, 0x2184}, {0x2C00, 0x2C7B}, {0x2C7E, 0x2CE4},
	{0x2CEB, 0x2CEE}, {0x2CF2, 0x2CF3}, {0xA640, 0xA66D}, {0xA680, 0xA69B}, {0xA722, 0xA76F},
	{0xA771, 0xA787}, {0xA78B, 0xA78E}, {0xAB70, 0xABBF}, {0xFB00, 0xFB06}, {0xFB13, 0xFB17},
	{0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}, {0x10400, 0x1044F}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
	{0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x118A0, 0x118DF}, {0x1E900, 0x1E943},
}

// splitTrailingSpace: \s+$ — only the whitespace that runs to the end of the
// segment can match, so the segment splits at most once.
func splitTrailingSpace(s *segmenter, a, b int, ends []int) []int {
	p := b
	for p > a && s.flags[p-1].space() {
		p--
	}
	if p > a && p < b {
		ends = append(ends, p)
	}
	if b > a {
		ends = append(ends, b)
	}
	return ends
}

// matchQwen2 stands for
// (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// tried alternative by alternative as a backtracking engine does.
func matchQwen2(s *segmenter, p int) int {
	c, f := s.cpts[p], s.flags[p]
	if c == '\'' && p+1 < s.b {
		n := asciiLower(s.cpts[p+1])
		if n == 's' || n == 't' || n == 'm' || n == 'd' {
			return p + 2
		}
		if p+2 < s.b && isContraction3(n, asciiLower(s.cpts[p+2])) {
			return p + 3
		}
	}
	if c != '\r' && c != '\n' && !f.letter() && !f.number() && s.flag(p+1).letter() {
		return runOf(s, p+1, isLetter)
	}
	if f.letter() {
		return runOf(s, p, isLetter)
	}
	if f.number() {
		return p + 1
	}
	q := -1
	if c == ' ' && s.flag(p+1).other() {
		q = p + 1
	} else if f.other() {
		q = p
	}
	if q >= 0 {
		q = runOf(s, q, func(s *segmenter, i int) bool { return s.flags[i].other() })
		for r := s.cpt(q); r == '\r' || r == '\n'; r = s.cpt(q) {
			q++
		}
		return q
	}
	if end := spaceRunEnd(s, p, true); end > p {
		return end
	}
	return -1
}

// matchSeedCoder stands for
// (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1}| ?[^\s\p{L}\p{N}\r\n]+|\s*[\r\n]+|\s+(?!\S)|\s+
// qwen2's pattern except that a symbol run leaves the newlines after it.
func matchSeedCoder(s *segmenter, p int) int {
	c, f := s.cpts[p], s.flags[p]
	if e := contractionEnd(s, p); e > p {
		return e
	}
	if c != '\r' && c != '\n' && !f.letter() && !f.number() && s.flag(p+1).letter() {
		return runOf(s, p+1, isLetter)
	}
	if f.letter() {
		return runOf(s, p, isLetter)
	}
	if f.number() {
		return p + 1
	}
	if e := symbolRun(s, p, ""); e >= 0 {
		return e
	}
	if end := spaceRunEnd(s, p, true); end > p {
		return end
	}
	return -1
}

// splitThousands stands for superbpe's (?=(\d{3})+(?!\d)), which only
// matches empty strings: one where a multiple of three ASCII digits is left
// before the end of their run. llama.cpp's splitter turns each such empty
// match into a cut, so a digit run splits into its leading one or two
// digits and then threes, as thousands are written.
func splitThousands(s *segmenter, a, b int, ends []int) []int {
	for p := a; p < b; {
		if !isASCIIDigit(s, p) {
			p++
			continue
		}
		end := runOf(s, p, isASCIIDigit)
		for k := p + (end-p)%3; k < end; k += 3 {
			if k > a {
				ends = append(ends, k)
			}
		}
		p = end
	}
	if b > a {
		ends = append(ends, b)
	}
	return ends
}

// bloomStops are the characters bloom's [^(\s|.,!?…。，、।۔،)] leaves out
// besides whitespace (the bracket lists '(', '|' and ')' literally).
const bloomStops = "(|).,!?…。，、।۔،"

func isBloomWord(s *segmenter, i int) bool {
	return !s.flags[i].space() && !isOneOf(s.cpts[i], bloomStops)
}

// matchBloom:  ?[^(\s|.,!?…。，、।۔،)]+
func matchBloom(s *segmenter, p int) int {
	if s.cpts[p] == ' ' && p+1 < s.b && isBloomWord(s, p+1) {
		return runOf(s, p+1, isBloomWord)
	}
	if isBloomWord(s, p) {
		return runOf(s, p, isBloomWord)
	}
	return -1
}
