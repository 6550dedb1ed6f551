package tokenizer

// splitKimiK2 follows llama.cpp's hand-written scanner for Kimi-K2
// (unicode_regex_split_custom_kimi_k2), which stands for
// [\p{Han}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]*[\p{Ll}\p{Lm}\p{Lo}\p{M}&&[^\p{Han}]]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|...|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// but, like the scanner, treats every non-Han letter run as one word (no
// case split, no marks): Han runs, then llama3's rules with the
// contraction attached to the word before it.
func splitKimiK2(s *segmenter, a, b int, ends []int) []int {
	word := func(i int) bool { return i < b && s.flags[i].letter() && !isHan(s.cpts[i]) }
	for pos := a; pos < b; {
		c, f := s.cpts[pos], s.flags[pos]
		if isHan(c) {
			for pos < b && isHan(s.cpts[pos]) {
				pos++
			}
			ends = append(ends, pos)
			continue
		}
		lead := c != '\r' && c != '\n' && !f.letter() && !f.number()
		if f.letter() || lead && word(pos+1) {
			pos++
			for word(pos) {
				pos++
			}
			pos = contractionEnd(s, pos)
			ends = append(ends, pos)
			continue
		}
		if f.number() {
			ini := pos
			for s.flag(pos).number() {
				pos++
				if pos-ini >= 3 {
					ends = append(ends, pos)
					ini = pos
				}
			}
			if pos > ini {
				ends = append(ends, pos)
			}
			continue
		}
		if e := symbolRun(s, pos, "\r\n"); e >= 0 {
			pos = e
			ends = append(ends, pos)
			continue
		}
		pos = max(spaceRunEnd(s, pos, true), pos+1)
		ends = append(ends, pos)
	}
	return ends
}

// isHan is llama.cpp's unicode_cpt_is_han: the CJK Unified Ideographs
// blocks with extensions A-F and the compatibility ideographs.
func isHan(r rune) bool {
	switch {
	case r < 0x3400:
		return false
	case r <= 0x4DBF:
		return true
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0xF900 && r <= 0xFAFF:
		return true
	case r >= 0x20000 && r <= 0x2A6DF, r >= 0x2A700 && r <= 0x2EBEF, r >= 0x2F800 && r <= 0x2FA1F:
		return true
	}
	return false
}
