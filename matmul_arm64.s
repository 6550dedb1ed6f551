//go:build !purego && !noasm

#include "textflag.h"
#include "matmul_arm64.h"

// NEON micro-tiles of the float matrix product (matmul_arm64.go has the Go
// loop): 4 rows of W by 4 activation rows, one 4-lane accumulator per pair
// (each lane a partial dot product over k, added up at the end), and a
// 4-row by 1-column form for the decode GEMV. Rows and columns past rows
// and cols read the last real one again (in bounds); their sums are not
// stored. F16 and BF16 weights are widened in registers as they are
// loaded. WORD-encoded instructions carry the GNU form as the comment
// (.ci/armwords.go checks them). Requires: ASIMD.

#define ZERO16 \
	VEOR V16.B16, V16.B16, V16.B16 \
	VEOR V17.B16, V17.B16, V17.B16 \
	VEOR V18.B16, V18.B16, V18.B16 \
	VEOR V19.B16, V19.B16, V19.B16 \
	VEOR V20.B16, V20.B16, V20.B16 \
	VEOR V21.B16, V21.B16, V21.B16 \
	VEOR V22.B16, V22.B16, V22.B16 \
	VEOR V23.B16, V23.B16, V23.B16 \
	VEOR V24.B16, V24.B16, V24.B16 \
	VEOR V25.B16, V25.B16, V25.B16 \
	VEOR V26.B16, V26.B16, V26.B16 \
	VEOR V27.B16, V27.B16, V27.B16 \
	VEOR V28.B16, V28.B16, V28.B16 \
	VEOR V29.B16, V29.B16, V29.B16 \
	VEOR V30.B16, V30.B16, V30.B16 \
	VEOR V31.B16, V31.B16, V31.B16

// FMA4x4(A0, A1, A2, A3, B0, B1, B2, B3): accumulator V(16+4i+j) += Ai*Bj,
// Ai the values of W row i, Bj those of activation row j.
#define FMA4x4(A0, A1, A2, A3, B0, B1, B2, B3) \
	VFMLA B0.S4, A0.S4, V16.S4 \
	VFMLA B1.S4, A0.S4, V17.S4 \
	VFMLA B2.S4, A0.S4, V18.S4 \
	VFMLA B3.S4, A0.S4, V19.S4 \
	VFMLA B0.S4, A1.S4, V20.S4 \
	VFMLA B1.S4, A1.S4, V21.S4 \
	VFMLA B2.S4, A1.S4, V22.S4 \
	VFMLA B3.S4, A1.S4, V23.S4 \
	VFMLA B0.S4, A2.S4, V24.S4 \
	VFMLA B1.S4, A2.S4, V25.S4 \
	VFMLA B2.S4, A2.S4, V26.S4 \
	VFMLA B3.S4, A2.S4, V27.S4 \
	VFMLA B0.S4, A3.S4, V28.S4 \
	VFMLA B1.S4, A3.S4, V29.S4 \
	VFMLA B2.S4, A3.S4, V30.S4 \
	VFMLA B3.S4, A3.S4, V31.S4

// REDUCE4x4 sums the lanes of the 16 accumulators: V0..V3 = columns 0..3,
// lane i = row i.
#define REDUCE4x4 \
	WORD $0x6e34d600; /* faddp v0.4s, v16.4s, v20.4s */ \
	WORD $0x6e3cd704; /* faddp v4.4s, v24.4s, v28.4s */ \
	WORD $0x6e24d400; /* faddp v0.4s, v0.4s, v4.4s */ \
	WORD $0x6e35d621; /* faddp v1.4s, v17.4s, v21.4s */ \
	WORD $0x6e3dd724; /* faddp v4.4s, v25.4s, v29.4s */ \
	WORD $0x6e24d421; /* faddp v1.4s, v1.4s, v4.4s */ \
	WORD $0x6e36d642; /* faddp v2.4s, v18.4s, v22.4s */ \
	WORD $0x6e3ed744; /* faddp v4.4s, v26.4s, v30.4s */ \
	WORD $0x6e24d442; /* faddp v2.4s, v2.4s, v4.4s */ \
	WORD $0x6e37d663; /* faddp v3.4s, v19.4s, v23.4s */ \
	WORD $0x6e3fd764; /* faddp v4.4s, v27.4s, v31.4s */ \
	WORD $0x6e24d463; /* faddp v3.4s, v3.4s, v4.4s */

// REDUCE4x1 sums the GEMV accumulators (row i in V(16+2i), V(17+2i)) into
// V0, lane i = row i.
#define REDUCE4x1 \
	WORD $0x4e31d610; /* fadd v16.4s, v16.4s, v17.4s */ \
	WORD $0x4e33d652; /* fadd v18.4s, v18.4s, v19.4s */ \
	WORD $0x4e35d694; /* fadd v20.4s, v20.4s, v21.4s */ \
	WORD $0x4e37d6d6; /* fadd v22.4s, v22.4s, v23.4s */ \
	WORD $0x6e32d600; /* faddp v0.4s, v16.4s, v18.4s */ \
	WORD $0x6e36d681; /* faddp v1.4s, v20.4s, v22.4s */ \
	WORD $0x6e21d400; /* faddp v0.4s, v0.4s, v1.4s */

// func matmulF32NEON(dst []float32, ldd int, w []float32, ldw int, x []float32, ldx int, k, rows, cols int)
TEXT ·matmulF32NEON(SB), NOSPLIT, $0-120
	TILE_ARGS(2, 2)
	ZERO16
	CMP $1, R12
	BEQ gemv

loop4:
	CMP    $4, R10
	BLT    loop1
	VLD1.P 16(R2), [V0.S4]
	VLD1.P 16(R3), [V1.S4]
	VLD1.P 16(R4), [V2.S4]
	VLD1.P 16(R5), [V3.S4]
	VLD1.P 16(R6), [V4.S4]
	VLD1.P 16(R7), [V5.S4]
	VLD1.P 16(R8), [V6.S4]
	VLD1.P 16(R9), [V7.S4]
	FMA4x4(V0, V1, V2, V3, V4, V5, V6, V7)
	SUB    $4, R10
	B      loop4

loop1:
	// One value per row in lane 0; the other lanes load as zero.
	CBZ     R10, reduce
	FMOVS.P 4(R2), F0
	FMOVS.P 4(R3), F1
	FMOVS.P 4(R4), F2
	FMOVS.P 4(R5), F3
	FMOVS.P 4(R6), F4
	FMOVS.P 4(R7), F5
	FMOVS.P 4(R8), F6
	FMOVS.P 4(R9), F7
	FMA4x4(V0, V1, V2, V3, V4, V5, V6, V7)
	SUB     $1, R10
	B       loop1

reduce:
	REDUCE4x4
	B store

gemv:
	// Two accumulators per row, eight values per pass.
	CMP    $8, R10
	BLT    gemv4
	VLD1.P 32(R2), [V0.S4, V1.S4]
	VLD1.P 32(R3), [V2.S4, V3.S4]
	VLD1.P 32(R4), [V4.S4, V5.S4]
	VLD1.P 32(R5), [V6.S4, V7.S4]
	VLD1.P 32(R6), [V8.S4, V9.S4]
	VFMLA  V8.S4, V0.S4, V16.S4
	VFMLA  V9.S4, V1.S4, V17.S4
	VFMLA  V8.S4, V2.S4, V18.S4
	VFMLA  V9.S4, V3.S4, V19.S4
	VFMLA  V8.S4, V4.S4, V20.S4
	VFMLA  V9.S4, V5.S4, V21.S4
	VFMLA  V8.S4, V6.S4, V22.S4
	VFMLA  V9.S4, V7.S4, V23.S4
	SUB    $8, R10
	B      gemv

gemv4:
	CMP    $4, R10
	BLT    gemv1
	VLD1.P 16(R2), [V0.S4]
	VLD1.P 16(R3), [V2.S4]
	VLD1.P 16(R4), [V4.S4]
	VLD1.P 16(R5), [V6.S4]
	VLD1.P 16(R6), [V8.S4]
	VFMLA  V8.S4, V0.S4, V16.S4
	VFMLA  V8.S4, V2.S4, V18.S4
	VFMLA  V8.S4, V4.S4, V20.S4
	VFMLA  V8.S4, V6.S4, V22.S4
	SUB    $4, R10

gemv1:
	CBZ     R10, gemvreduce
	FMOVS.P 4(R2), F0
	FMOVS.P 4(R3), F2
	FMOVS.P 4(R4), F4
	FMOVS.P 4(R5), F6
	FMOVS.P 4(R6), F8
	VFMLA   V8.S4, V0.S4, V16.S4
	VFMLA   V8.S4, V2.S4, V18.S4
	VFMLA   V8.S4, V4.S4, V20.S4
	VFMLA   V8.S4, V6.S4, V22.S4
	SUB     $1, R10
	B       gemv1

gemvreduce:
	REDUCE4x1
	STORE

// Widening of 16-bit W rows held raw in V0, V2, V4, V6: CVT8 turns the
// eight values of each into V(2i) (values 0..3) and V(2i+1) (4..7);
// CVT4 the low four in place.
#define F16CVT8 \
	WORD $0x4e217801; /* fcvtl2 v1.4s, v0.8h */ \
	WORD $0x0e217800; /* fcvtl v0.4s, v0.4h */ \
	WORD $0x4e217843; /* fcvtl2 v3.4s, v2.8h */ \
	WORD $0x0e217842; /* fcvtl v2.4s, v2.4h */ \
	WORD $0x4e217885; /* fcvtl2 v5.4s, v4.8h */ \
	WORD $0x0e217884; /* fcvtl v4.4s, v4.4h */ \
	WORD $0x4e2178c7; /* fcvtl2 v7.4s, v6.8h */ \
	WORD $0x0e2178c6; /* fcvtl v6.4s, v6.4h */

#define F16CVT4 \
	WORD $0x0e217800; /* fcvtl v0.4s, v0.4h */ \
	WORD $0x0e217842; /* fcvtl v2.4s, v2.4h */ \
	WORD $0x0e217884; /* fcvtl v4.4s, v4.4h */ \
	WORD $0x0e2178c6; /* fcvtl v6.4s, v6.4h */

// bfloat16 is the top half of a float32: shift each value up by 16.
#define BF16CVT8 \
	WORD $0x6e613801; /* shll2 v1.4s, v0.8h, #16 */ \
	WORD $0x2e613800; /* shll v0.4s, v0.4h, #16 */ \
	WORD $0x6e613843; /* shll2 v3.4s, v2.8h, #16 */ \
	WORD $0x2e613842; /* shll v2.4s, v2.4h, #16 */ \
	WORD $0x6e613885; /* shll2 v5.4s, v4.8h, #16 */ \
	WORD $0x2e613884; /* shll v4.4s, v4.4h, #16 */ \
	WORD $0x6e6138c7; /* shll2 v7.4s, v6.8h, #16 */ \
	WORD $0x2e6138c6; /* shll v6.4s, v6.4h, #16 */

#define BF16CVT4 \
	WORD $0x2e613800; /* shll v0.4s, v0.4h, #16 */ \
	WORD $0x2e613842; /* shll v2.4s, v2.4h, #16 */ \
	WORD $0x2e613884; /* shll v4.4s, v4.4h, #16 */ \
	WORD $0x2e6138c6; /* shll v6.4s, v6.4h, #16 */

// HALFTILE is the body of a tile with 16-bit W values widened by CVT8 and
// CVT4: W row i in V(2i), V(2i+1), activation row j in V(8+2j), V(9+2j).
#define HALFTILE(CVT8, CVT4) \
	TILE_ARGS(1, 2)                                \
	ZERO16                                         \
	CMP    $1, R12                                 \
	BEQ    gemv                                    \
loop8:                                             \
	CMP    $8, R10                                 \
	BLT    loop4                                   \
	VLD1.P 16(R2), [V0.H8]                         \
	VLD1.P 16(R3), [V2.H8]                         \
	VLD1.P 16(R4), [V4.H8]                         \
	VLD1.P 16(R5), [V6.H8]                         \
	CVT8                                           \
	VLD1.P 32(R6), [V8.S4, V9.S4]                  \
	VLD1.P 32(R7), [V10.S4, V11.S4]                \
	VLD1.P 32(R8), [V12.S4, V13.S4]                \
	VLD1.P 32(R9), [V14.S4, V15.S4]                \
	FMA4x4(V0, V2, V4, V6, V8, V10, V12, V14)      \
	FMA4x4(V1, V3, V5, V7, V9, V11, V13, V15)      \
	SUB    $8, R10                                 \
	B      loop8                                   \
loop4:                                             \
	CMP    $4, R10                                 \
	BLT    loop1                                   \
	FMOVD.P 8(R2), F0                              \
	FMOVD.P 8(R3), F2                              \
	FMOVD.P 8(R4), F4                              \
	FMOVD.P 8(R5), F6                              \
	CVT4                                           \
	VLD1.P 16(R6), [V8.S4]                         \
	VLD1.P 16(R7), [V10.S4]                        \
	VLD1.P 16(R8), [V12.S4]                        \
	VLD1.P 16(R9), [V14.S4]                        \
	FMA4x4(V0, V2, V4, V6, V8, V10, V12, V14)      \
	SUB    $4, R10                                 \
loop1:                                             \
	CBZ    R10, reduce                             \
	VEOR   V0.B16, V0.B16, V0.B16                  \
	VEOR   V2.B16, V2.B16, V2.B16                  \
	VEOR   V4.B16, V4.B16, V4.B16                  \
	VEOR   V6.B16, V6.B16, V6.B16                  \
	VLD1.P 2(R2), V0.H[0]                          \
	VLD1.P 2(R3), V2.H[0]                          \
	VLD1.P 2(R4), V4.H[0]                          \
	VLD1.P 2(R5), V6.H[0]                          \
	CVT4                                           \
	FMOVS.P 4(R6), F8                              \
	FMOVS.P 4(R7), F10                             \
	FMOVS.P 4(R8), F12                             \
	FMOVS.P 4(R9), F14                             \
	FMA4x4(V0, V2, V4, V6, V8, V10, V12, V14)      \
	SUB    $1, R10                                 \
	B      loop1                                   \
reduce:                                            \
	REDUCE4x4                                      \
	B      store                                   \
gemv:                                              \
	CMP    $8, R10                                 \
	BLT    gemv4                                   \
	VLD1.P 16(R2), [V0.H8]                         \
	VLD1.P 16(R3), [V2.H8]                         \
	VLD1.P 16(R4), [V4.H8]                         \
	VLD1.P 16(R5), [V6.H8]                         \
	CVT8                                           \
	VLD1.P 32(R6), [V8.S4, V9.S4]                  \
	VFMLA  V8.S4, V0.S4, V16.S4                    \
	VFMLA  V9.S4, V1.S4, V17.S4                    \
	VFMLA  V8.S4, V2.S4, V18.S4                    \
	VFMLA  V9.S4, V3.S4, V19.S4                    \
	VFMLA  V8.S4, V4.S4, V20.S4                    \
	VFMLA  V9.S4, V5.S4, V21.S4                    \
	VFMLA  V8.S4, V6.S4, V22.S4                    \
	VFMLA  V9.S4, V7.S4, V23.S4                    \
	SUB    $8, R10                                 \
	B      gemv                                    \
gemv4:                                             \
	CMP    $4, R10                                 \
	BLT    gemv1                                   \
	FMOVD.P 8(R2), F0                              \
	FMOVD.P 8(R3), F2                              \
	FMOVD.P 8(R4), F4                              \
	FMOVD.P 8(R5), F6                              \
	CVT4                                           \
	VLD1.P 16(R6), [V8.S4]                         \
	VFMLA  V8.S4, V0.S4, V16.S4                    \
	VFMLA  V8.S4, V2.S4, V18.S4                    \
	VFMLA  V8.S4, V4.S4, V20.S4                    \
	VFMLA  V8.S4, V6.S4, V22.S4                    \
	SUB    $4, R10                                 \
gemv1:                                             \
	CBZ    R10, gemvreduce                         \
	VEOR   V0.B16, V0.B16, V0.B16                  \
	VEOR   V2.B16, V2.B16, V2.B16                  \
	VEOR   V4.B16, V4.B16, V4.B16                  \
	VEOR   V6.B16, V6.B16, V6.B16                  \
	VLD1.P 2(R2), V0.H[0]                          \
	VLD1.P 2(R3), V2.H[0]                          \
	VLD1.P 2(R4), V4.H[0]                          \
	VLD1.P 2(R5), V6.H[0]                          \
	CVT4                                           \
	FMOVS.P 4(R6), F8                              \
	VFMLA  V8.S4, V0.S4, V16.S4                    \
	VFMLA  V8.S4, V2.S4, V18.S4                    \
	VFMLA  V8.S4, V4.S4, V20.S4                    \
	VFMLA  V8.S4, V6.S4, V22.S4                    \
	SUB    $1, R10                                 \
	B      gemv1                                   \
gemvreduce:                                        \
	REDUCE4x1                                      \
	STORE

// func matmulF16NEON(dst []float32, ldd int, w []uint16, ldw int, x []float32, ldx int, k, rows, cols int)
TEXT ·matmulF16NEON(SB), NOSPLIT, $0-120
	HALFTILE(F16CVT8, F16CVT4)

// func matmulBF16NEON(dst []float32, ldd int, w []uint16, ldw int, x []float32, ldx int, k, rows, cols int)
TEXT ·matmulBF16NEON(SB), NOSPLIT, $0-120
	HALFTILE(BF16CVT8, BF16CVT4)
