package model

import (
	"fmt"
	"math"
)

// Gemma 2 (Gemma Team 2024) and Gemma 3 (2025) are the Llama graph with
// Gemma's block: embeddings scaled by sqrt(dim); queries scaled by
// 1/sqrt(head_dim) (27B: 1/sqrt(dim/heads)) before attention, whose scores
// Gemma 2 soft-caps as c*tanh(s/c) (attn_logit_softcapping, 50); RMSNorms
// after attention and after the FFN (post_attention_norm, post_ffw_norm)
// before each residual add; FFN gelu(gate)*up; final logits soft-capped
// (final_logit_softcapping: Gemma 2 30 unless the file says, Gemma 3 only
// when the file has it). Layers alternate local and global attention in a
// pattern llama.cpp fixes: Gemma 2 slides on even layers, Gemma 3 on five
// of every six, over attention.sliding_window tokens (Gemma 2: 4096 when
// absent; Gemma 3 without the key has no local layers), and Gemma 3's
// local layers rotate with base 10000, unscaled, whatever the file's RoPE.
// Local layers keep their keys in a ring of the window (llama_state.go).
// Gemma 3 adds q/k norms as Qwen3.
func init() {
	registerArch(llamaLoader(llamaVariant{neox: true, gemma: true, swaPattern: 2}), "gemma2")
	registerArch(llamaLoader(llamaVariant{neox: true, gemma: true, qkNorm: true, swaPattern: 6, localRopeBase: gemma3LocalRopeBase}), "gemma3")
}

const (
	gemma2DefaultWindow  = 4096
	gemma2AttnSoftCap    = 50
	gemma2FinalSoftCap   = 30
	gemma3LocalRopeBase  = 10000
	keyAttnLogitSoftCap  = "attn_logit_softcapping"
	keyFinalLogitSoftCap = "final_logit_softcapping"
)

// gemmaHParams are Gemma's additions to the Llama hyperparameters.
type gemmaHParams struct {
	embedScale   float32 // multiplies the token embeddings; 0 = none
	qScale       float32 // multiplies the queries before attention (whose scale is then 1); 0 = none
	attnSoftCap  float32 // 0 = none
	finalSoftCap float32 // 0 = none
	localWindow  int     // the window of the local layers; 0 = no pattern
}

// gemmaHyper reads Gemma's keys into hp; the file's sliding window moves
// from all layers to the local ones.
func gemmaHyper(l *loader, hp *llamaHParams) error {
	g := &hp.gemmaHParams
	g.embedScale = float32(math.Sqrt(float64(hp.dim)))
	g.qScale = float32(1 / math.Sqrt(float64(hp.headDim)))
	if big := (l.arch == "gemma2" && hp.layers == 46) || (l.arch == "gemma3" && hp.layers == 62); big {
		g.qScale = float32(1 / math.Sqrt(float64(hp.dim/hp.heads))) // the 27B models
	}
	attnCap, finalCap := 0.0, 0.0
	g.localWindow, hp.slidingWindow = hp.slidingWindow, 0
	if l.arch == "gemma2" {
		attnCap, finalCap = gemma2AttnSoftCap, gemma2FinalSoftCap
		if g.localWindow == 0 {
			g.localWindow = gemma2DefaultWindow
		}
	}
	var err error
	if attnCap != 0 {
		if attnCap, err = l.floatOr(keyAttnLogitSoftCap, attnCap); err != nil {
			return err
		}
	}
	if finalCap, err = l.floatOr(keyFinalLogitSoftCap, finalCap); err != nil {
		return err
	}
	for _, c := range []struct {
		k string
		v float64
	}{{keyAttnLogitSoftCap, attnCap}, {keyFinalLogitSoftCap, finalCap}} {
		if c.v < 0 || c.v > 1e6 {
			return fmt.Errorf("model: %s = %g is out of range", l.key(c.k), c.v)
		}
	}
	g.attnSoftCap, g.finalSoftCap = float32(attnCap), float32(finalCap)
	return nil
}

// layerPattern marks the local layers: il % n < n-1. A model whose layers
// would all be local has no pattern: its window applies to every layer.
func (m *llama) layerPattern(n int) {
	hp := &m.hp
	if hp.localWindow == 0 {
		return
	}
	local := 0
	for i := range m.layers {
		m.layers[i].local = i%n < n-1
		if m.layers[i].local {
			local++
		}
	}
	if local == len(m.layers) {
		for i := range m.layers {
			m.layers[i].local = false
		}
		hp.slidingWindow, hp.localWindow = hp.localWindow, 0
		return
	}
	m.nLocal = local
	m.cacheLayer = make([]int, len(m.layers))
	var next [2]int // global, local
	for i := range m.layers {
		g := 0
		if m.layers[i].local {
			g = 1
		}
		m.cacheLayer[i] = next[g]
		next[g]++
	}
}

// softCap sets x = c*tanh(x/c) (c > 0).
func softCap(x []float32, c float32) {
	inv := 1 / c
	for i, v := range x {
		x[i] = c * float32(math.Tanh(float64(v*inv)))
	}
}
