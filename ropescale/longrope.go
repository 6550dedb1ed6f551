package ropescale

import "math"

// LongRoPE (Ding et al. 2024, "LongRoPE: Extending LLM Context Window Beyond
// 2 Million Tokens", arXiv:2402.13753), as shipped with Phi-3 ("su", later
// "longrope" rope_scaling).
//
// The method searches, per pair, a rescale factor lambda_i (theta_i/lambda_i)
// instead of deriving it from a formula; the model ships two such tables,
// one for contexts within the original length (short) and one for longer
// ones (long). GGUF stores them as rope_factors_short.weight and
// rope_factors_long.weight. llama.cpp picks the long set when the context
// of the run exceeds rope.scaling.original_context_length (Hugging Face
// decides per forward call on the sequence length; for a session with a
// fixed context the two agree once the context is long).
//
// Like YaRN, stretching the positions flattens attention; Phi-3 multiplies
// cos and sin (so both q and k) by
//   sqrt(1 + ln(s)/ln(L0)),  s = context_length/L0,
// for either table, unless the config gives the factor (GGUF:
// rope.scaling.attn_factor). Derivation: the attention logit of a query over
// n keys should keep its entropy as n grows from L0 to s*L0; scaling the
// logits by log(s*L0)/log(L0) = 1 + ln(s)/ln(L0) does that (the
// "log-n" scaling of Chiang & Cholak 2022 / Su 2021), split evenly as its
// square root on q and on k.

// longRoPEAttnFactor is the default LongRoPE magnitude sqrt(1 + ln s/ln L0),
// 1 when there is no extension.
func longRoPEAttnFactor(factor float64, origCtx int) float64 {
	if !(factor > 1) || origCtx <= 1 {
		return 1
	}
	return math.Sqrt(1 + math.Log(factor)/math.Log(float64(origCtx)))
}
