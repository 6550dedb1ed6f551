package synth

import (
	"fmt"
	"strings"

	"github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
)

// A mix is one of llama-quantize's file types ("Q4_K_M"): a base type for
// most matrices and rules (mixrules.go) that give some tensors more bits
// or, where rows are not whole blocks of the base type, a fallback.
type mix struct {
	name     string      // llama-quantize's name, as gguf.FileTypeName gives it
	base     lcrun.DType // llama.cpp's default_type for the file type
	fileType uint32      // general.file_type
}

// mixBases are the file types synth makes, with their base types. The
// IQ1/IQ2/IQ3 types and Q2_K_S are left out: llama-quantize refuses most
// of them without an importance matrix, and lcrun has no kernels for them.
var mixBases = []struct {
	name string
	base lcrun.DType
}{
	{"F32", lcrun.F32}, {"F16", lcrun.F16}, {"BF16", lcrun.BF16},
	{"Q4_0", lcrun.Q4_0}, {"Q4_1", lcrun.Q4_1}, {"Q5_0", lcrun.Q5_0}, {"Q5_1", lcrun.Q5_1}, {"Q8_0", lcrun.Q8_0},
	{"Q2_K", lcrun.Q2_K}, {"Q3_K_S", lcrun.Q3_K}, {"Q3_K_M", lcrun.Q3_K}, {"Q3_K_L", lcrun.Q3_K},
	{"Q4_K_S", lcrun.Q4_K}, {"Q4_K_M", lcrun.Q4_K}, {"Q5_K_S", lcrun.Q5_K}, {"Q5_K_M", lcrun.Q5_K},
	{"Q6_K", lcrun.Q6_K}, {"IQ4_NL", lcrun.IQ4_NL}, {"IQ4_XS", lcrun.IQ4_XS},
	{"TQ1_0", lcrun.TQ1_0}, {"TQ2_0", lcrun.TQ2_0}, {"MXFP4_MOE", lcrun.MXFP4},
}

// Mixes lists the names of the file types Spec.Mix accepts.
func Mixes() []string {
	names := make([]string, len(mixBases))
	for i, m := range mixBases {
		names[i] = m.name
	}
	return names
}

// lookupMix finds a mix by llama-quantize's name, in any case.
func lookupMix(name string) (mix, error) {
	for _, m := range mixBases {
		if strings.EqualFold(m.name, name) {
			id, ok := gguf.FileTypeID(m.name)
			if !ok {
				return mix{}, fmt.Errorf("synth: mix %s has no general.file_type id", m.name)
			}
			return mix{name: m.name, base: m.base, fileType: uint32(id)}, nil
		}
	}
	return mix{}, fmt.Errorf("synth: no mix %q (have %s)", name, strings.Join(Mixes(), ", "))
}

// mixTypes gives every tensor of m the type llama-quantize's mix would
// give it, and checks that lcrun can quantise each type the mix needs, so
// that a missing quantiser fails before any weight is drawn.
func mixTypes(x mix, hp mixModel, tensors []tensor) ([]lcrun.DType, error) {
	types, err := planMix(x, hp, tensors)
	if err != nil {
		return nil, err
	}
	for i, typ := range types {
		if !lcrun.CanQuantize(typ) {
			return nil, fmt.Errorf("synth: mix %s puts %s in %s, which lcrun cannot quantise yet", x.name, typ, tensors[i].name)
		}
	}
	return types, nil
}
