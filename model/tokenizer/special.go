package tokenizer

import (
	"slices"
)

// fragment is a piece of the input after special-token partitioning: either
// a token (tok >= 0) or the raw text text[start:end].
type fragment struct {
	tok        int32
	start, end int
}

// specialMatcher finds special tokens in raw text the way llama.cpp's
// tokenizer_st_partition does: token by token, longest first, each carving
// its leftmost non-overlapping occurrences out of the text that earlier
// tokens left. llama.cpp searches the whole text once per special token;
// we find every occurrence of every special token in one pass over a trie and
// then replay that order, which gives the same partition.
type specialMatcher struct {
	order  []int32 // special token ids, longest text first
	rank   []int   // rank[id] = position in order, for ids in order
	trie   trie
	attrs  []attr
	maxLen int // longest special token text, in bytes
}

func newSpecialMatcher(t *Tokenizer, order []int32) *specialMatcher {
	m := &specialMatcher{order: order, attrs: t.attrs}
	m.rank = make([]int, len(t.tokens))
	for i, id := range order {
		m.rank[id] = i
		m.trie.insert(t.tokens[id], id)
		m.maxLen = max(m.maxLen, len(t.tokens[id]))
	}
	return m
}

// occurrence is one place a special token's text appears.
type occurrence struct {
	rank       int // the token's position in the matcher order
	start, end int
}

// partition splits text into fragments. Control and unknown tokens take part
// only when parseSpecial is set; user-defined tokens always do.
func (m *specialMatcher) partition(text string, parseSpecial bool, frags []fragment) []fragment {
	frags = frags[:0]
	if text == "" {
		return frags
	}
	frags = append(frags, fragment{tok: -1, start: 0, end: len(text)})
	if len(m.order) == 0 {
		return frags
	}
	occ := m.find(text, parseSpecial)
	if len(occ) == 0 {
		return frags
	}
	// Group by token (in matcher order), by position within a token.
	slices.SortFunc(occ, func(x, y occurrence) int {
		if x.rank != y.rank {
			return x.rank - y.rank
		}
		return x.start - y.start
	})
	next := make([]fragment, 0, len(frags)+8)
	for i := 0; i < len(occ); {
		j := i
		for j < len(occ) && occ[j].rank == occ[i].rank {
			j++
		}
		next = m.carve(text, frags, occ[i:j], next[:0])
		frags, next = next, frags
		i = j
	}
	return frags
}

// carve removes the occurrences of one token (sorted by start) from the text
// fragments, exactly as llama.cpp's left-to-right find loop would.
func (m *specialMatcher) carve(text string, frags []fragment, occ []occurrence, out []fragment) []fragment {
	id := m.order[occ[0].rank]
	a := m.attrs[id]
	k := 0
	for _, f := range frags {
		if f.tok >= 0 {
			out = append(out, f)
			continue
		}
		base := f.start
		for ; k < len(occ) && occ[k].start < f.end; k++ {
			o := occ[k]
			if o.start < base || o.end > f.end {
				continue // overlaps text already consumed, or runs past the fragment
			}
			left := o.start
			if a&attrLStrip != 0 {
				for left > base && isCSpace(text[left-1]) {
					left--
				}
			}
			if left > base {
				out = append(out, fragment{tok: -1, start: base, end: left})
			}
			out = append(out, fragment{tok: id, start: o.start, end: o.end})
			base = o.end
			if a&attrRStrip != 0 {
				for base < f.end && isCSpace(text[base]) {
					base++
				}
			}
		}
		if base < f.end {
			out = append(out, fragment{tok: -1, start: base, end: f.end})
		}
	}
	return out
}

// isCSpace is C's isspace in the "C" locale.
func isCSpace(b byte) bool { return b == ' ' || b >= '\t' && b <= '\r' }

// find lists every occurrence of every eligible special token.
func (m *specialMatcher) find(text string, parseSpecial bool) []occurrence {
	var occ []occurrence
	for i := 0; i < len(text); i++ {
		occ = matchesAt(m, text, i, parseSpecial, occ)
	}
	return occ
}

// matchesAt appends the eligible special tokens that start at text[i].
func matchesAt[S string | []byte](m *specialMatcher, text S, i int, parseSpecial bool, occ []occurrence) []occurrence {
	if !m.trie.starts(text[i]) {
		return occ
	}
	node := 0
	for j := i; j < len(text); j++ {
		if node = m.trie.child(node, text[j]); node < 0 {
			break
		}
		if id := m.trie.nodes[node].id; id >= 0 && m.eligible(id, parseSpecial) {
			occ = append(occ, occurrence{rank: m.rank[id], start: i, end: j + 1})
		}
	}
	return occ
}

// eligible reports whether a special token takes part in partitioning:
// control and unknown tokens only when special text is parsed.
func (m *specialMatcher) eligible(id int32, parseSpecial bool) bool {
	return parseSpecial || m.attrs[id]&(attrControl|attrUnknown) == 0
}

// overlapsSpecial reports whether an eligible special token occurs in text
// across any byte of [lo, hi).
func overlapsSpecial[S string | []byte](m *specialMatcher, text S, lo, hi int, parseSpecial bool) bool {
	var occ [8]occurrence
	for i := max(0, lo-m.maxLen+1); i < hi && i < len(text); i++ {
		for _, o := range matchesAt(m, text, i, parseSpecial, occ[:0]) {
			if o.end > lo {
				return true
			}
		}
	}
	return false
}

// trie is a byte trie over the special token texts.
type trie struct {
	nodes []trieNode
	first [256]bool
}

type trieNode struct {
	id    int32 // token ending here, or -1
	edges []trieEdge
}

type trieEdge struct {
	b    byte
	node int32
}

func (t *trie) child(n int, b byte) int {
	for _, e := range t.nodes[n].edges {
		if e.b == b {
			return int(e.node)
		}
	}
	return -1
}

func (t *trie) starts(b byte) bool { return t.first[b] }

func (t *trie) insert(s string, id int32) {
	if len(t.nodes) == 0 {
		t.nodes = append(t.nodes, trieNode{id: -1})
	}
	if s == "" {
		return
	}
	t.first[s[0]] = true
	n := 0
	for i := 0; i < len(s); i++ {
		c := t.child(n, s[i])
		if c < 0 {
			c = len(t.nodes)
			t.nodes = append(t.nodes, trieNode{id: -1})
			t.nodes[n].edges = append(t.nodes[n].edges, trieEdge{b: s[i], node: int32(c)})
		}
		n = c
	}
	t.nodes[n].id = id
}
