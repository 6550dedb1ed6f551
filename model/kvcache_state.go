package model

import (
	"fmt"
	"io"

	lc "github.com/lcrun/lcrun"
)

// The KV cache part of a saved state: u32 layers, heads, head dim, KV type;
// u32 window, sinks, u8 streaming (the policy the slots were filled under);
// u64 slots used n, ring cursor; n x i32 positions; then per layer K and V,
// per head the raw rows of slots 0..n-1 in the cache's own type.

func (c *kvCache) save(w io.Writer) error {
	e := &stateWriter{w: w}
	k0 := c.k[0]
	e.u32(uint32(len(c.k)))
	e.u32(uint32(k0.Heads))
	e.u32(uint32(k0.Dim))
	e.u32(uint32(k0.Type))
	e.u32(uint32(c.window))
	e.u32(uint32(c.sinks))
	e.u8(boolByte(c.stream != nil))
	e.u64(uint64(c.n))
	e.u64(uint64(c.ring))
	e.raw(sliceBytes(c.pos[:c.n]))
	for l := range c.k {
		for _, kv := range []*lc.KV{c.k[l], c.v[l]} {
			for h := range kv.Heads {
				base := h * kv.Cap * kv.RowBytes
				e.raw(kv.Data[base : base+c.n*kv.RowBytes])
			}
		}
	}
	return e.err
}

// restore reads a cache saved by save into c, which must have the same
// layers, heads, head dimension and type, and at least as many slots.
func (c *kvCache) restore(r io.Reader) error {
	d := &stateReader{r: r}
	k0 := c.k[0]
	layers, heads, dim, typ := d.u32(), d.u32(), d.u32(), d.u32()
	window, sinks, streaming := d.u32(), d.u32(), d.u8()
	n, ring := d.u64(), d.u64()
	switch {
	case d.err != nil:
		return d.err
	case int(layers) != len(c.k) || int(heads) != k0.Heads || int(dim) != k0.Dim:
		return fmt.Errorf("damaged state: a cache of %d layers x %d heads x %d", layers, heads, dim)
	case lc.DType(typ) != k0.Type:
		return fmt.Errorf("%w: saved with a %s KV cache, this session has %s", ErrStateMismatch, lc.DType(typ), k0.Type)
	case int64(window) != int64(c.window) || int64(sinks) != int64(c.sinks) || streaming != boolByte(c.stream != nil):
		return fmt.Errorf("%w: saved with attention %s, this session has %s", ErrStateMismatch,
			Attention{Window: int(window), Sinks: int(sinks), Streaming: streaming == 1}, Attention{Window: c.window, Sinks: c.sinks, Streaming: c.stream != nil})
	case n > uint64(c.cap()):
		return fmt.Errorf("%w: saved with %d tokens in the cache, this session holds %d", ErrStateMismatch, n, c.cap())
	case ring > uint64(c.cap()):
		return fmt.Errorf("damaged state: ring slot %d", ring)
	}
	d.read(sliceBytes(c.pos[:n]))
	for l := range c.k {
		for _, kv := range []*lc.KV{c.k[l], c.v[l]} {
			for h := range kv.Heads {
				base := h * kv.Cap * kv.RowBytes
				d.read(kv.Data[base : base+int(n)*kv.RowBytes])
			}
		}
	}
	if d.err != nil {
		return d.err
	}
	for _, p := range c.pos[:n] {
		if p < 0 {
			return fmt.Errorf("damaged state: position %d", p)
		}
	}
	c.n, c.ring = int(n), int(ring)
	if c.dyn != nil {
		c.dyn.table = c.lengthTable() // the table the saved keys were rotated with
	}
	return nil
}

func (s *llamaState) saveState(w io.Writer) error    { return s.kv.save(w) }
func (s *llamaState) restoreState(r io.Reader) error { return s.kv.restore(r) }

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
