package model

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
)

// Hybrid state-space models (Granite 4.0-H, and the others of issue 15)
// stack recurrent Mamba-2 layers and a few attention layers on one
// residual stream. A hybrid is two families sharing that stream: a Llama
// graph whose recurrent layers keep only their feed-forward network
// (llamaVariant.hybrid) and a Mamba model holding just the recurrent
// layers' mixers. A session's KV cache has a layer for each attention
// layer only, so a long context costs those layers' keys while the rest
// keep a state of constant size.

// hybridModel is a loaded hybrid.
type hybridModel struct {
	attn *llama      // embeddings, attention layers, every FFN, output
	ssm  *mambaModel // the recurrent layers' mixers, in order; nil without
	conv *shortConvs // the short convolutions (LFM2); nil without
	mix  []int       // per layer: its index in ssm.layers or conv.layers, -1 for the others
	rope bool        // the attention layers rotate (else NoPE)
	// logitScale divides the logits (Granite's logit_scale); 0 = none.
	logitScale float32
}

// A hybrid's layer kinds, as its pattern shows them.
const (
	layerMixer     = 'M' // a recurrent (Mamba-2) mixer
	layerAttention = 'A'
	layerMLP       = 'F' // a feed-forward block of its own (Nemotron-H)
	layerParallel  = 'P' // attention and a mixer side by side (Falcon-H1), shown as A+M
	layerShortConv = 'C' // a gated short convolution (LFM2)
)

// hybridKVHeads reads a hybrid's per-layer head_count_kv: 0 marks a
// layer without attention; the attention layers must agree on one count.
func hybridKVHeads(l *loader, layers, heads int) (int, error) {
	return uniformCount(l, keyKVHeads, layers, maxHeads)
}

// uniformCount reads a per-layer count whose non-zero values agree, and
// returns that value.
func uniformCount(l *loader, k string, layers, limit int) (int, error) {
	kv, err := l.layerCounts(k, layers, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range kv {
		switch {
		case c == 0:
		case n == 0:
			n = c
		case c != n:
			return 0, fmt.Errorf("model: %s: layers with %d and %d (not supported)", l.key(k), n, c)
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("model: %s: 0 in every layer", l.key(k))
	}
	return n, nil
}

// hybridLayers reads the layer kinds (attention where head_count_kv is
// not 0; with mlpLayers an MLP block where feed_forward_length is not 0;
// a mixer elsewhere) and gives the attention layers their places in the
// cache.
func (m *llama) hybridLayers(l *loader) error {
	kv, err := l.layerCounts(keyKVHeads, m.hp.layers, maxHeads)
	if err != nil {
		return err
	}
	ff := make([]int, m.hp.layers)
	if m.variant.mlpLayers {
		if ff, err = l.layerCounts(keyFeedForward, m.hp.layers, maxWidth); err != nil {
			return err
		}
	}
	m.kinds = make([]byte, m.hp.layers)
	m.cacheLayer = make([]int, m.hp.layers)
	for i := range kv {
		m.cacheLayer[i] = i - m.nUncached
		switch {
		case kv[i] > 0 && ff[i] > 0:
			return fmt.Errorf("model: layer %d has both attention and a feed-forward block (%s, %s)", i, l.key(keyKVHeads), l.key(keyFeedForward))
		case kv[i] > 0 && m.variant.parallel:
			m.kinds[i] = layerParallel
		case kv[i] > 0:
			m.kinds[i] = layerAttention
		case ff[i] > 0:
			m.kinds[i] = layerMLP
		case m.variant.shortConv:
			m.kinds[i] = layerShortConv
		default:
			m.kinds[i] = layerMixer
		}
		if m.kinds[i] != layerAttention && m.kinds[i] != layerParallel {
			m.nUncached++
		}
	}
	return nil
}

// layerCounts reads {arch}.k as one count in 0..limit per layer: an array
// of layers values, or one number for all of them.
func (l *loader) layerCounts(k string, layers, limit int) ([]int, error) {
	v, ok := l.f.Get(l.key(k))
	if !ok {
		return nil, fmt.Errorf("model: %s is missing", l.key(k))
	}
	out := make([]int, layers)
	rv := reflect.ValueOf(v.Any())
	if rv.Kind() != reflect.Slice {
		n, err := l.count(k, limit)
		for i := range out {
			out[i] = n
		}
		return out, err
	}
	if rv.Len() != layers {
		return nil, fmt.Errorf("model: %s has %d values for %d layers", l.key(k), rv.Len(), layers)
	}
	for i := range out {
		var n int64
		switch e := rv.Index(i); e.Kind() {
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n = e.Int()
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if e.Uint() > uint64(limit) {
				n = -1
			} else {
				n = int64(e.Uint())
			}
		default:
			return nil, fmt.Errorf("model: %s is %s, want integers", l.key(k), v.Kind())
		}
		if n < 0 || n > int64(limit) {
			return nil, fmt.Errorf("model: %s[%d] = %d is out of range (0..%d)", l.key(k), i, n, limit)
		}
		out[i] = int(n)
	}
	return out, nil
}

// mixerKind is how a hybrid's Mamba layers differ.
type mixerKind struct {
	v1           bool // Mamba-1 (Jamba), else Mamba-2
	normOptional bool // Mamba-2 without ssm_norm where the file has none
	dtBCNorms    bool // Mamba-1's dt, B and C RMS-normed
}

// loadHybridMixers loads the Mamba mixers of attn's recurrent layers.
func loadHybridMixers(l *loader, attn *llama, k mixerKind) (*mambaModel, []int, error) {
	p, err := mambaHyper(l, !k.v1)
	if err != nil {
		return nil, nil, err
	}
	p.normOptional, p.dtBCNorms = k.normOptional, k.dtBCNorms
	n := bytes.Count(attn.kinds, []byte{layerMixer}) + bytes.Count(attn.kinds, []byte{layerParallel})
	p.layers, p.resScale = n, attn.hp.resScale // no vocabulary: the attention part has it
	ssm := &mambaModel{p: p, layers: make([]mambaLayer, n)}
	mix := make([]int, attn.hp.layers)
	j := 0
	for i := range mix {
		mix[i] = -1
		if k := attn.kinds[i]; k != layerMixer && k != layerParallel {
			continue
		}
		if err := ssm.loadLayer(l, &ssm.layers[j], i); err != nil {
			return nil, nil, err
		}
		mix[i] = j
		j++
	}
	return ssm, mix, nil
}

// moeLayer reports whether layer i's FFN is a mixture of experts: every
// layer's in a model with experts, a hybrid's where the file has a router.
func (m *llama) moeLayer(l *loader, i int) bool {
	if !m.variant.hybrid {
		return true
	}
	_, ok := l.f.Tensor(fmt.Sprintf("blk.%d.ffn_gate_inp.weight", i))
	return ok
}

// noRope makes a hybrid's attention layers NoPE: nothing rotates, in
// the session or in the cache.
func (m *llama) noRope() {
	m.unrotated = make([]bool, m.hp.layers-m.nUncached)
	for i := range m.unrotated {
		m.unrotated[i] = true
	}
	for i := range m.layers {
		m.layers[i].noRope = true
	}
}

// pattern is the layer pattern: M for a recurrent layer, A for
// attention, F for an MLP block, space-separated.
func (h *hybridModel) pattern() string {
	var b strings.Builder
	for i, k := range h.attn.kinds {
		if i > 0 {
			b.WriteByte(' ')
		}
		if k == layerParallel {
			b.WriteString("A+M")
		} else {
			b.WriteByte(k)
		}
	}
	return b.String()
}

func (h *hybridModel) features() Features { return Features{Attention: true, RoPE: h.rope} }
func (h *hybridModel) vocabSize() int     { return h.attn.hp.vocab }
func (h *hybridModel) contextLength() int { return h.attn.hp.ctxTrain }
func (h *hybridModel) slidingWindow() int { return h.attn.hp.slidingWindow }
