package model

// truncater is a state that can go back to a prefix of its sequence.
type truncater interface {
	truncate(n int) bool
}

// truncate cuts a layer pattern's local cache with the global one, or
// neither: the local ring can go back only while it has not wrapped.
func (s *llamaState) truncate(n int) bool {
	if s.local != nil && !(s.local.kv.CanTruncate(n) && s.kv.CanTruncate(n)) {
		return false
	}
	if s.local != nil {
		s.local.kv.Truncate(n)
	}
	return s.kv.Truncate(n)
}

// Truncate goes back to the first n tokens of the sequence, as if only
// they had been evaluated, so that a new continuation of a shared prefix
// (another question about the same document) does not evaluate the prefix
// again. Logits are gone afterwards: evaluate at least one token before
// Generate. It reports false, changing nothing, where the state cannot
// drop tokens (recurrent models, a window's ring that wrapped, streaming
// or dynamic-NTK caches, a history cut to its bound, or n out of range):
// Reset and evaluate again instead.
func (s *Session) Truncate(n int) bool {
	if s.enter() != nil {
		return false
	}
	defer s.leave()
	if n < 0 || n > int(s.next) || len(s.history) != int(s.next) {
		return false
	}
	if n == int(s.next) {
		return true
	}
	t, ok := s.st.(truncater)
	if !ok || !t.truncate(n) {
		return false
	}
	s.next, s.history, s.hasLogits = int32(n), s.history[:n], false
	return true
}
