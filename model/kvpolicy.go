package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Attention is an attention policy for a transformer session: how much of
// the past each query sees and so how large the KV cache grows.
type Attention struct {
	// Window > 0: each query sees the last Window positions (itself
	// included); 0: all of them (full attention, the cache grows with the
	// text).
	Window int
	// Sinks: the first Sinks tokens stay visible too (with a Window).
	Sinks int
	// Streaming: positions inside the cache, as StreamingLLM (see
	// SessionOptions.Streaming).
	Streaming bool
}

// ParseAttention reads a policy as the CLI writes it: "full", "window:N"
// (a sliding window of N tokens; the cache is a ring) or "sinks:S,N"
// (StreamingLLM: the first S tokens plus the last N, positions inside the
// cache). N accepts 4096, 2K, 1M.
func ParseAttention(s string) (Attention, error) {
	kind, arg, hasArg := strings.Cut(strings.TrimSpace(s), ":")
	bad := func(why string) (Attention, error) {
		return Attention{}, fmt.Errorf("--attn %s: %s (want full, window:N or sinks:S,N)", s, why)
	}
	switch strings.ToLower(kind) {
	case "full":
		if hasArg {
			return bad("full takes no size")
		}
		return Attention{}, nil
	case "window":
		n, err := parsePositive(arg)
		if err != nil {
			return bad("the window " + err.Error())
		}
		return Attention{Window: n}, nil
	case "sinks":
		ss, ns, ok := strings.Cut(arg, ",")
		if !ok {
			return bad("give the sinks and the window, e.g. sinks:4,2048")
		}
		sinks, err := strconv.Atoi(strings.TrimSpace(ss))
		if err != nil || sinks < 0 || sinks > maxPosition {
			return bad(fmt.Sprintf("the sink count %q is not a count", ss))
		}
		n, err := parsePositive(ns)
		if err != nil {
			return bad("the window " + err.Error())
		}
		return Attention{Window: n, Sinks: sinks, Streaming: true}, nil
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
	if err != nil || n <= 0 || n*int64(mult) > maxPosition {
		return 0, fmt.Errorf("%q is not a positive count", s)
	}
	return int(n) * mult, nil
}

func (a Attention) String() string {
	switch {
	case a.Window == 0:
		return "full"
	case a.Streaming:
		return fmt.Sprintf("sinks:%d,%d", a.Sinks, a.Window)
	}
	return fmt.Sprintf("window:%d", a.Window)
}

// Slots is the KV cache a session with this policy needs for a sequence
// of up to tokens positions evaluated in micro-batches of batch: the
// whole sequence for full attention, a ring of Window+batch-1 for a
// window, StreamSlots for streaming; never more than the sequence.
func (a Attention) Slots(tokens, batch int) int {
	batch = max(batch, 1)
	switch {
	case a.Window == 0:
		return tokens
	case a.Streaming:
		return min(tokens, StreamSlots(a.Window, a.Sinks, batch))
	}
	return min(tokens, a.Sinks+a.Window+batch-1)
}

// Apply sets the policy in session options.
func (a Attention) Apply(o *SessionOptions) {
	o.Window, o.Sinks, o.Streaming = a.Window, a.Sinks, a.Streaming
}

// slidingWindower is an architecture whose attention has its own window.
type slidingWindower interface{ slidingWindow() int }

// SlidingWindow is the model's own attention window from its GGUF
// ({arch}.attention.sliding_window), 0 if it has none. Sessions always
// apply it: a policy may narrow it, never widen it.
func (m *Model) SlidingWindow() int {
	if sw, ok := m.arch.(slidingWindower); ok {
		return sw.slidingWindow()
	}
	return 0
}

// Effective is the policy a session of m really runs: a window no wider
// than the model's own. Architectures without attention run none.
func (a Attention) Effective(m *Model) Attention {
	if !m.Features().Attention {
		return Attention{}
	}
	if w := m.SlidingWindow(); w > 0 && (a.Window == 0 || a.Window > w) {
		a.Window = w
	}
	return a
}
