package model

import (
	"fmt"
	"strings"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/bytesize"
	"github.com/lcrun/lcrun/model/kvcache"
	"github.com/lcrun/lcrun/ropescale"
)

// ropeFor is the attention layers' RoPE (a NoPE hybrid's attention does
// not use it, but its cache is sized by the session's context all the
// same).
func (h *hybridModel) ropeFor(cfg *sessionConfig) (*ropescale.Rope, error) {
	return h.attn.ropeFor(cfg)
}

// constantBytes is the state that does not grow with the sequence: the
// Mamba-2 layers' convolution and SSM states and the short convolutions'.
func (h *hybridModel) constantBytes() int64 {
	var n int64
	if h.ssm != nil {
		conv, ssm := h.ssm.p.stateFloats()
		n = bytesize.Mul(int64(h.ssm.p.layers), int64(conv+ssm), 4)
	}
	if h.conv != nil {
		n = bytesize.Add(n, bytesize.Mul(int64(len(h.conv.layers)), int64(h.conv.stateFloats()), 4))
	}
	return n
}

// tokenBytes is what each position adds to a cache of type kv: the
// attention layers' keys and values and the position.
func (h *hybridModel) tokenBytes(kv lc.DType) int64 {
	hp := &h.attn.hp
	return kvcache.Bytes(kvcache.Config{Type: kv, Layers: hp.layers - h.attn.nUncached, Heads: hp.kvHeads, HeadDim: hp.headDim, Slots: 1})
}

// graph names the layer pattern and the state's two parts, then what the
// attention part adds to the Llama block.
func (h *hybridModel) graph() []string {
	hp := &h.attn.hp
	out := []string{
		"layers " + h.pattern(),
		fmt.Sprintf("state %s constant + %s per token (f32 KV on %d of %d layers; %s at q8_0)",
			bytesize.Format(h.constantBytes()), bytesize.Format(h.tokenBytes(lc.F32)),
			hp.layers-h.attn.nUncached, hp.layers, bytesize.Format(h.tokenBytes(lc.Q8_0))),
	}
	for _, g := range h.attn.graph() {
		if strings.HasPrefix(g, "no rope in layers") {
			g = "attention without rope (NoPE)"
		}
		out = append(out, g)
	}
	add := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	if hp.resScale != 0 {
		add("residual adds x %.4g", hp.resScale)
	}
	if hp.kqScale != 0 {
		add("attention scale %.4g", hp.kqScale)
	}
	if h.logitScale != 0 {
		add("logits / %.4g", h.logitScale)
	}
	if h.attn.variant.mlpLayers {
		add("mlp layers relu^2, ungated")
	}
	return out
}

// cost counts each layer's own blocks: attention matrices where there
// is attention, FFNs where there are some, the mixers' and short
// convolutions' work; only the cached layers attend per key.
func (h *hybridModel) cost() Cost {
	hp := &h.attn.hp
	qDim, kvDim := float64(hp.heads*hp.headDim), float64(hp.kvHeads*hp.headDim)
	dim, ff := float64(hp.dim), float64(hp.ff)
	attnW, ffnW := dim*qDim+2*dim*kvDim+qDim*dim, 3*dim*ff
	if h.attn.variant.mlpLayers {
		ffnW = 2 * dim * ff
	}
	weights := float64(hp.vocab) * dim
	for l, k := range h.attn.kinds {
		if k == layerAttention || k == layerParallel {
			weights += attnW
		}
		switch ly := &h.attn.layers[l]; {
		case ly.moe != nil: // the experts a token uses, the router, the shared expert
			weights += float64(hp.moe.used)*ffnW + dim*float64(hp.moe.experts) + 3*dim*float64(hp.moe.sharedFF)
		case !ly.noFFN:
			weights += ffnW
		}
	}
	c := Cost{Dense: 2 * weights, PerKey: 4 * qDim * float64(hp.layers-h.attn.nUncached)}
	if h.ssm != nil {
		c.Dense += h.ssm.cost().Dense
	}
	if h.conv != nil {
		perLayer := 2*(4*dim*dim) + 2*dim*float64(h.conv.taps) + 2*dim
		c.Dense += float64(len(h.conv.layers)) * perLayer
	}
	return c
}
