package main

import (
	"flag"
	"strings"
)

// suggestFlag is the flag of fs (or alias) nearest to the unknown name, for
// "did you mean" in the error; "" when none is near enough to be a typo.
// Near enough is an edit distance of at most a third of the name's length,
// so that a one- or two-letter flag (-x) is not mistaken for another.
func suggestFlag(fs *flag.FlagSet, name string) string {
	name = strings.ToLower(name)
	best, bestD := "", len(name)/3+1
	fs.VisitAll(func(f *flag.Flag) {
		if d := editDistance(name, strings.ToLower(f.Name)); d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// editDistance is the optimal string alignment distance of a and b:
// insertions, deletions, substitutions and swaps of neighbours ("tmep")
// cost one each.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
