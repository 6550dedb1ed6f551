package model

// Qwen3-MoE (Qwen Team 2025) is Qwen3's attention (qwen3.go) with a
// mixture of experts in every layer: softmax over all experts, the top k
// renormalised (moe.go).
func init() {
	registerArch(llamaLoader(llamaVariant{neox: true, qkNorm: true, moe: true}), "qwen3moe")
}
