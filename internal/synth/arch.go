package synth

import "fmt"

func (s *LlamaShape) model(name string) (*model, error) {
	if err := positive(name, s.Embd, s.Layers, s.Heads, s.KVHeads, s.FF, s.Vocab, s.Ctx); err != nil {
		return nil, err
	}
	head := s.HeadDim
	if head == 0 && s.Embd%s.Heads == 0 {
		head = s.Embd / s.Heads
	}
	if head <= 0 || s.Heads%s.KVHeads != 0 || head%2 != 0 {
		return nil, fmt.Errorf("synth: %s: need embd divisible by heads (or a head size), heads by kv heads, and an even head size", name)
	}
	arch := s.Arch
	switch arch {
	case "":
		arch = "llama"
	case "llama", "qwen3":
	case "qwen3moe":
		if s.Experts <= 0 {
			return nil, fmt.Errorf("synth: %s: qwen3moe needs experts", name)
		}
	case "gemma3":
		if s.Window <= 0 {
			return nil, fmt.Errorf("synth: %s: gemma3 needs a sliding window", name)
		}
	default:
		return nil, fmt.Errorf("synth: %s: architecture %q is not one synth writes (llama, qwen3, qwen3moe, gemma3)", name, s.Arch)
	}
	if s.Experts < 0 || s.ExpertsUsed < 0 || (s.Experts > 0 && (s.ExpertsUsed == 0 || s.ExpertsUsed > s.Experts)) {
		return nil, fmt.Errorf("synth: %s: need 1..%d experts used of %d", name, s.Experts, s.Experts)
	}
	if s.Experts > 0 && arch == "gemma3" {
		return nil, fmt.Errorf("synth: %s: gemma3 has no experts", name)
	}
	if s.Vocab < minVocab {
		return nil, fmt.Errorf("synth: %s: vocab %d is below %d (special and byte tokens)", name, s.Vocab, minVocab)
	}
	base := s.RopeBase
	if base == 0 {
		base = 10000
	}
	qDim, kvDim := head*s.Heads, head*s.KVHeads
	m := &model{}
	key := func(k string) string { return arch + "." + k }
	m.set("general.architecture", arch)
	m.set("general.name", name)
	m.set(key("context_length"), uint32(s.Ctx))
	m.set(key("embedding_length"), uint32(s.Embd))
	m.set(key("block_count"), uint32(s.Layers))
	m.set(key("feed_forward_length"), uint32(s.FF))
	m.set(key("attention.head_count"), uint32(s.Heads))
	m.set(key("attention.head_count_kv"), uint32(s.KVHeads))
	m.set(key("attention.layer_norm_rms_epsilon"), float32(1e-5))
	if s.HeadDim != 0 {
		m.set(key("attention.key_length"), uint32(head))
		m.set(key("attention.value_length"), uint32(head))
	}
	if arch == "gemma3" {
		m.set(key("attention.sliding_window"), uint32(s.Window))
	}
	if s.Experts > 0 {
		m.set(key("expert_count"), uint32(s.Experts))
		m.set(key("expert_used_count"), uint32(s.ExpertsUsed))
		m.set(key("expert_feed_forward_length"), uint32(s.FF))
	}
	m.set(key("rope.dimension_count"), uint32(head))
	m.set(key("rope.freq_base"), float32(base))
	m.set(key("vocab_size"), uint32(s.Vocab))
	addVocab(m, s.Vocab)

	m.add("token_embd.weight", initEmbed, s.Embd, s.Vocab)
	m.add("output_norm.weight", initNorm, s.Embd)
	if !s.Tied {
		m.add("output.weight", initMatrix, s.Embd, s.Vocab)
	}
	for l := range s.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		m.add(p+"attn_norm.weight", initNorm, s.Embd)
		m.add(p+"attn_q.weight", initMatrix, s.Embd, qDim)
		m.add(p+"attn_k.weight", initMatrix, s.Embd, kvDim)
		m.add(p+"attn_v.weight", initMatrix, s.Embd, kvDim)
		m.add(p+"attn_output.weight", initMatrix, qDim, s.Embd)
		if arch != "llama" {
			m.add(p+"attn_q_norm.weight", initNorm, head)
			m.add(p+"attn_k_norm.weight", initNorm, head)
		}
		if arch == "gemma3" {
			m.add(p+"post_attention_norm.weight", initNorm, s.Embd)
			m.add(p+"post_ffw_norm.weight", initNorm, s.Embd)
		}
		m.add(p+"ffn_norm.weight", initNorm, s.Embd)
		if s.Experts > 0 {
			// The router stays F32 (as llama-quantize leaves it).
			m.add(p+"ffn_gate_inp.weight", initSmallMat, s.Embd, s.Experts)
			m.add(p+"ffn_gate_exps.weight", initMatrix, s.Embd, s.FF, s.Experts)
			m.add(p+"ffn_up_exps.weight", initMatrix, s.Embd, s.FF, s.Experts)
			m.add(p+"ffn_down_exps.weight", initMatrix, s.FF, s.Embd, s.Experts)
			continue
		}
		m.add(p+"ffn_gate.weight", initMatrix, s.Embd, s.FF)
		m.add(p+"ffn_up.weight", initMatrix, s.Embd, s.FF)
		m.add(p+"ffn_down.weight", initMatrix, s.FF, s.Embd)
	}
	return m, nil
}

func (s *MambaShape) model(name string) (*model, error) {
	if err := positive(name, s.Embd, s.Layers, s.DState, s.DConv, s.DtRank, s.Expand, s.Vocab, s.Ctx); err != nil {
		return nil, err
	}
	if s.Vocab < minVocab {
		return nil, fmt.Errorf("synth: %s: vocab %d is below %d (special and byte tokens)", name, s.Vocab, minVocab)
	}
	inner := s.Expand * s.Embd
	m := &model{}
	m.set("general.architecture", "mamba")
	m.set("general.name", name)
	m.set("mamba.context_length", uint32(s.Ctx))
	m.set("mamba.embedding_length", uint32(s.Embd))
	m.set("mamba.block_count", uint32(s.Layers))
	m.set("mamba.attention.layer_norm_rms_epsilon", float32(1e-5))
	m.set("mamba.ssm.conv_kernel", uint32(s.DConv))
	m.set("mamba.ssm.inner_size", uint32(inner))
	m.set("mamba.ssm.state_size", uint32(s.DState))
	m.set("mamba.ssm.time_step_rank", uint32(s.DtRank))
	m.set("mamba.feed_forward_length", uint32(0))
	m.set("mamba.attention.head_count", uint32(0))
	addVocab(m, s.Vocab)

	m.add("token_embd.weight", initEmbed, s.Embd, s.Vocab)
	m.add("output_norm.weight", initNorm, s.Embd)
	if !s.Tied {
		m.add("output.weight", initMatrix, s.Embd, s.Vocab)
	}
	for l := range s.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		m.add(p+"attn_norm.weight", initNorm, s.Embd)
		m.add(p+"ssm_in.weight", initMatrix, s.Embd, 2*inner)
		m.add(p+"ssm_conv1d.weight", initConv, s.DConv, inner)
		m.add(p+"ssm_conv1d.bias", initZero, inner)
		m.add(p+"ssm_x.weight", initMatrix, inner, s.DtRank+2*s.DState)
		m.add(p+"ssm_dt.weight", initSmallMat, s.DtRank, inner)
		m.add(p+"ssm_dt.bias", initDtBias, inner)
		m.add(p+"ssm_a", initMambaA, s.DState, inner)
		m.add(p+"ssm_d", initOne, inner)
		m.add(p+"ssm_out.weight", initMatrix, inner, s.Embd)
	}
	return m, nil
}
