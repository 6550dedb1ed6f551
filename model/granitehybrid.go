package model

import "fmt"

// IBM Granite 4.0-H (GGUF granitehybrid): Mamba-2 layers with an
// attention layer now and then (attention.head_count_kv per layer, 0 for
// Mamba-2). Every layer is x += s*mixer(attn_norm(x)), then
// x += s*SwiGLU(ffn_norm(x)), with s the file's residual_scale (in
// Tiny and Small the FFN is a mixture of experts plus a shared expert,
// both on the normed input, their sum scaled by s; moe_shared.go);
// embeddings are multiplied by embedding_scale, attention scores by
// attention.scale, and the logits divided by logit_scale. Attention is
// NoPE unless rope.scaling.finetuned says it rotates.
func init() { registerArch(loadGraniteHybrid, "granitehybrid") }

const (
	keyEmbeddingScale = "embedding_scale"
	keyResidualScale  = "residual_scale"
	keyLogitScale     = "logit_scale"
	keyAttentionScale = "attention.scale"
	keyRopeFinetuned  = "rope.scaling.finetuned"
)

func loadGraniteHybrid(l *loader) (architecture, error) {
	rope, err := l.f.BoolOr(l.key(keyRopeFinetuned), true)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	a, err := loadLlama(l, llamaVariant{hybrid: true, sharedExpert: true})
	if err != nil {
		return nil, err
	}
	attn := a.(*llama)
	hp := &attn.hp
	scales := []struct {
		dst *float32
		key string
	}{
		{&hp.embedScale, keyEmbeddingScale},
		{&hp.resScale, keyResidualScale},
		{&hp.kqScale, keyAttentionScale},
	}
	for _, sc := range scales {
		x, err := l.floatOr(sc.key, 0)
		if err != nil {
			return nil, err
		}
		*sc.dst = float32(x)
	}
	logit, err := l.floatOr(keyLogitScale, 0)
	if err != nil {
		return nil, err
	}
	if !rope {
		attn.noRope()
	}
	h := &hybridModel{attn: attn, rope: rope, logitScale: float32(logit)}
	if h.ssm, h.mix, err = loadHybridMixers(l, attn, mixerKind{}); err != nil {
		return nil, err
	}
	return h, nil
}
