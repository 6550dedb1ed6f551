package gguf

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxShown bounds how much of a key, name or string from a file goes into
// a message: a hostile file must not make an error line megabytes long.
const maxShown = 96

// shownKey prepares a metadata key for a message: as is when it is short
// and printable, else quoted (so a newline in a key cannot break the one
// line an error must be) and cut.
func shownKey(s string) string {
	if len(s) <= maxShown && utf8.ValidString(s) && !strings.ContainsFunc(s, notPrintable) {
		return s
	}
	return quoted(s)
}

// quoted is s in Go quotes, cut to maxShown bytes.
func quoted(s string) string {
	if len(s) <= maxShown {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:maxShown]) + "..."
}

func notPrintable(r rune) bool { return !unicode.IsPrint(r) }
