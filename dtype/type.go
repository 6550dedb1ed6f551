// Package dtype is the vocabulary of GGUF tensor element types: the type
// ids files store, their block geometry, their names, and the binary16 and
// bfloat16 conversions the formats are built on. It is a leaf, so that the
// file format (package gguf) can name types without linking the kernels.
package dtype

import (
	"fmt"
	"strings"
)

// DType is a tensor element type. Its values are the type ids GGUF files
// store (ggml's enum ggml_type), so a DType read from a file needs no
// translation.
type DType uint32

// The GGUF type ids. Gaps are ids that ggml retired; files carrying them
// are refused.
const (
	F32     DType = 0
	F16     DType = 1
	Q4_0    DType = 2
	Q4_1    DType = 3
	Q5_0    DType = 6
	Q5_1    DType = 7
	Q8_0    DType = 8
	Q8_1    DType = 9
	Q2_K    DType = 10
	Q3_K    DType = 11
	Q4_K    DType = 12
	Q5_K    DType = 13
	Q6_K    DType = 14
	Q8_K    DType = 15
	IQ2_XXS DType = 16
	IQ2_XS  DType = 17
	IQ3_XXS DType = 18
	IQ1_S   DType = 19
	IQ4_NL  DType = 20
	IQ3_S   DType = 21
	IQ2_S   DType = 22
	IQ4_XS  DType = 23
	I8      DType = 24
	I16     DType = 25
	I32     DType = 26
	I64     DType = 27
	F64     DType = 28
	IQ1_M   DType = 29
	BF16    DType = 30
	TQ1_0   DType = 34
	TQ2_0   DType = 35
	MXFP4   DType = 39
)

// QK is the block length of the 32-value formats; QKK that of the K-quants.
const (
	QK  = 32
	QKK = 256
)

type dtypeInfo struct {
	name       string
	blockSize  int // values per block
	blockBytes int // bytes per block
}

// dtypes holds the block geometry of every type a GGUF file may name, so
// that files with types we cannot compute with can still be listed and
// bounds-checked.
var dtypes = map[DType]dtypeInfo{
	F32:     {"F32", 1, 4},
	F16:     {"F16", 1, 2},
	Q4_0:    {"Q4_0", QK, 2 + QK/2},
	Q4_1:    {"Q4_1", QK, 4 + QK/2},
	Q5_0:    {"Q5_0", QK, 2 + 4 + QK/2},
	Q5_1:    {"Q5_1", QK, 4 + 4 + QK/2},
	Q8_0:    {"Q8_0", QK, 2 + QK},
	Q8_1:    {"Q8_1", QK, 4 + QK},
	Q2_K:    {"Q2_K", QKK, QKK/16 + QKK/4 + 4},
	Q3_K:    {"Q3_K", QKK, QKK/8 + QKK/4 + 12 + 2},
	Q4_K:    {"Q4_K", QKK, 4 + 12 + QKK/2},
	Q5_K:    {"Q5_K", QKK, 4 + 12 + QKK/8 + QKK/2},
	Q6_K:    {"Q6_K", QKK, QKK/2 + QKK/4 + QKK/16 + 2},
	Q8_K:    {"Q8_K", QKK, 4 + QKK + QKK/16*2},
	IQ2_XXS: {"IQ2_XXS", QKK, 2 + QKK/8*2},
	IQ2_XS:  {"IQ2_XS", QKK, 2 + QKK/8*2 + QKK/32},
	IQ3_XXS: {"IQ3_XXS", QKK, 2 + 3*QKK/8},
	IQ1_S:   {"IQ1_S", QKK, 2 + QKK/8 + QKK/16},
	IQ4_NL:  {"IQ4_NL", QK, 2 + QK/2},
	IQ3_S:   {"IQ3_S", QKK, 2 + QKK/4 + QKK/32 + QKK/8 + QKK/64},
	IQ2_S:   {"IQ2_S", QKK, 2 + QKK/4 + QKK/16},
	IQ4_XS:  {"IQ4_XS", QKK, 2 + 2 + QKK/64 + QKK/2},
	I8:      {"I8", 1, 1},
	I16:     {"I16", 1, 2},
	I32:     {"I32", 1, 4},
	I64:     {"I64", 1, 8},
	F64:     {"F64", 1, 8},
	IQ1_M:   {"IQ1_M", QKK, QKK/8 + QKK/16 + QKK/32},
	BF16:    {"BF16", 1, 2},
	TQ1_0:   {"TQ1_0", QKK, (QKK-4*QKK/64)/5 + QKK/64 + 2},
	TQ2_0:   {"TQ2_0", QKK, QKK/4 + 2},
	MXFP4:   {"MXFP4", QK, 1 + QK/2},
}

// Known reports whether t is a type id a GGUF file may carry.
func (t DType) Known() bool {
	_, ok := dtypes[t]
	return ok
}

// String returns ggml's name for t ("Q4_K"), or "type(N)" for unknown ids.
func (t DType) String() string {
	if info, ok := dtypes[t]; ok {
		return info.name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// BlockSize is the number of values one block of t holds (1 for plain
// types); 0 for unknown ids.
func (t DType) BlockSize() int { return dtypes[t].blockSize }

// BlockBytes is the size in bytes of one block of t; 0 for unknown ids.
func (t DType) BlockBytes() int { return dtypes[t].blockBytes }

// Quantized reports whether t stores values in blocks of more than one.
func (t DType) Quantized() bool { return dtypes[t].blockSize > 1 }

// RowBytes is the size in bytes of n consecutive values of type t. It
// fails for unknown types, negative n, and n that is not a whole number of
// blocks.
func (t DType) RowBytes(n int) (int, error) {
	info, ok := dtypes[t]
	if !ok {
		return 0, fmt.Errorf("unknown tensor type %d", uint32(t))
	}
	if n < 0 {
		return 0, fmt.Errorf("%s: negative length %d", info.name, n)
	}
	if n%info.blockSize != 0 {
		return 0, fmt.Errorf("%s: length %d is not a multiple of the block size %d", info.name, n, info.blockSize)
	}
	return n / info.blockSize * info.blockBytes, nil
}

// ParseDType accepts a type name in any case ("q8_0", "F16").
func ParseDType(s string) (DType, error) {
	for t, info := range dtypes {
		if strings.EqualFold(info.name, s) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tensor type %q", s)
}
