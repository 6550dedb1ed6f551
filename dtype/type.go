// Package dtype is the vocabulary of GGUF tensor element types: the type
// ids files store, their block geometry, their names, and the binary16 and
// bfloat16 conversions the formats are built on. It is a leaf, so that the
// file format (package gguf) can name types without linking the kernels.
package dtype

import (
	"fmt"
	"strings"
)

// Type is a tensor element type. Its values are the type ids GGUF files
// store (ggml's enum ggml_type), so a Type read from a file needs no
// translation.
type Type uint32

// The GGUF type ids. Gaps are ids that ggml retired; files carrying them
// are refused.
const (
	F32     Type = 0
	F16     Type = 1
	Q4_0    Type = 2
	Q4_1    Type = 3
	Q5_0    Type = 6
	Q5_1    Type = 7
	Q8_0    Type = 8
	Q8_1    Type = 9
	Q2_K    Type = 10
	Q3_K    Type = 11
	Q4_K    Type = 12
	Q5_K    Type = 13
	Q6_K    Type = 14
	Q8_K    Type = 15
	IQ2_XXS Type = 16
	IQ2_XS  Type = 17
	IQ3_XXS Type = 18
	IQ1_S   Type = 19
	IQ4_NL  Type = 20
	IQ3_S   Type = 21
	IQ2_S   Type = 22
	IQ4_XS  Type = 23
	I8      Type = 24
	I16     Type = 25
	I32     Type = 26
	I64     Type = 27
	F64     Type = 28
	IQ1_M   Type = 29
	BF16    Type = 30
	TQ1_0   Type = 34
	TQ2_0   Type = 35
	MXFP4   Type = 39
)

// QK is the block length of the 32-value formats; QKK that of the K-quants.
const (
	QK  = 32
	QKK = 256
)

// The sizes in bytes of one block of the formats the kernels compute with
// (package lcrun's quant_layout.go lays their fields out), as the sums of
// those fields.
const (
	BlockQ4_0Bytes = 2 + QK/2
	BlockQ4_1Bytes = 4 + QK/2
	BlockQ5_0Bytes = 2 + 4 + QK/2
	BlockQ5_1Bytes = 4 + 4 + QK/2
	BlockQ8_0Bytes = 2 + QK
	BlockQ8_1Bytes = 4 + QK
	BlockQ2_KBytes = QKK/16 + QKK/4 + 4
	BlockQ3_KBytes = QKK/8 + QKK/4 + 12 + 2
	BlockQ4_KBytes = 4 + 12 + QKK/2
	BlockQ5_KBytes = 4 + 12 + QKK/8 + QKK/2
	BlockQ6_KBytes = QKK/2 + QKK/4 + QKK/16 + 2
	BlockQ8_KBytes = 4 + QKK + QKK/16*2
)

// The ternary formats' block sizes: TQ1_0 packs five values per byte for
// 240 values and four per byte for the last 16, TQ2_0 four per byte.
const (
	BlockTQ1_0Bytes = (QKK-4*QKK/64)/5 + QKK/64 + 2
	BlockTQ2_0Bytes = QKK/4 + 2
)

// The non-linear 4-bit formats: 16-entry value tables indexed by nibbles,
// with an f16 scale (IQ4_NL), 6-bit sub-scales under an f16 super-scale
// (IQ4_XS), or a power-of-two e8m0 exponent (MXFP4).
const (
	BlockIQ4_NLBytes = 2 + QK/2
	BlockIQ4_XSBytes = 2 + 2 + QKK/64 + QKK/2
	BlockMXFP4Bytes  = 1 + QK/2
)

type typeInfo struct {
	name       string
	blockSize  int // values per block
	blockBytes int // bytes per block
}

// types holds the block geometry of every type a GGUF file may name, so
// that files with types we cannot compute with can still be listed and
// bounds-checked.
var types = map[Type]typeInfo{
	F32:     {"F32", 1, 4},
	F16:     {"F16", 1, 2},
	Q4_0:    {"Q4_0", QK, BlockQ4_0Bytes},
	Q4_1:    {"Q4_1", QK, BlockQ4_1Bytes},
	Q5_0:    {"Q5_0", QK, BlockQ5_0Bytes},
	Q5_1:    {"Q5_1", QK, BlockQ5_1Bytes},
	Q8_0:    {"Q8_0", QK, BlockQ8_0Bytes},
	Q8_1:    {"Q8_1", QK, BlockQ8_1Bytes},
	Q2_K:    {"Q2_K", QKK, BlockQ2_KBytes},
	Q3_K:    {"Q3_K", QKK, BlockQ3_KBytes},
	Q4_K:    {"Q4_K", QKK, BlockQ4_KBytes},
	Q5_K:    {"Q5_K", QKK, BlockQ5_KBytes},
	Q6_K:    {"Q6_K", QKK, BlockQ6_KBytes},
	Q8_K:    {"Q8_K", QKK, BlockQ8_KBytes},
	IQ2_XXS: {"IQ2_XXS", QKK, 2 + QKK/8*2},
	IQ2_XS:  {"IQ2_XS", QKK, 2 + QKK/8*2 + QKK/32},
	IQ3_XXS: {"IQ3_XXS", QKK, 2 + 3*QKK/8},
	IQ1_S:   {"IQ1_S", QKK, 2 + QKK/8 + QKK/16},
	IQ4_NL:  {"IQ4_NL", QK, BlockIQ4_NLBytes},
	IQ3_S:   {"IQ3_S", QKK, 2 + QKK/4 + QKK/32 + QKK/8 + QKK/64},
	IQ2_S:   {"IQ2_S", QKK, 2 + QKK/4 + QKK/16},
	IQ4_XS:  {"IQ4_XS", QKK, BlockIQ4_XSBytes},
	I8:      {"I8", 1, 1},
	I16:     {"I16", 1, 2},
	I32:     {"I32", 1, 4},
	I64:     {"I64", 1, 8},
	F64:     {"F64", 1, 8},
	IQ1_M:   {"IQ1_M", QKK, QKK/8 + QKK/16 + QKK/32},
	BF16:    {"BF16", 1, 2},
	TQ1_0:   {"TQ1_0", QKK, BlockTQ1_0Bytes},
	TQ2_0:   {"TQ2_0", QKK, BlockTQ2_0Bytes},
	MXFP4:   {"MXFP4", QK, BlockMXFP4Bytes},
}

// Known reports whether t is a type id a GGUF file may carry.
func (t Type) Known() bool {
	_, ok := types[t]
	return ok
}

// String returns ggml's name for t ("Q4_K"), or "type(N)" for unknown ids.
func (t Type) String() string {
	if info, ok := types[t]; ok {
		return info.name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// BlockSize is the number of values one block of t holds (1 for plain
// types); 0 for unknown ids.
func (t Type) BlockSize() int { return types[t].blockSize }

// BlockBytes is the size in bytes of one block of t; 0 for unknown ids.
func (t Type) BlockBytes() int { return types[t].blockBytes }

// Quantized reports whether t stores values in blocks of more than one.
func (t Type) Quantized() bool { return types[t].blockSize > 1 }

// RowBytes is the size in bytes of n consecutive values of type t. It
// fails for unknown types, negative n, and n that is not a whole number of
// blocks.
func (t Type) RowBytes(n int) (int, error) {
	info, ok := types[t]
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

// Parse accepts a type name in any case ("q8_0", "F16").
func Parse(s string) (Type, error) {
	for t, info := range types {
		if strings.EqualFold(info.name, s) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown tensor type %q", s)
}
