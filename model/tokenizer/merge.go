package tokenizer

// maxMergeLen bounds the text one merge run works on, so that symbol
// positions fit the int32 fields of the merge state.
const maxMergeLen = 1 << 30

// textRun is a stretch of the text that merging has produced so far. Runs
// form a doubly linked list in text order; a run merged into its left
// neighbour is emptied (n == 0) and unlinked.
type textRun struct{ start, n, prev, next int32 }

// appendRun adds the run [start, start+n) to the end of the list; the
// caller marks the last run's next as -1 when the list is complete.
func appendRun(runs []textRun, start, n int) []textRun {
	i := int32(len(runs))
	return append(runs, textRun{start: int32(start), n: int32(n), prev: i - 1, next: i + 1})
}

// joinRuns merges run right into its left neighbour left.
func joinRuns(runs []textRun, left, right int32) {
	l, r := &runs[left], &runs[right]
	l.n += r.n
	r.n = 0
	l.next = r.next
	if r.next >= 0 {
		runs[r.next].prev = left
	}
}

// A binary min-heap over merge candidates. container/heap would box every
// element in an interface; the merge loops push millions of them.

type mergeHeap[T any] struct {
	items []T
	less  func(a, b *T) bool
}

func (h *mergeHeap[T]) reset() { h.items = h.items[:0] }

func (h *mergeHeap[T]) push(x T) {
	h.items = append(h.items, x)
	i := len(h.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(&h.items[i], &h.items[parent]) {
			break
		}
		h.items[i], h.items[parent] = h.items[parent], h.items[i]
		i = parent
	}
}

func (h *mergeHeap[T]) pop() (T, bool) {
	var zero T
	n := len(h.items)
	if n == 0 {
		return zero, false
	}
	top := h.items[0]
	n--
	h.items[0] = h.items[n]
	h.items = h.items[:n]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && h.less(&h.items[l], &h.items[m]) {
			m = l
		}
		if r < n && h.less(&h.items[r], &h.items[m]) {
			m = r
		}
		if m == i {
			break
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
	return top, true
}
