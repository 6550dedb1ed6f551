package tokenizer

import (
	"fmt"
	"strings"
)

// spaceMark is U+2581, which SentencePiece vocabularies use for a space.
const spaceMark = "\u2581"

// spmModel is the SentencePiece-style merge model.
type spmModel struct {
	t       *Tokenizer
	byteTok [256]int32 // the token standing for each byte; -1 if none

	// beforeMark holds every 1..4-byte string that some token has right
	// before a U+2581. A merge can only join the symbols either side of a
	// boundary "X|▁" if a token contains X▁, so where X is not in this set
	// the text can be cut and merged piecewise with an identical result.
	beforeMark map[string]bool
	endsMark   [256]bool // last bytes of the strings in beforeMark, a quick filter

	// newlineBefore marks the bytes Y for which some token contains "\nY":
	// Stream does not cut between such a newline and Y.
	newlineBefore [256]bool
}

func newSPMModel(t *Tokenizer) *spmModel {
	m := &spmModel{t: t, beforeMark: map[string]bool{}}
	for b := 0; b < 256; b++ {
		m.byteTok[b] = -1
		if id, ok := t.ids[fmt.Sprintf("<0x%02X>", b)]; ok {
			m.byteTok[b] = id
		} else if id, ok := t.ids[string([]byte{byte(b)})]; ok {
			m.byteTok[b] = id
		} else {
			// llama.cpp aborts here; the unknown token is the kindest stand-in.
			m.byteTok[b] = t.special.unk
		}
	}
	for _, tok := range t.tokens {
		for k := 1; k < len(tok); k++ {
			if tok[k-1] == '\n' {
				m.newlineBefore[tok[k]] = true
			}
			if !strings.HasPrefix(tok[k:], spaceMark) {
				continue
			}
			for w := 1; w <= 4 && w <= k; w++ {
				m.beforeMark[tok[k-w:k]] = true
			}
			m.endsMark[tok[k-1]] = true
		}
	}
	return m
}

// spmBigram is a merge candidate: the symbols left and right joined form a
// token with the given score.
type spmBigram struct {
	score       float32
	left, right int32
	size        int32
}

// spmState is the scratch space of one merge run.
type spmState struct {
	syms []textRun
	heap mergeHeap[spmBigram]
}

func newSPMState() *spmState {
	return &spmState{heap: mergeHeap[spmBigram]{less: func(a, b *spmBigram) bool {
		// Highest score first; on a tie the leftmost pair.
		return a.score > b.score || a.score == b.score && a.left < b.left
	}}}
}

// encodeFragment tokenises one text fragment (spaces already escaped),
// chunked at boundaries no merge can cross, each chunk cached.
func (m *spmModel) encodeFragment(e *encoder, text string, out []int32) []int32 {
	chunkStart, prevStart := 0, -1
	for i := 0; i < len(text); {
		n := min(utf8Len(text[i]), len(text)-i)
		if prevStart >= 0 && n == len(spaceMark) && text[i:i+n] == spaceMark &&
			(!m.endsMark[text[i-1]] || !m.beforeMark[text[prevStart:i]]) {
			out = e.cached(text[chunkStart:i], out, m.merge)
			chunkStart = i
		}
		prevStart = i
		i += n
	}
	return e.cached(text[chunkStart:], out, m.merge)
}

// merge runs llama.cpp's SPM algorithm on text: start from single UTF-8
// characters and repeatedly join the adjacent pair whose joined text is the
// best-scoring token, then emit tokens, spelling leftovers as byte tokens.
func (m *spmModel) merge(e *encoder, text string, out []int32) []int32 {
	for len(text) > maxMergeLen {
		// Symbol positions are int32; see bpeModel.merge. Cut at a
		// character boundary.
		cut := maxMergeLen
		for cut > maxMergeLen-4 && text[cut]&0xC0 == 0x80 {
			cut--
		}
		out = m.merge(e, text[:cut], out)
		text = text[cut:]
	}
	st := e.spm
	syms := st.syms[:0]
	for offs := 0; offs < len(text); {
		n := min(utf8Len(text[offs]), len(text)-offs)
		syms = appendRun(syms, offs, n)
		offs += n
	}
	if len(syms) == 0 {
		return out
	}
	syms[len(syms)-1].next = -1
	st.heap.reset()
	ids, scores := m.t.ids, m.t.scores
	tryAdd := func(left, right int32) {
		if left < 0 || right < 0 {
			return
		}
		l, r := syms[left], syms[right]
		piece := text[l.start : r.start+r.n]
		if id, ok := ids[piece]; ok {
			st.heap.push(spmBigram{score: scores[id], left: left, right: right, size: int32(len(piece))})
		}
	}
	for i := int32(1); i < int32(len(syms)); i++ {
		tryAdd(i-1, i)
	}
	for {
		bg, ok := st.heap.pop()
		if !ok {
			break
		}
		l, r := syms[bg.left], syms[bg.right]
		if l.n == 0 || r.n == 0 || l.n+r.n != bg.size {
			continue // one side was merged away since this pair was queued
		}
		joinRuns(syms, bg.left, bg.right)
		tryAdd(l.prev, bg.left)
		tryAdd(bg.left, syms[bg.left].next)
	}
	for i := int32(0); i != -1; i = syms[i].next {
		s := syms[i]
		piece := text[s.start : s.start+s.n]
		if id, ok := ids[piece]; ok {
			out = append(out, id)
			continue
		}
		for j := 0; j < len(piece); j++ {
			if id := m.byteTok[piece[j]]; id >= 0 {
				out = append(out, id)
			}
		}
	}
	st.syms = syms
	return out
}
