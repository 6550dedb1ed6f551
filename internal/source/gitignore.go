package source

import (
	"bufio"
	"io"
	"strings"
)

// Ignore is the pattern list of one .gitignore file, with git's semantics
// (gitignore(5)):
//   - blank lines and lines starting with "#" match nothing ("\#" is a
//     literal "#"); trailing spaces are dropped unless escaped ("\ ");
//   - "!" negates: a path the pattern matches is included again ("\!" is a
//     literal "!");
//   - a trailing "/" makes the pattern match directories only;
//   - a pattern with a "/" at its start or in its middle is anchored: it
//     matches the path relative to the .gitignore's directory; otherwise it
//     matches the last path element at any depth below it;
//   - "*" matches anything but "/", "?" any one character but "/",
//     "[...]" a class ("!" or "^" negates, ranges, [:alpha:] and friends);
//     "\" quotes the next character;
//   - "**/" at the start matches in every directory, "/**" at the end
//     everything inside, "/**/" zero or more directories; other runs of
//     stars are plain stars.
//
// Within one file the last pattern that matches decides.
type Ignore struct {
	rules []rule
}

type rule struct {
	pattern  string // without the "!", the trailing "/" and a leading "/"
	negate   bool
	dirOnly  bool
	anchored bool // match the whole relative path, not the base name
}

// ParseIgnore reads a .gitignore file's patterns. Lines git would ignore as
// invalid (an unterminated class, a lone trailing backslash) match nothing,
// as in git.
func ParseIgnore(r io.Reader) (*Ignore, error) {
	ig := &Ignore{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		if ru, ok := parseRule(sc.Text()); ok {
			ig.rules = append(ig.rules, ru)
		}
	}
	return ig, sc.Err()
}

func parseRule(line string) (rule, bool) {
	line = strings.TrimSuffix(line, "\r")
	line = trimTrailingSpaces(line)
	if line == "" || line[0] == '#' {
		return rule{}, false
	}
	var ru rule
	if line[0] == '!' {
		ru.negate = true
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") && !escapedAt(line, len(line)-1) {
		ru.dirOnly = true
		line = line[:len(line)-1]
	}
	if strings.HasPrefix(line, "/") {
		ru.anchored = true
		line = line[1:]
	} else if strings.Contains(line, "/") {
		ru.anchored = true
	}
	if line == "" || !wellFormed(line) {
		return rule{}, false
	}
	ru.pattern = line
	return ru, true
}

// trimTrailingSpaces drops unescaped trailing spaces ("a\ " keeps one).
func trimTrailingSpaces(s string) string {
	end := len(s)
	for end > 0 && s[end-1] == ' ' && !escapedAt(s, end-1) {
		end--
	}
	return s[:end]
}

// escapedAt reports whether s[i] is preceded by an odd run of backslashes.
func escapedAt(s string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// wellFormed rejects patterns git cannot match anything with: a trailing
// lone backslash.
func wellFormed(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' {
			if i+1 == len(p) {
				return false
			}
			i++
		}
	}
	return true
}

// Match says what this file decides for rel, a slash-separated path
// relative to the .gitignore's directory: matched reports whether any
// pattern matched, ignored whether the last one to match excludes it.
func (ig *Ignore) Match(rel string, isDir bool) (ignored, matched bool) {
	base := rel
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		base = rel[i+1:]
	}
	for i := len(ig.rules) - 1; i >= 0; i-- {
		ru := &ig.rules[i]
		if ru.dirOnly && !isDir {
			continue
		}
		target := base
		if ru.anchored {
			target = rel
		}
		if wildmatch(ru.pattern, target) {
			return !ru.negate, true
		}
	}
	return false, false
}

// Len is the number of patterns (comments and blank lines not counted).
func (ig *Ignore) Len() int { return len(ig.rules) }
