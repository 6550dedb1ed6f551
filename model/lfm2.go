package model

// LiquidAI LFM2 (GGUF lfm2): gated short convolutions (shortconv.go)
// where attention.head_count_kv is 0, elsewhere attention with q/k norms
// and NeoX RoPE; a SwiGLU FFN in every layer. The final norm is
// token_embd_norm.weight in real files and output_norm (no suffix) in
// some (llama.cpp's own lookup names it so).
func init() { registerArch(loadLFM2, "lfm2") }

func loadLFM2(l *loader) (architecture, error) {
	v := llamaVariant{hybrid: true, shortConv: true, neox: true, qkNorm: true, outNorm: []string{"token_embd_norm.weight", "output_norm"}}
	a, err := loadLlama(l, v)
	if err != nil {
		return nil, err
	}
	attn := a.(*llama)
	h := &hybridModel{attn: attn, rope: true, mix: make([]int, attn.hp.layers)}
	for i := range h.mix {
		h.mix[i] = -1
	}
	if h.conv, err = loadShortConvs(l, attn, h.mix); err != nil {
		return nil, err
	}
	return h, nil
}
