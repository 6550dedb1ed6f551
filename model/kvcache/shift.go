package kvcache

import (
	"fmt"
	"math"

	"github.com/lcrun/lcrun/ropescale"
)

// StreamingLLM (Xiao et al. 2023, "Efficient Streaming Language Models with
// Attention Sinks") keeps the first Sinks tokens and a window of the most
// recent ones, and gives RoPE the positions *inside the cache*, not in the
// text: the sinks are at 0..Sinks-1 and the window follows them without a
// gap, so every angle stays within the range the model was trained on, at
// any length of text.
//
// In a streaming cache slot j holds cache position j. Keys are stored
// rotated at their cache position. When a micro-batch does not fit, the
// oldest window tokens are evicted down to the Window-1 the batch's first
// query still needs, and the kept keys move down by the number evicted, E,
// being rotated by -E on the way (rotations compose; llama.cpp's context
// shift does the same). Values only move.
//
// Why re-rotate in chunks rather than store keys unrotated and rotate the
// whole window at every step (the paper's reference code): decoding then
// costs no more than plain windowed attention, the cache keeps its compact
// type (f16/q8_0), and a key is re-encoded only Window/(Batch+slack) times
// in its life instead of once per token, so its rounding does not pile up.
// The price is slack: the cache holds Sinks+Window-1+Batch+slack slots and
// the distance from a query to the sinks varies by up to Batch+slack
// positions, where the paper's varies by none in decoding; relative
// distances inside the window are exact.

// StreamSlack is the extra slots a streaming cache holds beyond
// Sinks+Window-1+Batch: evictions happen once per Batch+StreamSlack tokens.
func StreamSlack(window int) int { return max(window/4, 16) }

// StreamSlots is the number of KV slots a streaming session needs.
func StreamSlots(window, sinks, batch int) int {
	return sinks + window - 1 + batch + StreamSlack(window)
}

// streamShift is what a streaming cache needs to re-rotate keys.
type streamShift struct {
	rope    *ropescale.Rope
	neox    bool
	angles  []float32 // [pairs]
	cos     []float32 // [pairs]
	sin     []float32 // [pairs]
	cpos    []int32   // the cache positions of the current micro-batch
	evicted int64     // tokens evicted so far
	shifts  int64     // evictions so far
}

// streamWith makes c a streaming cache whose keys r rotates (neox: the
// pairing of the model's rotation).
func (c *Cache) streamWith(r *ropescale.Rope, neox bool, batch int) {
	np := r.Pairs()
	c.stream = &streamShift{
		rope: r, neox: neox,
		angles: make([]float32, np), cos: make([]float32, np), sin: make([]float32, np),
		cpos: make([]int32, batch),
	}
}

// allocStream is Alloc for a streaming cache: the micro-batch's tokens go
// to the cache positions after the last, evicting first if they do not
// fit. pos must be consecutive (the text's positions; their values only
// matter for that check).
func (c *Cache) allocStream(pos []int32) ([]int, error) {
	for i := 1; i < len(pos); i++ {
		if pos[i] != pos[0]+int32(i) {
			return nil, fmt.Errorf("model: a streaming (sinks) cache takes consecutive positions, got %d after %d", pos[i], pos[i-1])
		}
	}
	b := len(pos)
	sinks, window := c.policy.Sinks, c.policy.Window
	if c.n+b > c.Cap() {
		// Keep the Window-1 keys the batch's first query still sees.
		e := c.n - sinks - (window - 1)
		if e <= 0 || c.n-e+b > c.Cap() {
			return nil, fmt.Errorf("model: a streaming cache of %d slots is too small for %d sinks, a window of %d and micro-batches of %d",
				c.Cap(), sinks, window, b)
		}
		c.evict(e)
	}
	slots := c.slots[:b]
	cpos := c.stream.cpos[:b]
	for i := range slots {
		slots[i] = c.n + i
		cpos[i] = int32(c.n + i)
		c.pos[c.n+i] = int32(c.n + i)
	}
	c.n += b
	return slots, nil
}

// CachePositions maps a micro-batch's text positions to the positions RoPE
// and the attention mask use: the same for a plain cache, the slots' cache
// positions for a streaming one (valid after Alloc).
func (c *Cache) CachePositions(pos []int32) []int32 {
	if c.stream == nil {
		return pos
	}
	return c.stream.cpos[:len(pos)]
}

// evict drops the e oldest window tokens (slots sinks..sinks+e-1): the
// later ones move down by e, keys rotated by -e.
func (c *Cache) evict(e int) {
	st := c.stream
	sinks := c.policy.Sinks
	keepFrom, n := sinks+e, c.n
	// Rotate by -e in the table the keys carry (dynamic NTK: the bucket of
	// the cache's length; rotations compose within one table).
	r := st.rope.ForLength(n)
	if c.dyn != nil {
		r = c.dyn.table
	}
	r.Angles(e, st.angles)
	for i, a := range st.angles {
		s, co := math.Sincos(float64(a))
		st.cos[i], st.sin[i] = float32(co), float32(-s) // rotation by -angle
	}
	rows := c.staging()
	for l := range c.k {
		kv := c.k[l]
		if !c.rotated(l) {
			kv.MoveSlots(keepFrom-e, keepFrom, n-keepFrom)
			c.v[l].MoveSlots(keepFrom-e, keepFrom, n-keepFrom)
			continue
		}
		for h := range kv.Heads {
			for j0 := keepFrom; j0 < n; j0 += shiftChunk {
				rekey(kv, h, j0, min(j0+shiftChunk, n), e, rows, st.cos, st.sin, 0, st.neox)
			}
		}
		c.v[l].MoveSlots(keepFrom-e, keepFrom, n-keepFrom)
	}
	for j := sinks; j < n-e; j++ {
		c.pos[j] = int32(j)
	}
	c.n -= e
	st.evicted += int64(e)
	st.shifts++
}

// StreamStats says how often a streaming cache evicted: tokens dropped and
// the number of shifts (zero for other caches).
func (c *Cache) StreamStats() (evicted, shifts int64) {
	if c.stream == nil {
		return 0, 0
	}
	return c.stream.evicted, c.stream.shifts
}
