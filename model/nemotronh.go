package model

// NVIDIA Nemotron-H (GGUF nemotron_h): every layer is one block,
// x += block(attn_norm(x)), the block a Mamba-2 mixer (group RMSNorm per
// group), NoPE attention (head_count_kv per layer, non-zero there) or an
// ungated MLP down(relu(up(h))^2) (feed_forward_length per layer,
// non-zero there).
func init() { registerArch(loadNemotronH, "nemotron_h") }

func loadNemotronH(l *loader) (architecture, error) {
	a, err := loadLlama(l, llamaVariant{hybrid: true, mlpLayers: true})
	if err != nil {
		return nil, err
	}
	attn := a.(*llama)
	attn.noRope()
	h := &hybridModel{attn: attn}
	if h.ssm, h.mix, err = loadHybridMixers(l, attn, mixerKind{}); err != nil {
		return nil, err
	}
	return h, nil
}
