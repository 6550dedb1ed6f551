package tokenizer

// maxStretch is the longest text tokenised in one piece when it has no
// Stream cut point. A longer stretch (one endless line, CRLF text, lines
// that all start with a space) is cut at forcedCut every maxStretch bytes
// or a little before; Encode and Stream cut it the same way, so they still
// agree and memory stays bounded. A variable so tests can make it small.
var maxStretch = 1 << 20

// nextSegment returns the end of the first segment of text, which starts
// where the previous segment ended: its first Stream cut point (exact: see
// Stream) or, when none lies within maxStretch bytes, forcedCut (forced is
// true). Text after a forced cut is tokenised on its own, as if it started
// the input (without its BOS and space prefix). ok is false when text is
// too short to tell and more may follow (eof false); then the next call,
// with more text, may start looking at from = resume (no cut point below
// it can appear: more text only adds what a special token overlaps).
func nextSegment[S string | []byte](t *Tokenizer, text S, parseSpecial, eof bool, from int) (end int, forced, ok bool, resume int) {
	// A cut is only certain once every special token that could overlap it
	// has been seen.
	look := t.specials.maxLen + 2
	y := max(from, 2)
	for ; y < len(text) && y <= maxStretch; y++ {
		if text[y-1] != '\n' {
			continue
		}
		if c, isCut := cutBefore(t, text, y, parseSpecial); isCut && c <= maxStretch {
			if !eof && c+look > len(text) {
				return 0, false, false, y
			}
			return c, false, true, 0
		}
	}
	switch {
	case len(text) <= maxStretch && eof:
		return len(text), false, true, 0
	case len(text) < maxStretch+look && !eof:
		return 0, false, false, y
	}
	return forcedCut(t, text, parseSpecial), true, true, 0
}

// forcedCut picks where to cut a stretch longer than maxStretch: the last
// space that follows a non-space in the stretch's last quarter (before a
// word every pre-tokenizer starts a new word, so ordinary prose usually
// keeps its exact ids), else the last character boundary at or before
// maxStretch; never inside a special token when that can be avoided.
func forcedCut[S string | []byte](t *Tokenizer, text S, parseSpecial bool) int {
	n := min(maxStretch, len(text)-1)
	lo := max(n-n/4, 1)
	for p := n; p >= lo; p-- {
		if text[p] == ' ' && text[p-1] != ' ' && !overlapsSpecial(t.specials, text, p-1, p+1, parseSpecial) {
			return p
		}
	}
	for p := n; p >= lo; p-- {
		if text[p]&0xC0 != 0x80 && !overlapsSpecial(t.specials, text, p-1, p+1, parseSpecial) {
			return p
		}
	}
	p := n
	for p > 1 && n-p < 3 && text[p]&0xC0 == 0x80 {
		p--
	}
	return p
}
