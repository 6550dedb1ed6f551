package model

import (
	"io"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/bytesize"
	"github.com/lcrun/lcrun/model/kvcache"
	"github.com/lcrun/lcrun/ropescale"
)

// llamaState is one Llama session: its KV cache, its RoPE, and scratch
// for the largest micro-batch (all allocated once, in newState).
type llamaState struct {
	m   *llama
	cfg *sessionConfig
	kernelPools
	rope *ropescale.Rope
	kv   *kvcache.Cache // every layer's, or a layer pattern's global layers'
	prm  lc.AttentionParams
	// local: a layer pattern's local layers (gemma_state.go), else nil.
	local *localAttn

	// Scratch, [batch][width] each (scratch lists the widths).
	x, xb       []float32 // residual stream; normed input / projection output
	q, k, v     []float32
	att         []float32
	gate, up    []float32
	cos, sin    []float32 // [batch][rope pairs]
	temp        []float32 // [batch] query temperatures; nil without (llamaHParams.tempScale)
	lcos, lsin  []float32 // [batch][local rope pairs]: localAttn's cos and sin
	pairs, qDim int
	moe         moeScratch // a mixture of experts' (moe.go)
}

// scratch lists the state's scratch buffers and their per-token widths.
func (s *llamaState) scratch() []scratchBuf {
	hp := &s.m.hp
	qDim, kvDim := hp.heads*hp.headDim, hp.kvHeads*hp.headDim
	return append([]scratchBuf{
		{&s.x, hp.dim}, {&s.xb, hp.dim},
		{&s.q, qDim}, {&s.k, kvDim}, {&s.v, kvDim}, {&s.att, qDim},
		{&s.gate, hp.ff}, {&s.up, hp.ff},
		{&s.cos, s.pairs}, {&s.sin, s.pairs},
		{&s.temp, s.tempWidth()},
		{&s.lcos, s.m.localPairs()}, {&s.lsin, s.m.localPairs()},
	}, s.moeScratchBufs()...)
}

// tempWidth is 1 for a model with an attention temperature, else 0.
func (s *llamaState) tempWidth() int {
	if s.m.hp.tempScale != 0 {
		return 1
	}
	return 0
}

// kvConfig is the cache a session with cfg holds (rope: the session's, nil
// when only sizing it).
func (m *llama) kvConfig(cfg *sessionConfig, rope *ropescale.Rope) kvcache.Config {
	hp := &m.hp
	return kvcache.Config{
		Type: cfg.KV, Layers: hp.layers - m.nLocal - m.nUncached, Heads: hp.kvHeads, HeadDim: hp.headDim,
		Slots: cfg.Ctx, Batch: cfg.Batch, Policy: kvcache.Policy(attentionOf(&cfg.SessionOptions)),
		Rope: rope, NeoX: hp.neox, Unrotated: m.unrotated,
	}
}

func (m *llama) newState(cfg *sessionConfig) (archState, error) {
	rope, err := m.ropeFor(cfg)
	if err != nil {
		return nil, err
	}
	kv, err := kvcache.New(m.kvConfig(cfg, rope))
	if err != nil {
		return nil, err
	}
	hp := &m.hp
	s := &llamaState{
		m: m, cfg: cfg, kernelPools: newKernelPools(cfg.pool), rope: rope, kv: kv,
		prm: lc.AttentionParams{Heads: hp.heads, KVHeads: hp.kvHeads, HeadDim: hp.headDim,
			Scale: m.attnScale(), Window: cfg.Window, Sinks: cfg.Sinks},
		pairs: rope.Pairs(), qDim: hp.heads * hp.headDim,
	}
	s.prm.SoftCap = hp.attnSoftCap
	if s.local, err = m.newLocal(cfg, s.prm); err != nil {
		return nil, err
	}
	allocScratch(s.scratch(), cfg.Batch)
	s.newMoEScratch(cfg.Batch)
	if s.local != nil {
		s.local.cos, s.local.sin = s.lcos, s.lsin
	}
	if hp.tempScale == 0 {
		s.temp = nil
	}
	return s, nil
}

// stateBytes counts the cache and the scratch newState allocates.
func (m *llama) stateBytes(cfg *sessionConfig) int64 {
	s := &llamaState{m: m, pairs: m.rope.Dims / 2}
	n := bytesize.Add(kvcache.Bytes(m.kvConfig(cfg, nil)), scratchBytes(s.scratch(), cfg.Batch))
	if m.nLocal > 0 {
		n = bytesize.Add(n, kvcache.Bytes(m.localKVConfig(cfg, nil)))
	}
	return n
}

func (s *llamaState) reset() {
	s.kv.Reset()
	if s.local != nil {
		s.local.kv.Reset()
	}
}

// The Llama part of a saved state is its KV cache (kvcache/state.go),
// then a layer pattern's local cache.
func (s *llamaState) saveState(w io.Writer) error {
	if err := s.kv.Save(w); err != nil || s.local == nil {
		return err
	}
	return s.local.kv.Save(w)
}

func (s *llamaState) restoreState(r io.Reader) error {
	err := s.kv.Restore(r)
	if err == nil && s.local != nil {
		err = s.local.kv.Restore(r)
	}
	if err != nil {
		s.reset()
	}
	return err
}

// kvCache gives the session's KV cache to what reports on it.
func (s *llamaState) kvCache() *kvcache.Cache { return s.kv }
