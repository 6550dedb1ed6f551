package kvcache

import (
	"math"

	"github.com/lcrun/lcrun/ropescale"
)

// Dynamic NTK (ropescale.Dynamic) takes its RoPE table from the length of
// the sequence: unscaled up to the trained context, then a larger base per
// 256-token bucket (ropescale.Rope.ForLength). A cache filled in several
// steps would otherwise hold keys rotated with the tables of the lengths
// they were written at, and a query rotated with today's table would see
// q.k depend on more than the distance between them (measured: stories260K
// at 2048 tokens, ppl 11.8 filled at once, 146 in 256-token steps).
//
// Semantics: whenever a micro-batch's table differs from the one the cached
// keys carry, every cached key is re-rotated to it first, so all keys and
// queries of a step use the table of the sequence the cache then holds
// (the bucket of 1 + the largest position in it). Hugging Face's dynamic
// NTK recomputes the table for each forward call in the same way but
// leaves cached keys as they were. For the step that reaches a length L,
// attention is then what a cache filled at once to L computes, up to the
// re-encoding of the keys (float32 rounding; f16/q8_0 rounding again per
// re-rotation): exactly so for a model of one layer. With more layers the
// keys and values of deeper layers also carry what earlier steps' attention
// computed under their own, smaller, tables; that is what dynamic scaling
// means for a growing sequence, and it is not undone.
//
// A key rotated by theta_old is turned into one rotated by theta_new by one
// rotation by theta_new - theta_old per pair (rotations compose), with both
// angles the float32 ones ropescale gives (bit-identical to what rotated
// the key) and their difference and its sine and cosine in float64.

// dynamicKeys is what a dynamic NTK cache keeps to re-rotate its keys.
type dynamicKeys struct {
	rope        *ropescale.Rope // the session's; ForLength picks a bucket's table
	table       *ropescale.Rope // the table every cached key is rotated with
	neox        bool
	from, to    []float32 // one position's angles in table and the new one, [pairs]
	cos, sin    []float32 // each slot of a chunk's rotation, [shiftChunk][pairs]
	rerotations int64     // table changes that re-rotated cached keys
}

// dynamicWith makes c re-rotate its keys when r's dynamic table changes
// (neox: the pairing of the model's rotation).
func (c *Cache) dynamicWith(r *ropescale.Rope, neox bool) {
	np := r.Pairs()
	c.dyn = &dynamicKeys{rope: r, table: r, neox: neox,
		from: make([]float32, np), to: make([]float32, np),
		cos: make([]float32, shiftChunk*np), sin: make([]float32, shiftChunk*np)}
}

// RopeTable returns the table that rotates the current micro-batch of b
// tokens (call it after Alloc): r itself, unless the cache is a dynamic
// NTK one; then the bucket of the length the cache now holds, with every
// older key re-rotated to it first if it changed.
func (c *Cache) RopeTable(r *ropescale.Rope, b int) *ropescale.Rope {
	d := c.dyn
	if d == nil {
		return r
	}
	t := c.lengthTable()
	if t != d.table {
		c.rerotate(t, b)
		d.table = t
	}
	return t
}

// lengthTable is the dynamic table for the sequence the cache holds: the
// bucket of 1 + its largest position. A function of the cached positions
// alone, so a restored cache knows which table its keys carry.
func (c *Cache) lengthTable() *ropescale.Rope {
	if c.n == 0 {
		return c.dyn.rope
	}
	top := c.pos[0]
	for _, p := range c.pos[1:c.n] {
		top = max(top, p)
	}
	return c.dyn.rope.ForLength(int(top) + 1)
}

// rerotate turns every cached key from the table it carries into t. The
// current micro-batch's b slots hold no keys yet: when they are the last b
// slots they are skipped, else (a ring) they are rotated along, harmlessly.
func (c *Cache) rerotate(t *ropescale.Rope, b int) {
	d := c.dyn
	n := c.n
	if s := c.slots[:b]; b > 0 && s[0] == n-b && s[b-1] == n-1 {
		n -= b
	}
	if n == 0 {
		return
	}
	np := len(d.from)
	rows := c.staging()
	for j0 := 0; j0 < n; j0 += shiftChunk {
		j1 := min(j0+shiftChunk, n)
		for j := j0; j < j1; j++ {
			d.table.Angles(int(c.pos[j]), d.from)
			t.Angles(int(c.pos[j]), d.to)
			cos, sin := d.cos[(j-j0)*np:(j-j0+1)*np], d.sin[(j-j0)*np:(j-j0+1)*np]
			for i := range cos {
				s, co := math.Sincos(float64(d.to[i]) - float64(d.from[i]))
				cos[i], sin[i] = float32(co), float32(s)
			}
		}
		for l, kv := range c.k {
			if !c.rotated(l) {
				continue
			}
			for h := range kv.Heads {
				rekey(kv, h, j0, j1, 0, rows, d.cos, d.sin, np, d.neox)
			}
		}
	}
	d.rerotations++
}

// KeyRotations says how often a dynamic NTK cache re-rotated its keys to
// a new length bucket (zero for other caches).
func (c *Cache) KeyRotations() int64 {
	if c.dyn == nil {
		return 0
	}
	return c.dyn.rerotations
}
