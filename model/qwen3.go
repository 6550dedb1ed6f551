package model

// Qwen3 (Qwen Team 2025) is the Llama graph with NeoX RoPE and an RMSNorm
// over each head of q and k (attn_q_norm, attn_k_norm; head_dim weights)
// before the rotation; attention.key_length sets the head width, which
// need not be embedding_length/head_count.
func init() {
	registerArch(llamaLoader(llamaVariant{neox: true, qkNorm: true}), "qwen3")
}
