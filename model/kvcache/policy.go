package kvcache

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxPosition is the largest position a cache records (positions are
// int32, so that a cache of a million slots costs 4 MB of them).
const MaxPosition = 1<<31 - 1

// Policy says how much of the past each query sees, and so how large the
// cache grows and which slots it may reuse.
type Policy struct {
	// Window > 0: each query sees the last Window positions (itself
	// included); 0: all of them (full attention, the cache grows with the
	// text).
	Window int
	// Sinks: the first Sinks tokens stay visible too (with a Window).
	Sinks int
	// Streaming: positions inside the cache, as StreamingLLM (shift.go).
	Streaming bool
}

// PolicyForms lists the written forms ParsePolicy reads.
const PolicyForms = "full, window:N or sinks:S,N"

// PolicyError is a policy text that does not parse.
type PolicyError struct {
	Text string // as given
	Why  string
}

func (e *PolicyError) Error() string {
	return fmt.Sprintf("attention policy %s: %s (want %s)", e.Text, e.Why, PolicyForms)
}

// ParsePolicy reads "full", "window:N" (a sliding window of N tokens; the
// cache is a ring) or "sinks:S,N" (StreamingLLM: the first S tokens plus
// the last N, positions inside the cache). N accepts 4096, 2K, 1M.
func ParsePolicy(s string) (Policy, error) {
	kind, arg, hasArg := strings.Cut(strings.TrimSpace(s), ":")
	bad := func(why string) (Policy, error) { return Policy{}, &PolicyError{Text: s, Why: why} }
	switch strings.ToLower(kind) {
	case "full":
		if hasArg {
			return bad("full takes no size")
		}
		return Policy{}, nil
	case "window":
		n, err := parsePositive(arg)
		if err != nil {
			return bad("the window " + err.Error())
		}
		return Policy{Window: n}, nil
	case "sinks":
		ss, ns, ok := strings.Cut(arg, ",")
		if !ok {
			return bad("give the sinks and the window, e.g. sinks:4,2048")
		}
		sinks, err := strconv.Atoi(strings.TrimSpace(ss))
		if err != nil || sinks < 0 || sinks > MaxPosition {
			return bad(fmt.Sprintf("the sink count %q is not a count", ss))
		}
		n, err := parsePositive(ns)
		if err != nil {
			return bad("the window " + err.Error())
		}
		return Policy{Window: n, Sinks: sinks, Streaming: true}, nil
	}
	return bad("unknown policy")
}

// parsePositive reads a positive count with an optional K or M suffix
// (binary: 2K = 2048).
func parsePositive(s string) (int, error) {
	t := strings.TrimSpace(s)
	mult := 1
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'k', 'K':
			mult, t = 1<<10, t[:n-1]
		case 'm', 'M':
			mult, t = 1<<20, t[:n-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n*int64(mult) > MaxPosition {
		return 0, fmt.Errorf("%q is not a positive count", s)
	}
	return int(n) * mult, nil
}

// String writes the policy as ParsePolicy reads it.
func (p Policy) String() string {
	switch {
	case p.Window == 0:
		return "full"
	case p.Streaming:
		return fmt.Sprintf("sinks:%d,%d", p.Sinks, p.Window)
	}
	return fmt.Sprintf("window:%d", p.Window)
}

// Slots is the cache a sequence of up to tokens positions, evaluated in
// micro-batches of batch, needs under p: the whole sequence for full
// attention, a ring of Sinks+Window+batch-1 for a window (a reused slot
// must be out of sight of every query of the batch), StreamSlots for
// streaming; never more than the sequence.
func (p Policy) Slots(tokens, batch int) int {
	batch = max(batch, 1)
	switch {
	case p.Window == 0:
		return tokens
	case p.Streaming:
		return min(tokens, StreamSlots(p.Window, p.Sinks, batch))
	}
	return min(tokens, p.Sinks+p.Window+batch-1)
}

// VisibleKeys is the number of (query, key) pairs the queries at positions
// [from, to) of one sequence attend to under p: the query at position i
// sees i+1 keys, at most Sinks+Window of them with a window (the attention
// kernel's mask; a streaming cache keeps the same count at its cache
// positions). Time estimates multiply it by the cost of one key.
func (p Policy) VisibleKeys(from, to int) float64 {
	if to <= from {
		return 0
	}
	sum := func(n int) float64 { // sum of min(i+1, c) for i < n
		c := p.Window + p.Sinks
		if p.Window == 0 || n <= c {
			return float64(n) * float64(n+1) / 2
		}
		return float64(c)*float64(c+1)/2 + float64(n-c)*float64(c)
	}
	return sum(to) - sum(from)
}
