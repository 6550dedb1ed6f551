package model

// The GGUF keys of architecture hyperparameters, in llama.cpp's names and
// without the "{general.architecture}." prefix (loader.key adds it). Each
// is spelt here once, and everything that reads one (the loaders, the RoPE
// parameters, reports) uses the constant.
const (
	keyContextLength = "context_length" // the context the model was trained at
	keyEmbedding     = "embedding_length"
	keyBlockCount    = "block_count"
	keyFeedForward   = "feed_forward_length"

	keyHeads         = "attention.head_count"
	keyKVHeads       = "attention.head_count_kv"
	keyKeyLength     = "attention.key_length"
	keyValueLength   = "attention.value_length"
	keySlidingWindow = "attention.sliding_window"
	keyRMSEpsilon    = "attention.layer_norm_rms_epsilon"
	keyAttnTempScale = "attention.temperature_scale" // Mistral 3, Llama 4: query temperature per position

	keyRopeDims          = "rope.dimension_count"
	keyRopeFreqBase      = "rope.freq_base"
	keyRopeScaleLinear   = "rope.scale_linear" // older files: a linear factor, before rope.scaling.*
	keyRopeScalingType   = "rope.scaling.type"
	keyRopeScalingFactor = "rope.scaling.factor"
	keyRopeOrigCtx       = "rope.scaling.original_context_length"
	keyRopeAttnFactor    = "rope.scaling.attn_factor"
	keyRopeYarnExtFactor = "rope.scaling.yarn_ext_factor"
	keyRopeYarnBetaFast  = "rope.scaling.yarn_beta_fast"
	keyRopeYarnBetaSlow  = "rope.scaling.yarn_beta_slow"
	keyRopeYarnLogMul    = "rope.scaling.yarn_log_multiplier" // DeepSeek's mscale_all_dim: YaRN's magnitude

	keySSMConvKernel   = "ssm.conv_kernel"
	keySSMInnerSize    = "ssm.inner_size"
	keySSMStateSize    = "ssm.state_size"
	keySSMTimeStepRank = "ssm.time_step_rank"
	keySSMGroupCount   = "ssm.group_count"
	keySSMDtBCRMS      = "ssm.dt_b_c_rms"
)

// Mixture-of-experts keys (Mixtral-style llama, qwen3moe, gpt-oss).
const (
	keyExpertCount = "expert_count"
	keyExpertUsed  = "expert_used_count"
	keyExpertFF    = "expert_feed_forward_length"
	// keyExpertSharedFF is the shared expert's width (0: none).
	keyExpertSharedFF = "expert_shared_feed_forward_length"
)
