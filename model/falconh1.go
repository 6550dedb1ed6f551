package model

// TII Falcon-H1 (GGUF falcon-h1): every layer runs attention (NeoX RoPE)
// and a Mamba-2 mixer side by side on the same attn_norm(x) and adds both
// to x, then x += SwiGLU(ffn_norm(x)); the FFN norm is named blk.N.ffn_norm
// (no .weight), and a file without ssm_norm has no group norm.
func init() { registerArch(loadFalconH1, "falcon-h1") }

func loadFalconH1(l *loader) (architecture, error) {
	a, err := loadLlama(l, llamaVariant{hybrid: true, parallel: true, neox: true, ffnNorm: "ffn_norm"})
	if err != nil {
		return nil, err
	}
	attn := a.(*llama)
	h := &hybridModel{attn: attn, rope: true}
	if h.ssm, h.mix, err = loadHybridMixers(l, attn, mixerKind{normOptional: true}); err != nil {
		return nil, err
	}
	return h, nil
}
