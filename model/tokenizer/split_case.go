package tokenizer

// The gpt-4o (o200k) and tekken patterns split words at case changes. Their
// tokenizer.json forms use \p{Lu}, \p{Ll} and friends, which llama.cpp's
// collapsed regex cannot express; it rewrites them as
// ((?=[\p{L}])([^a-z]))* for "upper" and ((?=[\p{L}])([^A-Z]))+ for "lower".
// On the collapsed text every non-ASCII letter is the same byte, so it counts
// as both: only ASCII letters have a case there. The matchers below follow
// that rewritten pattern and the order a backtracking engine tries it in.

// upperish is (?=[\p{L}])[^a-z]: a letter other than a-z.
func upperish(s *segmenter, i int) bool {
	c := s.cpts[i]
	return s.flags[i].letter() && (c < 'a' || c > 'z')
}

// lowerish is (?=[\p{L}])[^A-Z]: a letter other than A-Z.
func lowerish(s *segmenter, i int) bool {
	c := s.cpts[i]
	return s.flags[i].letter() && (c < 'A' || c > 'Z')
}

// wordLead is [^\r\n\p{L}\p{N}] inside the segment.
func wordLead(s *segmenter, i int) bool {
	if i < s.a || i >= s.b {
		return false
	}
	c, f := s.cpts[i], s.flags[i]
	return c != '\r' && c != '\n' && !f.letter() && !f.number()
}

// upperThenLower matches upper*lower+ at q, or returns -1. The engine
// takes the longest upper run first and gives back one codepoint at a time
// until a lower one follows: either the codepoint after the run, or the
// last non-ASCII letter inside it (which is both), whose lower+ then stops
// at the ASCII capital after it.
func upperThenLower(s *segmenter, q int) int {
	u := runOf(s, q, upperish)
	if u < s.b && lowerish(s, u) {
		return runOf(s, u, lowerish)
	}
	for k := u - 1; k >= q; k-- {
		if lowerish(s, k) {
			return k + 1
		}
	}
	return -1
}

// caseWord matches
// [^\r\n\p{L}\p{N}]?upper*lower+|[^\r\n\p{L}\p{N}]?upper+lower*
// at p, or returns -1. The optional lead is tried first; without it the
// word would have to start at p, which the lead is not a letter for.
func caseWord(s *segmenter, p int) int {
	q := p
	if wordLead(s, p) {
		q = p + 1
	}
	if q >= s.b {
		return -1
	}
	if e := upperThenLower(s, q); e >= 0 {
		return e
	}
	if upperish(s, q) {
		return runOf(s, runOf(s, q, upperish), lowerish)
	}
	return -1
}

// contractionEnd extends a word ending at e by an optional
// '[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD].
func contractionEnd(s *segmenter, e int) int {
	if s.cpt(e) != '\'' {
		return e
	}
	n := asciiLower(s.cpt(e + 1))
	if n == 's' || n == 't' || n == 'm' || n == 'd' {
		return e + 2
	}
	if isContraction3(n, asciiLower(s.cpt(e+2))) {
		return e + 3
	}
	return e
}

// symbolRun matches  ?[^\s\p{L}\p{N}]+ followed by any run of the
// characters in trail ("\r\n" for [\r\n]*, "\r\n/" for [\r\n/]*), or
// returns -1.
func symbolRun(s *segmenter, p int, trail string) int {
	q := p
	if s.cpts[p] == ' ' && s.flag(p+1).other() {
		q = p + 1
	} else if !s.flags[p].other() {
		return -1
	}
	q = runOf(s, q, func(s *segmenter, i int) bool { return s.flags[i].other() })
	for q < s.b && isOneOf(s.cpts[q], trail) {
		q++
	}
	return q
}

// numberUpTo matches \p{N}{1,n} at p, or returns -1.
func numberUpTo(s *segmenter, p, n int) int {
	if !s.flags[p].number() {
		return -1
	}
	e := p + 1
	for e < s.b && e-p < n && s.flags[e].number() {
		e++
	}
	return e
}

// matchGPT4o stands for
// [^\r\n\p{L}\p{N}]?upper*lower+(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?|
// [^\r\n\p{L}\p{N}]?upper+lower*(?:...)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
func matchGPT4o(s *segmenter, p int) int {
	if e := caseWord(s, p); e >= 0 {
		return contractionEnd(s, e)
	}
	if e := numberUpTo(s, p, 3); e >= 0 {
		return e
	}
	if e := symbolRun(s, p, "\r\n/"); e >= 0 {
		return e
	}
	if e := spaceRunEnd(s, p, true); e > p {
		return e
	}
	return -1
}

// matchTekken stands for
// [^\r\n\p{L}\p{N}]?upper*lower+|[^\r\n\p{L}\p{N}]?upper+lower*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
func matchTekken(s *segmenter, p int) int {
	if e := caseWord(s, p); e >= 0 {
		return e
	}
	if s.flags[p].number() {
		return p + 1
	}
	if e := symbolRun(s, p, "\r\n/"); e >= 0 {
		return e
	}
	if e := spaceRunEnd(s, p, true); e > p {
		return e
	}
	return -1
}
