package model

import "github.com/lcrun/lcrun/model/kvcache"

// Attention is an attention policy for a transformer session: how much of
// the past each query sees and so how large the KV cache grows. Its rules
// (parsing, the slots a policy needs, what a query sees) are the KV
// cache's (kvcache.Policy); this type adds what depends on the model and
// the session options.
type Attention kvcache.Policy

// AttentionError is the error ParseAttention returns for a text that does
// not parse.
type AttentionError = kvcache.PolicyError

// ParseAttention reads a policy: "full", "window:N" (a sliding window of
// N tokens; the cache is a ring) or "sinks:S,N" (StreamingLLM: the first
// S tokens plus the last N, positions inside the cache). N accepts 4096,
// 2K, 1M. A text that does not parse gives an *AttentionError.
func ParseAttention(s string) (Attention, error) {
	p, err := kvcache.ParsePolicy(s)
	return Attention(p), err
}

func (a Attention) String() string { return kvcache.Policy(a).String() }

// Slots is the KV cache a session with this policy needs for a sequence
// of up to tokens positions evaluated in micro-batches of batch
// (kvcache.Policy.Slots).
func (a Attention) Slots(tokens, batch int) int { return kvcache.Policy(a).Slots(tokens, batch) }

// StreamSlots is the number of KV slots a streaming session needs.
func StreamSlots(window, sinks, batch int) int { return kvcache.StreamSlots(window, sinks, batch) }

// Apply sets the policy in session options.
func (a Attention) Apply(o *SessionOptions) {
	o.Window, o.Sinks, o.Streaming = a.Window, a.Sinks, a.Streaming
}

// attentionOf is the policy session options ask for.
func attentionOf(o *SessionOptions) Attention {
	return Attention{Window: o.Window, Sinks: o.Sinks, Streaming: o.Streaming}
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

// kvCacher is a state that attends over a KV cache.
type kvCacher interface{ kvCache() *kvcache.Cache }

// StreamStats says how often a streaming session evicted: tokens dropped
// and the number of shifts (zero for other sessions).
func (s *Session) StreamStats() (evicted, shifts int64) {
	if c, ok := s.st.(kvCacher); ok {
		return c.kvCache().StreamStats()
	}
	return 0, 0
}

// KeyRotations says how often a dynamic NTK session re-rotated its cached
// keys to a new length bucket (zero for other sessions).
func (s *Session) KeyRotations() int64 {
	if c, ok := s.st.(kvCacher); ok {
		return c.kvCache().KeyRotations()
	}
	return 0
}
