package model

import (
	"fmt"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/model/kvcache"
	"github.com/lcrun/lcrun/ropescale"
)

// localAttn is what a layer pattern's local (sliding) layers attend with:
// their own cache, a ring of the window whatever the context, so that a
// long Gemma run holds full-length keys only for its global layers; their
// own RoPE (Gemma 3: base 10000, unscaled) and attention parameters. The
// session's policy applies to the global layers; the local ones only take
// a narrower window from it. Under streaming the local layers keep text
// positions (their window sees the same distances either way) while the
// global ones move to positions inside their cache.
type localAttn struct {
	kv       *kvcache.Cache
	rope     *ropescale.Rope
	prm      lc.AttentionParams
	cos, sin []float32 // [batch][pairs] of the current micro-batch
	slots    []int     // the current micro-batch's
	pairs    int
}

// localWindow is the window a session's local layers slide over: the
// model's, narrowed by the session's own window.
func (m *llama) localWindow(cfg *sessionConfig) int {
	w := m.hp.localWindow
	if cfg.Window > 0 {
		w = min(w, cfg.Window)
	}
	return w
}

// localKVConfig is the local layers' cache (rope nil when only sizing it).
func (m *llama) localKVConfig(cfg *sessionConfig, rope *ropescale.Rope) kvcache.Config {
	hp := &m.hp
	p := kvcache.Policy{Window: m.localWindow(cfg)}
	return kvcache.Config{
		Type: cfg.KV, Layers: m.nLocal, Heads: hp.kvHeads, HeadDim: hp.headDim,
		Slots: p.Slots(cfg.Ctx, cfg.Batch), Batch: cfg.Batch, Policy: p, Rope: rope, NeoX: hp.neox,
	}
}

// localRopeFor is the local layers' RoPE: the session's, or an unscaled
// one with the variant's own base.
func (m *llama) localRopeFor(cfg *sessionConfig) (*ropescale.Rope, error) {
	if m.variant.localRopeBase == 0 {
		return m.ropeFor(cfg)
	}
	r, err := ropescale.New(ropescale.Params{Dims: m.rope.Dims, FreqBase: m.variant.localRopeBase, Ctx: cfg.Ctx})
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return r, nil
}

// newLocal allocates the local layers' attention (nil without a pattern);
// its cos/sin come from the state's scratch.
func (m *llama) newLocal(cfg *sessionConfig, prm lc.AttentionParams) (*localAttn, error) {
	if m.nLocal == 0 {
		return nil, nil
	}
	rope, err := m.localRopeFor(cfg)
	if err != nil {
		return nil, err
	}
	kv, err := kvcache.New(m.localKVConfig(cfg, rope))
	if err != nil {
		return nil, err
	}
	prm.Window, prm.Sinks = m.localWindow(cfg), 0
	return &localAttn{kv: kv, rope: rope, prm: prm, pairs: rope.Pairs()}, nil
}

// localPairs is the width of the local layers' cos/sin scratch.
func (m *llama) localPairs() int {
	if m.nLocal == 0 {
		return 0
	}
	return m.rope.Dims / 2
}

// rotations fills the local layers' cos/sin for the text positions pos.
func (a *localAttn) rotations(pos []int32) {
	r := a.kv.RopeTable(a.rope, len(pos))
	np := a.pairs
	for i, p := range pos {
		r.CosSin(int(p), a.cos[i*np:(i+1)*np], a.sin[i*np:(i+1)*np])
	}
}
