package ropescale

import (
	"fmt"
	"strings"
)

// Method is a RoPE scaling method: how the rotation frequencies are changed
// so that a model runs past the context length it was trained on.
type Method int

const (
	// None: the frequencies the model was trained with.
	None Method = iota
	// Linear position interpolation (Chen et al. 2023): positions divided by the factor.
	Linear
	// NTK: "NTK-aware" scaling: the frequency base raised so that the lowest frequency is divided by the factor.
	NTK
	// Dynamic: NTK-aware scaling whose base follows the current sequence length.
	Dynamic
	// YaRN (Peng et al. 2023): per-dimension ramp between interpolation and extrapolation, plus an attention temperature.
	YaRN
	// Llama3: Meta's per-dimension frequency divisors (Llama 3.1), or the file's rope_freqs tensor.
	Llama3
	// LongRoPE (Phi-3 "su"): per-dimension divisors from the file, long or short set by context, plus an attention factor.
	LongRoPE
)

var methodNames = [...]string{
	None:     "none",
	Linear:   "linear",
	NTK:      "ntk",
	Dynamic:  "dynamic",
	YaRN:     "yarn",
	Llama3:   "llama3",
	LongRoPE: "longrope",
}

// String returns the CLI name of the method.
func (m Method) String() string {
	if m >= 0 && int(m) < len(methodNames) {
		return methodNames[m]
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// methodAliases maps every accepted spelling (lower case) to a method: the CLI
// names, GGUF's rope.scaling.type values, and the rope_scaling "type" strings
// of Hugging Face configs.
var methodAliases = map[string]Method{
	"none":        None,
	"linear":      Linear,
	"ntk":         NTK,
	"ntk-aware":   NTK,
	"dynamic":     Dynamic,
	"dynamic-ntk": Dynamic,
	"yarn":        YaRN,
	"llama3":      Llama3,
	"longrope":    LongRoPE,
	"su":          LongRoPE, // Phi-3's first name for LongRoPE
}

// ParseMethod reads a method name: none|linear|ntk|dynamic|yarn|llama3|longrope
// (case does not matter; "su" is LongRoPE, as early Phi-3 configs call it).
func ParseMethod(s string) (Method, error) {
	if m, ok := methodAliases[strings.ToLower(strings.TrimSpace(s))]; ok {
		return m, nil
	}
	return None, fmt.Errorf("unknown RoPE scaling method %q (want none, linear, ntk, dynamic, yarn, llama3 or longrope)", s)
}
