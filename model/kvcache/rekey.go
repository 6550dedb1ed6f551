package kvcache

import lc "github.com/lcrun/lcrun"

// shiftChunk is how many rows of one head are widened, rotated and
// re-encoded at a time.
const shiftChunk = 256

// rekey re-encodes the keys of slots [j0, j1) of head h (at most
// shiftChunk of them) into slots [j0-e, j1-e), rotated on the way: row i by
// cos, sin[i*step:][:pairs], pairs = step, or all rows by the whole of cos,
// sin when step is 0 (neox: lc.RoPE's pairing). Rows go through rows
// (staging of shiftChunk*RowFloats); with e > 0 a chunk's destination ends
// before the next chunk's source starts, so moves can run in place, chunk
// after chunk upwards.
func rekey(kv *lc.KV, h, j0, j1, e int, rows, cos, sin []float32, step int, neox bool) {
	ld, dim := kv.RowFloats(), kv.Dim
	rows = rows[:(j1-j0)*ld]
	kv.ReadRows(rows, h, j0, j1)
	pairs := step
	if step == 0 {
		pairs = len(cos)
	}
	for i := 0; i < j1-j0; i++ {
		c, s := cos[i*step:i*step+pairs], sin[i*step:i*step+pairs]
		lc.RoPE(rows[i*ld:i*ld+dim], c, s, neox)
	}
	kv.WriteRows(h, j0-e, rows)
}

// staging returns the cache's float32 staging rows for rekey, allocated on
// first use (only caches that re-rotate keys need them).
func (c *Cache) staging() []float32 {
	if c.rows == nil {
		c.rows = make([]float32, shiftChunk*c.k[0].RowFloats())
	}
	return c.rows
}
