// Package synth writes random-weight GGUF models of realistic shapes, so
// that tests and benchmarks can exercise full-size architectures without
// downloading anything. The weights are deterministic: the same Spec gives
// the same bytes on every machine.
//
// Weights follow the usual initialisation scales (matrices N(0, 1/fan_in),
// embeddings N(0, 1), norm weights 1+0.1*N(0, 1); Mamba's A = -(1..d_state),
// D = 1 and dt bias = softplus^-1 of a log-uniform dt in [1e-3, 0.1]), the
// same recipe as the reference engine's tiny golden models. A random model
// produces gibberish text; it exists to be timed and to be shaped right.
package synth

import (
	"fmt"
	"io"
	"strings"

	"github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
)

// Spec is a model to generate. Exactly one of Llama, Mamba and Hybrid is set.
// The weights are of one type, WType, or of a mix as llama-quantize makes
// it: Mix names one of its file types ("Q4_K_M", see Mixes) and each
// tensor gets the type llama-quantize would give it; WType must then be
// left F32 (its zero value).
type Spec struct {
	Name   string      // general.name, and the key of the built-in shapes
	WType  lcrun.DType // type of the 2-D weight matrices (norms etc. stay F32)
	Mix    string      // llama-quantize file type; "" for all-WType weights
	Seed   uint64
	Llama  *LlamaShape
	Mamba  *MambaShape
	Hybrid *HybridShape
}

// LlamaShape is a Llama-family transformer.
type LlamaShape struct {
	Embd, Layers, Heads, KVHeads, FF, Vocab, Ctx int
	HeadDim                                      int // 0: Embd/Heads; else q is Heads*HeadDim wide
	RopeBase                                     float64
	Tied                                         bool // no output.weight: logits reuse token_embd
	// Arch is the GGUF architecture: "" or "llama"; "qwen3" (q/k norms);
	// "gemma3" (q/k norms, post-norms, GELU, five local layers of six
	// sliding over Window tokens).
	Arch   string
	Window int // gemma3's attention.sliding_window
	// Experts > 0: every FFN is a mixture of that many experts of FF
	// width, ExpertsUsed of them per token (arch "qwen3moe", or "llama"
	// as Mixtral lays it out).
	Experts, ExpertsUsed int
}

// MambaShape is a Mamba-1 selective state-space model (d_inner = Expand*Embd).
type MambaShape struct {
	Embd, Layers, DState, DConv, DtRank, Expand, Vocab, Ctx int
	Tied                                                    bool
}

// Builtin lists the named shapes lcrun bench and the tests use. The Llama
// 110M shape is llama2.c's stories110M; Mamba 130M is state-spaces/mamba-130m.
func Builtin() []Spec {
	llama110 := &LlamaShape{Embd: 768, Layers: 12, Heads: 12, KVHeads: 12, FF: 2048, Vocab: 32000, Ctx: 4096, RopeBase: 10000}
	mamba130 := &MambaShape{Embd: 768, Layers: 24, DState: 16, DConv: 4, DtRank: 48, Expand: 2, Vocab: 50280, Ctx: 1 << 20, Tied: true}
	tinyLlama := &LlamaShape{Embd: 64, Layers: 2, Heads: 4, KVHeads: 2, FF: 128, Vocab: 320, Ctx: 4096, RopeBase: 10000}
	// The shape of the reference's quantisation mixes (golden README): rows
	// of 256 for the K-quants, 128-wide attn_output and ffn_down for their
	// fallbacks.
	tinyMix := &LlamaShape{Embd: 256, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 32, FF: 128, Vocab: 512, Ctx: 4096, RopeBase: 10000}
	tinyMamba := &MambaShape{Embd: 64, Layers: 2, DState: 16, DConv: 4, DtRank: 4, Expand: 2, Vocab: 320, Ctx: 1 << 20}
	// The other families at the llama-110m scale: Qwen3's layout (GQA 3:1,
	// q/k norms, base 1e6) and Gemma 3's (10 local layers of 12 over a
	// 512-token window, tied embeddings, 128K trained context).
	qwen3 := &LlamaShape{Arch: "qwen3", Embd: 768, Layers: 12, Heads: 12, KVHeads: 4, HeadDim: 64, FF: 2048, Vocab: 32000, Ctx: 40960, RopeBase: 1e6}
	// Granite 4.0-H's proportions at about 150M weights: Mamba-2 layers
	// (d_inner 1536 in 24 heads, d_state 64) with NoPE attention as the
	// last of every eight layers.
	graniteH := &HybridShape{Embd: 768, Layers: 16, AttnEvery: 8, Heads: 12, KVHeads: 4, FF: 2048, Vocab: 32000, Ctx: 1 << 20,
		DState: 64, DConv: 4, SSMHeads: 24, Groups: 1, Expand: 2, Tied: true}
	gemma3 := &LlamaShape{Arch: "gemma3", Embd: 768, Layers: 12, Heads: 12, KVHeads: 4, HeadDim: 64, FF: 2048, Vocab: 32000, Ctx: 131072, RopeBase: 1e6, Tied: true, Window: 512}
	// Qwen3-MoE's layout with qwen3-110m's active size: 8 experts of width
	// 1024, 2 per token, run 2048 FFN rows as qwen3-110m's dense FFN does,
	// from four times its FFN weights.
	qwen3moe := &LlamaShape{Arch: "qwen3moe", Embd: 768, Layers: 12, Heads: 12, KVHeads: 4, HeadDim: 64, FF: 1024, Vocab: 32000, Ctx: 40960, RopeBase: 1e6,
		Experts: 8, ExpertsUsed: 2}
	var specs []Spec
	for _, t := range []lcrun.DType{lcrun.F32, lcrun.F16, lcrun.Q8_0, lcrun.Q4_0, lcrun.Q4_K, lcrun.Q6_K} {
		specs = append(specs, Spec{Name: "llama-110m-" + typeSuffix(t), WType: t, Seed: 1, Llama: llama110})
	}
	// llama-quantize's mixes of the same weights. Q8_0 and Q6_K are left
	// out: on this shape their mixes are the all-Q8_0 and all-Q6_K models
	// above; Q4_0's mix would differ from llama-110m-q4_0 only in output.
	for _, m := range []string{"Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M",
		"Q5_K_S", "Q5_K_M", "IQ4_NL", "IQ4_XS", "TQ1_0", "TQ2_0"} {
		specs = append(specs, Spec{Name: "llama-110m-" + strings.ToLower(m), Mix: m, Seed: 1, Llama: llama110})
	}
	for _, t := range []lcrun.DType{lcrun.F32, lcrun.Q8_0} {
		specs = append(specs, Spec{Name: "mamba-130m-" + typeSuffix(t), WType: t, Seed: 1, Mamba: mamba130})
		specs = append(specs, Spec{Name: "qwen3-110m-" + typeSuffix(t), WType: t, Seed: 1, Llama: qwen3})
		specs = append(specs, Spec{Name: "gemma3-110m-" + typeSuffix(t), WType: t, Seed: 1, Llama: gemma3})
		specs = append(specs, Spec{Name: "qwen3moe-8x2-110m-" + typeSuffix(t), WType: t, Seed: 1, Llama: qwen3moe})
		specs = append(specs, Spec{Name: "granite-h-150m-" + typeSuffix(t), WType: t, Seed: 1, Hybrid: graniteH})
	}
	specs = append(specs,
		Spec{Name: "llama-tiny-f32", WType: lcrun.F32, Seed: 1, Llama: tinyLlama},
		Spec{Name: "llama-q-q4_k_m", Mix: "Q4_K_M", Seed: 1, Llama: tinyMix},
		Spec{Name: "mamba-tiny-f32", WType: lcrun.F32, Seed: 1, Mamba: tinyMamba},
	)
	return specs
}

// Lookup returns the built-in shape called name ("llama-110m-q8_0").
func Lookup(name string) (Spec, error) {
	var names []string
	for _, s := range Builtin() {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Spec{}, fmt.Errorf("no built-in shape %q (have %v)", name, names)
}

func typeSuffix(t lcrun.DType) string {
	b := []byte(t.String())
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Params is the number of weights the spec describes.
func (s Spec) Params() int64 {
	w, err := s.build()
	if err != nil {
		return 0
	}
	var n int64
	for _, t := range w.tensors {
		n += int64(t.numel())
	}
	return n
}

// WriteTo writes the model as a GGUF v3 file.
func (s Spec) WriteTo(out io.Writer) (int64, error) {
	w, err := s.writer()
	if err != nil {
		return 0, err
	}
	return w.WriteTo(out)
}

// WriteFile writes the model to path (atomically: temp file, then rename).
func (s Spec) WriteFile(path string) error {
	w, err := s.writer()
	if err != nil {
		return err
	}
	return w.WriteFile(path)
}

func (s Spec) writer() (*gguf.Writer, error) {
	m, err := s.build()
	if err != nil {
		return nil, err
	}
	types, ft, err := s.types(m)
	if err != nil {
		return nil, err
	}
	return m.encode(types, ft, s.Seed)
}

// TensorTypes is the type each tensor of the model is stored in, by name;
// for a mix, what llama-quantize would choose. It needs no quantiser, so
// it answers for mixes whose types lcrun cannot quantise yet.
func (s Spec) TensorTypes() (map[string]lcrun.DType, error) {
	m, err := s.build()
	if err != nil {
		return nil, err
	}
	var types []lcrun.DType
	if s.Mix == "" {
		types, _, err = s.types(m)
	} else {
		var x mix
		if x, err = lookupMix(s.Mix); err == nil {
			types, err = planMix(x, s.mixModel(), m.tensors)
		}
	}
	if err != nil {
		return nil, err
	}
	out := make(map[string]lcrun.DType, len(types))
	for i, t := range m.tensors {
		out[t.name] = types[i]
	}
	return out, nil
}

// types gives every tensor its type and the file its general.file_type.
func (s Spec) types(m *model) ([]lcrun.DType, uint32, error) {
	if s.Mix == "" {
		ft, err := fileType(s.WType)
		if err != nil {
			return nil, 0, err
		}
		types := make([]lcrun.DType, len(m.tensors))
		for i, t := range m.tensors {
			types[i] = storedType(t, s.WType)
		}
		return types, ft, nil
	}
	if s.WType != lcrun.F32 {
		return nil, 0, fmt.Errorf("synth: spec %q sets both a weight type (%s) and a mix (%s); give one", s.Name, s.WType, s.Mix)
	}
	x, err := lookupMix(s.Mix)
	if err != nil {
		return nil, 0, err
	}
	types, err := mixTypes(x, s.mixModel(), m.tensors)
	if err != nil {
		return nil, 0, err
	}
	return types, x.fileType, nil
}

// mixModel is what llama-quantize's rules read of the spec's shape.
func (s Spec) mixModel() mixModel {
	switch {
	case s.Llama != nil:
		return mixModel{arch: "llama", layers: s.Llama.Layers, heads: s.Llama.Heads, kvHeads: s.Llama.KVHeads}
	case s.Mamba != nil:
		return mixModel{arch: "mamba", layers: s.Mamba.Layers}
	case s.Hybrid != nil:
		return mixModel{arch: "granitehybrid", layers: s.Hybrid.Layers, heads: s.Hybrid.Heads, kvHeads: s.Hybrid.KVHeads}
	}
	return mixModel{}
}

func (s Spec) build() (*model, error) {
	n := 0
	for _, set := range []bool{s.Llama != nil, s.Mamba != nil, s.Hybrid != nil} {
		if set {
			n++
		}
	}
	switch {
	case n != 1:
	case s.Llama != nil:
		return s.Llama.model(s.Name)
	case s.Mamba != nil:
		return s.Mamba.model(s.Name)
	case s.Hybrid != nil:
		return s.Hybrid.model(s.Name)
	}
	return nil, fmt.Errorf("synth: spec %q must set exactly one of Llama, Mamba and Hybrid", s.Name)
}
