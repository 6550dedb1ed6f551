package tokenizer

// Chameleon's pre-tokenizer puts its sentinel and image tokens' spellings,
// tabs, newlines and space pairs, digits and punctuation apart before
// GPT-2's pattern runs on what is left.

// hasPrefixAt reports whether the segment holds the ASCII string lit at p.
func hasPrefixAt(s *segmenter, p int, lit string) bool {
	if p+len(lit) > s.b {
		return false
	}
	for i := 0; i < len(lit); i++ {
		if s.cpts[p+i] != rune(lit[i]) {
			return false
		}
	}
	return true
}

// matchSentinel: <sentinel:[0-9]+>
func matchSentinel(s *segmenter, p int) int {
	const lit = "<sentinel:"
	if !hasPrefixAt(s, p, lit) {
		return -1
	}
	q := p + len(lit)
	e := runOf(s, q, isASCIIDigit)
	if e == q || s.cpt(e) != '>' {
		return -1
	}
	return e + 1
}

// matchImageToken: (IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z. The letters' run
// must end in the Z: a fifth letter would stand where the Z has to be.
func matchImageToken(s *segmenter, p int) int {
	if !hasPrefixAt(s, p, "IMGIMG") {
		return -1
	}
	q := p + 6
	e := runOf(s, q, func(s *segmenter, i int) bool { return s.cpts[i] >= 'A' && s.cpts[i] <= 'I' })
	if e == q || e-q > 4 || s.cpt(e) != 'Z' {
		return -1
	}
	return e + 1
}

// matchChameleonSpace: ([\t\n]|    |  )
func matchChameleonSpace(s *segmenter, p int) int {
	switch {
	case s.cpts[p] == '\t' || s.cpts[p] == '\n':
		return p + 1
	case hasPrefixAt(s, p, "    "):
		return p + 4
	case hasPrefixAt(s, p, "  "):
		return p + 2
	}
	return -1
}

// matchChameleonPunct: [\p{P}!-/:-@\[-`{-~], one codepoint.
func matchChameleonPunct(s *segmenter, p int) int {
	if s.flags[p].punct() || isASCIIPunct(s.cpts[p]) {
		return p + 1
	}
	return -1
}
