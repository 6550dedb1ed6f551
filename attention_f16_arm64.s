//go:build !purego && !noasm

#include "textflag.h"

// NEON forms of the f16 decode kernels of attention.go (attention_arm64.go
// has the Go drivers, which handle the last d%8 columns): each 8 halves
// are widened in registers with FCVTL/FCVTL2 and meet the float32 side
// with FMLA. WORD-encoded instructions carry the GNU form as the comment
// (.ci/armwords.go checks them). Requires: ASIMD.

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
