package tokenizer

// GPT-2's byte-level BPE never sees raw bytes: each byte is first replaced by
// a printable rune. Bytes that are already printable Latin-1 ('!'..'~',
// '¡'..'¬', '®'..'ÿ') stand for themselves; the other 68 take the runes from
// U+0100 upwards, in byte order.
var byteRunes, runeBytes = buildByteRunes()

func buildByteRunes() (b2r [256]rune, r2b map[rune]byte) {
	printable := func(b int) bool {
		return b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF
	}
	r2b = make(map[rune]byte, 256)
	next := rune(256)
	for b := 0; b < 256; b++ {
		if printable(b) {
			b2r[b] = rune(b)
		} else {
			b2r[b] = next
			next++
		}
		r2b[b2r[b]] = byte(b)
	}
	return b2r, r2b
}

// byteLevel maps raw bytes to the byte-level string stored in BPE
// vocabularies (e.g. " the" -> "Ġthe").
func byteLevel(raw string) string {
	out := make([]byte, 0, 2*len(raw))
	for i := 0; i < len(raw); i++ {
		out = appendCodepoint(out, byteRunes[raw[i]])
	}
	return string(out)
}

// rawBytes inverts byteLevel. ok is false when s holds a rune outside the
// byte alphabet, which a vocabulary entry may (user-defined tokens, for one).
func rawBytes(s string) (raw []byte, ok bool) {
	raw = make([]byte, 0, len(s))
	for _, r := range s {
		b, in := runeBytes[r]
		if !in {
			return nil, false
		}
		raw = append(raw, b)
	}
	return raw, true
}
