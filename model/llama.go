package model

import (
	"fmt"
	"math"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/ropescale"
)

// The Llama graph (Touvron et al. 2023) as llama.cpp names its tensors:
// pre-norm blocks of RMSNorm, grouped-query attention with RoPE, and a
// SwiGLU feed-forward network. Mistral is the same graph; Qwen2 adds q/k/v
// biases and rotates NeoX pairs (i, i+d/2) instead of (2i, 2i+1). Other
// members of the family (qwen3.go, smollm3.go, phi3.go, mistral3.go,
// gemma.go) are this graph with a llamaVariant.
func init() {
	registerArch(llamaLoader(llamaVariant{}), "llama", "mistral")
	registerArch(llamaLoader(llamaVariant{neox: true}), "qwen2")
}

// llamaVariant is what a member of the Llama family changes in the graph.
type llamaVariant struct {
	neox bool // NeoX rotation pairs (i, i+d/2)
	// qkNorm: attn_q_norm and attn_k_norm, RMSNorms over each head's q
	// and k before RoPE (Qwen3).
	qkNorm bool
	// noRopeEvery n > 0: layers with (il+1) % n == 0 rotate neither q nor
	// k (SmolLM3's NoPE layers; llama.cpp fixes n at 4).
	noRopeEvery int
	// fused: one attn_qkv matrix (q rows, then k, then v) and an ffn_up of
	// 2*ff rows (gate, then up), without ffn_gate (Phi-3).
	fused bool
	// noWindow: the file's attention.sliding_window is not applied
	// (llama.cpp disables Phi-3's).
	noWindow bool
	// attnTemp: queries are scaled by attention.temperature_scale's
	// position-dependent temperature (Mistral 3, Llama 4).
	attnTemp bool
	// gemma: Gemma 2/3's block (gemma.go): embeddings times sqrt(dim),
	// queries pre-scaled, soft-capped scores and logits from the file,
	// post-attention and post-FFN norms, a GELU feed-forward network.
	gemma bool
	// swaPattern n > 0: layer il slides over attention.sliding_window
	// iff il % n < n-1 (llama.cpp's fixed pattern); the others are global.
	swaPattern int
	// localRopeBase > 0: sliding layers rotate with this base, unscaled.
	localRopeBase float64
	// hybrid: a state-space hybrid's attention part (hybrid.go):
	// attention.head_count_kv is per layer, 0 marking a layer without
	// attention (a recurrent one, or an MLP block with mlpLayers).
	hybrid bool
	// mlpLayers: the FFNs are layers of their own (Nemotron-H:
	// feed_forward_length per layer, 0 elsewhere), normed by attn_norm,
	// ungated, with ReLU squared.
	mlpLayers bool
	// sharedExpert: a mixture of experts may have a SwiGLU shared expert
	// (expert_shared_feed_forward_length, Granite 4.0-H; moe_shared.go).
	sharedExpert bool
	// parallel: every layer runs attention and a mixer side by side on
	// the same normed input (Falcon-H1).
	parallel bool
	// ffnNorm names the FFN norm tensor after "blk.N." when it is not
	// ffn_norm.weight (Falcon-H1's has no suffix).
	ffnNorm string
	// shortConv: the layers without attention are short convolutions
	// (LFM2, shortconv.go) rather than Mamba-2 mixers.
	shortConv bool
	// outNorm: other names of the final norm, tried in order when the
	// file has no output_norm.weight.
	outNorm []string
	// moe: the feed-forward network is always a mixture of experts
	// (moe.go); without it a file's expert_count > 0 still selects one
	// (Mixtral is llama with experts).
	moe bool
	// oai: gpt-oss's block (gpt_oss.go).
	oai bool
}

// llamaLoader loads the Llama graph with variant v.
func llamaLoader(v llamaVariant) loaderFunc {
	return func(l *loader) (architecture, error) { return loadLlama(l, v) }
}

type llamaHParams struct {
	dim, layers    int
	heads, kvHeads int
	headDim        int // per head, for q, k and v alike
	ff             int
	vocab          int
	ctxTrain       int // 0 = unknown
	slidingWindow  int // attention.sliding_window: 0 = none
	eps            float32
	neox           bool // NeoX rotation pairs
	// Attention temperature (llamaVariant.attnTemp): row i's queries are
	// scaled by 1 + tempScale*ln(floor(pos/tempFloor) + 1); 0 = none.
	tempScale float32
	tempFloor int
	moe       moeHParams
	gemmaHParams
	// Granite's scales (hybrid.go), 0 = none: resScale multiplies each
	// block's output before its residual add; kqScale replaces
	// 1/sqrt(head_dim) as the attention's score scale.
	resScale, kqScale float32
}

type llamaLayer struct {
	attnNorm, ffnNorm []float32
	wq, wk, wv, wo    lc.Matrix
	bq, bk, bv, bo    []float32 // nil when the model has none
	qNorm, kNorm      []float32 // per-head RMSNorm weights (llamaVariant.qkNorm), else nil
	noRope            bool      // a NoPE layer
	postAttn, postFFN []float32 // Gemma's post-norms, else nil
	sinks             []float32 // per-head learned sink logits (gpt-oss), else nil
	local             bool      // a sliding layer of a layer pattern (llamaVariant.swaPattern)
	noFFN             bool      // a hybrid's layer without a feed-forward network
	gate, up, down    lc.Matrix
	moe               *moeFFN // the layer's experts instead of gate, up, down; else nil
}

type llama struct {
	hp      llamaHParams
	variant llamaVariant
	embd    lc.Matrix // token_embd: vocab rows of dim
	outNorm []float32
	output  lc.Matrix // vocab rows of dim (token_embd when tied)
	layers  []llamaLayer
	rope    ropescale.Params // from the metadata; sessions apply their overrides
	// unrotated marks the NoPE layers for the KV cache; nil when none.
	unrotated []bool
	// With a layer pattern, global and local layers keep their keys in
	// caches of their own: cacheLayer is each layer's index in its cache
	// (nil: the layer's own index), nLocal the local layers' count.
	cacheLayer []int
	nLocal     int
	// kinds are a hybrid's layers (hybrid.go): layerMixer, layerAttention
	// or layerMLP; nil for other models. nUncached layers have no
	// attention and no place in the cache.
	kinds     []byte
	nUncached int
}

func loadLlama(l *loader, v llamaVariant) (architecture, error) {
	hp, err := llamaHyper(l, v)
	if err != nil {
		return nil, err
	}
	m := &llama{hp: hp, variant: v}
	if v.hybrid {
		if err := m.hybridLayers(l); err != nil {
			return nil, err
		}
	}
	if m.rope, err = ropeFromMetadata(l.arch, l.metaValue, l.f32Tensor); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	if m.rope.Dims > hp.headDim {
		return nil, fmt.Errorf("model: %s = %d rotated dimensions, more than the head dimension %d", l.key(keyRopeDims), m.rope.Dims, hp.headDim)
	}
	check := m.rope
	check.Ctx = max(hp.ctxTrain, 1)
	if _, err := ropescale.New(check); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}

	if m.embd, err = l.matrix("token_embd.weight", hp.vocab, hp.dim); err != nil {
		return nil, err
	}
	outNorm := "output_norm.weight"
	for _, alt := range v.outNorm {
		if _, ok := l.f.Tensor(outNorm); ok {
			break
		}
		outNorm = alt
	}
	if m.outNorm, err = l.vector(outNorm, hp.dim); err != nil {
		return nil, err
	}
	var ok bool
	if m.output, ok, err = l.optMatrix("output.weight", hp.vocab, hp.dim); err != nil {
		return nil, err
	} else if !ok {
		m.output = m.embd // tied embeddings
	}
	m.layers = make([]llamaLayer, hp.layers)
	for i := range m.layers {
		if err := m.loadLayer(l, i); err != nil {
			return nil, err
		}
		if v.noRopeEvery > 0 && (i+1)%v.noRopeEvery == 0 {
			m.layers[i].noRope = true
			if m.unrotated == nil {
				m.unrotated = make([]bool, hp.layers)
			}
			m.unrotated[i] = true
		}
	}
	if v.swaPattern > 0 {
		m.layerPattern(v.swaPattern)
	}
	return m, nil
}

// llamaHyper reads and checks the hyperparameters; the vocabulary size is
// token_embd's row count.
func llamaHyper(l *loader, v llamaVariant) (hp llamaHParams, err error) {
	if hp.dim, err = l.count(keyEmbedding, maxWidth); err != nil {
		return hp, err
	}
	if hp.layers, err = l.count(keyBlockCount, maxLayers); err != nil {
		return hp, err
	}
	if hp.heads, err = l.count(keyHeads, maxHeads); err != nil {
		return hp, err
	}
	if v.hybrid {
		hp.kvHeads, err = hybridKVHeads(l, hp.layers, hp.heads)
	} else {
		hp.kvHeads, err = l.countOr(keyKVHeads, hp.heads, maxHeads)
	}
	if err != nil {
		return hp, err
	}
	if hp.heads%hp.kvHeads != 0 {
		return hp, fmt.Errorf("model: %d attention heads are not a multiple of %d KV heads", hp.heads, hp.kvHeads)
	}
	if v.mlpLayers {
		hp.ff, err = uniformCount(l, keyFeedForward, hp.layers, maxWidth)
	} else {
		hp.ff, err = l.count(keyFeedForward, maxWidth)
	}
	if err != nil {
		return hp, err
	}
	def := 0
	if hp.dim%hp.heads == 0 {
		def = hp.dim / hp.heads
	}
	kDim, err := l.countOr(keyKeyLength, def, maxWidth)
	if err != nil {
		return hp, err
	}
	vDim, err := l.countOr(keyValueLength, def, maxWidth)
	if err != nil {
		return hp, err
	}
	switch {
	case kDim == 0:
		return hp, fmt.Errorf("model: embedding length %d is not a multiple of %d heads (and no %s)", hp.dim, hp.heads, keyKeyLength)
	case kDim != vDim:
		return hp, fmt.Errorf("model: key length %d differs from value length %d (not supported)", kDim, vDim)
	case hp.heads*kDim > maxWidth:
		return hp, fmt.Errorf("model: %d heads of %d values are too wide", hp.heads, kDim)
	}
	hp.headDim = kDim
	if hp.ctxTrain, err = l.countOr(keyContextLength, 0, maxPosition); err != nil {
		return hp, err
	}
	if hp.slidingWindow, err = l.countOr(keySlidingWindow, 0, maxPosition); err != nil {
		return hp, err
	}
	if v.noWindow {
		hp.slidingWindow = 0
	}
	eps, err := l.floatOr(keyRMSEpsilon, 1e-5)
	if err != nil {
		return hp, err
	}
	if eps < 0 || eps > 1 {
		return hp, fmt.Errorf("model: %s = %g is out of range", l.key(keyRMSEpsilon), eps)
	}
	hp.eps = float32(eps)
	hp.neox = v.neox
	if v.attnTemp {
		if err := attnTemperature(l, &hp); err != nil {
			return hp, err
		}
	}
	if v.gemma {
		if err := gemmaHyper(l, &hp); err != nil {
			return hp, err
		}
	}
	if v.oai {
		gptOSSHyper(&hp)
	}
	// Experts replace the SwiGLU FFN only (not Phi-3's fused one or
	// Gemma's GELU one, whose files never have them).
	if !v.fused && !v.gemma {
		if err := moeHyper(l, &hp, v.moe); err != nil {
			return hp, err
		}
	}
	hp.moe.normW = true
	if v.sharedExpert && hp.moe.experts > 0 {
		if hp.moe.sharedFF, err = sharedExpertWidth(l); err != nil {
			return hp, err
		}
	}
	t, ok := l.f.Tensor("token_embd.weight")
	if !ok {
		return hp, fmt.Errorf("model: tensor token_embd.weight is missing")
	}
	if len(t.Dims) < 2 || t.Dims[1] == 0 || t.Dims[1] > maxVocab {
		return hp, fmt.Errorf("model: tensor token_embd.weight has shape %v, want {%d, vocabulary size}", t.Dims, hp.dim)
	}
	hp.vocab = int(t.Dims[1])
	return hp, nil
}

// layerVector is a layer's norm or bias tensor and where it goes.
type layerVector struct {
	dst *[]float32
	n   string // the name after "blk.N."
	len int
	opt bool // may be absent
}

func (m *llama) loadLayer(l *loader, i int) error {
	hp := &m.hp
	ly := &m.layers[i]
	name := func(s string) string { return fmt.Sprintf("blk.%d.%s", i, s) }
	qDim, kvDim := hp.heads*hp.headDim, hp.kvHeads*hp.headDim
	var err error
	kind := byte(layerAttention)
	if m.kinds != nil {
		kind = m.kinds[i]
	}
	attn, ffn, ffnNorm := kind == layerAttention || kind == layerParallel, true, "ffn_norm.weight"
	if m.variant.ffnNorm != "" {
		ffnNorm = m.variant.ffnNorm
	}
	if m.variant.oai {
		ffnNorm = "post_attention_norm.weight"
	}
	if m.variant.mlpLayers {
		ffn, ffnNorm = kind == layerMLP, "attn_norm.weight"
	}
	ly.noFFN = !ffn
	// A recurrent layer's attn_norm is its mixer's (mamba.go).
	var vectors []layerVector
	if attn {
		vectors = append(vectors, []layerVector{
			{&ly.attnNorm, "attn_norm.weight", hp.dim, false},
			{&ly.bq, "attn_q.bias", qDim, true},
			{&ly.bk, "attn_k.bias", kvDim, true},
			{&ly.bv, "attn_v.bias", kvDim, true},
			{&ly.bo, "attn_output.bias", hp.dim, true},
		}...)
	}
	if ffn {
		vectors = append(vectors, layerVector{&ly.ffnNorm, ffnNorm, hp.dim, false})
	}
	if m.variant.gemma {
		vectors = append(vectors, []layerVector{
			{&ly.postAttn, "post_attention_norm.weight", hp.dim, false},
			{&ly.postFFN, "post_ffw_norm.weight", hp.dim, false},
		}...)
	}
	if m.variant.oai && attn {
		vectors = append(vectors, layerVector{&ly.sinks, "attn_sinks.weight", hp.heads, false})
	}
	if m.variant.qkNorm && attn {
		vectors = append(vectors, []layerVector{
			{&ly.qNorm, "attn_q_norm.weight", hp.headDim, false},
			{&ly.kNorm, "attn_k_norm.weight", hp.headDim, false},
		}...)
	}
	for _, v := range vectors {
		if v.opt {
			*v.dst, err = l.optVector(name(v.n), v.len)
		} else {
			*v.dst, err = l.vector(name(v.n), v.len)
		}
		if err != nil {
			return err
		}
	}
	if m.variant.fused {
		return m.loadFused(l, i)
	}
	if hp.moe.experts > 0 && ffn && m.moeLayer(l, i) {
		if ly.moe, err = m.loadMoE(l, i); err != nil {
			return err
		}
	}
	if ly.moe == nil || ly.moe.shared == nil {
		if err := m.noStraySharedExpert(l, i); err != nil {
			return err
		}
	}
	matrices := []struct {
		dst        *lc.Matrix
		n          string
		rows, cols int
	}{
		{&ly.wq, "attn_q.weight", qDim, hp.dim},
		{&ly.wk, "attn_k.weight", kvDim, hp.dim},
		{&ly.wv, "attn_v.weight", kvDim, hp.dim},
		{&ly.wo, "attn_output.weight", hp.dim, qDim},
	}
	if ly.moe == nil {
		matrices = append(matrices, []struct {
			dst        *lc.Matrix
			n          string
			rows, cols int
		}{
			{&ly.gate, "ffn_gate.weight", hp.ff, hp.dim},
			{&ly.up, "ffn_up.weight", hp.ff, hp.dim},
			{&ly.down, "ffn_down.weight", hp.dim, hp.ff},
		}...)
	}
	switch {
	case !ffn:
		matrices = matrices[:4]
	case m.variant.mlpLayers && ly.moe == nil:
		matrices = append(matrices[:4], matrices[5:]...) // no gate
	}
	if !attn {
		matrices = matrices[4:]
	}
	for _, w := range matrices {
		if *w.dst, err = l.matrix(name(w.n), w.rows, w.cols); err != nil {
			return err
		}
	}
	return nil
}

func (m *llama) features() Features { return Features{Attention: true, RoPE: true} }
func (m *llama) vocabSize() int     { return m.hp.vocab }
func (m *llama) contextLength() int { return m.hp.ctxTrain }
func (m *llama) slidingWindow() int { return m.hp.slidingWindow }

// ropeFor builds a session's RoPE: the model's parameters, the session's
// overrides, its context.
func (m *llama) ropeFor(cfg *sessionConfig) (*ropescale.Rope, error) {
	p := cfg.Rope.Apply(m.rope)
	p.Ctx = cfg.Ctx
	r, err := ropescale.New(p)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return r, nil
}

// attnScale is llama.cpp's kq_scale.
// Gemma scales its queries instead (llamaHParams.qScale) and uses 1.
func (m *llama) attnScale() float32 {
	if m.hp.qScale != 0 {
		return 1
	}
	if m.hp.kqScale != 0 {
		return m.hp.kqScale
	}
	return float32(1 / math.Sqrt(float64(m.hp.headDim)))
}
