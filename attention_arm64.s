//go:build !purego && !noasm

#include "textflag.h"

// NEON kernels of attention.go (attention_arm64.go has their Go loops and
// the drivers), in three parts: the p.V tiles over a float32 cache, and
// the decode kernels over an f16 and over a Q8_0 cache. WORD-encoded
// instructions carry the GNU form as the comment (.ci/armwords.go checks
// them). Requires: ASIMD.

// The p.V tiles: up to 4 probability rows by 16 (or 4) output columns,
// keys four at a time with the probabilities of each row in one vector
// (FMLA by element). Rows past rows read the last one again and store the
// same values to the same place.

// CLAMP_ROWS sets the output rows R0..R3 (stride R13) and probability rows
// R4..R7 (stride R14), repeating the last of R11 rows.
#define CLAMP_ROWS \
	CMP  $1, R11         \
	ADD  R13, R0, R1     \
	CSEL GT, R1, R0, R1  \
	ADD  R14, R4, R5     \
	CSEL GT, R5, R4, R5  \
	CMP  $2, R11         \
	ADD  R13, R1, R2     \
	CSEL GT, R2, R1, R2  \
	ADD  R14, R5, R6     \
	CSEL GT, R6, R5, R6  \
	CMP  $3, R11         \
	ADD  R13, R2, R3     \
	CSEL GT, R3, R2, R3  \
	ADD  R14, R6, R7     \
	CSEL GT, R7, R6, R7

// func pvTile16NEON(o []float32, ldo int, p []float32, ldp int, v []float32, ldv int, rows, nk int)
TEXT ·pvTile16NEON(SB), NOSPLIT, $0-112
	MOVD o_base+0(FP), R0
	MOVD ldo+24(FP), R13
	LSL  $2, R13
	MOVD p_base+32(FP), R4
	MOVD ldp+56(FP), R14
	LSL  $2, R14
	MOVD v_base+64(FP), R8
	MOVD ldv+88(FP), R9
	LSL  $2, R9
	MOVD rows+96(FP), R11
	MOVD nk+104(FP), R12
	CLAMP_ROWS
	CMP  $1, R11
	BEQ  row
	VLD1 (R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1 (R1), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1 (R2), [V24.S4, V25.S4, V26.S4, V27.S4]
	VLD1 (R3), [V28.S4, V29.S4, V30.S4, V31.S4]

keys4:
	// p[i][j..j+3] in V0..V3; value rows j..j+3 in V4..V7, V8..V11 in turn.
	CMP    $4, R12
	BLT    keys1
	VLD1.P 16(R4), [V0.S4]
	VLD1.P 16(R5), [V1.S4]
	VLD1.P 16(R6), [V2.S4]
	VLD1.P 16(R7), [V3.S4]
	VLD1   (R8), [V4.S4, V5.S4, V6.S4, V7.S4]
	ADD    R9, R8
	WORD $0x4f801090 // fmla v16.4s, v4.4s, v0.s[0]
	WORD $0x4f8010b1 // fmla v17.4s, v5.4s, v0.s[0]
	WORD $0x4f8010d2 // fmla v18.4s, v6.4s, v0.s[0]
	WORD $0x4f8010f3 // fmla v19.4s, v7.4s, v0.s[0]
	WORD $0x4f811094 // fmla v20.4s, v4.4s, v1.s[0]
	WORD $0x4f8110b5 // fmla v21.4s, v5.4s, v1.s[0]
	WORD $0x4f8110d6 // fmla v22.4s, v6.4s, v1.s[0]
	WORD $0x4f8110f7 // fmla v23.4s, v7.4s, v1.s[0]
	WORD $0x4f821098 // fmla v24.4s, v4.4s, v2.s[0]
	WORD $0x4f8210b9 // fmla v25.4s, v5.4s, v2.s[0]
	WORD $0x4f8210da // fmla v26.4s, v6.4s, v2.s[0]
	WORD $0x4f8210fb // fmla v27.4s, v7.4s, v2.s[0]
	WORD $0x4f83109c // fmla v28.4s, v4.4s, v3.s[0]
	WORD $0x4f8310bd // fmla v29.4s, v5.4s, v3.s[0]
	WORD $0x4f8310de // fmla v30.4s, v6.4s, v3.s[0]
	WORD $0x4f8310ff // fmla v31.4s, v7.4s, v3.s[0]
	VLD1   (R8), [V8.S4, V9.S4, V10.S4, V11.S4]
	ADD    R9, R8
	WORD $0x4fa01110 // fmla v16.4s, v8.4s, v0.s[1]
	WORD $0x4fa01131 // fmla v17.4s, v9.4s, v0.s[1]
	WORD $0x4fa01152 // fmla v18.4s, v10.4s, v0.s[1]
	WORD $0x4fa01173 // fmla v19.4s, v11.4s, v0.s[1]
	WORD $0x4fa11114 // fmla v20.4s, v8.4s, v1.s[1]
	WORD $0x4fa11135 // fmla v21.4s, v9.4s, v1.s[1]
	WORD $0x4fa11156 // fmla v22.4s, v10.4s, v1.s[1]
	WORD $0x4fa11177 // fmla v23.4s, v11.4s, v1.s[1]
	WORD $0x4fa21118 // fmla v24.4s, v8.4s, v2.s[1]
	WORD $0x4fa21139 // fmla v25.4s, v9.4s, v2.s[1]
	WORD $0x4fa2115a // fmla v26.4s, v10.4s, v2.s[1]
	WORD $0x4fa2117b // fmla v27.4s, v11.4s, v2.s[1]
	WORD $0x4fa3111c // fmla v28.4s, v8.4s, v3.s[1]
	WORD $0x4fa3113d // fmla v29.4s, v9.4s, v3.s[1]
	WORD $0x4fa3115e // fmla v30.4s, v10.4s, v3.s[1]
	WORD $0x4fa3117f // fmla v31.4s, v11.4s, v3.s[1]
	VLD1   (R8), [V4.S4, V5.S4, V6.S4, V7.S4]
	ADD    R9, R8
	WORD $0x4f801890 // fmla v16.4s, v4.4s, v0.s[2]
	WORD $0x4f8018b1 // fmla v17.4s, v5.4s, v0.s[2]
	WORD $0x4f8018d2 // fmla v18.4s, v6.4s, v0.s[2]
	WORD $0x4f8018f3 // fmla v19.4s, v7.4s, v0.s[2]
	WORD $0x4f811894 // fmla v20.4s, v4.4s, v1.s[2]
	WORD $0x4f8118b5 // fmla v21.4s, v5.4s, v1.s[2]
	WORD $0x4f8118d6 // fmla v22.4s, v6.4s, v1.s[2]
	WORD $0x4f8118f7 // fmla v23.4s, v7.4s, v1.s[2]
	WORD $0x4f821898 // fmla v24.4s, v4.4s, v2.s[2]
	WORD $0x4f8218b9 // fmla v25.4s, v5.4s, v2.s[2]
	WORD $0x4f8218da // fmla v26.4s, v6.4s, v2.s[2]
	WORD $0x4f8218fb // fmla v27.4s, v7.4s, v2.s[2]
	WORD $0x4f83189c // fmla v28.4s, v4.4s, v3.s[2]
	WORD $0x4f8318bd // fmla v29.4s, v5.4s, v3.s[2]
	WORD $0x4f8318de // fmla v30.4s, v6.4s, v3.s[2]
	WORD $0x4f8318ff // fmla v31.4s, v7.4s, v3.s[2]
	VLD1   (R8), [V8.S4, V9.S4, V10.S4, V11.S4]
	ADD    R9, R8
	WORD $0x4fa01910 // fmla v16.4s, v8.4s, v0.s[3]
	WORD $0x4fa01931 // fmla v17.4s, v9.4s, v0.s[3]
	WORD $0x4fa01952 // fmla v18.4s, v10.4s, v0.s[3]
	WORD $0x4fa01973 // fmla v19.4s, v11.4s, v0.s[3]
	WORD $0x4fa11914 // fmla v20.4s, v8.4s, v1.s[3]
	WORD $0x4fa11935 // fmla v21.4s, v9.4s, v1.s[3]
	WORD $0x4fa11956 // fmla v22.4s, v10.4s, v1.s[3]
	WORD $0x4fa11977 // fmla v23.4s, v11.4s, v1.s[3]
	WORD $0x4fa21918 // fmla v24.4s, v8.4s, v2.s[3]
	WORD $0x4fa21939 // fmla v25.4s, v9.4s, v2.s[3]
	WORD $0x4fa2195a // fmla v26.4s, v10.4s, v2.s[3]
	WORD $0x4fa2197b // fmla v27.4s, v11.4s, v2.s[3]
	WORD $0x4fa3191c // fmla v28.4s, v8.4s, v3.s[3]
	WORD $0x4fa3193d // fmla v29.4s, v9.4s, v3.s[3]
	WORD $0x4fa3195e // fmla v30.4s, v10.4s, v3.s[3]
	WORD $0x4fa3197f // fmla v31.4s, v11.4s, v3.s[3]
	SUB    $4, R12
	B      keys4

keys1:
	CBZ     R12, store
	FMOVS.P 4(R4), F0
	FMOVS.P 4(R5), F1
	FMOVS.P 4(R6), F2
	FMOVS.P 4(R7), F3
	VLD1    (R8), [V4.S4, V5.S4, V6.S4, V7.S4]
	ADD     R9, R8
	WORD $0x4f801090 // fmla v16.4s, v4.4s, v0.s[0]
	WORD $0x4f8010b1 // fmla v17.4s, v5.4s, v0.s[0]
	WORD $0x4f8010d2 // fmla v18.4s, v6.4s, v0.s[0]
	WORD $0x4f8010f3 // fmla v19.4s, v7.4s, v0.s[0]
	WORD $0x4f811094 // fmla v20.4s, v4.4s, v1.s[0]
	WORD $0x4f8110b5 // fmla v21.4s, v5.4s, v1.s[0]
	WORD $0x4f8110d6 // fmla v22.4s, v6.4s, v1.s[0]
	WORD $0x4f8110f7 // fmla v23.4s, v7.4s, v1.s[0]
	WORD $0x4f821098 // fmla v24.4s, v4.4s, v2.s[0]
	WORD $0x4f8210b9 // fmla v25.4s, v5.4s, v2.s[0]
	WORD $0x4f8210da // fmla v26.4s, v6.4s, v2.s[0]
	WORD $0x4f8210fb // fmla v27.4s, v7.4s, v2.s[0]
	WORD $0x4f83109c // fmla v28.4s, v4.4s, v3.s[0]
	WORD $0x4f8310bd // fmla v29.4s, v5.4s, v3.s[0]
	WORD $0x4f8310de // fmla v30.4s, v6.4s, v3.s[0]
	WORD $0x4f8310ff // fmla v31.4s, v7.4s, v3.s[0]
	SUB     $1, R12
	B       keys1

store:
	// Rows past rows are copies of the last one: same values, same place.
	VST1 [V16.S4, V17.S4, V18.S4, V19.S4], (R0)
	VST1 [V20.S4, V21.S4, V22.S4, V23.S4], (R1)
	VST1 [V24.S4, V25.S4, V26.S4, V27.S4], (R2)
	VST1 [V28.S4, V29.S4, V30.S4, V31.S4], (R3)
	RET

row:
	// One row (decode without grouped heads): two sets of accumulators,
	// even and odd keys, to keep enough FMAs in flight.
	VLD1 (R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16

row4:
	CMP    $4, R12
	BLT    row1
	VLD1.P 16(R4), [V0.S4]
	VLD1   (R8), [V4.S4, V5.S4, V6.S4, V7.S4]
	ADD    R9, R8
	WORD $0x4f801090 // fmla v16.4s, v4.4s, v0.s[0]
	WORD $0x4f8010b1 // fmla v17.4s, v5.4s, v0.s[0]
	WORD $0x4f8010d2 // fmla v18.4s, v6.4s, v0.s[0]
	WORD $0x4f8010f3 // fmla v19.4s, v7.4s, v0.s[0]
	VLD1   (R8), [V8.S4, V9.S4, V10.S4, V11.S4]
	ADD    R9, R8
	WORD $0x4fa01114 // fmla v20.4s, v8.4s, v0.s[1]
	WORD $0x4fa01135 // fmla v21.4s, v9.4s, v0.s[1]
	WORD $0x4fa01156 // fmla v22.4s, v10.4s, v0.s[1]
	WORD $0x4fa01177 // fmla v23.4s, v11.4s, v0.s[1]
	VLD1   (R8), [V4.S4, V5.S4, V6.S4, V7.S4]
	ADD    R9, R8
	WORD $0x4f801890 // fmla v16.4s, v4.4s, v0.s[2]
	WORD $0x4f8018b1 // fmla v17.4s, v5.4s, v0.s[2]
	WORD $0x4f8018d2 // fmla v18.4s, v6.4s, v0.s[2]
	WORD $0x4f8018f3 // fmla v19.4s, v7.4s, v0.s[2]
	VLD1   (R8), [V8.S4, V9.S4, V10.S4, V11.S4]
	ADD    R9, R8
	WORD $0x4fa01914 // fmla v20.4s, v8.4s, v0.s[3]
	WORD $0x4fa01935 // fmla v21.4s, v9.4s, v0.s[3]
	WORD $0x4fa01956 // fmla v22.4s, v10.4s, v0.s[3]
	WORD $0x4fa01977 // fmla v23.4s, v11.4s, v0.s[3]
	SUB    $4, R12
	B      row4

row1:
	CBZ     R12, rowstore
	FMOVS.P 4(R4), F0
	VLD1    (R8), [V4.S4, V5.S4, V6.S4, V7.S4]
	ADD     R9, R8
	WORD $0x4f801090 // fmla v16.4s, v4.4s, v0.s[0]
	WORD $0x4f8010b1 // fmla v17.4s, v5.4s, v0.s[0]
	WORD $0x4f8010d2 // fmla v18.4s, v6.4s, v0.s[0]
	WORD $0x4f8010f3 // fmla v19.4s, v7.4s, v0.s[0]
	SUB     $1, R12
	B       row1

rowstore:
	WORD $0x4e34d610 // fadd v16.4s, v16.4s, v20.4s
	WORD $0x4e35d631 // fadd v17.4s, v17.4s, v21.4s
	WORD $0x4e36d652 // fadd v18.4s, v18.4s, v22.4s
	WORD $0x4e37d673 // fadd v19.4s, v19.4s, v23.4s
	VST1 [V16.S4, V17.S4, V18.S4, V19.S4], (R0)
	RET

// func pvTile4NEON(o []float32, ldo int, p []float32, ldp int, v []float32, ldv int, rows, nk int)
TEXT ·pvTile4NEON(SB), NOSPLIT, $0-112
	MOVD o_base+0(FP), R0
	MOVD ldo+24(FP), R13
	LSL  $2, R13
	MOVD p_base+32(FP), R4
	MOVD ldp+56(FP), R14
	LSL  $2, R14
	MOVD v_base+64(FP), R8
	MOVD ldv+88(FP), R9
	LSL  $2, R9
	MOVD rows+96(FP), R11
	MOVD nk+104(FP), R12
	CLAMP_ROWS
	VLD1 (R0), [V16.S4]
	VLD1 (R1), [V17.S4]
	VLD1 (R2), [V18.S4]
	VLD1 (R3), [V19.S4]

keys4:
	CMP    $4, R12
	BLT    keys1
	VLD1.P 16(R4), [V0.S4]
	VLD1.P 16(R5), [V1.S4]
	VLD1.P 16(R6), [V2.S4]
	VLD1.P 16(R7), [V3.S4]
	VLD1   (R8), [V4.S4]
	ADD    R9, R8
	WORD $0x4f801090 // fmla v16.4s, v4.4s, v0.s[0]
	WORD $0x4f811091 // fmla v17.4s, v4.4s, v1.s[0]
	WORD $0x4f821092 // fmla v18.4s, v4.4s, v2.s[0]
	WORD $0x4f831093 // fmla v19.4s, v4.4s, v3.s[0]
	VLD1   (R8), [V5.S4]
	ADD    R9, R8
	WORD $0x4fa010b0 // fmla v16.4s, v5.4s, v0.s[1]
	WORD $0x4fa110b1 // fmla v17.4s, v5.4s, v1.s[1]
	WORD $0x4fa210b2 // fmla v18.4s, v5.4s, v2.s[1]
	WORD $0x4fa310b3 // fmla v19.4s, v5.4s, v3.s[1]
	VLD1   (R8), [V6.S4]
	ADD    R9, R8
	WORD $0x4f8018d0 // fmla v16.4s, v6.4s, v0.s[2]
	WORD $0x4f8118d1 // fmla v17.4s, v6.4s, v1.s[2]
	WORD $0x4f8218d2 // fmla v18.4s, v6.4s, v2.s[2]
	WORD $0x4f8318d3 // fmla v19.4s, v6.4s, v3.s[2]
	VLD1   (R8), [V7.S4]
	ADD    R9, R8
	WORD $0x4fa018f0 // fmla v16.4s, v7.4s, v0.s[3]
	WORD $0x4fa118f1 // fmla v17.4s, v7.4s, v1.s[3]
	WORD $0x4fa218f2 // fmla v18.4s, v7.4s, v2.s[3]
	WORD $0x4fa318f3 // fmla v19.4s, v7.4s, v3.s[3]
	SUB    $4, R12
	B      keys4

keys1:
	CBZ     R12, store
	FMOVS.P 4(R4), F0
	FMOVS.P 4(R5), F1
	FMOVS.P 4(R6), F2
	FMOVS.P 4(R7), F3
	VLD1    (R8), [V4.S4]
	ADD     R9, R8
	WORD $0x4f801090 // fmla v16.4s, v4.4s, v0.s[0]
	WORD $0x4f811091 // fmla v17.4s, v4.4s, v1.s[0]
	WORD $0x4f821092 // fmla v18.4s, v4.4s, v2.s[0]
	WORD $0x4f831093 // fmla v19.4s, v4.4s, v3.s[0]
	SUB     $1, R12
	B       keys1

store:
	VST1 [V16.S4], (R0)
	VST1 [V17.S4], (R1)
	VST1 [V18.S4], (R2)
	VST1 [V19.S4], (R3)
	RET

// The f16 decode kernels (their drivers handle the last d%8 columns): each
// 8 halves are widened in registers with FCVTL/FCVTL2 and meet the float32
// side with FMLA.

// func qkF16NEON(s, q []float32, k []uint16, ldk int)
// s[j] = sum_c q[c]*f16(k[j*ldk+c]), len(q) a multiple of 8; the low and
// high four of each chunk of 8 go to separate accumulators.
TEXT ·qkF16NEON(SB), NOSPLIT, $0-80
	MOVD s_base+0(FP), R0
	MOVD s_len+8(FP), R1
	MOVD q_base+24(FP), R2
	MOVD q_len+32(FP), R3
	MOVD k_base+48(FP), R4
	MOVD ldk+72(FP), R5
	LSL  $1, R5

qkkey:
	CBZ  R1, qkdone
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	MOVD R2, R6
	MOVD R4, R7
	MOVD R3, R8

qkchunk:
	CBZ    R8, qksum
	VLD1.P 32(R6), [V0.S4, V1.S4]
	VLD1.P 16(R7), [V2.H8]
	WORD $0x0e217843 // fcvtl v3.4s, v2.4h
	WORD $0x4e217844 // fcvtl2 v4.4s, v2.8h
	WORD $0x4e20cc70 // fmla v16.4s, v3.4s, v0.4s
	WORD $0x4e21cc91 // fmla v17.4s, v4.4s, v1.4s
	SUB    $8, R8
	B      qkchunk

qksum:
	WORD    $0x4e31d610 // fadd v16.4s, v16.4s, v17.4s
	WORD    $0x6e30d610 // faddp v16.4s, v16.4s, v16.4s
	WORD    $0x7e30da10 // faddp s16, v16.2s
	FMOVS.P F16, 4(R0)
	ADD     R5, R4
	SUB     $1, R1
	B       qkkey

qkdone:
	RET

// func pvRowF16NEON(o, p []float32, v []uint16, ldv, nk, d int)
// o[c] += sum_j p[j]*f16(v[j*ldv+c]), d a multiple of 8: 16 columns at a
// time (four accumulators), then 8.
TEXT ·pvRowF16NEON(SB), NOSPLIT, $0-96
	MOVD o_base+0(FP), R0
	MOVD p_base+24(FP), R2
	MOVD v_base+48(FP), R8
	MOVD ldv+72(FP), R9
	LSL  $1, R9
	MOVD nk+80(FP), R1
	MOVD d+88(FP), R3

pvcols16:
	CMP  $16, R3
	BLT  pvcols8
	VLD1 (R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	MOVD R2, R4
	MOVD R8, R5
	MOVD R1, R6

pvkey16:
	CBZ     R6, pvstore16
	FMOVS.P 4(R4), F0
	VLD1    (R5), [V2.H8, V3.H8]
	ADD     R9, R5
	WORD $0x0e217844 // fcvtl v4.4s, v2.4h
	WORD $0x4e217845 // fcvtl2 v5.4s, v2.8h
	WORD $0x0e217866 // fcvtl v6.4s, v3.4h
	WORD $0x4e217867 // fcvtl2 v7.4s, v3.8h
	WORD $0x4f801090 // fmla v16.4s, v4.4s, v0.s[0]
	WORD $0x4f8010b1 // fmla v17.4s, v5.4s, v0.s[0]
	WORD $0x4f8010d2 // fmla v18.4s, v6.4s, v0.s[0]
	WORD $0x4f8010f3 // fmla v19.4s, v7.4s, v0.s[0]
	SUB     $1, R6
	B       pvkey16

pvstore16:
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0)
	ADD    $32, R8
	SUB    $16, R3
	B      pvcols16

pvcols8:
	CBZ  R3, pvdone
	VLD1 (R0), [V16.S4, V17.S4]
	MOVD R2, R4
	MOVD R8, R5
	MOVD R1, R6

pvkey8:
	CBZ     R6, pvstore8
	FMOVS.P 4(R4), F0
	VLD1    (R5), [V2.H8]
	ADD     R9, R5
	WORD $0x0e217844 // fcvtl v4.4s, v2.4h
	WORD $0x4e217845 // fcvtl2 v5.4s, v2.8h
	WORD $0x4f801090 // fmla v16.4s, v4.4s, v0.s[0]
	WORD $0x4f8010b1 // fmla v17.4s, v5.4s, v0.s[0]
	SUB     $1, R6
	B       pvkey8

pvstore8:
	VST1.P [V16.S4, V17.S4], 32(R0)
	ADD    $16, R8
	SUB    $8, R3
	B      pvcols8

pvdone:
	RET

// The Q8_0 decode kernels (their drivers handle a partial last block):
// each block of an f16 scale and 32 int8 values is widened in registers,
// int8 -> int16 -> int32 (SXTL) -> float32 (SCVTF).

// WIDEN_Q8 widens the 32 int8 values in V8, V9 to float32 in V24..V31.
#define WIDEN_Q8 \
	WORD $0x0f08a50a; /* sxtl v10.8h, v8.8b */ \
	WORD $0x4f08a50b; /* sxtl2 v11.8h, v8.16b */ \
	WORD $0x0f08a52c; /* sxtl v12.8h, v9.8b */ \
	WORD $0x4f08a52d; /* sxtl2 v13.8h, v9.16b */ \
	WORD $0x0f10a558; /* sxtl v24.4s, v10.4h */ \
	WORD $0x4f10a559; /* sxtl2 v25.4s, v10.8h */ \
	WORD $0x0f10a57a; /* sxtl v26.4s, v11.4h */ \
	WORD $0x4f10a57b; /* sxtl2 v27.4s, v11.8h */ \
	WORD $0x0f10a59c; /* sxtl v28.4s, v12.4h */ \
	WORD $0x4f10a59d; /* sxtl2 v29.4s, v12.8h */ \
	WORD $0x0f10a5be; /* sxtl v30.4s, v13.4h */ \
	WORD $0x4f10a5bf; /* sxtl2 v31.4s, v13.8h */ \
	WORD $0x4e21db18; /* scvtf v24.4s, v24.4s */ \
	WORD $0x4e21db39; /* scvtf v25.4s, v25.4s */ \
	WORD $0x4e21db5a; /* scvtf v26.4s, v26.4s */ \
	WORD $0x4e21db7b; /* scvtf v27.4s, v27.4s */ \
	WORD $0x4e21db9c; /* scvtf v28.4s, v28.4s */ \
	WORD $0x4e21dbbd; /* scvtf v29.4s, v29.4s */ \
	WORD $0x4e21dbde; /* scvtf v30.4s, v30.4s */ \
	WORD $0x4e21dbff /* scvtf v31.4s, v31.4s */

// func qkQ8NEON(s, q []float32, k []byte, ldk int)
// s[j] = sum_b scale_jb * sum_i q[32b+i]*int8(k_jb[i]), len(q) a multiple
// of 32, rows of ldk bytes; each block's sum is gathered in V17 and V18
// (alternate vectors) and scaled into V16.
TEXT ·qkQ8NEON(SB), NOSPLIT, $0-80
	MOVD s_base+0(FP), R0
	MOVD s_len+8(FP), R1
	MOVD q_base+24(FP), R2
	MOVD q_len+32(FP), R3
	MOVD k_base+48(FP), R4
	MOVD ldk+72(FP), R5

qkkey:
	CBZ  R1, qkdone
	VEOR V16.B16, V16.B16, V16.B16
	MOVD R2, R6
	MOVD R4, R7
	MOVD R3, R8

qkblock:
	CBZ     R8, qksum
	MOVHU.P 2(R7), R9
	VMOV    R9, V20.H[0]
	FCVTHS  F20, F21
	VLD1.P  64(R6), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P  64(R6), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P  32(R7), [V8.B16, V9.B16]
	WIDEN_Q8
	WORD $0x6e20df11 // fmul v17.4s, v24.4s, v0.4s
	WORD $0x6e21df32 // fmul v18.4s, v25.4s, v1.4s
	WORD $0x4e22cf51 // fmla v17.4s, v26.4s, v2.4s
	WORD $0x4e23cf72 // fmla v18.4s, v27.4s, v3.4s
	WORD $0x4e24cf91 // fmla v17.4s, v28.4s, v4.4s
	WORD $0x4e25cfb2 // fmla v18.4s, v29.4s, v5.4s
	WORD $0x4e26cfd1 // fmla v17.4s, v30.4s, v6.4s
	WORD $0x4e27cff2 // fmla v18.4s, v31.4s, v7.4s
	WORD $0x4e32d631 // fadd v17.4s, v17.4s, v18.4s
	WORD $0x4f951230 // fmla v16.4s, v17.4s, v21.s[0]
	SUB     $32, R8
	B       qkblock

qksum:
	WORD    $0x6e30d610 // faddp v16.4s, v16.4s, v16.4s
	WORD    $0x7e30da10 // faddp s16, v16.2s
	FMOVS.P F16, 4(R0)
	ADD     R5, R4
	SUB     $1, R1
	B       qkkey

qkdone:
	RET

// func pvRowQ8NEON(o, p []float32, v []byte, ldv, nk, d int)
// o[c] += sum_j (p[j]*scale_jb) * int8(v_jb[i]), c = 32b+i, d a multiple
// of 32, rows of ldv bytes: one block of columns (eight accumulators) at
// a time.
TEXT ·pvRowQ8NEON(SB), NOSPLIT, $0-96
	MOVD o_base+0(FP), R0
	MOVD p_base+24(FP), R2
	MOVD v_base+48(FP), R8
	MOVD ldv+72(FP), R9
	MOVD nk+80(FP), R1
	MOVD d+88(FP), R3

pvblock:
	CBZ  R3, pvdone
	ADD  $64, R0, R10
	VLD1 (R0), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1 (R10), [V20.S4, V21.S4, V22.S4, V23.S4]
	MOVD R2, R4
	MOVD R8, R5
	MOVD R1, R6

pvkey:
	CBZ     R6, pvstore
	FMOVS.P 4(R4), F0
	MOVHU   (R5), R7
	VMOV    R7, V1.H[0]
	FCVTHS  F1, F2
	FMULS   F2, F0, F0
	ADD     $2, R5, R7
	VLD1    (R7), [V8.B16, V9.B16]
	ADD     R9, R5
	WIDEN_Q8
	WORD $0x4f801310 // fmla v16.4s, v24.4s, v0.s[0]
	WORD $0x4f801331 // fmla v17.4s, v25.4s, v0.s[0]
	WORD $0x4f801352 // fmla v18.4s, v26.4s, v0.s[0]
	WORD $0x4f801373 // fmla v19.4s, v27.4s, v0.s[0]
	WORD $0x4f801394 // fmla v20.4s, v28.4s, v0.s[0]
	WORD $0x4f8013b5 // fmla v21.4s, v29.4s, v0.s[0]
	WORD $0x4f8013d6 // fmla v22.4s, v30.4s, v0.s[0]
	WORD $0x4f8013f7 // fmla v23.4s, v31.4s, v0.s[0]
	SUB     $1, R6
	B       pvkey

pvstore:
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0)
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R0)
	ADD    $34, R8
	SUB    $32, R3
	B      pvblock

pvdone:
	RET
