package model

import (
	"fmt"
	"math"
	"unsafe"

	lc "github.com/lcrun/lcrun"
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

// shiftChunk is how many rows of one head are widened, rotated and
// re-encoded at a time.
const shiftChunk = 256

// streamWith makes c a streaming cache whose keys r rotates (neox: the
// pairing of the model's rotation).
func (c *kvCache) streamWith(r *ropescale.Rope, neox bool, batch int) {
	np := r.Pairs()
	c.stream = &streamShift{
		rope: r, neox: neox,
		angles: make([]float32, np), cos: make([]float32, np), sin: make([]float32, np),
		cpos: make([]int32, batch),
	}
}

// allocStream is alloc for a streaming cache: the micro-batch's tokens go
// to the cache positions after the last, evicting first if they do not
// fit. pos must be consecutive (the text's positions; their values only
// matter for that check).
func (c *kvCache) allocStream(pos []int32) ([]int, error) {
	for i := 1; i < len(pos); i++ {
		if pos[i] != pos[0]+int32(i) {
			return nil, fmt.Errorf("model: a streaming (sinks) cache takes consecutive positions, got %d after %d", pos[i], pos[i-1])
		}
	}
	b := len(pos)
	if c.n+b > c.cap() {
		// Keep the Window-1 keys the batch's first query still sees.
		e := c.n - c.sinks - (c.window - 1)
		if e <= 0 || c.n-e+b > c.cap() {
			return nil, fmt.Errorf("model: a streaming cache of %d slots is too small for %d sinks, a window of %d and micro-batches of %d",
				c.cap(), c.sinks, c.window, b)
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

// cachePositions maps a micro-batch's text positions to the positions RoPE
// and the attention mask use: the same for a plain cache, the slots' cache
// positions for a streaming one (valid after alloc).
func (c *kvCache) cachePositions(pos []int32) []int32 {
	if c.stream == nil {
		return pos
	}
	return c.stream.cpos[:len(pos)]
}

// evict drops the e oldest window tokens (slots sinks..sinks+e-1): the
// later ones move down by e, keys rotated by -e.
func (c *kvCache) evict(e int) {
	st := c.stream
	keepFrom, n := c.sinks+e, c.n
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
		shiftRotate(c.k[l], keepFrom, n, e, rows, st)
		shiftMove(c.v[l], keepFrom, n, e)
	}
	for j := c.sinks; j < n-e; j++ {
		c.pos[j] = int32(j)
	}
	c.n -= e
	st.evicted += int64(e)
	st.shifts++
}

// shiftMove moves slots [from, to) of every head down by e, as they are.
func shiftMove(kv *lc.KV, from, to, e int) {
	rb := kv.RowBytes
	for h := range kv.Heads {
		base := h * kv.Cap * rb
		copy(kv.Data[base+(from-e)*rb:], kv.Data[base+from*rb:base+to*rb])
	}
}

// shiftRotate moves slots [from, to) of every head down by e, rotating each
// key by st's (cos, sin).
func shiftRotate(kv *lc.KV, from, to, e int, rows []float32, st *streamShift) {
	for h := range kv.Heads {
		for j0 := from; j0 < to; j0 += shiftChunk {
			rekey(kv, h, j0, min(j0+shiftChunk, to), e, rows, st.cos, st.sin, 0, st.neox)
		}
	}
}

// rekey re-encodes the keys of slots [j0, j1) of head h (at most
// shiftChunk of them) into slots [j0-e, j1-e), rotated on the way: row i by
// cos, sin[i*step:][:pairs], pairs = step, or all rows by the whole of cos,
// sin when step is 0 (neox: lc.RoPE's pairing). Rows go through rows
// (staging of shiftChunk*rowFloats(kv)); with e > 0 a chunk's destination
// ends before the next chunk's source starts, so moves can run in place,
// chunk after chunk upwards.
func rekey(kv *lc.KV, h, j0, j1, e int, rows, cos, sin []float32, step int, neox bool) {
	rb, dim := kv.RowBytes, kv.Dim
	ld := rowFloats(kv)
	base := h * kv.Cap * rb
	rows = rows[:(j1-j0)*ld]
	src := kv.Data[base+j0*rb : base+j1*rb]
	dst := kv.Data[base+(j0-e)*rb : base+(j1-e)*rb]
	switch kv.Type {
	case lc.F32:
		copy(rows, bytesAsFloat32(src))
	case lc.F16:
		lc.F16sToF32(rows, bytesAsUint16(src))
	case lc.Q8_0:
		if err := lc.Dequantize(lc.Q8_0, rows, src); err != nil {
			panic("model: KV re-rotation: " + err.Error()) // rows are whole blocks by construction
		}
	}
	pairs := step
	if step == 0 {
		pairs = len(cos)
	}
	for i := 0; i < j1-j0; i++ {
		c, s := cos[i*step:i*step+pairs], sin[i*step:i*step+pairs]
		lc.RoPE(rows[i*ld:i*ld+dim], c, s, neox)
	}
	switch kv.Type {
	case lc.F32:
		copy(bytesAsFloat32(dst), rows)
	case lc.F16:
		lc.F32sToF16(bytesAsUint16(dst), rows)
	case lc.Q8_0:
		for i := 0; i < j1-j0; i++ {
			lc.QuantizeRowQ8_0Even(dst[i*rb:(i+1)*rb], rows[i*ld:(i+1)*ld])
		}
	}
}

// rowFloats is the float32 length of one cache row widened (Q8_0 rows are
// padded to whole blocks).
func rowFloats(kv *lc.KV) int {
	if kv.Type == lc.Q8_0 {
		return kv.RowBytes / lc.BlockQ8_0Bytes * lc.QK
	}
	return kv.Dim
}

// staging returns the cache's float32 staging rows for rekey, allocated on
// first use (only caches that re-rotate keys need them).
func (c *kvCache) staging() []float32 {
	if c.rows == nil {
		c.rows = make([]float32, shiftChunk*rowFloats(c.k[0]))
	}
	return c.rows
}

func bytesAsFloat32(b []byte) []float32 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}

func bytesAsUint16(b []byte) []uint16 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*uint16)(unsafe.Pointer(&b[0])), len(b)/2)
}

// StreamStats says how often a streaming session evicted: tokens dropped
// and the number of shifts (zero for other sessions).
func (s *Session) StreamStats() (evicted, shifts int64) {
	if ls, ok := s.st.(*llamaState); ok && ls.kv.stream != nil {
		return ls.kv.stream.evicted, ls.kv.stream.shifts
	}
	return 0, 0
}
