package tokenizer

// splitAfmoeDigits follows llama.cpp's custom AFMoE digit splitter
// (\p{AFMoE_digits}): each \p{N} run is cut into its leading one or two
// digits and then threes. It only cuts where a group ends, so the text
// before a run stays in one piece with the run's first group; the later
// steps cut that piece again.
func splitAfmoeDigits(s *segmenter, a, b int, ends []int) []int {
	last := a
	for p := a; p < b; {
		if !s.flags[p].number() {
			p++
			continue
		}
		end := runOf(s, p, isNumber)
		k := p + (end-p)%3
		if k == p {
			k += 3
		}
		for ; k <= end; k += 3 {
			ends = append(ends, k)
			last = k
		}
		p = end
	}
	if b > last {
		ends = append(ends, b)
	}
	return ends
}

// matchAfmoeCJK: [一-鿿㐀-䶿豈-﫿぀-ゟ゠-ヿ･-ﾟ⼀-⿟เ-๿຀-໿ក-៿က-႟ꩠ-ꩿꧠ-꧿가-힯ᄀ-ᇿ]+
// (CJK, kana, halfwidth kana, Kangxi radicals, Thai, Lao, Khmer, Myanmar
// and its extensions, Hangul syllables and Jamo).
func matchAfmoeCJK(s *segmenter, p int) int {
	if afmoeCJKSet.has(s, p) {
		return runOf(s, p, afmoeCJKSet.has)
	}
	return -1
}

var (
	afmoeCJKRanges = [][2]rune{
		{0x0E00, 0x0E7F}, {0x0E80, 0x0EFF}, {0x1000, 0x109F}, {0x1100, 0x11FF}, {0x1780, 0x17FF},
		{0x2F00, 0x2FDF}, {0x3040, 0x309F}, {0x30A0, 0x30FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
		{0xA9E0, 0xA9FF}, {0xAA60, 0xAA7F}, {0xAC00, 0xD7AF}, {0xF900, 0xFAFF}, {0xFF65, 0xFF9F},
	}
	afmoeCJKSet = newRuneSet(afmoeCJKRanges)
)
