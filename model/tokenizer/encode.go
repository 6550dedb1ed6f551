package tokenizer

import "strings"

// Encode tokenises text like llama.cpp's llama_tokenize. addSpecial adds BOS
// and/or EOS as the vocabulary asks (AddBOS, AddEOS); parseSpecial lets
// control tokens written in the text ("</s>", "<|eot_id|>") become those
// tokens. Without it such text is tokenised as plain characters.
// User-defined tokens are recognised either way, as in llama.cpp.
func (t *Tokenizer) Encode(text string, addSpecial, parseSpecial bool) []int32 {
	e := t.newEncoder()
	out := make([]int32, 0, len(text)/3+2)
	if addSpecial && t.addBOS {
		out = append(out, t.special.bos)
	}
	out = e.encodeLarge(text, parseSpecial, out)
	if addSpecial && t.addEOS {
		out = append(out, t.special.eos)
	}
	return out
}

// encoder holds the scratch space and word cache of one tokenisation run
// (or one stream). Tokenizer itself stays read-only and shareable.
type encoder struct {
	t     *Tokenizer
	frags []fragment
	spm   *spmState
	bpe   *bpeState

	cache map[string]idSpan
	arena []int32
}

type idSpan struct{ off, n int32 }

// Cache bounds: words longer than maxCachedKey are rare and rarely repeat;
// past maxCacheIDs cached ids the cache starts over.
const (
	maxCachedKey = 128
	maxCacheIDs  = 1 << 22
)

func (t *Tokenizer) newEncoder() *encoder {
	e := &encoder{t: t, cache: map[string]idSpan{}}
	switch t.kind {
	case kindSPM:
		e.spm = newSPMState()
	case kindBPE:
		e.bpe = newBPEState()
	}
	return e
}

// largeChunk is the size of the pieces Encode works through a text in,
// cut where Stream would cut (see nextSegment): the result is the same and
// the scratch memory stays bounded.
const largeChunk = 1 << 20

func (e *encoder) encodeLarge(text string, parseSpecial bool, out []int32) []int32 {
	return e.encodeChunked(text, parseSpecial, largeChunk, out)
}

func (e *encoder) encodeChunked(text string, parseSpecial bool, chunk int, out []int32) []int32 {
	prevSpecial := true
	for start, pos := 0, 0; pos < len(text); {
		end, forced, _, _ := nextSegment(e.t, text[pos:], parseSpecial, true, 0)
		pos += end
		if forced || pos-start >= chunk || pos == len(text) {
			out, prevSpecial = e.encode(text[start:pos], parseSpecial, prevSpecial, out)
			start = pos
		}
	}
	return out
}

// encode appends the tokens of text. prevSpecial says whether the text
// follows a special token (or starts the input), which for SentencePiece
// vocabularies means a space is prefixed; the returned value is the same
// fact for whatever comes next.
func (e *encoder) encode(text string, parseSpecial, prevSpecial bool, out []int32) ([]int32, bool) {
	t := e.t
	e.frags = t.specials.partition(text, parseSpecial, e.frags)
	for _, f := range e.frags {
		if f.tok >= 0 {
			out = append(out, f.tok)
			prevSpecial = true
			continue
		}
		piece := text[f.start:f.end]
		switch t.kind {
		case kindSPM:
			if t.addSpacePrefix && prevSpecial {
				piece = " " + piece
			}
			out = t.spm.encodeFragment(e, strings.ReplaceAll(piece, " ", spaceMark), out)
		case kindBPE:
			out = t.bpe.encodeFragment(e, piece, out)
		}
		prevSpecial = false
	}
	return out, prevSpecial
}

// cached appends the tokens of key, computing them with f on a miss.
func (e *encoder) cached(key string, out []int32, f func(*encoder, string, []int32) []int32) []int32 {
	if len(key) > maxCachedKey {
		return f(e, key, out)
	}
	if sp, ok := e.cache[key]; ok {
		return append(out, e.arena[sp.off:sp.off+sp.n]...)
	}
	n := len(out)
	out = f(e, key, out)
	if len(e.arena)+len(out)-n > maxCacheIDs {
		clear(e.cache)
		e.arena = e.arena[:0]
	}
	e.cache[strings.Clone(key)] = idSpan{off: int32(len(e.arena)), n: int32(len(out) - n)}
	e.arena = append(e.arena, out[n:]...)
	return out
}
