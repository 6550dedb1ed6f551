package tokenizer

// The two pre-tokenizers llama.cpp does not run through std::regex but
// through hand-written scanners (unicode_regex_split_custom_gpt2 and _llama3).
// Their results differ from a regex engine's in corner cases, so these follow
// the scanners' logic rather than the patterns they imitate.

// splitGPT2 stands for 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
func splitGPT2(s *segmenter, a, b int, ends []int) []int {
	for pos := a; pos < b; {
		c, f := s.cpts[pos], s.flags[pos]
		if c == '\'' && pos+1 < b {
			switch n := s.cpts[pos+1]; {
			case n == 's' || n == 't' || n == 'm' || n == 'd':
				pos += 2
				ends = append(ends, pos)
				continue
			case pos+2 < b && isContraction3(n, s.cpts[pos+2]):
				pos += 3
				ends = append(ends, pos)
				continue
			}
		}
		f2 := f
		if c == ' ' {
			f2 = s.flag(pos + 1)
		}
		var class func(cptFlags) bool
		switch {
		case f2.letter():
			class = cptFlags.letter
		case f2.number():
			class = cptFlags.number
		case f2.other():
			class = cptFlags.other
		}
		if class != nil {
			if c == ' ' {
				pos++
			}
			for class(s.flag(pos)) {
				pos++
			}
			ends = append(ends, pos)
			continue
		}
		pos = max(spaceRunEnd(s, pos, false), pos+1)
		ends = append(ends, pos)
	}
	return ends
}

// spaceRunEnd is the end of the word the whitespace at p forms under
// \s+(?!\S)|\s+ — with newlines set, under \s*[\r\n]+|\s+(?!\S)|\s+ — or p
// if there is no whitespace at p. \s+(?!\S) leaves the last space of a run
// to the word after it; \s*[\r\n]+ backtracks to the run's last newline.
func spaceRunEnd(s *segmenter, p int, newlines bool) int {
	end, lastNewline := p, -1
	for s.flag(end).space() {
		if r := s.cpts[end]; newlines && (r == '\r' || r == '\n') {
			lastNewline = end
		}
		end++
	}
	switch {
	case lastNewline >= 0:
		return lastNewline + 1
	case end-p >= 2 && end < s.b:
		return end - 1
	}
	return end
}

// isContraction3 matches the 3-character contractions 're, 've and 'll.
func isContraction3(n, nn rune) bool {
	return n == 'r' && nn == 'e' || n == 'v' && nn == 'e' || n == 'l' && nn == 'l'
}

func asciiLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + ('a' - 'A')
	}
	return r
}

// splitLlama3 stands for
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
func splitLlama3(s *segmenter, a, b int, ends []int) []int {
	for pos := a; pos < b; {
		c, f := s.cpts[pos], s.flags[pos]
		if c == '\'' && pos+1 < b {
			n := asciiLower(s.cpts[pos+1])
			if n == 's' || n == 't' || n == 'm' || n == 'd' {
				pos += 2
				ends = append(ends, pos)
				continue
			}
			if pos+2 < b && isContraction3(n, asciiLower(s.cpts[pos+2])) {
				pos += 3
				ends = append(ends, pos)
				continue
			}
		}
		newline := c == '\r' || c == '\n'
		if !newline && !f.number() && (f.letter() || s.flag(pos+1).letter()) {
			pos++
			for s.flag(pos).letter() {
				pos++
			}
			ends = append(ends, pos)
			continue
		}
		if f.number() {
			// Digits in groups of at most three, counted from the left.
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
		f2 := f
		if c == ' ' {
			f2 = s.flag(pos + 1)
		}
		// llama.cpp tests the current codepoint's flags here, not f2's: a lone
		// trailing space takes this branch and comes out as itself.
		if f2&(flagWhitespace|flagLetter|flagNumber) == 0 && f != 0 {
			if c == ' ' {
				pos++
			}
			for s.flag(pos).other() {
				pos++
			}
			for r := s.cpt(pos); r == '\r' || r == '\n'; r = s.cpt(pos) {
				pos++
			}
			ends = append(ends, pos)
			continue
		}
		pos = max(spaceRunEnd(s, pos, true), pos+1)
		ends = append(ends, pos)
	}
	return ends
}
