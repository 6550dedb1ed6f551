//go:build !purego && !noasm

#include "textflag.h"

// NEON forms of the Q8_0 decode kernels of attention.go (attention_arm64.go
// has the Go drivers, which handle a partial last block): each block of an
// f16 scale and 32 int8 values is widened in registers, int8 -> int16 ->
// int32 (SXTL) -> float32 (SCVTF). WORD-encoded instructions carry the GNU
// form as the comment (.ci/armwords.go checks them). Requires: ASIMD.

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
