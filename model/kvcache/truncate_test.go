package kvcache

import (
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTruncate(t *testing.T) {
	c := newCache(t, Config{Type: lc.F32, Layers: 1, Heads: 1, HeadDim: 4, Slots: 8, Batch: 4})
	_, err := c.Alloc(positions(0, 4))
	require.NoError(t, err)
	_, err = c.Alloc(positions(4, 2))
	require.NoError(t, err)
	assert.False(t, c.Truncate(7), "past the slots in use")
	assert.False(t, c.Truncate(-1))
	require.True(t, c.Truncate(3))
	assert.Equal(t, 3, c.Len())
	slots, err := c.Alloc(positions(3, 4))
	require.NoError(t, err)
	assert.Equal(t, []int{3, 4, 5, 6}, slots, "the next tokens take the freed slots")
	require.True(t, c.Truncate(0))

	// Slots that are not positions 0..n-1 in order: positions given out
	// of order, and a window's ring that wrapped.
	odd := newCache(t, Config{Type: lc.F32, Layers: 1, Heads: 1, HeadDim: 4, Slots: 8, Batch: 4})
	_, err = odd.Alloc([]int32{0, 2, 1})
	require.NoError(t, err)
	assert.False(t, odd.Truncate(1))
	assert.Equal(t, 3, odd.Len(), "a refused Truncate changes nothing")

	p := Policy{Window: 4}
	ring := newCache(t, Config{Type: lc.F32, Layers: 1, Heads: 1, HeadDim: 4, Slots: p.Slots(100, 2), Batch: 2, Policy: p})
	for at := 0; at < 3; at += 2 {
		_, err := ring.Alloc(positions(at, 2))
		require.NoError(t, err)
	}
	assert.True(t, ring.Truncate(2), "a ring that has not wrapped holds positions in order")
	for at := 2; at < 20; at += 2 {
		_, err := ring.Alloc(positions(at, 2))
		require.NoError(t, err)
	}
	assert.False(t, ring.Truncate(2))
}
