package gguf

import (
	"fmt"

	"github.com/lcrun/lcrun/dtype"
)

// KeyFileType is the metadata key that says how a model was quantized.
const KeyFileType = "general.file_type"

// fileTypes are llama.cpp's names (enum llama_ftype) for the values of
// general.file_type; the missing ids were retired.
var fileTypes = map[uint64]string{
	0:  "ALL_F32",
	1:  "MOSTLY_F16",
	2:  "MOSTLY_Q4_0",
	3:  "MOSTLY_Q4_1",
	4:  "MOSTLY_Q4_1_SOME_F16",
	7:  "MOSTLY_Q8_0",
	8:  "MOSTLY_Q5_0",
	9:  "MOSTLY_Q5_1",
	10: "MOSTLY_Q2_K",
	11: "MOSTLY_Q3_K_S",
	12: "MOSTLY_Q3_K_M",
	13: "MOSTLY_Q3_K_L",
	14: "MOSTLY_Q4_K_S",
	15: "MOSTLY_Q4_K_M",
	16: "MOSTLY_Q5_K_S",
	17: "MOSTLY_Q5_K_M",
	18: "MOSTLY_Q6_K",
	19: "MOSTLY_IQ2_XXS",
	20: "MOSTLY_IQ2_XS",
	21: "MOSTLY_Q2_K_S",
	22: "MOSTLY_IQ3_XS",
	23: "MOSTLY_IQ3_XXS",
	24: "MOSTLY_IQ1_S",
	25: "MOSTLY_IQ4_NL",
	26: "MOSTLY_IQ3_S",
	27: "MOSTLY_IQ3_M",
	28: "MOSTLY_IQ2_S",
	29: "MOSTLY_IQ2_M",
	30: "MOSTLY_IQ4_XS",
	31: "MOSTLY_IQ1_M",
	32: "MOSTLY_BF16",
	36: "MOSTLY_TQ1_0",
	37: "MOSTLY_TQ2_0",
	38: "MOSTLY_MXFP4_MOE",
}

// FileTypeName names a general.file_type value ("MOSTLY_Q8_0"), or
// "UNKNOWN_N" for ids llama.cpp does not define.
func FileTypeName(id uint64) string {
	if name, ok := fileTypes[id]; ok {
		return name
	}
	return fmt.Sprintf("UNKNOWN_%d", id)
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
