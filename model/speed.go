package model

import (
	"context"
	"fmt"
	"time"

	lc "github.com/lcrun/lcrun"
)

// Speed is this machine's measured throughput on a model, in the units of
// Cost: what time estimates before a long run divide by.
type Speed struct {
	Prefill   float64 // dense FLOP/s evaluating micro-batches
	Decode    float64 // dense FLOP/s evaluating one token at a time
	Attention float64 // FLOP/s of attention over a long cache (Cost.PerKey units); 0 without attention
}

// MeasureSpeed times a small session with options o (its Ctx and window
// replaced) over tokens (one micro-batch's worth is enough: a few dozen to
// a few hundred) and three decoding steps, and, for a transformer, one
// micro-batch of queries attending to keys cached keys of o's KV type. It
// allocates little and takes a fraction of a second on small models.
func (m *Model) MeasureSpeed(o SessionOptions, tokens []int32, keys int) (Speed, error) {
	var sp Speed
	if len(tokens) == 0 {
		return sp, fmt.Errorf("model: no tokens to measure with")
	}
	const decodeSteps = 3
	o.Ctx = len(tokens) + decodeSteps
	o.Window, o.Sinks, o.Streaming = 0, 0, false
	o.Batch = max(o.Batch, len(tokens))
	s, err := m.NewSession(o)
	if err != nil {
		return sp, err
	}
	defer s.Close()
	cost := m.Cost()
	n := float64(len(tokens))
	t0 := time.Now()
	if err := s.Prefill(context.Background(), tokens, nil); err != nil {
		return sp, err
	}
	el := time.Since(t0).Seconds()
	sp.Prefill = cost.Dense * n / max(el, 1e-9)
	t0 = time.Now()
	for i := range decodeSteps {
		if _, err := s.Decode(tokens[i%len(tokens)]); err != nil {
			return sp, err
		}
	}
	el = time.Since(t0).Seconds()
	sp.Decode = cost.Dense * decodeSteps / max(el, 1e-9)
	if ls, ok := s.st.(*llamaState); ok && keys > 0 {
		sp.Attention, err = measureAttention(ls, keys, min(len(tokens), 64))
	}
	return sp, err
}

// measureAttention times nq queries of one layer over keys cached keys
// and returns the rate in Cost.PerKey units (all layers' work per key).
func measureAttention(ls *llamaState, keys, nq int) (float64, error) {
	hp := &ls.m.hp
	k, err := lc.NewKV(ls.cfg.KV, hp.kvHeads, keys, hp.headDim)
	if err != nil {
		return 0, err
	}
	v, err := lc.NewKV(ls.cfg.KV, hp.kvHeads, keys, hp.headDim)
	if err != nil {
		return 0, err
	}
	row := make([]float32, hp.kvHeads*hp.headDim)
	for j := range keys {
		for i := range row {
			row[i] = float32((i*31+j*17)%97)/97 - 0.5
		}
		k.Put(j, row)
		v.Put(j, row)
	}
	kpos := make([]int32, keys)
	for j := range kpos {
		kpos[j] = int32(j)
	}
	qDim := hp.heads * hp.headDim
	q, out := make([]float32, nq*qDim), make([]float32, nq*qDim)
	for i := range q {
		q[i] = float32(i%13)/13 - 0.5
	}
	qpos := make([]int32, nq)
	for i := range qpos {
		qpos[i] = int32(keys - nq + i)
	}
	prm := ls.prm
	prm.Window, prm.Sinks = 0, 0
	t0 := time.Now()
	ls.pool.Attention(out, q, qpos, k, v, kpos, keys, prm)
	el := time.Since(t0).Seconds()
	// One layer's work: 4 FLOPs per head-dimension per visible key.
	var visible float64
	for _, p := range qpos {
		visible += float64(p + 1)
	}
	flops := 4 * float64(hp.heads*hp.headDim) * visible
	return flops / max(el, 1e-9), nil
}
