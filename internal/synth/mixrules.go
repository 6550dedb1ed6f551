package synth

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/lcrun/lcrun"
)

// The per-tensor rules of llama-quantize (llama.cpp's llama_tensor_get_type
// without an importance matrix or user overrides), for the mixes synth
// makes. They depend on the tensor's name and row length, its place among
// the layers, and a few hyperparameters.

// mixModel is what the rules read of a model besides its tensors.
type mixModel struct {
	arch                   string
	layers, heads, kvHeads int
	experts                int // 0 or 1: dense
}

// gqa is llama.cpp's n_gqa: query heads per KV head (0 without attention).
func (hp mixModel) gqa() int {
	if hp.kvHeads == 0 {
		return 0
	}
	return hp.heads / hp.kvHeads
}

// is70B is llama.cpp's LLM_TYPE_70B for its Llama loader: 80 layers with
// grouped KV heads.
func (hp mixModel) is70B() bool {
	return hp.arch == "llama" && hp.layers == 80 && hp.heads != hp.kvHeads
}

// quantizable is llama-quantize's choice of what to quantise: tensors
// named *weight with at least two dimensions, except norms, MoE routers
// and Mamba's convolution taps. The rest keep their type (F32 here).
func quantizable(t tensor) bool {
	dims := 0
	for i, d := range t.dims {
		if d > 1 {
			dims = i + 1
		}
	}
	return strings.HasSuffix(t.name, "weight") && dims >= 2 &&
		!strings.Contains(t.name, "_norm.weight") &&
		!strings.Contains(t.name, "ffn_gate_inp.weight") &&
		!strings.Contains(t.name, "ssm_conv1d.weight")
}

// tensorLayer is N of a "blk.N." name, -1 for the tensors outside layers.
func tensorLayer(name string) int {
	var n int
	if _, err := fmt.Sscanf(name, "blk.%d.", &n); err != nil {
		return -1
	}
	return n
}

// useMoreBits is llama.cpp's choice of the layers that get more bits: the
// first and last eighth, and every third one between.
func useMoreBits(i, n int) bool {
	return i < n/8 || i >= 7*n/8 || (i-n/8)%3 == 2
}

// planMix returns the type of each tensor under mix x. llama-quantize
// walks the tensors by layer, then by name (its loader's order), counting
// the attn_v and ffn_down tensors it has passed; the plan does the same.
func planMix(x mix, hp mixModel, tensors []tensor) ([]lcrun.DType, error) {
	order := make([]int, len(tensors))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		na, nb := tensors[a].name, tensors[b].name
		return cmp.Or(cmp.Compare(tensorLayer(na), tensorLayer(nb)), strings.Compare(na, nb))
	})
	s := &mixState{mix: x, hp: hp, nFFNDown: hp.layers}
	for _, t := range tensors {
		switch {
		case strings.Contains(t.name, "attn_v.weight"), strings.Contains(t.name, "attn_qkv.weight"), strings.Contains(t.name, "attn_kv_b.weight"):
			s.nAttnV++
		case t.name == "output.weight":
			s.hasOutput = true
		}
	}
	types := make([]lcrun.DType, len(tensors))
	for _, i := range order {
		t := tensors[i]
		types[i] = lcrun.F32
		if !quantizable(t) {
			continue
		}
		typ := x.base
		if typ.Quantized() {
			var err error
			if typ, err = s.tensorType(t); err != nil {
				return nil, err
			}
		}
		types[i] = typ
	}
	return types, nil
}

// mixState is the walk's position: the counters llama-quantize keeps.
type mixState struct {
	mix       mix
	hp        mixModel
	hasOutput bool
	nAttnV    int // attention value matrices in the model
	iAttnV    int // ... passed so far
	nFFNDown  int // layers
	iFFNDown  int
}

// ffnLayer is the layer a feed-forward tensor belongs to: the running
// count in a dense model; in a MoE model, whose experts need not come in
// order, the one its name says.
func (s *mixState) ffnLayer(name string, i int) (int, error) {
	if s.hp.experts <= 1 {
		return i, nil
	}
	l := tensorLayer(name)
	if l < 0 || l >= s.nFFNDown {
		return 0, fmt.Errorf("synth: tensor %s: no layer in [0, %d)", name, s.nFFNDown)
	}
	return l, nil
}

// tensorType is the rule for one quantised tensor, fallback included.
func (s *mixState) tensorType(t tensor) (lcrun.DType, error) {
	ft, hp, falcon := s.mix.name, s.hp, s.hp.arch == "falcon"
	typ := s.mix.base
	ne0 := int(t.dims[0])
	name := t.name
	switch {
	case name == "output.weight" || !s.hasOutput && name == "token_embd.weight":
		// The output matrix (or the tied embedding serving as one).
		switch {
		case ft == "MXFP4_MOE", falcon, ne0%typ.BlockSize() != 0:
			typ = lcrun.Q8_0
		case typ != lcrun.Q8_0:
			typ = lcrun.Q6_K
		}
	case ft == "MXFP4_MOE":
		// Expert tensors (3-D) MXFP4, the rest Q8_0.
		typ = lcrun.Q8_0
		if len(t.dims) > 2 && t.dims[2] > 1 {
			typ = lcrun.MXFP4
		}
	case name == "token_embd.weight":
		if ft == "TQ1_0" || ft == "TQ2_0" {
			typ = lcrun.Q4_K
		}
	case strings.Contains(name, "attn_v.weight"):
		i, n := s.iAttnV, s.nAttnV
		switch {
		case ft == "Q2_K" && hp.gqa() >= 4:
			typ = lcrun.Q4_K
		case ft == "Q2_K":
			typ = lcrun.Q3_K
		case ft == "Q3_K_M" && i < 2:
			typ = lcrun.Q5_K
		case ft == "Q3_K_M":
			typ = lcrun.Q4_K
		case ft == "Q3_K_L":
			typ = lcrun.Q5_K
		case (ft == "IQ4_NL" || ft == "IQ4_XS") && hp.gqa() >= 4:
			typ = lcrun.Q5_K
		case (ft == "Q4_K_M" || ft == "Q5_K_M") && useMoreBits(i, n):
			typ = lcrun.Q6_K
		case ft == "Q4_K_S" && i < 4:
			typ = lcrun.Q5_K
		}
		if hp.is70B() && (typ == lcrun.Q3_K || typ == lcrun.Q4_K) {
			typ = lcrun.Q5_K // 8 query heads share each value head: cheap to widen
		}
		if hp.experts == 8 {
			typ = lcrun.Q8_0
		}
		s.iAttnV++
	case strings.Contains(name, "attn_k.weight"):
		if hp.experts == 8 {
			typ = lcrun.Q8_0
		}
	case strings.Contains(name, "ffn_down"):
		i, err := s.ffnLayer(name, s.iFFNDown)
		if err != nil {
			return 0, err
		}
		n := s.nFFNDown
		switch {
		case ft == "Q2_K":
			typ = lcrun.Q3_K
		case ft == "Q3_K_M" && i < n/16:
			typ = lcrun.Q5_K
		case ft == "Q3_K_M" && (!falcon || useMoreBits(i, n)):
			typ = lcrun.Q4_K
		case ft == "Q3_K_M":
			typ = lcrun.Q3_K
		case ft == "Q3_K_L" && falcon:
			typ = lcrun.Q4_K
		case ft == "Q3_K_L":
			typ = lcrun.Q5_K
		case ft == "Q4_K_M" && falcon && i < n/16:
			typ = lcrun.Q6_K
		case ft == "Q4_K_M" && falcon && useMoreBits(i, n):
			typ = lcrun.Q5_K
		case ft == "Q4_K_M" && falcon:
			typ = lcrun.Q4_K
		case ft == "Q4_K_M":
			if useMoreBits(i, n) {
				typ = lcrun.Q6_K
			}
		case i < n/8 && (ft == "IQ4_NL" || ft == "IQ4_XS"):
			typ = lcrun.Q5_K
		case ft == "Q5_K_M" && useMoreBits(i, n):
			typ = lcrun.Q6_K
		case ft == "Q4_K_S" && !falcon && i < n/8:
			typ = lcrun.Q5_K
		}
		s.iFFNDown++
	case strings.Contains(name, "attn_output.weight"):
		switch {
		case falcon:
			if ft == "Q3_K_L" {
				typ = lcrun.Q4_K
			}
		case hp.experts == 8:
			switch ft {
			case "Q2_K", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ4_XS":
				typ = lcrun.Q5_K
			}
		case ft == "Q2_K":
			typ = lcrun.Q3_K
		case ft == "Q3_K_M":
			typ = lcrun.Q4_K
		case ft == "Q3_K_L":
			typ = lcrun.Q5_K
		}
	case strings.Contains(name, "attn_qkv.weight"):
		switch ft {
		case "Q3_K_M", "Q3_K_L":
			typ = lcrun.Q4_K
		case "Q4_K_M":
			typ = lcrun.Q5_K
		case "Q5_K_M":
			typ = lcrun.Q6_K
		}
	}
	return fallback(typ, t)
}

// fallback replaces a type whose blocks do not divide the tensor's rows
// (a K-quant on rows of 128, say) by llama-quantize's stand-in, and that
// by F16 when it does not fit either.
func fallback(typ lcrun.DType, t tensor) (lcrun.DType, error) {
	ne0 := int(t.dims[0])
	if ne0%typ.BlockSize() == 0 {
		return typ, nil
	}
	var alt lcrun.DType
	switch typ {
	case lcrun.TQ1_0, lcrun.TQ2_0:
		alt = lcrun.Q4_0
	case lcrun.Q2_K, lcrun.Q3_K, lcrun.IQ4_XS, lcrun.IQ2_XXS, lcrun.IQ2_XS, lcrun.IQ2_S, lcrun.IQ3_XXS, lcrun.IQ3_S, lcrun.IQ1_S, lcrun.IQ1_M:
		alt = lcrun.IQ4_NL
	case lcrun.Q4_K:
		alt = lcrun.Q5_0
	case lcrun.Q5_K:
		alt = lcrun.Q5_1
	case lcrun.Q6_K:
		alt = lcrun.Q8_0
	default:
		// llama-quantize stops here too ("Unsupported tensor size").
		return 0, fmt.Errorf("synth: tensor %s: rows of %d values are not whole %s blocks of %d, and %s has no fallback type", t.name, ne0, typ, typ.BlockSize(), typ)
	}
	if ne0%alt.BlockSize() != 0 {
		alt = lcrun.F16
	}
	return alt, nil
}
