package tokenizer

import (
	"fmt"
	"strings"
)

// renderPiece is llama.cpp's token_to_piece with special=true, computed once
// per token at load: control, unknown and user-defined tokens as written,
// byte tokens as their byte, normal tokens unescaped (U+2581 -> space for
// SentencePiece, byte-level runes -> bytes for BPE).
func (t *Tokenizer) renderPiece(id int32) []byte {
	text, a := t.tokens[id], t.attrs[id]
	switch {
	case a&(attrUnknown|attrControl|attrUserDefined) != 0:
		return []byte(text)
	case a&attrNormal != 0:
		if t.kind == kindSPM {
			return []byte(strings.ReplaceAll(text, spaceMark, " "))
		}
		return decodeByteLevel(text)
	case a&attrByte != 0:
		return []byte{tokenByte(text)}
	}
	return nil
}

// tokenByte reads the byte of a "<0xNN>" token as llama.cpp does (strtol on
// the two characters after "<0x"; garbage reads as 0).
func tokenByte(text string) byte {
	var v byte
	for i := 3; i < 5 && i < len(text); i++ {
		c := text[i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | (c - '0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | (c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | (c - 'A' + 10)
		default:
			return v
		}
	}
	return v
}

// decodeByteLevel maps a BPE token's runes back to raw bytes. A rune outside
// the byte alphabet is spelled out the way llama.cpp's llama_decode_text
// does, so the output stays byte-identical.
func decodeByteLevel(text string) []byte {
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); {
		r, n := decodeOne(text, i)
		if n == 0 {
			r, n = 0xFFFD, 1
		}
		i += n
		if b, ok := runeBytes[r]; ok {
			out = append(out, b)
			continue
		}
		out = append(out, "[UNK_BYTE_0x"...)
		for _, c := range appendCodepoint(nil, r) {
			out = fmt.Appendf(out, "%02x", c)
		}
		out = append(out, text...)
		out = append(out, ']')
	}
	return out
}

// Piece returns the bytes token id stands for, for streaming output: control
// and unknown tokens render as nothing (llama_token_to_piece with
// special=false). Pieces of multi-byte characters may be partial UTF-8.
func (t *Tokenizer) Piece(id int32) []byte {
	return append([]byte(nil), t.piece(id, false)...)
}

// PieceSpecial is Piece with control tokens rendered as their text.
func (t *Tokenizer) PieceSpecial(id int32) []byte {
	return append([]byte(nil), t.piece(id, true)...)
}

func (t *Tokenizer) piece(id int32, special bool) []byte {
	if !t.valid(id) {
		return nil
	}
	if !special && t.attrs[id]&(attrUnknown|attrControl) != 0 {
		return nil
	}
	return t.pieces[id]
}

// Decode turns ids back into text like llama.cpp's detokenizer with default
// options: control tokens are not rendered, a SentencePiece vocabulary's
// prefix space is removed from the first token, and vocabularies that ask
// for it get HF-style clean-up of spaces before punctuation.
func (t *Tokenizer) Decode(ids []int32) string {
	return t.Detokenize(ids, false, false)
}

// Detokenize is llama_detokenize: removeSpecial drops a leading BOS and a
// trailing EOS when the vocabulary adds them; renderSpecial writes control
// tokens as their text. Ids outside the vocabulary render as nothing.
func (t *Tokenizer) Detokenize(ids []int32, removeSpecial, renderSpecial bool) string {
	removeSpace := t.addSpacePrefix
	if removeSpecial && t.addBOS && len(ids) > 0 && ids[0] == t.special.bos {
		removeSpace = false
		ids = ids[1:]
	}
	if removeSpecial && t.addEOS && len(ids) > 0 && ids[len(ids)-1] == t.special.eos {
		ids = ids[:len(ids)-1]
	}
	var out []byte
	for _, id := range ids {
		p := t.piece(id, renderSpecial)
		if removeSpace && len(p) > 0 && p[0] == ' ' {
			p = p[1:]
		}
		removeSpace = false
		out = append(out, p...)
	}
	if t.cleanSpaces {
		out = cleanSpaces(out)
	}
	return string(out)
}

// DecodeRaw concatenates the pieces of ids with control tokens rendered and
// no clean-up: for byte-level BPE vocabularies it inverts Encode exactly on
// valid UTF-8 text.
func (t *Tokenizer) DecodeRaw(ids []int32) []byte {
	var out []byte
	for _, id := range ids {
		out = append(out, t.piece(id, true)...)
	}
	return out
}

// cleanSpaces is llama.cpp's clean_up_tokenization_spaces: three in-place
// passes that drop the space before ? ! . , , around a lone quote, and before
// 's 'm 're 've. The passes read bytes they may already have rewritten, so
// they are kept in that form.
func cleanSpaces(text []byte) []byte {
	total := len(text)
	if total == 0 {
		return text
	}
	// Pass 1: " ?", " !", " .", " ,".
	n := total
	total = 1
	for i := 1; i < n; i++ {
		x := text[i]
		if text[i-1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',') {
			total--
		}
		text[total] = x
		total++
	}
	// Pass 2: " ' " -> "'".
	n = total
	total = 1
	for i := 1; i < n; i++ {
		x := text[i]
		if x == '\'' && i+1 < n && text[i-1] == ' ' && text[i+1] == ' ' {
			total--
			i++
			text[i] = 0
		}
		text[total] = x
		total++
	}
	// Pass 3: " 's", " 'm", " 're", " 've".
	n = total
	total = 1
	for i := 1; i < n; i++ {
		x := text[i]
		if text[i-1] == ' ' && x == '\'' && i+1 < n {
			switch x1 := text[i+1]; {
			case x1 == 's' || x1 == 'm':
				total--
			case x1 == 't' || x1 == 'd':
			case i+2 < n:
				if x2 := text[i+2]; x1 == 'r' && x2 == 'e' || x1 == 'v' && x2 == 'e' {
					total--
				}
			}
		}
		text[total] = x
		total++
	}
	return text[:total]
}
