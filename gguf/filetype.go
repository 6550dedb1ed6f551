package gguf

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/lcrun/lcrun/dtype"
)

// KeyFileType is the metadata key that says how a model was quantized.
const KeyFileType = "general.file_type"

// fileTypeNames holds, for each value of general.file_type (llama.cpp's
// enum llama_ftype; the missing ids were retired), the name llama-quantize
// takes and prints ("Q4_K_M") and the one llama.cpp's loader logs
// ("Q4_K - Medium").
type fileTypeNames struct{ name, described string }

var fileTypes = map[uint64]fileTypeNames{
	0:  {"F32", "all F32"},
	1:  {"F16", "F16"},
	2:  {"Q4_0", "Q4_0"},
	3:  {"Q4_1", "Q4_1"},
	4:  {"Q4_1_SOME_F16", "Q4_1, some F16"},
	7:  {"Q8_0", "Q8_0"},
	8:  {"Q5_0", "Q5_0"},
	9:  {"Q5_1", "Q5_1"},
	10: {"Q2_K", "Q2_K - Medium"},
	11: {"Q3_K_S", "Q3_K - Small"},
	12: {"Q3_K_M", "Q3_K - Medium"},
	13: {"Q3_K_L", "Q3_K - Large"},
	14: {"Q4_K_S", "Q4_K - Small"},
	15: {"Q4_K_M", "Q4_K - Medium"},
	16: {"Q5_K_S", "Q5_K - Small"},
	17: {"Q5_K_M", "Q5_K - Medium"},
	18: {"Q6_K", "Q6_K"},
	19: {"IQ2_XXS", "IQ2_XXS - 2.0625 bpw"},
	20: {"IQ2_XS", "IQ2_XS - 2.3125 bpw"},
	21: {"Q2_K_S", "Q2_K - Small"},
	22: {"IQ3_XS", "IQ3_XS - 3.3 bpw"},
	23: {"IQ3_XXS", "IQ3_XXS - 3.0625 bpw"},
	24: {"IQ1_S", "IQ1_S - 1.5625 bpw"},
	25: {"IQ4_NL", "IQ4_NL - 4.5 bpw"},
	26: {"IQ3_S", "IQ3_S - 3.4375 bpw"},
	27: {"IQ3_M", "IQ3_S mix - 3.66 bpw"},
	28: {"IQ2_S", "IQ2_S - 2.5 bpw"},
	29: {"IQ2_M", "IQ2_M - 2.7 bpw"},
	30: {"IQ4_XS", "IQ4_XS - 4.25 bpw"},
	31: {"IQ1_M", "IQ1_M - 1.75 bpw"},
	32: {"BF16", "BF16"},
	36: {"TQ1_0", "TQ1_0 - 1.69 bpw ternary"},
	37: {"TQ2_0", "TQ2_0 - 2.06 bpw ternary"},
	38: {"MXFP4_MOE", "MXFP4 MoE"},
}

// FileTypeName names a general.file_type value as llama-quantize does
// ("Q4_K_M", "Q8_0", "F32"), or "UNKNOWN_N" for ids llama.cpp does not
// define.
func FileTypeName(id uint64) string {
	if n, ok := fileTypes[id]; ok {
		return n.name
	}
	return fmt.Sprintf("UNKNOWN_%d", id)
}

// FileTypeDescription is llama.cpp's own wording for a file type, as its
// loader logs it ("Q4_K - Medium"); "unknown" for undefined ids.
func FileTypeDescription(id uint64) string {
	if n, ok := fileTypes[id]; ok {
		return n.described
	}
	return "unknown"
}

// FileTypeID is the general.file_type value of a llama-quantize type name,
// in any case ("q4_k_m").
func FileTypeID(name string) (uint64, bool) {
	for id, n := range fileTypes {
		if strings.EqualFold(n.name, name) {
			return id, true
		}
	}
	return 0, false
}

// fileTypeOf maps the commonest tensor type to the file type llama.cpp
// guesses from it when a file has no general.file_type.
var fileTypeOf = map[dtype.Type]uint64{
	dtype.F32: 0, dtype.F16: 1, dtype.Q4_0: 2, dtype.Q4_1: 3, dtype.Q8_0: 7, dtype.Q5_0: 8, dtype.Q5_1: 9,
	dtype.Q2_K: 10, dtype.Q3_K: 12, dtype.Q4_K: 15, dtype.Q5_K: 17, dtype.Q6_K: 18,
	dtype.IQ2_XXS: 19, dtype.IQ2_XS: 20, dtype.IQ3_XXS: 23, dtype.IQ1_S: 24, dtype.IQ4_NL: 25,
	dtype.IQ3_S: 26, dtype.IQ2_S: 28, dtype.IQ4_XS: 30, dtype.IQ1_M: 31, dtype.BF16: 32,
	dtype.TQ1_0: 36, dtype.TQ2_0: 37, dtype.MXFP4: 38,
}

// FileType is general.file_type, or when the file has none, llama.cpp's
// guess from the type most tensors have (guessed is then true; ok is false
// if there is nothing to guess from). A mistyped key is an error.
func (f *File) FileType() (id uint64, guessed, ok bool, err error) {
	if f.Has(KeyFileType) {
		id, err = f.Uint(KeyFileType)
		return id, false, err == nil, err
	}
	count := map[dtype.Type]int{}
	var best dtype.Type
	for _, t := range f.Tensors {
		count[t.Type]++
		if c := count[t.Type]; c > count[best] || c == count[best] && t.Type < best {
			best = t.Type
		}
	}
	id, ok = fileTypeOf[best]
	return id, true, ok && len(f.Tensors) > 0, nil
}

// TypeCount is how many of a file's tensors have one type.
type TypeCount struct {
	Type  dtype.Type
	Count int
}

// TypeCounts counts the file's tensors by type, the commonest first (ties
// by type id), as llama.cpp's loader lists them: what a mix such as Q4_K_M
// is made of.
func (f *File) TypeCounts() []TypeCount {
	count := map[dtype.Type]int{}
	for _, t := range f.Tensors {
		count[t.Type]++
	}
	out := make([]TypeCount, 0, len(count))
	for t, n := range count {
		out = append(out, TypeCount{t, n})
	}
	slices.SortFunc(out, func(a, b TypeCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Type, b.Type))
	})
	return out
}
