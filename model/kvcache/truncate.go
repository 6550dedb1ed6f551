package kvcache

// Truncate drops every slot past the first n, so that the cache holds the
// keys of positions 0..n-1 only: a session goes back to a shorter prefix of
// its sequence without evaluating it again. It reports false, changing
// nothing, where the slots are not simply positions 0..Len-1 in order (a
// ring that wrapped, streaming cache positions) or where the cached keys'
// rotation depends on the length (dynamic NTK).
func (c *Cache) Truncate(n int) bool {
	if !c.CanTruncate(n) {
		return false
	}
	c.n = n
	return true
}

// CanTruncate reports whether Truncate(n) would succeed, changing nothing:
// a state of two caches checks both before cutting either.
func (c *Cache) CanTruncate(n int) bool {
	if n < 0 || n > c.n || c.stream != nil || c.dyn != nil || c.ring != min(c.policy.Sinks, c.Cap()) {
		return false
	}
	for j, p := range c.pos[:c.n] {
		if p != int32(j) {
			return false
		}
	}
	return true
}
