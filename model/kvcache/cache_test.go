package kvcache

import (
	"bytes"
	"errors"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/model/internal/stateio"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newCache(t *testing.T, c Config) *Cache {
	t.Helper()
	kc, err := New(c)
	require.NoError(t, err)
	return kc
}

func positions(from, n int) []int32 {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(from + i)
	}
	return p
}

func TestAllocFullAndRing(t *testing.T) {
	full := newCache(t, Config{Type: lc.F32, Layers: 1, Heads: 1, HeadDim: 4, Slots: 6, Batch: 4})
	slots, err := full.Alloc(positions(0, 4))
	require.NoError(t, err)
	assert.Equal(t, []int{0, 1, 2, 3}, slots)
	_, err = full.Alloc(positions(4, 3))
	require.ErrorContains(t, err, "context of 6 tokens is full")
	assert.Equal(t, 4, full.Len(), "a failed Alloc changes nothing")

	// window 4, one sink, micro-batches of 2: 1+4+2-1 = 6 slots.
	p := Policy{Window: 4, Sinks: 1}
	ring := newCache(t, Config{Type: lc.F16, Layers: 1, Heads: 1, HeadDim: 4, Slots: p.Slots(100, 2), Batch: 2, Policy: p})
	require.Equal(t, 6, ring.Cap())
	for at := 0; at < 40; at += 2 {
		slots, err := ring.Alloc(positions(at, 2))
		require.NoError(t, err, "at %d", at)
		for _, s := range slots {
			if at >= 6 {
				assert.NotZero(t, s, "the sink's slot is never reused")
			}
		}
		// Every key the newest query sees is still in the cache.
		seen := map[int32]bool{}
		for _, q := range ring.Positions()[:ring.Len()] {
			seen[q] = true
		}
		last := int32(at + 1)
		for q := max(last-3, 0); q <= last; q++ {
			assert.True(t, seen[q], "position %d visible from %d is cached", q, last)
		}
		assert.True(t, seen[0], "the sink stays")
	}
	small := newCache(t, Config{Type: lc.F32, Layers: 1, Heads: 1, HeadDim: 4, Slots: 5, Batch: 2, Policy: p})
	var aerr error
	for at := 0; at < 20 && aerr == nil; at += 2 {
		_, aerr = small.Alloc(positions(at, 2))
	}
	require.ErrorContains(t, aerr, "too small for a window of 4")
}

func TestBytesIsWhatNewAllocates(t *testing.T) {
	for _, typ := range []lc.DType{lc.F32, lc.F16, lc.Q8_0} {
		for _, dim := range []int{8, 33, 64} {
			c := Config{Type: typ, Layers: 3, Heads: 2, HeadDim: dim, Slots: 17, Batch: 4}
			kc := newCache(t, c)
			var got int64
			for l := range c.Layers {
				got += int64(len(kc.K(l).Data) + len(kc.V(l).Data))
			}
			got += 4 * int64(len(kc.Positions()))
			assert.Equal(t, got, Bytes(c), "%v dim %d", typ, dim)
		}
	}
	assert.Equal(t, int64(1<<63-1), Bytes(Config{Type: lc.F32, Layers: 1 << 20, Heads: 1 << 20, HeadDim: 1 << 20, Slots: 1 << 30}))
}

func TestSaveRestore(t *testing.T) {
	p := Policy{Window: 8}
	c := Config{Type: lc.Q8_0, Layers: 2, Heads: 2, HeadDim: 32, Slots: 12, Batch: 3, Policy: p}
	src := newCache(t, c)
	row := make([]float32, 2*32)
	for at := 0; at < 15; at += 3 {
		slots, err := src.Alloc(positions(at, 3))
		require.NoError(t, err)
		for l := range 2 {
			k, v := make([]float32, 3*len(row)), make([]float32, 3*len(row))
			for i := range k {
				k[i], v[i] = float32(at*7+i%13)/9, float32(l-i%5)/3
			}
			src.Put(l, slots, k, v)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, src.Save(&buf))

	dst := newCache(t, c)
	require.NoError(t, dst.Restore(bytes.NewReader(buf.Bytes())))
	assert.Equal(t, src.Len(), dst.Len())
	assert.Equal(t, src.Positions(), dst.Positions())
	for l := range 2 {
		assert.Equal(t, src.K(l).Data, dst.K(l).Data)
		assert.Equal(t, src.V(l).Data, dst.V(l).Data)
	}
	// The ring goes on where it was.
	a, err := src.Alloc(positions(15, 3))
	require.NoError(t, err)
	b, err := dst.Alloc(positions(15, 3))
	require.NoError(t, err)
	assert.Equal(t, a, b)

	for name, other := range map[string]Config{
		"type":   {Type: lc.F16, Layers: 2, Heads: 2, HeadDim: 32, Slots: 12, Batch: 3, Policy: p},
		"policy": {Type: lc.Q8_0, Layers: 2, Heads: 2, HeadDim: 32, Slots: 12, Batch: 3, Policy: Policy{Window: 9}},
		"slots":  {Type: lc.Q8_0, Layers: 2, Heads: 2, HeadDim: 32, Slots: 11, Batch: 3, Policy: p},
	} {
		err := newCache(t, other).Restore(bytes.NewReader(buf.Bytes()))
		assert.True(t, errors.Is(err, stateio.ErrMismatch), "%s: %v", name, err)
	}
	err = newCache(t, Config{Type: lc.Q8_0, Layers: 1, Heads: 2, HeadDim: 32, Slots: 12, Batch: 3, Policy: p}).Restore(bytes.NewReader(buf.Bytes()))
	assert.ErrorContains(t, err, "damaged state")
	for _, cut := range []int{0, 5, 40, buf.Len() - 1} {
		err := newCache(t, c).Restore(bytes.NewReader(buf.Bytes()[:cut]))
		assert.ErrorContains(t, err, "damaged state", "cut at %d", cut)
	}
}

// TestVisibleKeys counts what the attention kernel's mask lets each query
// see and compares with the closed form.
func TestVisibleKeys(t *testing.T) {
	for _, p := range []Policy{{}, {Window: 5}, {Window: 5, Sinks: 2}, {Window: 1}, {Window: 64, Sinks: 4, Streaming: true}} {
		for _, r := range [][2]int{{0, 0}, {0, 1}, {0, 7}, {3, 30}, {6, 7}, {0, 200}, {150, 200}} {
			want := 0.0
			for q := r[0]; q < r[1]; q++ {
				for k := 0; k <= q; k++ {
					if p.Window == 0 || q-k < p.Window || k < p.Sinks {
						want++
					}
				}
			}
			assert.Equal(t, want, p.VisibleKeys(r[0], r[1]), "%v over [%d, %d)", p, r[0], r[1])
		}
	}
}

// Fits says what Alloc would, and changes nothing.
func TestFitsIsAllocWithoutEffect(t *testing.T) {
	p := Policy{Window: 4}
	c := newCache(t, Config{Type: lc.F32, Layers: 1, Heads: 1, HeadDim: 4, Slots: p.Slots(100, 2), Batch: 2, Policy: p})
	for at := 0; at < 12; at += 2 {
		require.NoError(t, c.Fits(positions(at, 2)))
		_, err := c.Alloc(positions(at, 2))
		require.NoError(t, err)
	}
	n, pos := c.Len(), append([]int32(nil), c.Positions()...)
	back := positions(1, 2) // a query that still sees every cached key
	err := c.Fits(back)
	require.ErrorContains(t, err, "too small for a window of 4")
	assert.Equal(t, n, c.Len())
	assert.Equal(t, pos, c.Positions())
	_, aerr := c.Alloc(back)
	assert.Equal(t, err, aerr)
}
