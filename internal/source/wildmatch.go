package source

import "strings"

// wildmatch reports whether the gitignore pattern p matches the whole of s
// (a slash-separated path), with git's wildmatch rules under WM_PATHNAME:
// "*", "?" and classes never match "/", and "**" between slashes (or at
// either end) matches across directories. Failed (pattern, text) states
// are remembered, so hostile patterns cost O(len(p)*len(s)) states at most.
func wildmatch(p, s string) bool {
	m := matcher{p: p, s: s}
	return m.match(0, 0)
}

type matcher struct {
	p, s   string
	failed map[[2]int]bool // states known not to match
}

func (m *matcher) match(pi, si int) bool {
	key := [2]int{pi, si}
	if m.failed[key] {
		return false
	}
	ok := m.step(pi, si)
	if !ok {
		if m.failed == nil {
			m.failed = make(map[[2]int]bool)
		}
		m.failed[key] = true
	}
	return ok
}

func (m *matcher) step(pi, si int) bool {
	p, s := m.p, m.s
	for pi < len(p) {
		c := p[pi]
		switch c {
		case '*':
			return m.star(pi, si)
		case '?':
			if si >= len(s) || s[si] == '/' {
				return false
			}
			pi, si = pi+1, si+1
		case '[':
			if si >= len(s) || s[si] == '/' {
				return false
			}
			ok, next, valid := matchClass(p, pi, s[si])
			if !valid || !ok {
				return false
			}
			pi, si = next, si+1
		default:
			if c == '\\' && pi+1 < len(p) {
				pi++
				c = p[pi]
			}
			if si >= len(s) || s[si] != c {
				return false
			}
			pi, si = pi+1, si+1
		}
	}
	return si == len(s)
}

// star matches the run of stars at p[pi:] and the rest of the pattern.
func (m *matcher) star(pi, si int) bool {
	p, s := m.p, m.s
	start := pi
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	crossSlash := false
	if pi-start >= 2 && (start == 0 || p[start-1] == '/') &&
		(pi == len(p) || p[pi] == '/' || p[pi] == '\\' && pi+1 < len(p) && p[pi+1] == '/') {
		crossSlash = true
		// "**/": zero directories first.
		if pi < len(p) && p[pi] == '/' && m.match(pi+1, si) {
			return true
		}
	}
	if pi == len(p) {
		// Trailing stars: the rest of the text, which must hold no "/"
		// unless they may cross directories.
		if crossSlash {
			return true
		}
		for i := si; i < len(s); i++ {
			if s[i] == '/' {
				return false
			}
		}
		return true
	}
	for i := si; i <= len(s); i++ {
		if m.match(pi, i) {
			return true
		}
		if i < len(s) && s[i] == '/' && !crossSlash {
			return false
		}
	}
	return false
}

// matchClass matches c against the bracket expression starting at p[pi]
// ("["). It returns whether c is in the class, the index after the closing
// "]", and whether the class is well formed (an unterminated one makes the
// whole pattern match nothing, as in git).
func matchClass(p string, pi int, c byte) (ok bool, next int, valid bool) {
	i := pi + 1
	negate := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negate = true
		i++
	}
	first := true
	var prev byte
	havePrev := false
	for i < len(p) {
		ch := p[i]
		if ch == ']' && !first {
			return ok != negate, i + 1, true
		}
		first = false
		switch {
		case ch == '[' && i+1 < len(p) && p[i+1] == ':':
			// git: the class name runs to the next "]"; without a ":"
			// before it, the "[" is a plain member.
			end := strings.IndexByte(p[i+2:], ']')
			if end < 0 {
				return false, 0, false
			}
			end += i + 2
			if end-1 < i+2 || p[end-1] != ':' {
				if c == '[' {
					ok = true
				}
				prev, havePrev = '[', true
				i++
				continue
			}
			in, known := inNamedClass(p[i+2:end-1], c)
			if !known {
				return false, 0, false
			}
			ok = ok || in
			havePrev = false
			i = end + 1
			continue
		case ch == '-' && havePrev && i+1 < len(p) && p[i+1] != ']':
			hi := p[i+1]
			i += 2
			if hi == '\\' {
				if i >= len(p) {
					return false, 0, false
				}
				hi = p[i]
				i++
			}
			if prev <= c && c <= hi {
				ok = true
			}
			havePrev = false
			continue
		case ch == '\\':
			i++
			if i >= len(p) {
				return false, 0, false
			}
			ch = p[i]
		}
		if ch == c {
			ok = true
		}
		prev, havePrev = ch, true
		i++
	}
	return false, 0, false
}

// inNamedClass tests c against a POSIX class name ("alpha", ...); known is
// false for a name git does not know (the pattern then matches nothing).
func inNamedClass(name string, c byte) (in, known bool) {
	lower := 'a' <= c && c <= 'z'
	upper := 'A' <= c && c <= 'Z'
	digit := '0' <= c && c <= '9'
	switch name {
	case "alnum":
		return lower || upper || digit, true
	case "alpha":
		return lower || upper, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 0x20 || c == 0x7f, true
	case "digit":
		return digit, true
	case "graph":
		return c > 0x20 && c < 0x7f, true
	case "lower":
		return lower, true
	case "print":
		return c >= 0x20 && c < 0x7f, true
	case "punct":
		return c > 0x20 && c < 0x7f && !lower && !upper && !digit, true
	case "space":
		return c == ' ' || '\t' <= c && c <= '\r', true
	case "upper":
		return upper, true
	case "xdigit":
		return digit || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F', true
	}
	return false, false
}
