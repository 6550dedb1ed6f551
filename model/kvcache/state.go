package kvcache

import (
	"fmt"
	"io"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/model/internal/stateio"
)

// The cache's part of a saved session state: u32 layers, heads, head dim,
// KV type; u32 window, sinks, u8 streaming (the policy the slots were
// filled under); u64 slots used n, ring cursor; n x i32 positions; then per
// layer K and V, per head the raw rows of slots 0..n-1 in the cache's own
// type. The session's header around it carries the version.

// Save writes the cache's used slots.
func (c *Cache) Save(w io.Writer) error {
	e := &stateio.Writer{W: w}
	k0 := c.k[0]
	e.U32(uint32(len(c.k)))
	e.U32(uint32(k0.Heads))
	e.U32(uint32(k0.Dim))
	e.U32(uint32(k0.Type))
	e.U32(uint32(c.policy.Window))
	e.U32(uint32(c.policy.Sinks))
	e.Bool(c.stream != nil)
	e.U64(uint64(c.n))
	e.U64(uint64(c.ring))
	e.Raw(stateio.SliceBytes(c.pos[:c.n]))
	for l := range c.k {
		for _, kv := range []*lc.KV{c.k[l], c.v[l]} {
			for h := range kv.Heads {
				e.Raw(kv.Slots(h, 0, c.n))
			}
		}
	}
	return e.Err
}

// Restore reads a cache Save wrote into c, which must have the same
// layers, heads, head dimension, type and policy, and at least as many
// slots; other states are refused with an error wrapping
// stateio.ErrMismatch. On error the cache may hold part of the state: the
// caller resets it.
func (c *Cache) Restore(r io.Reader) error {
	d := &stateio.Reader{R: r}
	k0 := c.k[0]
	layers, heads, dim, typ := d.U32(), d.U32(), d.U32(), d.U32()
	window, sinks, streaming := d.U32(), d.U32(), d.U8()
	n, ring := d.U64(), d.U64()
	here := Policy{Window: c.policy.Window, Sinks: c.policy.Sinks, Streaming: c.stream != nil}
	switch {
	case d.Err != nil:
		return d.Err
	case int(layers) != len(c.k) || int(heads) != k0.Heads || int(dim) != k0.Dim:
		return fmt.Errorf("damaged state: a cache of %d layers x %d heads x %d", layers, heads, dim)
	case lc.DType(typ) != k0.Type:
		return fmt.Errorf("%w: saved with a %s KV cache, this session has %s", stateio.ErrMismatch, lc.DType(typ), k0.Type)
	case int64(window) != int64(here.Window) || int64(sinks) != int64(here.Sinks) || streaming != boolByte(here.Streaming):
		return fmt.Errorf("%w: saved with attention %s, this session has %s", stateio.ErrMismatch,
			Policy{Window: int(window), Sinks: int(sinks), Streaming: streaming == 1}, here)
	case n > uint64(c.Cap()):
		return fmt.Errorf("%w: saved with %d tokens in the cache, this session holds %d", stateio.ErrMismatch, n, c.Cap())
	case ring > uint64(c.Cap()):
		return fmt.Errorf("damaged state: ring slot %d", ring)
	}
	d.Read(stateio.SliceBytes(c.pos[:n]))
	for l := range c.k {
		for _, kv := range []*lc.KV{c.k[l], c.v[l]} {
			for h := range kv.Heads {
				d.Read(kv.Slots(h, 0, int(n)))
			}
		}
	}
	if d.Err != nil {
		return d.Err
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

func boolByte(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
