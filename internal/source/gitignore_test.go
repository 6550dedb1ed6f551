package source

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cases follow gitignore(5)'s own examples and git's wildmatch tests.
func TestWildmatch(t *testing.T) {
	cases := []struct {
		pattern, text string
		want          bool
	}{
		{"foo", "foo", true},
		{"foo", "bar", false},
		{"", "", true},
		{"???", "foo", true},
		{"??", "foo", false},
		{"*", "foo", true},
		{"f*", "foo", true},
		{"*f", "foo", false},
		{"*foo*", "foo", true},
		{"*ob*a*r*", "foobar", true},
		{"*ab", "aaaaaaabababab", true},
		{"foo\\*", "foo*", true},
		{"foo\\*bar", "foobar", false},
		{"f\\\\oo", "f\\oo", true},
		{"*[al]?", "ball", true},
		{"[ten]", "ten", false},
		{"**[!te]", "ten", true},
		{"**[!ten]", "ten", false},
		{"t[a-g]n", "ten", true},
		{"t[!a-g]n", "ten", false},
		{"t[!a-g]n", "ton", true},
		{"t[^a-g]n", "ton", true},
		{"a[]]b", "a]b", true},
		{"a[]-]b", "a-b", true},
		{"a[]-]b", "a]b", true},
		{"a[]-]b", "aab", false},
		{"a[]a-]b", "aab", true},
		{"]", "]", true},
		{"*.[oa]", "x.o", true},
		{"*.[oa]", "x.c", false},
		{"[[:digit:]]x", "5x", true},
		{"[[:alpha:][:digit:]]", "q", true},
		{"[[:upper:]]", "q", false},
		{"[[:xdigit:]]", "F", true},
		{"[[:nope:]]", "n", false}, // unknown class: the pattern matches nothing
		{"[a-", "a", false},        // unterminated class
		{"[\\]]", "]", true},
		{"[\\-_]", "-", true},
		// "*" and classes never cross "/".
		{"foo*bar", "foo/bar", false},
		{"foo?bar", "foo/bar", false},
		{"foo[/]bar", "foo/bar", false},
		{"foo/*", "foo/bar", true},
		{"foo/*", "foo/bar/baz", false},
		// "**" rules.
		{"**/foo", "foo", true},
		{"**/foo", "a/b/foo", true},
		{"**/foo", "a/b/foox", false},
		{"**/foo/bar", "x/foo/bar", true},
		{"abc/**", "abc/x", true},
		{"abc/**", "abc/x/y", true},
		{"abc/**", "abc", false},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/xb", false},
		{"a**b", "axxb", true},
		{"a**b", "a/b", false}, // not between slashes: a plain star
		{"**", "a/b/c", true},
		{"**/", "a/", true},
		{"a/**/**/b", "a/b", true},
		{"*/**/foo", "x/foo", true},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, wildmatch(c.pattern, c.text), "wildmatch(%q, %q)", c.pattern, c.text)
	}
}

func TestWildmatchHostilePatternIsFast(t *testing.T) {
	// Without remembering failed states this is exponential.
	p := strings.Repeat("*a", 30) + "b"
	s := strings.Repeat("a", 200)
	assert.False(t, wildmatch(p, s))
	p = strings.Repeat("**/", 20) + "x"
	s = strings.Repeat("a/", 100) + "y"
	assert.False(t, wildmatch(p, s))
}

func TestIgnoreMatch(t *testing.T) {
	type check struct {
		path  string
		dir   bool
		want  bool // ignored
		match bool // any pattern matched
	}
	cases := []struct {
		name   string
		file   string
		checks []check
	}{
		{"basename anywhere", "hello.*\n", []check{
			{"hello.c", false, true, true},
			{"a/b/hello.txt", false, true, true},
			{"hello", false, false, false},
			{"hello.d", true, true, true},
		}},
		{"leading slash anchors", "/hello.*\n", []check{
			{"hello.c", false, true, true},
			{"a/hello.c", false, false, false},
		}},
		{"directory only", "foo/\n", []check{
			{"foo", true, true, true},
			{"a/foo", true, true, true},
			{"foo", false, false, false},
		}},
		{"middle slash anchors", "doc/frotz/\n", []check{
			{"doc/frotz", true, true, true},
			{"a/doc/frotz", true, false, false},
		}},
		{"star in a directory", "foo/*\n", []check{
			{"foo/test.json", false, true, true},
			{"foo/bar", true, true, true},
			{"foo/bar/hello.c", false, false, false},
		}},
		{"last match wins", "*.log\n!keep.log\n", []check{
			{"a.log", false, true, true},
			{"keep.log", false, false, true},
			{"sub/keep.log", false, false, true},
		}},
		{"negation then exclusion", "!keep.log\n*.log\n", []check{
			{"keep.log", false, true, true},
		}},
		{"comments and escapes", "# comment\n\\#hash\n\\!bang\n\n", []check{
			{"#hash", false, true, true},
			{"!bang", false, true, true},
			{"# comment", false, false, false},
		}},
		{"trailing spaces", "spaced   \nkept\\ \n", []check{
			{"spaced", false, true, true},
			{"spaced ", false, false, false},
			{"kept ", false, true, true},
			{"kept", false, false, false},
		}},
		{"crlf line ends", "a.txt\r\nb/\r\n", []check{
			{"a.txt", false, true, true},
			{"b", true, true, true},
		}},
		{"double star prefix", "**/build\n", []check{
			{"build", true, true, true},
			{"x/y/build", false, true, true},
		}},
		{"lone backslash is invalid", "foo\\\n", []check{
			{"foo", false, false, false},
			{"foo\\", false, false, false},
		}},
		{"only a slash", "/\n!\n", []check{
			{"x", false, false, false},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ig, err := ParseIgnore(strings.NewReader(c.file))
			require.NoError(t, err)
			for _, ch := range c.checks {
				got, matched := ig.Match(ch.path, ch.dir)
				assert.Equal(t, ch.want, got, "%q dir=%v ignored", ch.path, ch.dir)
				assert.Equal(t, ch.match, matched, "%q dir=%v matched", ch.path, ch.dir)
			}
		})
	}
}

func FuzzWildmatch(f *testing.F) {
	for _, s := range [][2]string{{"a/**/b", "a/x/b"}, {"[[:alpha:]-z]*", "q/r"}, {"\\", "\\"}, {"[!]", "x"}, {"**", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 64 || len(s) > 256 {
			return
		}
		got := wildmatch(p, s)
		// A pattern free of special characters matches only itself.
		if !strings.ContainsAny(p, "*?[\\") {
			assert.Equal(t, p == s, got)
		}
		_, _ = ParseIgnore(strings.NewReader(p))
	})
}
