package tokenizer

import (
	"fmt"
	"slices"
	"strings"
)

// bpeModel is the byte-level BPE merge model. Merging works on symbol ids:
// every string that can occur as a symbol (each vocabulary token, each side
// of a merge and each merge result) is interned once at load, so a merge
// lookup is one map probe on a pair of integers.
type bpeModel struct {
	t      *Tokenizer
	steps  []splitStep
	symTok []int32             // symbol -> token id, or -1 for strings outside the vocabulary
	merges map[uint64]bpeMerge // (left symbol, right symbol) -> merge
	// byteSym is the starting symbol of each raw byte (its byte-level rune),
	// or -1 when nothing knows that rune.
	byteSym [256]int32
	// fallback lists what llama.cpp emits for each raw byte of a symbol that
	// is not a token: it looks up each byte of the symbol's byte-level text
	// as a one-byte string, keeping the hits.
	fallback [256][]int32
	rawTok   map[string]int32 // raw bytes -> token, when whole words may skip the merges
}

type bpeMerge struct{ rank, sym int32 }

func pairKey(l, r int32) uint64 { return uint64(uint32(l))<<32 | uint64(uint32(r)) }

func newBPEModel(t *Tokenizer, merges []string, pre preTokenizer) (*bpeModel, error) {
	m := &bpeModel{t: t, steps: pre.steps(), merges: make(map[uint64]bpeMerge, len(merges))}
	if len(merges) > 1<<30 {
		return nil, fmt.Errorf("tokenizer: %d merges is too many", len(merges))
	}
	syms := make(map[string]int32, len(t.tokens)+len(merges)/4)
	m.symTok = make([]int32, len(t.tokens), len(t.tokens)+len(merges)/4)
	for id, s := range t.tokens {
		syms[s] = int32(id)
		m.symTok[id] = int32(id)
	}
	intern := func(s string) int32 {
		if id, ok := syms[s]; ok {
			return id
		}
		id := int32(len(m.symTok))
		syms[s] = id
		m.symTok = append(m.symTok, -1)
		return id
	}
	for rank, line := range merges {
		// llama.cpp splits at the first space after the first byte, so a
		// merge whose left side is a single space still parses.
		sp := strings.IndexByte(line[min(1, len(line)):], ' ')
		if sp < 0 {
			continue // stored as an unmatchable empty pair
		}
		sp += min(1, len(line))
		left, right := line[:sp], line[sp+1:]
		if left == "" || right == "" {
			continue
		}
		key := pairKey(intern(left), intern(right))
		if _, dup := m.merges[key]; !dup {
			m.merges[key] = bpeMerge{rank: int32(rank), sym: intern(left + right)}
		}
	}
	for b := 0; b < 256; b++ {
		m.byteSym[b] = -1
		r := string(byteRunes[b])
		if id, ok := syms[r]; ok {
			m.byteSym[b] = id
		}
		for i := 0; i < len(r); i++ {
			if id, ok := t.ids[r[i:i+1]]; ok {
				m.fallback[b] = append(m.fallback[b], id)
			}
		}
	}
	if t.ignoreMerges {
		m.rawTok = make(map[string]int32, len(t.tokens))
		for id, s := range t.tokens {
			if raw, ok := rawBytes(s); ok {
				m.rawTok[string(raw)] = int32(id)
			}
		}
	}
	return m, nil
}

type bpeBigram struct {
	rank, left, right int32
	lsym, rsym, sym   int32
}

// bpeState is the scratch space of one encoder.
type bpeState struct {
	seg    segmenter
	cpts   []rune
	offs   []int // byte offset of each codepoint in the canonical text
	syms   []textRun
	symIDs []int32 // the interned string of each run
	heap   mergeHeap[bpeBigram]
}

func newBPEState() *bpeState {
	return &bpeState{heap: mergeHeap[bpeBigram]{less: func(a, b *bpeBigram) bool {
		// Lowest rank first; on a tie the leftmost pair.
		return a.rank < b.rank || a.rank == b.rank && a.left < b.left
	}}}
}

// encodeFragment pre-tokenises one text fragment into words and merges each
// word (cached).
func (m *bpeModel) encodeFragment(e *encoder, text string, out []int32) []int32 {
	st := e.bpe
	var canon string
	st.cpts, canon = decodeCodepoints(text, slices.Grow(st.cpts[:0], len(text)))
	st.offs = slices.Grow(st.offs[:0], len(st.cpts)+1)
	off := 0
	for _, r := range st.cpts {
		st.offs = append(st.offs, off)
		off += encodedLen(r)
	}
	st.offs = append(st.offs, off)
	start := 0
	for _, end := range st.seg.split(m.steps, st.cpts) {
		if end > start {
			out = e.cached(canon[st.offs[start]:st.offs[end]], out, m.merge)
		}
		start = end
	}
	return out
}

// merge applies the ranked merges to one word given as raw bytes.
func (m *bpeModel) merge(e *encoder, word string, out []int32) []int32 {
	if len(word) > maxMergeLen {
		// Symbol positions are int32. No real text has a 1 GiB word;
		// merging it in pieces keeps us from overflowing on one.
		for len(word) > maxMergeLen {
			out = m.merge(e, word[:maxMergeLen], out)
			word = word[maxMergeLen:]
		}
	}
	if m.rawTok != nil {
		if id, ok := m.rawTok[word]; ok {
			return append(out, id)
		}
	}
	st := e.bpe
	syms, ids := st.syms[:0], st.symIDs[:0]
	for i := 0; i < len(word); i++ {
		syms = appendRun(syms, i, 1)
		ids = append(ids, m.byteSym[word[i]])
	}
	if len(syms) == 0 {
		return out
	}
	syms[len(syms)-1].next = -1
	st.heap.reset()
	tryAdd := func(left, right int32) {
		if left < 0 || right < 0 {
			return
		}
		ls, rs := ids[left], ids[right]
		if ls < 0 || rs < 0 {
			return
		}
		if mg, ok := m.merges[pairKey(ls, rs)]; ok {
			st.heap.push(bpeBigram{rank: mg.rank, left: left, right: right, lsym: ls, rsym: rs, sym: mg.sym})
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
		if l.n == 0 || r.n == 0 || ids[bg.left] != bg.lsym || ids[bg.right] != bg.rsym {
			continue // stale: a side changed since this pair was queued
		}
		joinRuns(syms, bg.left, bg.right)
		ids[bg.left] = bg.sym
		tryAdd(l.prev, bg.left)
		tryAdd(bg.left, syms[bg.left].next)
	}
	for i := int32(0); i != -1; i = syms[i].next {
		s, sym := syms[i], ids[i]
		if sym >= 0 && m.symTok[sym] >= 0 {
			out = append(out, m.symTok[sym])
			continue
		}
		for j := s.start; j < s.start+s.n; j++ {
			out = append(out, m.fallback[word[j]]...)
		}
	}
	st.syms, st.symIDs = syms, ids
	return out
}
