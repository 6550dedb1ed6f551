package serving

// snapshot is a saved session state (Session.Save) after tokens.
type snapshot struct {
	tokens []int32
	data   []byte
	used   uint64 // the clock of its last use, for least-recently-used eviction
}

// snapshots keep saved states in memory under a byte bound. The engine's
// snapMu guards them.
type snapshots struct {
	max   int64
	size  int64
	list  []*snapshot
	clock uint64
}

// best is the snapshot that gives the longest usable prefix of prompt
// (see usable), and that length.
func (ss *snapshots) best(prompt []int32, truncates bool) (*snapshot, int) {
	var best *snapshot
	bestN := 0
	for _, s := range ss.list {
		if n := usable(s.tokens, prompt, true, truncates); n > bestN {
			best, bestN = s, n
		}
	}
	if best != nil {
		ss.clock++
		best.used = ss.clock
	}
	return best, bestN
}

// has reports whether a snapshot of exactly tokens is kept.
func (ss *snapshots) has(tokens []int32) bool {
	for _, s := range ss.list {
		if len(s.tokens) == len(tokens) && commonPrefix(s.tokens, tokens) == len(tokens) {
			return true
		}
	}
	return false
}

// add keeps a snapshot, dropping the least recently used ones to stay
// under the bound; one larger than the bound is not kept. A kept snapshot
// that is a prefix of the new one goes: the new one serves every prompt it
// served, on a model that truncates.
func (ss *snapshots) add(tokens []int32, data []byte, truncates bool) {
	size := int64(len(data)) + 4*int64(len(tokens))
	if size > ss.max {
		return
	}
	if truncates {
		kept := ss.list[:0]
		for _, s := range ss.list {
			if len(s.tokens) <= len(tokens) && commonPrefix(s.tokens, tokens) == len(s.tokens) {
				ss.size -= int64(len(s.data)) + 4*int64(len(s.tokens))
				continue
			}
			kept = append(kept, s)
		}
		clear(ss.list[len(kept):])
		ss.list = kept
	}
	for ss.size+size > ss.max && len(ss.list) > 0 {
		old := 0
		for i, s := range ss.list {
			if s.used < ss.list[old].used {
				old = i
			}
		}
		ss.size -= int64(len(ss.list[old].data)) + 4*int64(len(ss.list[old].tokens))
		ss.list = append(ss.list[:old], ss.list[old+1:]...)
	}
	ss.clock++
	ss.list = append(ss.list, &snapshot{tokens: append([]int32(nil), tokens...), data: data, used: ss.clock})
	ss.size += size
}

// usable is how many of prompt's first tokens a state after tokens can
// serve: their common prefix if the state can drop the rest (truncates),
// else all of tokens if they are a prefix of prompt, else none. A request
// needs the logits after its whole prompt: when the state holds exactly
// the prompt it serves all of it only with logits; otherwise its last
// token is evaluated again.
func usable(tokens, prompt []int32, hasLogits, truncates bool) int {
	n := commonPrefix(tokens, prompt)
	if n < len(tokens) && !truncates {
		return 0
	}
	if n == len(prompt) && !(n == len(tokens) && hasLogits) {
		if !truncates {
			return 0
		}
		n--
	}
	return max(n, 0)
}
