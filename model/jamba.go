package model

// AI21 Jamba (GGUF jamba): Mamba-1 layers whose dt, B and C are
// RMS-normed (ssm_dt_norm, ssm_b_norm, ssm_c_norm), attention without
// RoPE where head_count_kv is not 0, and an FFN in every layer: dense, or
// a mixture of experts where the layer has a router (softmax over all
// experts, top-k, the k weights not renormalised).
func init() { registerArch(loadJamba, "jamba") }

func loadJamba(l *loader) (architecture, error) {
	a, err := loadLlama(l, llamaVariant{hybrid: true})
	if err != nil {
		return nil, err
	}
	attn := a.(*llama)
	attn.hp.moe.normW = false
	attn.noRope()
	h := &hybridModel{attn: attn}
	if h.ssm, h.mix, err = loadHybridMixers(l, attn, mixerKind{v1: true, dtBCNorms: true}); err != nil {
		return nil, err
	}
	return h, nil
}
