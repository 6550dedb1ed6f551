package synth

import "fmt"

// HybridShape is a Granite 4.0-H-like state-space hybrid (GGUF
// granitehybrid): Mamba-2 layers with an attention layer (NoPE, GQA) as
// the last of every AttnEvery layers, a SwiGLU FFN in every layer, and
// Granite's scales. d_inner = Expand*Embd in SSMHeads heads.
type HybridShape struct {
	Embd, Layers, AttnEvery, Heads, KVHeads, FF, Vocab, Ctx int
	DState, DConv, SSMHeads, Groups, Expand                 int
	Tied                                                    bool
	// Experts > 0: every FFN is a mixture of that many experts of FF
	// width, ExpertsUsed per token (Granite 4.0-H Tiny/Small); SharedFF
	// > 0 adds a SwiGLU shared expert of that width to each.
	Experts, ExpertsUsed, SharedFF int
}

// attention reports whether layer l is an attention layer.
func (s *HybridShape) attention(l int) bool { return (l+1)%s.AttnEvery == 0 }

func (s *HybridShape) model(name string) (*model, error) {
	if err := positive(name, s.Embd, s.Layers, s.AttnEvery, s.Heads, s.KVHeads, s.FF, s.Vocab, s.Ctx,
		s.DState, s.DConv, s.SSMHeads, s.Groups, s.Expand); err != nil {
		return nil, err
	}
	inner := s.Expand * s.Embd
	if s.Embd%s.Heads != 0 || s.Heads%s.KVHeads != 0 || inner%s.SSMHeads != 0 || s.SSMHeads%s.Groups != 0 || s.AttnEvery > s.Layers {
		return nil, fmt.Errorf("synth: %s: need embd divisible by heads, heads by kv heads, d_inner by SSM heads, SSM heads by groups, and an attention layer", name)
	}
	if s.Experts < 0 || s.SharedFF < 0 || (s.Experts > 0 && (s.ExpertsUsed <= 0 || s.ExpertsUsed > s.Experts)) || (s.SharedFF > 0 && s.Experts == 0) {
		return nil, fmt.Errorf("synth: %s: need 1..%d experts used of %d, and experts for a shared expert", name, s.Experts, s.Experts)
	}
	if s.Vocab < minVocab {
		return nil, fmt.Errorf("synth: %s: vocab %d is below %d (special and byte tokens)", name, s.Vocab, minVocab)
	}
	head := s.Embd / s.Heads
	kvDim, conv := head*s.KVHeads, inner+2*s.Groups*s.DState
	kv := make([]int32, s.Layers)
	for l := range kv {
		if s.attention(l) {
			kv[l] = int32(s.KVHeads)
		}
	}
	m := &model{}
	key := func(k string) string { return "granitehybrid." + k }
	m.set("general.architecture", "granitehybrid")
	m.set("general.name", name)
	m.set(key("context_length"), uint32(s.Ctx))
	m.set(key("embedding_length"), uint32(s.Embd))
	m.set(key("block_count"), uint32(s.Layers))
	m.set(key("feed_forward_length"), uint32(s.FF))
	m.set(key("attention.head_count"), uint32(s.Heads))
	m.set(key("attention.head_count_kv"), kv)
	m.set(key("attention.layer_norm_rms_epsilon"), float32(1e-5))
	m.set(key("rope.dimension_count"), uint32(head))
	m.set(key("rope.freq_base"), float32(10000))
	m.set(key("rope.scaling.finetuned"), false)
	m.set(key("ssm.conv_kernel"), uint32(s.DConv))
	m.set(key("ssm.inner_size"), uint32(inner))
	m.set(key("ssm.state_size"), uint32(s.DState))
	m.set(key("ssm.time_step_rank"), uint32(s.SSMHeads))
	m.set(key("ssm.group_count"), uint32(s.Groups))
	// Granite 4.0-H's values.
	m.set(key("embedding_scale"), float32(12))
	m.set(key("residual_scale"), float32(0.22))
	m.set(key("logit_scale"), float32(6))
	m.set(key("attention.scale"), float32(0.0078125))
	m.set(key("vocab_size"), uint32(s.Vocab))
	if s.Experts > 0 {
		m.set(key("expert_count"), uint32(s.Experts))
		m.set(key("expert_used_count"), uint32(s.ExpertsUsed))
	}
	if s.SharedFF > 0 {
		m.set(key("expert_shared_feed_forward_length"), uint32(s.SharedFF))
	}
	addVocab(m, s.Vocab)

	m.add("token_embd.weight", initEmbed, s.Embd, s.Vocab)
	m.add("output_norm.weight", initNorm, s.Embd)
	if !s.Tied {
		m.add("output.weight", initMatrix, s.Embd, s.Vocab)
	}
	for l := range s.Layers {
		p := fmt.Sprintf("blk.%d.", l)
		m.add(p+"attn_norm.weight", initNorm, s.Embd)
		if s.attention(l) {
			m.add(p+"attn_q.weight", initMatrix, s.Embd, s.Embd)
			m.add(p+"attn_k.weight", initMatrix, s.Embd, kvDim)
			m.add(p+"attn_v.weight", initMatrix, s.Embd, kvDim)
			m.add(p+"attn_output.weight", initMatrix, s.Embd, s.Embd)
		} else {
			m.add(p+"ssm_in.weight", initMatrix, s.Embd, inner+conv+s.SSMHeads)
			m.add(p+"ssm_conv1d.weight", initConv, s.DConv, conv)
			m.add(p+"ssm_conv1d.bias", initZero, conv)
			m.add(p+"ssm_dt.bias", initDtBias, s.SSMHeads)
			m.add(p+"ssm_a", initMambaA, 1, s.SSMHeads)
			m.add(p+"ssm_d", initOne, 1, s.SSMHeads)
			m.add(p+"ssm_norm.weight", initNorm, inner/s.Groups, s.Groups)
			m.add(p+"ssm_out.weight", initMatrix, inner, s.Embd)
		}
		m.add(p+"ffn_norm.weight", initNorm, s.Embd)
		if s.Experts == 0 {
			m.add(p+"ffn_gate.weight", initMatrix, s.Embd, s.FF)
			m.add(p+"ffn_up.weight", initMatrix, s.Embd, s.FF)
			m.add(p+"ffn_down.weight", initMatrix, s.FF, s.Embd)
			continue
		}
		m.add(p+"ffn_gate_inp.weight", initSmallMat, s.Embd, s.Experts)
		m.add(p+"ffn_gate_exps.weight", initMatrix, s.Embd, s.FF, s.Experts)
		m.add(p+"ffn_up_exps.weight", initMatrix, s.Embd, s.FF, s.Experts)
		m.add(p+"ffn_down_exps.weight", initMatrix, s.FF, s.Embd, s.Experts)
		if s.SharedFF > 0 {
			m.add(p+"ffn_gate_shexp.weight", initMatrix, s.Embd, s.SharedFF)
			m.add(p+"ffn_up_shexp.weight", initMatrix, s.Embd, s.SharedFF)
			m.add(p+"ffn_down_shexp.weight", initMatrix, s.SharedFF, s.Embd)
		}
	}
	return m, nil
}
