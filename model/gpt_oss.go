package model

// gpt-oss (OpenAI 2025) is the Llama graph with NeoX RoPE (YaRN in the
// released files), q/k/v/o biases, a learned sink logit per head and
// layer (attn_sinks) that joins the attention softmax without a value,
// even layers sliding over attention.sliding_window and odd ones global
// (a layer pattern as Gemma 2's, llama_state.go), the FFN's norm stored as
// post_attention_norm, and a mixture of experts with biases on the router
// and every expert: the top k by router logit weighted by a softmax over
// those k, and a clamped SwiGLU (swigluOAI).
func init() {
	registerArch(llamaLoader(llamaVariant{neox: true, moe: true, oai: true, swaPattern: 2}), "gpt-oss")
}

// gptOSSHyper moves the file's sliding window from all layers to the
// pattern's local ones (none without the key: every layer is global).
func gptOSSHyper(hp *llamaHParams) {
	hp.localWindow, hp.slidingWindow = hp.slidingWindow, 0
	hp.moe.oai = true
}
