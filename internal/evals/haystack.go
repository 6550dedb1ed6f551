package evals

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultHaystack is original TinyStories-style prose written for lcrun
// (haystack.txt, about 7 KB): simple short stories, in the register small
// story models are trained on, that never mention the default needle.
//
//go:embed haystack.txt
var DefaultHaystack string

// Sentences splits text into sentences, whitespace collapsed to single
// spaces. A sentence ends at '.', '!' or '?' (with any closing quotes or
// brackets after it) when the next word starts with a capital letter, a
// digit or an opening quote: `"Look!" she said.` stays one sentence.
func Sentences(text string) []string {
	words := strings.Fields(text)
	var out []string
	start := 0
	for i, w := range words {
		if i+1 < len(words) && !endsSentence(w, words[i+1]) {
			continue
		}
		out = append(out, strings.Join(words[start:i+1], " "))
		start = i + 1
	}
	return out
}

func endsSentence(word, next string) bool {
	w := strings.TrimRight(word, `"')]’”`)
	if w == "" || !strings.ContainsAny(w[len(w)-1:], ".!?") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(next)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'“‘(`, r)
}
