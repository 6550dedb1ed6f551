package lcrun

import "github.com/lcrun/lcrun/dtype"

// The element types live in package dtype, a leaf, so that the file format
// (package gguf) can name them without linking the kernels. The names here
// are the same types, constants and functions under lcrun's own names.

// DType is a tensor element type: the type id a GGUF file stores.
type DType = dtype.Type

// The GGUF type ids. Gaps are ids that ggml retired; files carrying them
// are refused.
const (
	F32     = dtype.F32
	F16     = dtype.F16
	Q4_0    = dtype.Q4_0
	Q4_1    = dtype.Q4_1
	Q5_0    = dtype.Q5_0
	Q5_1    = dtype.Q5_1
	Q8_0    = dtype.Q8_0
	Q8_1    = dtype.Q8_1
	Q2_K    = dtype.Q2_K
	Q3_K    = dtype.Q3_K
	Q4_K    = dtype.Q4_K
	Q5_K    = dtype.Q5_K
	Q6_K    = dtype.Q6_K
	Q8_K    = dtype.Q8_K
	IQ2_XXS = dtype.IQ2_XXS
	IQ2_XS  = dtype.IQ2_XS
	IQ3_XXS = dtype.IQ3_XXS
	IQ1_S   = dtype.IQ1_S
	IQ4_NL  = dtype.IQ4_NL
	IQ3_S   = dtype.IQ3_S
	IQ2_S   = dtype.IQ2_S
	IQ4_XS  = dtype.IQ4_XS
	I8      = dtype.I8
	I16     = dtype.I16
	I32     = dtype.I32
	I64     = dtype.I64
	F64     = dtype.F64
	IQ1_M   = dtype.IQ1_M
	BF16    = dtype.BF16
	TQ1_0   = dtype.TQ1_0
	TQ2_0   = dtype.TQ2_0
	MXFP4   = dtype.MXFP4
)

// QK is the block length of the 32-value formats; QKK that of the K-quants.
const (
	QK  = dtype.QK
	QKK = dtype.QKK
)

// ParseDType accepts a type name in any case ("q8_0", "F16").
func ParseDType(s string) (DType, error) { return dtype.Parse(s) }

// The half conversions are forwards the compiler inlines, so the plain-Go
// kernels that call them per element pay what a direct call costs.

// F16ToF32 widens an IEEE 754 binary16 value, exactly for every input.
func F16ToF32(h uint16) float32 { return dtype.F16ToF32(h) }

// F32ToF16 narrows to binary16 with round-to-nearest-even, as F16C's
// VCVTPS2PH and ggml do: overflow gives Inf, NaN stays NaN (quiet).
func F32ToF16(f float32) uint16 { return dtype.F32ToF16(f) }

// BF16ToF32 widens a bfloat16 value (the top half of a float32).
func BF16ToF32(h uint16) float32 { return dtype.BF16ToF32(h) }

// F32ToBF16 narrows with round-to-nearest-even; NaN stays NaN.
func F32ToBF16(f float32) uint16 { return dtype.F32ToBF16(f) }
