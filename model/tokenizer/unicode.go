package tokenizer

import (
	"sync"
	"unicode"
)

// cptFlags mirrors llama.cpp's per-codepoint classification: exactly one
// general-category bit (unassigned codepoints get flagUndefined, which is not
// zero) plus the whitespace bit. Positions outside the current segment read as
// 0, which matches no class at all.
type cptFlags uint16

const (
	flagUndefined   cptFlags = 1 << 0
	flagNumber      cptFlags = 1 << 1 // \p{N}
	flagLetter      cptFlags = 1 << 2 // \p{L}
	flagSeparator   cptFlags = 1 << 3 // \p{Z}
	flagMark        cptFlags = 1 << 4 // \p{M}
	flagPunctuation cptFlags = 1 << 5 // \p{P}
	flagSymbol      cptFlags = 1 << 6 // \p{S}
	flagControl     cptFlags = 1 << 7 // \p{C}
	flagWhitespace  cptFlags = 1 << 8 // Unicode White_Space
)

func (f cptFlags) letter() bool { return f&flagLetter != 0 }
func (f cptFlags) number() bool { return f&flagNumber != 0 }
func (f cptFlags) space() bool  { return f&flagWhitespace != 0 }
func (f cptFlags) punct() bool  { return f&flagPunctuation != 0 }

// other reports [^\s\p{L}\p{N}] for a codepoint inside the segment.
func (f cptFlags) other() bool {
	return f != 0 && f&(flagWhitespace|flagLetter|flagNumber) == 0
}

// maxCodepoint is one past the last codepoint llama.cpp classifies; larger
// values (from 4-byte sequences with lead bytes F5..F7) count as undefined.
const maxCodepoint = 0x110000

var bmpFlags struct {
	once sync.Once
	t    []cptFlags
}

// flagsOf classifies one codepoint. The Basic Multilingual Plane is served
// from a table built on first use; the rest asks the unicode package.
func flagsOf(r rune) cptFlags {
	if r < 0x10000 && r >= 0 {
		bmpFlags.once.Do(func() {
			t := make([]cptFlags, 0x10000)
			for c := range t {
				t[c] = classify(rune(c))
			}
			bmpFlags.t = t
		})
		return bmpFlags.t[r]
	}
	return classify(r)
}

// categories maps each general category to its flag, in the order llama.cpp
// would find a codepoint in them (each codepoint is in at most one).
var categories = []struct {
	table *unicode.RangeTable
	flag  cptFlags
}{
	{unicode.L, flagLetter}, {unicode.N, flagNumber}, {unicode.Z, flagSeparator}, {unicode.M, flagMark},
	{unicode.P, flagPunctuation}, {unicode.S, flagSymbol}, {unicode.C, flagControl},
}

func classify(r rune) cptFlags {
	if r < 0 || r >= maxCodepoint {
		return flagUndefined
	}
	f := flagUndefined // unassigned
	for _, c := range categories {
		if unicode.Is(c.table, r) {
			f = c.flag
			break
		}
	}
	if unicode.Is(unicode.White_Space, r) {
		f |= flagWhitespace
	}
	return f
}

// decodeCodepoints splits text into codepoints the way llama.cpp's
// unicode_cpts_from_utf8 does: lead bytes decide the length, only the
// continuation-byte pattern is checked (overlong forms and surrogates are
// accepted), and a byte that starts no valid sequence becomes U+FFFD.
// Sequences that decode above U+10FFFF (lead bytes F5..F7) also become one
// U+FFFD per byte: llama.cpp throws on them, we keep going.
//
// It also returns the canonical re-encoding of those codepoints, which is
// the byte string llama.cpp's BPE works on; when the input needs no repair
// canon is text itself.
func decodeCodepoints(text string, cpts []rune) (_ []rune, canon string) {
	repaired := false
	for i := 0; i < len(text); {
		r, n := decodeOne(text, i)
		if n == 0 {
			r, n = 0xFFFD, 1
			repaired = true
		} else if n > 1 && encodedLen(r) != n {
			repaired = true // overlong form: re-encoding shortens it
		}
		cpts = append(cpts, r)
		i += n
	}
	if !repaired {
		return cpts, text
	}
	buf := make([]byte, 0, len(text)+len(text)/2)
	for _, r := range cpts {
		buf = appendCodepoint(buf, r)
	}
	return cpts, string(buf)
}

// decodeOne returns the codepoint at text[i] and its length, or n == 0 when
// llama.cpp would reject the sequence.
func decodeOne(text string, i int) (r rune, n int) {
	b0 := text[i]
	cont := func(k int) bool { return i+k < len(text) && text[i+k]&0xC0 == 0x80 }
	switch {
	case b0&0x80 == 0:
		return rune(b0), 1
	case b0&0x40 == 0:
		return 0, 0
	case b0&0x20 == 0:
		if !cont(1) {
			return 0, 0
		}
		return rune(b0&0x1F)<<6 | rune(text[i+1]&0x3F), 2
	case b0&0x10 == 0:
		if !cont(1) || !cont(2) {
			return 0, 0
		}
		return rune(b0&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F), 3
	case b0&0x08 == 0:
		if !cont(1) || !cont(2) || !cont(3) {
			return 0, 0
		}
		r = rune(b0&0x07)<<18 | rune(text[i+1]&0x3F)<<12 | rune(text[i+2]&0x3F)<<6 | rune(text[i+3]&0x3F)
		if r >= maxCodepoint {
			return 0, 0
		}
		return r, 4
	}
	return 0, 0
}

// encodedLen is the length of appendCodepoint's encoding of r.
func encodedLen(r rune) int {
	switch {
	case r < 0x80:
		return 1
	case r < 0x800:
		return 2
	case r < 0x10000:
		return 3
	}
	return 4
}

// appendCodepoint encodes r like llama.cpp's unicode_cpt_to_utf8, which,
// unlike utf8.AppendRune, keeps surrogates as their 3-byte form.
func appendCodepoint(b []byte, r rune) []byte {
	switch encodedLen(r) {
	case 1:
		return append(b, byte(r))
	case 2:
		return append(b, 0xC0|byte(r>>6), 0x80|byte(r)&0x3F)
	case 3:
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
	}
	return append(b, 0xF0|byte(r>>18), 0x80|byte(r>>12)&0x3F, 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
}

// utf8Len is llama.cpp's unicode_len_utf8: the sequence length a lead byte
// announces, judged by its high nibble alone.
func utf8Len(b byte) int {
	switch b >> 4 {
	case 0xC, 0xD:
		return 2
	case 0xE:
		return 3
	case 0xF:
		return 4
	}
	return 1
}
