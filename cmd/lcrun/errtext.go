package main

import "strings"

// packagePrefixes are the "pkg: " prefixes lcrun's packages put on their
// errors: Go's convention for a library, noise to a user of the command
// (issue 17: "lcrun niah: evals: length 8 is too short").
var packagePrefixes = []string{"evals: ", "model: ", "longinput: ", "tokenizer: ", "gguf: ", "bench: ",
	"prefixcache: ", "kvcache: ", "ropescale: ", "source: ", "synth: "}

// withoutPackages drops those prefixes where a message or a wrapped part
// of it starts (at the start, or after ": "), so a path or a flag the
// message names stays as it is.
func withoutPackages(msg string) string {
	var b strings.Builder
	for {
		for again := true; again; {
			again = false
			for _, p := range packagePrefixes {
				if rest, ok := strings.CutPrefix(msg, p); ok {
					msg, again = rest, true
				}
			}
		}
		head, rest, ok := strings.Cut(msg, ": ")
		if !ok {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(head + ": ")
		msg = rest
	}
}
