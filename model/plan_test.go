package model

import (
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVisibleKeys(t *testing.T) {
	full := &Plan{Attention: true}
	// Token i sees i+1 keys: 1+2+...+10.
	assert.Equal(t, 55.0, full.VisibleKeys(0, 10))
	assert.Equal(t, 55.0-15, full.VisibleKeys(5, 10))
	win := &Plan{Attention: true, Options: SessionOptions{Window: 4, Sinks: 1}}
	// Capped at 5: 1+2+3+4+5+5+5.
	assert.Equal(t, 25.0, win.VisibleKeys(0, 7))
	assert.Equal(t, 10.0, win.VisibleKeys(5, 7))
	assert.Zero(t, (&Plan{}).VisibleKeys(0, 100), "no attention")
}

// TestPlanMemory: the plan's session figure is SessionBytes', its history
// bound is what Session.record keeps, and a plan over the limit names what
// would fit.
func TestPlanMemory(t *testing.T) {
	m := openStories(t)
	o := SessionOptions{Ctx: 100000, KV: lc.F32}
	p, err := m.NewPlan(o, PlanInput{Input: 99000, Prompt: 10, Generate: 990})
	require.NoError(t, err)
	want, err := m.SessionBytes(o)
	require.NoError(t, err)
	assert.Equal(t, want, p.Session)
	assert.Equal(t, int64(8*100000), p.History, "an unbounded history may double")
	assert.Equal(t, m.File().Size(), p.Weights)
	assert.Zero(t, p.CacheIO)
	assert.Equal(t, p.Process+p.Weights+p.Session+p.History, p.Memory())

	w := SessionOptions{Ctx: 2048, Window: 1024, KV: lc.F16}
	bounded, err := m.NewPlan(w, PlanInput{Input: 1 << 20, WithCache: true})
	require.NoError(t, err)
	assert.Equal(t, int64(4*(2*DefaultHistory+DefaultBatch)), bounded.History, "a window bounds the history")
	assert.Positive(t, bounded.CacheIO)

	p.MaxMemory = p.Memory() - p.Session/3
	err = p.Check()
	var me *MemoryError
	require.ErrorAs(t, err, &me)
	assert.True(t, me.OverMax)
	require.NotEmpty(t, me.Fits)
	assert.Equal(t, lc.F16, me.Fits[0].KV, "a cache of half the bytes fits")
	assert.True(t, me.Fits[len(me.Fits)-1].Recurrent)
	assert.Contains(t, err.Error(), "not enough memory")
	assert.NotContains(t, err.Error(), "--", "library errors name no CLI flag")
	p.MaxMemory = p.Memory()
	assert.NoError(t, p.Check())
}
