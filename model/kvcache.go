package model

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
)

// kvCache is a transformer session's attention memory: per layer a K and a
// V cache of cap slots, and the position each used slot holds. Slots fill
// in order; with a window they form a ring over [sinks, cap) whose oldest
// slot is reused once no query can see its key any more. Positions are
// explicit, so the attention kernel decides visibility from them alone.
type kvCache struct {
	k, v          []*lc.KV
	pos           []int32 // [cap]: position of slot j, j < n
	n             int     // slots in use
	ring          int     // with a window and a full cache: the next slot to reuse
	window, sinks int
	slots         []int        // scratch: the slots of the current micro-batch
	stream        *streamShift // StreamingLLM cache positions (kvshift.go), or nil
	dyn           *dynamicKeys // dynamic NTK: the table the keys carry (kvrerotate.go), or nil
	rows          []float32    // staging for re-rotating keys, allocated on first use
}

func newKVCache(t lc.DType, layers, heads, headDim, cap, batch, window, sinks int) (*kvCache, error) {
	c := &kvCache{
		k: make([]*lc.KV, layers), v: make([]*lc.KV, layers),
		pos: make([]int32, cap), window: window, sinks: sinks, slots: make([]int, batch),
	}
	for i := range layers {
		var err error
		if c.k[i], err = lc.NewKV(t, heads, cap, headDim); err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
		if c.v[i], err = lc.NewKV(t, heads, cap, headDim); err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
	}
	c.reset()
	return c, nil
}

// kvCacheBytes is the size of the caches newKVCache allocates.
func kvCacheBytes(t lc.DType, layers, heads, headDim, cap int) int64 {
	row := int64(4 * headDim)
	switch t {
	case lc.F16:
		row = int64(2 * headDim)
	case lc.Q8_0:
		row = int64((headDim + lc.QK - 1) / lc.QK * lc.BlockQ8_0Bytes)
	}
	return mulBytes(2, int64(layers), int64(heads), int64(cap), row) + mulBytes(4, int64(cap))
}

func (c *kvCache) cap() int { return len(c.pos) }

func (c *kvCache) reset() {
	c.n, c.ring = 0, min(c.sinks, c.cap())
	if c.dyn != nil {
		c.dyn.table = c.dyn.rope
	}
}

// alloc picks the slots of a micro-batch of tokens at positions pos and
// records their positions. It changes nothing when it fails: the cache is
// full (no window), or a reused slot would still be visible to one of
// these queries (the ring is too short for window + micro-batch).
func (c *kvCache) alloc(pos []int32) ([]int, error) {
	if c.stream != nil {
		return c.allocStream(pos)
	}
	if c.window > 0 && len(pos) > c.cap()-c.sinks {
		return nil, fmt.Errorf("model: a micro-batch of %d tokens does not fit a cache of %d slots with %d sinks", len(pos), c.cap(), c.sinks)
	}
	slots := c.slots[:len(pos)]
	n, ring := c.n, c.ring
	minQ := pos[0]
	for _, p := range pos {
		minQ = min(minQ, p)
	}
	for i := range pos {
		if n < c.cap() {
			slots[i] = n
			n++
			continue
		}
		if c.window == 0 {
			return nil, fmt.Errorf("model: the context of %d tokens is full", c.cap())
		}
		if ring >= c.cap() {
			ring = min(c.sinks, c.cap()-1)
		}
		if old := c.pos[ring]; ring < c.n && int64(minQ)-int64(old) < int64(c.window) {
			return nil, fmt.Errorf("model: a cache of %d slots is too small for a window of %d (+%d sinks) and micro-batches of %d",
				c.cap(), c.window, c.sinks, len(c.slots))
		}
		slots[i] = ring
		ring++
	}
	for i, s := range slots {
		c.pos[s] = pos[i]
	}
	c.n, c.ring = n, ring
	return slots, nil
}

// put stores one micro-batch's keys and values of layer l: k and v are
// [len(slots)][heads*headDim].
func (c *kvCache) put(l int, slots []int, k, v []float32) {
	kc, vc := c.k[l], c.v[l]
	w := kc.Heads * kc.Dim
	for i, s := range slots {
		kc.Put(s, k[i*w:(i+1)*w])
		vc.Put(s, v[i*w:(i+1)*w])
	}
}
