package kvcache

import (
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/ropescale"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A NoPE layer's keys (Config.Unrotated) carry no rotation: a streaming
// eviction moves them unchanged while the other layers' keys are turned
// to their new positions, and a dynamic NTK re-rotation leaves them be.
func TestUnrotatedLayersKeepTheirKeys(t *testing.T) {
	const dim, window, batch = 4, 8, 2
	key := func(tok int) []float32 {
		return []float32{float32(tok) + 1, float32(tok)*0.5 - 3, 2, float32(tok%3) - 1}
	}
	for _, tc := range []struct {
		name   string
		params ropescale.Params
		policy Policy
	}{
		{"streaming", ropescale.Params{Dims: dim, Ctx: 64}, Policy{Window: window, Sinks: 1, Streaming: true}},
		{"dynamic", ropescale.Params{Method: ropescale.Dynamic, Dims: dim, OrigCtx: 8, Factor: 2, Ctx: 64}, Policy{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ropescale.New(tc.params)
			require.NoError(t, err)
			slots := 64
			if tc.policy.Streaming {
				slots = StreamSlots(window, 1, batch)
			}
			c := newCache(t, Config{Type: lc.F32, Layers: 2, Heads: 1, HeadDim: dim, Slots: slots, Batch: batch,
				Policy: tc.policy, Rope: r, Unrotated: []bool{false, true}})
			for at := 0; at < 40; at += batch {
				pos := positions(at, batch)
				s, err := c.Alloc(pos)
				require.NoError(t, err)
				c.RopeTable(r, batch) // where a dynamic cache re-rotates
				k := append(key(at), key(at+1)...)
				c.Put(0, s, k, k)
				c.Put(1, s, k, k)
			}
			if tc.policy.Streaming {
				_, shifts := c.StreamStats()
				require.Positive(t, shifts)
			} else {
				require.Positive(t, c.KeyRotations())
			}
			got, val, rot := make([]float32, dim), make([]float32, dim), make([]float32, dim)
			moved := 0
			for j := range c.Len() {
				c.K(1).Get(0, j, got)
				c.V(1).Get(0, j, val)
				assert.Equal(t, val, got, "slot %d: layer 1's key is its value, unrotated", j)
				c.K(0).Get(0, j, rot)
				if !assert.ObjectsAreEqual(rot, val) {
					moved++
				}
			}
			assert.Positive(t, moved, "layer 0's keys were re-rotated")
		})
	}
}
