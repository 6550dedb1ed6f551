// Package ropescale computes rotary position embeddings (RoPE; Su et al.
// 2021, "RoFormer", arXiv:2104.09864) and their scaling methods, which let a
// model run past the context it was trained on: linear position
// interpolation, NTK-aware, dynamic NTK, YaRN, Llama 3.1 and LongRoPE.
//
// Pure maths: the model layer reads Params from its files, a user's
// choices adjust them (Overrides), New validates and precomputes, and the
// model asks CosSin for each position's per-pair cos/sin, shared by all
// layers, with the method's magnitude folded in.
//
// Pair i of a head of Dims rotated dimensions turns at theta_i =
// base^(-2i/Dims) radians per position. The angles follow llama.cpp's
// float32 arithmetic step by step (ggml_rope_ext on the CPU), so its
// reference outputs are met bit for bit in the angles; see CosSin.
//
// Each method's file carries its derivation and paper: linear in
// this comment, NTK and dynamic NTK in ntk.go, YaRN in yarn.go, Llama 3.1
// in llama3.go, LongRoPE in longrope.go.
//
// Linear position interpolation (Chen, Wong, Chen, Tian 2023, "Extending
// Context Window of Large Language Models via Positional Interpolation",
// arXiv:2306.15595): to run a model trained on L positions at s*L, map
// position m to m/s, so every angle stays inside the range seen in
// training: theta_i(m) = (m/s)*base^(-2i/d). ggml writes it as
// freq_scale = 1/s multiplying every angle.
package ropescale
