// Package kvcache is a transformer session's attention memory: per layer a
// K and a V cache (lcrun.KV rows of f32, f16 or q8_0) and the position
// each slot holds, filled under a Policy (full, a sliding window whose
// slots form a ring, or StreamingLLM's sinks and window with positions
// inside the cache), with the key moves and re-rotations that streaming
// and dynamic NTK RoPE need, and its part of a saved session state.
//
// Positions are explicit, so the attention kernel decides what each query
// sees from them alone; the cache only decides which slot a token takes
// and when an old one may be reused.
package kvcache

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/bytesize"
	"github.com/lcrun/lcrun/ropescale"
)

// Config is the shape of a cache and how it is filled.
type Config struct {
	Type                   lc.DType // F32, F16 or Q8_0
	Layers, Heads, HeadDim int      // KV heads per layer and values per head
	Slots                  int      // capacity (Policy.Slots gives what a sequence needs)
	Batch                  int      // the largest micro-batch
	Policy                 Policy
	// Rope rotates the keys. Streaming moves keys to new cache positions
	// and a dynamic NTK table changes with the sequence's length: both
	// re-rotate cached keys, with NeoX pairing or not as the model rotates.
	// Only those need it.
	Rope *ropescale.Rope
	NeoX bool
	// Unrotated marks the layers whose keys carry no RoPE (NoPE layers):
	// moves and re-rotations leave their keys as they are. nil = none.
	Unrotated []bool
}

// Cache is one session's attention memory. Slots fill in order; with a
// window they form a ring over [sinks, cap) whose oldest slot is reused
// once no query can see its key any more. Not safe for concurrent use.
type Cache struct {
	k, v   []*lc.KV
	pos    []int32 // [cap]: position of slot j, j < n
	n      int     // slots in use
	ring   int     // with a window and a full cache: the next slot to reuse
	policy Policy
	slots  []int        // scratch: the slots of the current micro-batch
	stream *streamShift // StreamingLLM cache positions (shift.go), or nil
	dyn    *dynamicKeys // dynamic NTK: the table the keys carry (rerotate.go), or nil
	rows   []float32    // staging for re-rotating keys, allocated on first use
	norope []bool       // Config.Unrotated, or nil
}

// New allocates a cache.
func New(c Config) (*Cache, error) {
	if c.Layers <= 0 || c.Slots <= 0 || c.Batch <= 0 {
		return nil, fmt.Errorf("model: a KV cache of %d layers x %d slots for micro-batches of %d", c.Layers, c.Slots, c.Batch)
	}
	if (c.Policy.Streaming || c.dynamic()) && c.Rope == nil {
		return nil, fmt.Errorf("model: a KV cache that re-rotates keys needs the session's RoPE")
	}
	kc := &Cache{
		k: make([]*lc.KV, c.Layers), v: make([]*lc.KV, c.Layers),
		pos: make([]int32, c.Slots), policy: c.Policy, slots: make([]int, c.Batch),
	}
	for i := range c.Layers {
		var err error
		if kc.k[i], err = lc.NewKV(c.Type, c.Heads, c.Slots, c.HeadDim); err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
		if kc.v[i], err = lc.NewKV(c.Type, c.Heads, c.Slots, c.HeadDim); err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
	}
	if c.Unrotated != nil {
		if len(c.Unrotated) != c.Layers {
			return nil, fmt.Errorf("model: %d layers marked rotated or not for a KV cache of %d", len(c.Unrotated), c.Layers)
		}
		kc.norope = c.Unrotated
	}
	if c.Policy.Streaming {
		kc.streamWith(c.Rope, c.NeoX, c.Batch)
	}
	if c.dynamic() {
		kc.dynamicWith(c.Rope, c.NeoX)
	}
	kc.Reset()
	return kc, nil
}

func (c Config) dynamic() bool { return c.Rope != nil && c.Rope.Params().Method == ropescale.Dynamic }

// Bytes is the memory New allocates for c (rows and positions), saturating
// at MaxInt64 for shapes no machine holds; an unsupported type counts as
// f32 (New refuses it).
func Bytes(c Config) int64 {
	row, err := lc.KVRowBytes(c.Type, c.HeadDim)
	if err != nil {
		row = 4 * max(c.HeadDim, 0)
	}
	return bytesize.Add(bytesize.Mul(2, int64(c.Layers), int64(c.Heads), int64(c.Slots), int64(row)), bytesize.Mul(4, int64(c.Slots)))
}

// rotated reports whether layer l's keys carry RoPE.
func (c *Cache) rotated(l int) bool { return c.norope == nil || !c.norope[l] }

// Cap is the number of slots.
func (c *Cache) Cap() int { return len(c.pos) }

// Len is the number of slots in use.
func (c *Cache) Len() int { return c.n }

// K and V are layer l's key and value rows.
func (c *Cache) K(l int) *lc.KV { return c.k[l] }
func (c *Cache) V(l int) *lc.KV { return c.v[l] }

// Positions are the positions the slots hold, Cap of them; the first Len
// are in use (shared: do not modify).
func (c *Cache) Positions() []int32 { return c.pos }

// Reset empties the cache.
func (c *Cache) Reset() {
	c.n, c.ring = 0, min(c.policy.Sinks, c.Cap())
	if c.dyn != nil {
		c.dyn.table = c.dyn.rope
	}
}

// Alloc picks the slots of a micro-batch of tokens at positions pos and
// records their positions. It changes nothing when it fails: the cache is
// full (no window), or a reused slot would still be visible to one of
// these queries (the ring is too short for window + micro-batch).
func (c *Cache) Alloc(pos []int32) ([]int, error) {
	if c.stream != nil {
		return c.allocStream(pos)
	}
	slots, n, ring, err := c.place(pos)
	if err != nil {
		return nil, err
	}
	for i, s := range slots {
		c.pos[s] = pos[i]
	}
	c.n, c.ring = n, ring
	return slots, nil
}

// Fits reports (as Alloc's error) whether Alloc(pos) would succeed,
// changing nothing: a model with two caches checks the second before the
// first takes the batch. Not for streaming caches (nil: Alloc decides).
func (c *Cache) Fits(pos []int32) error {
	if c.stream != nil {
		return nil
	}
	_, _, _, err := c.place(pos)
	return err
}

// place picks the slots of pos and the cache's next fill and ring, without
// recording them.
func (c *Cache) place(pos []int32) (slots []int, n, ring int, err error) {
	window, sinks := c.policy.Window, c.policy.Sinks
	if window > 0 && len(pos) > c.Cap()-sinks {
		return nil, 0, 0, fmt.Errorf("model: a micro-batch of %d tokens does not fit a cache of %d slots with %d sinks", len(pos), c.Cap(), sinks)
	}
	slots = c.slots[:len(pos)]
	n, ring = c.n, c.ring
	minQ := pos[0]
	for _, p := range pos {
		minQ = min(minQ, p)
	}
	for i := range pos {
		if n < c.Cap() {
			slots[i] = n
			n++
			continue
		}
		if window == 0 {
			return nil, 0, 0, fmt.Errorf("model: the context of %d tokens is full", c.Cap())
		}
		if ring >= c.Cap() {
			ring = min(sinks, c.Cap()-1)
		}
		if old := c.pos[ring]; ring < c.n && int64(minQ)-int64(old) < int64(window) {
			return nil, 0, 0, fmt.Errorf("model: a cache of %d slots is too small for a window of %d (+%d sinks) and micro-batches of %d",
				c.Cap(), window, sinks, len(c.slots))
		}
		slots[i] = ring
		ring++
	}
	return slots, n, ring, nil
}

// Put stores one micro-batch's keys and values of layer l: k and v are
// [len(slots)][heads*headDim].
func (c *Cache) Put(l int, slots []int, k, v []float32) {
	kc, vc := c.k[l], c.v[l]
	w := kc.Heads * kc.Dim
	for i, s := range slots {
		kc.Put(s, k[i*w:(i+1)*w])
		vc.Put(s, v[i*w:(i+1)*w])
	}
}
