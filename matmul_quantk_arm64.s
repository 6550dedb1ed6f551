//go:build !purego && !noasm

#include "textflag.h"
#include "matmul_arm64.h"

// NEON tiles of the Q4_K and Q6_K weight formats against Q8_K activations
// (matmul_quant_arm64.go has the Go loop): 4 rows of W by 1 activation
// row, the shape of the decode GEMV (prefill calls it once per column,
// with the W block in cache). The integer dot of each (row, sub-block) is
// exact; the sub-block scales are applied without resetting the dot
// accumulator: T runs over a super-block's sub-blocks in order and after
// sub-block j the sum gets T*D[j] with D[j] = sc[j] - sc[j+1] (D[last] =
// sc[last]), which adds up to sum_j sc[j]*dot_j (summation by parts).
// Two forms of the integer dot: SDOT (ASIMDDP) and plain NEON
// (SMULL/SMLAL2/SADALP; products fit int16 in pairs: |w| <= 63, |x| <= 127).
// WORD-encoded instructions carry the GNU form as the comment
// (.ci/armwords.go checks them). Requires: ASIMD, ASIMDDP for *Dot.

// func matmulQ4_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
// func matmulQ4_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ4_KNEON(SB), NOSPLIT, $0-120
	TILE_ARGS(0, 0)
	LSR   $8, R10 // super-blocks
	VMOVI $15, V29.B16
	VEOR  V31.B16, V31.B16, V31.B16
	VEOR  V28.B16, V28.B16, V28.B16
	CBZ   R10, done

superblock:
	// Pair sums of the activation bsums: P[j] = bsums[2j] + bsums[2j+1],
	// the sum of activation sub-block j.
	ADD   $260, R6, R13
	VLD1  (R13), [V0.H8, V1.H8]
	VADDP V1.H8, V0.H8, V0.H8

	// Row i: 6-bit scales sc and mins m (ScaleMinK4) from the 12 scale
	// bytes as three words; weights D[j] = sc[j] - sc[j+1] (D[7] = sc[7])
	// into V(20+2i), V(21+2i); m.P into V(4+i); d, dmin into lane i of V11.
	MOVWU (R2), R13
	VMOV  R13, V11.S[0]
	MOVWU 4(R2), R13
	MOVWU 8(R2), R14
	MOVWU 12(R2), R15
	ANDW  $0x3f3f3f3f, R13, R16
	LSRW  $6, R13, R17
	ANDW  $0x03030303, R17, R17
	ANDW  $0x0f0f0f0f, R15, R19
	ORRW  R17<<4, R19, R19
	ORR   R19<<32, R16, R16 // sc[0..7]
	ANDW  $0x3f3f3f3f, R14, R17
	LSRW  $6, R14, R19
	ANDW  $0x03030303, R19, R19
	LSRW  $4, R15, R20
	ANDW  $0x0f0f0f0f, R20, R20
	ORRW  R19<<4, R20, R20
	ORR   R20<<32, R17, R17 // m[0..7]
	VMOV  R16, V8.D[0]
	VMOV  R17, V10.D[0]
	VUXTL V8.B8, V8.H8
	VUXTL V10.B8, V10.H8
	VEXT  $2, V31.B16, V8.B16, V9.B16
	VSUB  V9.H8, V8.H8, V9.H8
	WORD $0x0f10a534 // sxtl v20.4s, v9.4h
	WORD $0x4f10a535 // sxtl2 v21.4s, v9.8h
	WORD $0x0e60c144 // smull v4.4s, v10.4h, v0.4h
	WORD $0x4e608144 // smlal2 v4.4s, v10.8h, v0.8h
	ADD   $16, R2

	// Row 1.
	MOVWU (R3), R13
	VMOV  R13, V11.S[1]
	MOVWU 4(R3), R13
	MOVWU 8(R3), R14
	MOVWU 12(R3), R15
	ANDW  $0x3f3f3f3f, R13, R16
	LSRW  $6, R13, R17
	ANDW  $0x03030303, R17, R17
	ANDW  $0x0f0f0f0f, R15, R19
	ORRW  R17<<4, R19, R19
	ORR   R19<<32, R16, R16 // sc[0..7]
	ANDW  $0x3f3f3f3f, R14, R17
	LSRW  $6, R14, R19
	ANDW  $0x03030303, R19, R19
	LSRW  $4, R15, R20
	ANDW  $0x0f0f0f0f, R20, R20
	ORRW  R19<<4, R20, R20
	ORR   R20<<32, R17, R17 // m[0..7]
	VMOV  R16, V8.D[0]
	VMOV  R17, V10.D[0]
	VUXTL V8.B8, V8.H8
	VUXTL V10.B8, V10.H8
	VEXT  $2, V31.B16, V8.B16, V9.B16
	VSUB  V9.H8, V8.H8, V9.H8
	WORD $0x0f10a536 // sxtl v22.4s, v9.4h
	WORD $0x4f10a537 // sxtl2 v23.4s, v9.8h
	WORD $0x0e60c145 // smull v5.4s, v10.4h, v0.4h
	WORD $0x4e608145 // smlal2 v5.4s, v10.8h, v0.8h
	ADD   $16, R3

	// Row 2.
	MOVWU (R4), R13
	VMOV  R13, V11.S[2]
	MOVWU 4(R4), R13
	MOVWU 8(R4), R14
	MOVWU 12(R4), R15
	ANDW  $0x3f3f3f3f, R13, R16
	LSRW  $6, R13, R17
	ANDW  $0x03030303, R17, R17
	ANDW  $0x0f0f0f0f, R15, R19
	ORRW  R17<<4, R19, R19
	ORR   R19<<32, R16, R16 // sc[0..7]
	ANDW  $0x3f3f3f3f, R14, R17
	LSRW  $6, R14, R19
	ANDW  $0x03030303, R19, R19
	LSRW  $4, R15, R20
	ANDW  $0x0f0f0f0f, R20, R20
	ORRW  R19<<4, R20, R20
	ORR   R20<<32, R17, R17 // m[0..7]
	VMOV  R16, V8.D[0]
	VMOV  R17, V10.D[0]
	VUXTL V8.B8, V8.H8
	VUXTL V10.B8, V10.H8
	VEXT  $2, V31.B16, V8.B16, V9.B16
	VSUB  V9.H8, V8.H8, V9.H8
	WORD $0x0f10a538 // sxtl v24.4s, v9.4h
	WORD $0x4f10a539 // sxtl2 v25.4s, v9.8h
	WORD $0x0e60c146 // smull v6.4s, v10.4h, v0.4h
	WORD $0x4e608146 // smlal2 v6.4s, v10.8h, v0.8h
	ADD   $16, R4

	// Row 3.
	MOVWU (R5), R13
	VMOV  R13, V11.S[3]
	MOVWU 4(R5), R13
	MOVWU 8(R5), R14
	MOVWU 12(R5), R15
	ANDW  $0x3f3f3f3f, R13, R16
	LSRW  $6, R13, R17
	ANDW  $0x03030303, R17, R17
	ANDW  $0x0f0f0f0f, R15, R19
	ORRW  R17<<4, R19, R19
	ORR   R19<<32, R16, R16 // sc[0..7]
	ANDW  $0x3f3f3f3f, R14, R17
	LSRW  $6, R14, R19
	ANDW  $0x03030303, R19, R19
	LSRW  $4, R15, R20
	ANDW  $0x0f0f0f0f, R20, R20
	ORRW  R19<<4, R20, R20
	ORR   R20<<32, R17, R17 // m[0..7]
	VMOV  R16, V8.D[0]
	VMOV  R17, V10.D[0]
	VUXTL V8.B8, V8.H8
	VUXTL V10.B8, V10.H8
	VEXT  $2, V31.B16, V8.B16, V9.B16
	VSUB  V9.H8, V8.H8, V9.H8
	WORD $0x0f10a53a // sxtl v26.4s, v9.4h
	WORD $0x4f10a53b // sxtl2 v27.4s, v9.8h
	WORD $0x0e60c147 // smull v7.4s, v10.4h, v0.4h
	WORD $0x4e608147 // smlal2 v7.4s, v10.8h, v0.8h
	ADD   $16, R5

	// Mins term: V28 -= float(m.P) * dmin*dx; V10 = d*dx for the end.
	VADDP V5.S4, V4.S4, V4.S4
	VADDP V7.S4, V6.S4, V6.S4
	VADDP V6.S4, V4.S4, V4.S4
	WORD $0x4e21d884 // scvtf v4.4s, v4.4s
	WORD $0x0e217968 // fcvtl v8.4s, v11.4h
	WORD $0x4e217969 // fcvtl2 v9.4s, v11.8h
	VUZP1 V9.S4, V8.S4, V10.S4
	VUZP2 V9.S4, V8.S4, V11.S4
	FMOVS (R6), F9
	WORD $0x4f89914a // fmul v10.4s, v10.4s, v9.s[0]
	WORD $0x4f89916b // fmul v11.4s, v11.4s, v9.s[0]
	VFMLS V11.S4, V4.S4, V28.S4
	VEOR  V12.B16, V12.B16, V12.B16
	VEOR  V13.B16, V13.B16, V13.B16
	VEOR  V14.B16, V14.B16, V14.B16
	VEOR  V15.B16, V15.B16, V15.B16
	VEOR  V16.B16, V16.B16, V16.B16
	VEOR  V17.B16, V17.B16, V17.B16
	VEOR  V18.B16, V18.B16, V18.B16
	VEOR  V19.B16, V19.B16, V19.B16
	ADD   $4, R6, R14

	// Sub-blocks 0 (low nibbles) and 1 (high) of every row. T
	// (V12..V15) runs over the sub-blocks; after sub-block j the sum
	// gets T*D[j], which adds up to sum_j sc[j]*dot_j (V16..V19).
	VLD1.P 64(R14), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 32(R2), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690c // sadalp v12.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692c // sadalp v12.4s, v9.8h
	WORD $0x6f940190 // mla v16.4s, v12.4s, v20.s[0]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690c // sadalp v12.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692c // sadalp v12.4s, v9.8h
	WORD $0x6fb40190 // mla v16.4s, v12.4s, v20.s[1]
	VLD1.P 32(R3), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690d // sadalp v13.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692d // sadalp v13.4s, v9.8h
	WORD $0x6f9601b1 // mla v17.4s, v13.4s, v22.s[0]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690d // sadalp v13.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692d // sadalp v13.4s, v9.8h
	WORD $0x6fb601b1 // mla v17.4s, v13.4s, v22.s[1]
	VLD1.P 32(R4), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690e // sadalp v14.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692e // sadalp v14.4s, v9.8h
	WORD $0x6f9801d2 // mla v18.4s, v14.4s, v24.s[0]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690e // sadalp v14.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692e // sadalp v14.4s, v9.8h
	WORD $0x6fb801d2 // mla v18.4s, v14.4s, v24.s[1]
	VLD1.P 32(R5), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690f // sadalp v15.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692f // sadalp v15.4s, v9.8h
	WORD $0x6f9a01f3 // mla v19.4s, v15.4s, v26.s[0]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690f // sadalp v15.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692f // sadalp v15.4s, v9.8h
	WORD $0x6fba01f3 // mla v19.4s, v15.4s, v26.s[1]

	// Sub-blocks 2 (low nibbles) and 3 (high) of every row. T
	// (V12..V15) runs over the sub-blocks; after sub-block j the sum
	// gets T*D[j], which adds up to sum_j sc[j]*dot_j (V16..V19).
	VLD1.P 64(R14), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 32(R2), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690c // sadalp v12.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692c // sadalp v12.4s, v9.8h
	WORD $0x6f940990 // mla v16.4s, v12.4s, v20.s[2]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690c // sadalp v12.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692c // sadalp v12.4s, v9.8h
	WORD $0x6fb40990 // mla v16.4s, v12.4s, v20.s[3]
	VLD1.P 32(R3), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690d // sadalp v13.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692d // sadalp v13.4s, v9.8h
	WORD $0x6f9609b1 // mla v17.4s, v13.4s, v22.s[2]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690d // sadalp v13.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692d // sadalp v13.4s, v9.8h
	WORD $0x6fb609b1 // mla v17.4s, v13.4s, v22.s[3]
	VLD1.P 32(R4), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690e // sadalp v14.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692e // sadalp v14.4s, v9.8h
	WORD $0x6f9809d2 // mla v18.4s, v14.4s, v24.s[2]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690e // sadalp v14.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692e // sadalp v14.4s, v9.8h
	WORD $0x6fb809d2 // mla v18.4s, v14.4s, v24.s[3]
	VLD1.P 32(R5), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690f // sadalp v15.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692f // sadalp v15.4s, v9.8h
	WORD $0x6f9a09f3 // mla v19.4s, v15.4s, v26.s[2]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690f // sadalp v15.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692f // sadalp v15.4s, v9.8h
	WORD $0x6fba09f3 // mla v19.4s, v15.4s, v26.s[3]

	// Sub-blocks 4 (low nibbles) and 5 (high) of every row. T
	// (V12..V15) runs over the sub-blocks; after sub-block j the sum
	// gets T*D[j], which adds up to sum_j sc[j]*dot_j (V16..V19).
	VLD1.P 64(R14), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 32(R2), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690c // sadalp v12.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692c // sadalp v12.4s, v9.8h
	WORD $0x6f950190 // mla v16.4s, v12.4s, v21.s[0]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690c // sadalp v12.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692c // sadalp v12.4s, v9.8h
	WORD $0x6fb50190 // mla v16.4s, v12.4s, v21.s[1]
	VLD1.P 32(R3), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690d // sadalp v13.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692d // sadalp v13.4s, v9.8h
	WORD $0x6f9701b1 // mla v17.4s, v13.4s, v23.s[0]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690d // sadalp v13.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692d // sadalp v13.4s, v9.8h
	WORD $0x6fb701b1 // mla v17.4s, v13.4s, v23.s[1]
	VLD1.P 32(R4), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690e // sadalp v14.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692e // sadalp v14.4s, v9.8h
	WORD $0x6f9901d2 // mla v18.4s, v14.4s, v25.s[0]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690e // sadalp v14.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692e // sadalp v14.4s, v9.8h
	WORD $0x6fb901d2 // mla v18.4s, v14.4s, v25.s[1]
	VLD1.P 32(R5), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690f // sadalp v15.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692f // sadalp v15.4s, v9.8h
	WORD $0x6f9b01f3 // mla v19.4s, v15.4s, v27.s[0]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690f // sadalp v15.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692f // sadalp v15.4s, v9.8h
	WORD $0x6fbb01f3 // mla v19.4s, v15.4s, v27.s[1]

	// Sub-blocks 6 (low nibbles) and 7 (high) of every row. T
	// (V12..V15) runs over the sub-blocks; after sub-block j the sum
	// gets T*D[j], which adds up to sum_j sc[j]*dot_j (V16..V19).
	VLD1.P 64(R14), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 32(R2), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690c // sadalp v12.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692c // sadalp v12.4s, v9.8h
	WORD $0x6f950990 // mla v16.4s, v12.4s, v21.s[2]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690c // sadalp v12.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692c // sadalp v12.4s, v9.8h
	WORD $0x6fb50990 // mla v16.4s, v12.4s, v21.s[3]
	VLD1.P 32(R3), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690d // sadalp v13.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692d // sadalp v13.4s, v9.8h
	WORD $0x6f9709b1 // mla v17.4s, v13.4s, v23.s[2]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690d // sadalp v13.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692d // sadalp v13.4s, v9.8h
	WORD $0x6fb709b1 // mla v17.4s, v13.4s, v23.s[3]
	VLD1.P 32(R4), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690e // sadalp v14.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692e // sadalp v14.4s, v9.8h
	WORD $0x6f9909d2 // mla v18.4s, v14.4s, v25.s[2]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690e // sadalp v14.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692e // sadalp v14.4s, v9.8h
	WORD $0x6fb909d2 // mla v18.4s, v14.4s, v25.s[3]
	VLD1.P 32(R5), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x0e20c0c8 // smull v8.8h, v6.8b, v0.8b
	WORD $0x4e2080c8 // smlal2 v8.8h, v6.16b, v0.16b
	WORD $0x4e60690f // sadalp v15.4s, v8.8h
	WORD $0x0e21c0e9 // smull v9.8h, v7.8b, v1.8b
	WORD $0x4e2180e9 // smlal2 v9.8h, v7.16b, v1.16b
	WORD $0x4e60692f // sadalp v15.4s, v9.8h
	WORD $0x6f9b09f3 // mla v19.4s, v15.4s, v27.s[2]
	WORD $0x0e22c088 // smull v8.8h, v4.8b, v2.8b
	WORD $0x4e228088 // smlal2 v8.8h, v4.16b, v2.16b
	WORD $0x4e60690f // sadalp v15.4s, v8.8h
	WORD $0x0e23c0a9 // smull v9.8h, v5.8b, v3.8b
	WORD $0x4e2380a9 // smlal2 v9.8h, v5.16b, v3.16b
	WORD $0x4e60692f // sadalp v15.4s, v9.8h
	WORD $0x6fbb09f3 // mla v19.4s, v15.4s, v27.s[3]

	// V28 += float(sum_j sc[j]*dot_j) * d*dx.
	VADDP V17.S4, V16.S4, V16.S4
	VADDP V19.S4, V18.S4, V18.S4
	VADDP V18.S4, V16.S4, V16.S4
	WORD $0x4e21da10 // scvtf v16.4s, v16.4s
	VFMLA V10.S4, V16.S4, V28.S4
	ADD   $292, R6
	SUB   $1, R10
	CBNZ  R10, superblock

done:
	VMOV  V28.B16, V0.B16
	STORE


// func matmulQ4_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ4_KNEONDot(SB), NOSPLIT, $0-120
	TILE_ARGS(0, 0)
	LSR   $8, R10 // super-blocks
	VMOVI $15, V29.B16
	VEOR  V31.B16, V31.B16, V31.B16
	VEOR  V28.B16, V28.B16, V28.B16
	CBZ   R10, done

superblock:
	// Pair sums of the activation bsums: P[j] = bsums[2j] + bsums[2j+1],
	// the sum of activation sub-block j.
	ADD   $260, R6, R13
	VLD1  (R13), [V0.H8, V1.H8]
	VADDP V1.H8, V0.H8, V0.H8

	// Row i: 6-bit scales sc and mins m (ScaleMinK4) from the 12 scale
	// bytes as three words; weights D[j] = sc[j] - sc[j+1] (D[7] = sc[7])
	// into V(20+2i), V(21+2i); m.P into V(4+i); d, dmin into lane i of V11.
	MOVWU (R2), R13
	VMOV  R13, V11.S[0]
	MOVWU 4(R2), R13
	MOVWU 8(R2), R14
	MOVWU 12(R2), R15
	ANDW  $0x3f3f3f3f, R13, R16
	LSRW  $6, R13, R17
	ANDW  $0x03030303, R17, R17
	ANDW  $0x0f0f0f0f, R15, R19
	ORRW  R17<<4, R19, R19
	ORR   R19<<32, R16, R16 // sc[0..7]
	ANDW  $0x3f3f3f3f, R14, R17
	LSRW  $6, R14, R19
	ANDW  $0x03030303, R19, R19
	LSRW  $4, R15, R20
	ANDW  $0x0f0f0f0f, R20, R20
	ORRW  R19<<4, R20, R20
	ORR   R20<<32, R17, R17 // m[0..7]
	VMOV  R16, V8.D[0]
	VMOV  R17, V10.D[0]
	VUXTL V8.B8, V8.H8
	VUXTL V10.B8, V10.H8
	VEXT  $2, V31.B16, V8.B16, V9.B16
	VSUB  V9.H8, V8.H8, V9.H8
	WORD $0x0f10a534 // sxtl v20.4s, v9.4h
	WORD $0x4f10a535 // sxtl2 v21.4s, v9.8h
	WORD $0x0e60c144 // smull v4.4s, v10.4h, v0.4h
	WORD $0x4e608144 // smlal2 v4.4s, v10.8h, v0.8h
	ADD   $16, R2

	// Row 1.
	MOVWU (R3), R13
	VMOV  R13, V11.S[1]
	MOVWU 4(R3), R13
	MOVWU 8(R3), R14
	MOVWU 12(R3), R15
	ANDW  $0x3f3f3f3f, R13, R16
	LSRW  $6, R13, R17
	ANDW  $0x03030303, R17, R17
	ANDW  $0x0f0f0f0f, R15, R19
	ORRW  R17<<4, R19, R19
	ORR   R19<<32, R16, R16 // sc[0..7]
	ANDW  $0x3f3f3f3f, R14, R17
	LSRW  $6, R14, R19
	ANDW  $0x03030303, R19, R19
	LSRW  $4, R15, R20
	ANDW  $0x0f0f0f0f, R20, R20
	ORRW  R19<<4, R20, R20
	ORR   R20<<32, R17, R17 // m[0..7]
	VMOV  R16, V8.D[0]
	VMOV  R17, V10.D[0]
	VUXTL V8.B8, V8.H8
	VUXTL V10.B8, V10.H8
	VEXT  $2, V31.B16, V8.B16, V9.B16
	VSUB  V9.H8, V8.H8, V9.H8
	WORD $0x0f10a536 // sxtl v22.4s, v9.4h
	WORD $0x4f10a537 // sxtl2 v23.4s, v9.8h
	WORD $0x0e60c145 // smull v5.4s, v10.4h, v0.4h
	WORD $0x4e608145 // smlal2 v5.4s, v10.8h, v0.8h
	ADD   $16, R3

	// Row 2.
	MOVWU (R4), R13
	VMOV  R13, V11.S[2]
	MOVWU 4(R4), R13
	MOVWU 8(R4), R14
	MOVWU 12(R4), R15
	ANDW  $0x3f3f3f3f, R13, R16
	LSRW  $6, R13, R17
	ANDW  $0x03030303, R17, R17
	ANDW  $0x0f0f0f0f, R15, R19
	ORRW  R17<<4, R19, R19
	ORR   R19<<32, R16, R16 // sc[0..7]
	ANDW  $0x3f3f3f3f, R14, R17
	LSRW  $6, R14, R19
	ANDW  $0x03030303, R19, R19
	LSRW  $4, R15, R20
	ANDW  $0x0f0f0f0f, R20, R20
	ORRW  R19<<4, R20, R20
	ORR   R20<<32, R17, R17 // m[0..7]
	VMOV  R16, V8.D[0]
	VMOV  R17, V10.D[0]
	VUXTL V8.B8, V8.H8
	VUXTL V10.B8, V10.H8
	VEXT  $2, V31.B16, V8.B16, V9.B16
	VSUB  V9.H8, V8.H8, V9.H8
	WORD $0x0f10a538 // sxtl v24.4s, v9.4h
	WORD $0x4f10a539 // sxtl2 v25.4s, v9.8h
	WORD $0x0e60c146 // smull v6.4s, v10.4h, v0.4h
	WORD $0x4e608146 // smlal2 v6.4s, v10.8h, v0.8h
	ADD   $16, R4

	// Row 3.
	MOVWU (R5), R13
	VMOV  R13, V11.S[3]
	MOVWU 4(R5), R13
	MOVWU 8(R5), R14
	MOVWU 12(R5), R15
	ANDW  $0x3f3f3f3f, R13, R16
	LSRW  $6, R13, R17
	ANDW  $0x03030303, R17, R17
	ANDW  $0x0f0f0f0f, R15, R19
	ORRW  R17<<4, R19, R19
	ORR   R19<<32, R16, R16 // sc[0..7]
	ANDW  $0x3f3f3f3f, R14, R17
	LSRW  $6, R14, R19
	ANDW  $0x03030303, R19, R19
	LSRW  $4, R15, R20
	ANDW  $0x0f0f0f0f, R20, R20
	ORRW  R19<<4, R20, R20
	ORR   R20<<32, R17, R17 // m[0..7]
	VMOV  R16, V8.D[0]
	VMOV  R17, V10.D[0]
	VUXTL V8.B8, V8.H8
	VUXTL V10.B8, V10.H8
	VEXT  $2, V31.B16, V8.B16, V9.B16
	VSUB  V9.H8, V8.H8, V9.H8
	WORD $0x0f10a53a // sxtl v26.4s, v9.4h
	WORD $0x4f10a53b // sxtl2 v27.4s, v9.8h
	WORD $0x0e60c147 // smull v7.4s, v10.4h, v0.4h
	WORD $0x4e608147 // smlal2 v7.4s, v10.8h, v0.8h
	ADD   $16, R5

	// Mins term: V28 -= float(m.P) * dmin*dx; V10 = d*dx for the end.
	VADDP V5.S4, V4.S4, V4.S4
	VADDP V7.S4, V6.S4, V6.S4
	VADDP V6.S4, V4.S4, V4.S4
	WORD $0x4e21d884 // scvtf v4.4s, v4.4s
	WORD $0x0e217968 // fcvtl v8.4s, v11.4h
	WORD $0x4e217969 // fcvtl2 v9.4s, v11.8h
	VUZP1 V9.S4, V8.S4, V10.S4
	VUZP2 V9.S4, V8.S4, V11.S4
	FMOVS (R6), F9
	WORD $0x4f89914a // fmul v10.4s, v10.4s, v9.s[0]
	WORD $0x4f89916b // fmul v11.4s, v11.4s, v9.s[0]
	VFMLS V11.S4, V4.S4, V28.S4
	VEOR  V12.B16, V12.B16, V12.B16
	VEOR  V13.B16, V13.B16, V13.B16
	VEOR  V14.B16, V14.B16, V14.B16
	VEOR  V15.B16, V15.B16, V15.B16
	VEOR  V16.B16, V16.B16, V16.B16
	VEOR  V17.B16, V17.B16, V17.B16
	VEOR  V18.B16, V18.B16, V18.B16
	VEOR  V19.B16, V19.B16, V19.B16
	ADD   $4, R6, R14

	// Sub-blocks 0 (low nibbles) and 1 (high) of every row. T
	// (V12..V15) runs over the sub-blocks; after sub-block j the sum
	// gets T*D[j], which adds up to sum_j sc[j]*dot_j (V16..V19).
	VLD1.P 64(R14), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 32(R2), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cc // sdot v12.4s, v6.16b, v0.16b
	WORD $0x4e8194ec // sdot v12.4s, v7.16b, v1.16b
	WORD $0x6f940190 // mla v16.4s, v12.4s, v20.s[0]
	WORD $0x4e82948c // sdot v12.4s, v4.16b, v2.16b
	WORD $0x4e8394ac // sdot v12.4s, v5.16b, v3.16b
	WORD $0x6fb40190 // mla v16.4s, v12.4s, v20.s[1]
	VLD1.P 32(R3), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cd // sdot v13.4s, v6.16b, v0.16b
	WORD $0x4e8194ed // sdot v13.4s, v7.16b, v1.16b
	WORD $0x6f9601b1 // mla v17.4s, v13.4s, v22.s[0]
	WORD $0x4e82948d // sdot v13.4s, v4.16b, v2.16b
	WORD $0x4e8394ad // sdot v13.4s, v5.16b, v3.16b
	WORD $0x6fb601b1 // mla v17.4s, v13.4s, v22.s[1]
	VLD1.P 32(R4), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094ce // sdot v14.4s, v6.16b, v0.16b
	WORD $0x4e8194ee // sdot v14.4s, v7.16b, v1.16b
	WORD $0x6f9801d2 // mla v18.4s, v14.4s, v24.s[0]
	WORD $0x4e82948e // sdot v14.4s, v4.16b, v2.16b
	WORD $0x4e8394ae // sdot v14.4s, v5.16b, v3.16b
	WORD $0x6fb801d2 // mla v18.4s, v14.4s, v24.s[1]
	VLD1.P 32(R5), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cf // sdot v15.4s, v6.16b, v0.16b
	WORD $0x4e8194ef // sdot v15.4s, v7.16b, v1.16b
	WORD $0x6f9a01f3 // mla v19.4s, v15.4s, v26.s[0]
	WORD $0x4e82948f // sdot v15.4s, v4.16b, v2.16b
	WORD $0x4e8394af // sdot v15.4s, v5.16b, v3.16b
	WORD $0x6fba01f3 // mla v19.4s, v15.4s, v26.s[1]

	// Sub-blocks 2 (low nibbles) and 3 (high) of every row. T
	// (V12..V15) runs over the sub-blocks; after sub-block j the sum
	// gets T*D[j], which adds up to sum_j sc[j]*dot_j (V16..V19).
	VLD1.P 64(R14), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 32(R2), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cc // sdot v12.4s, v6.16b, v0.16b
	WORD $0x4e8194ec // sdot v12.4s, v7.16b, v1.16b
	WORD $0x6f940990 // mla v16.4s, v12.4s, v20.s[2]
	WORD $0x4e82948c // sdot v12.4s, v4.16b, v2.16b
	WORD $0x4e8394ac // sdot v12.4s, v5.16b, v3.16b
	WORD $0x6fb40990 // mla v16.4s, v12.4s, v20.s[3]
	VLD1.P 32(R3), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cd // sdot v13.4s, v6.16b, v0.16b
	WORD $0x4e8194ed // sdot v13.4s, v7.16b, v1.16b
	WORD $0x6f9609b1 // mla v17.4s, v13.4s, v22.s[2]
	WORD $0x4e82948d // sdot v13.4s, v4.16b, v2.16b
	WORD $0x4e8394ad // sdot v13.4s, v5.16b, v3.16b
	WORD $0x6fb609b1 // mla v17.4s, v13.4s, v22.s[3]
	VLD1.P 32(R4), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094ce // sdot v14.4s, v6.16b, v0.16b
	WORD $0x4e8194ee // sdot v14.4s, v7.16b, v1.16b
	WORD $0x6f9809d2 // mla v18.4s, v14.4s, v24.s[2]
	WORD $0x4e82948e // sdot v14.4s, v4.16b, v2.16b
	WORD $0x4e8394ae // sdot v14.4s, v5.16b, v3.16b
	WORD $0x6fb809d2 // mla v18.4s, v14.4s, v24.s[3]
	VLD1.P 32(R5), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cf // sdot v15.4s, v6.16b, v0.16b
	WORD $0x4e8194ef // sdot v15.4s, v7.16b, v1.16b
	WORD $0x6f9a09f3 // mla v19.4s, v15.4s, v26.s[2]
	WORD $0x4e82948f // sdot v15.4s, v4.16b, v2.16b
	WORD $0x4e8394af // sdot v15.4s, v5.16b, v3.16b
	WORD $0x6fba09f3 // mla v19.4s, v15.4s, v26.s[3]

	// Sub-blocks 4 (low nibbles) and 5 (high) of every row. T
	// (V12..V15) runs over the sub-blocks; after sub-block j the sum
	// gets T*D[j], which adds up to sum_j sc[j]*dot_j (V16..V19).
	VLD1.P 64(R14), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 32(R2), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cc // sdot v12.4s, v6.16b, v0.16b
	WORD $0x4e8194ec // sdot v12.4s, v7.16b, v1.16b
	WORD $0x6f950190 // mla v16.4s, v12.4s, v21.s[0]
	WORD $0x4e82948c // sdot v12.4s, v4.16b, v2.16b
	WORD $0x4e8394ac // sdot v12.4s, v5.16b, v3.16b
	WORD $0x6fb50190 // mla v16.4s, v12.4s, v21.s[1]
	VLD1.P 32(R3), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cd // sdot v13.4s, v6.16b, v0.16b
	WORD $0x4e8194ed // sdot v13.4s, v7.16b, v1.16b
	WORD $0x6f9701b1 // mla v17.4s, v13.4s, v23.s[0]
	WORD $0x4e82948d // sdot v13.4s, v4.16b, v2.16b
	WORD $0x4e8394ad // sdot v13.4s, v5.16b, v3.16b
	WORD $0x6fb701b1 // mla v17.4s, v13.4s, v23.s[1]
	VLD1.P 32(R4), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094ce // sdot v14.4s, v6.16b, v0.16b
	WORD $0x4e8194ee // sdot v14.4s, v7.16b, v1.16b
	WORD $0x6f9901d2 // mla v18.4s, v14.4s, v25.s[0]
	WORD $0x4e82948e // sdot v14.4s, v4.16b, v2.16b
	WORD $0x4e8394ae // sdot v14.4s, v5.16b, v3.16b
	WORD $0x6fb901d2 // mla v18.4s, v14.4s, v25.s[1]
	VLD1.P 32(R5), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cf // sdot v15.4s, v6.16b, v0.16b
	WORD $0x4e8194ef // sdot v15.4s, v7.16b, v1.16b
	WORD $0x6f9b01f3 // mla v19.4s, v15.4s, v27.s[0]
	WORD $0x4e82948f // sdot v15.4s, v4.16b, v2.16b
	WORD $0x4e8394af // sdot v15.4s, v5.16b, v3.16b
	WORD $0x6fbb01f3 // mla v19.4s, v15.4s, v27.s[1]

	// Sub-blocks 6 (low nibbles) and 7 (high) of every row. T
	// (V12..V15) runs over the sub-blocks; after sub-block j the sum
	// gets T*D[j], which adds up to sum_j sc[j]*dot_j (V16..V19).
	VLD1.P 64(R14), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 32(R2), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cc // sdot v12.4s, v6.16b, v0.16b
	WORD $0x4e8194ec // sdot v12.4s, v7.16b, v1.16b
	WORD $0x6f950990 // mla v16.4s, v12.4s, v21.s[2]
	WORD $0x4e82948c // sdot v12.4s, v4.16b, v2.16b
	WORD $0x4e8394ac // sdot v12.4s, v5.16b, v3.16b
	WORD $0x6fb50990 // mla v16.4s, v12.4s, v21.s[3]
	VLD1.P 32(R3), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cd // sdot v13.4s, v6.16b, v0.16b
	WORD $0x4e8194ed // sdot v13.4s, v7.16b, v1.16b
	WORD $0x6f9709b1 // mla v17.4s, v13.4s, v23.s[2]
	WORD $0x4e82948d // sdot v13.4s, v4.16b, v2.16b
	WORD $0x4e8394ad // sdot v13.4s, v5.16b, v3.16b
	WORD $0x6fb709b1 // mla v17.4s, v13.4s, v23.s[3]
	VLD1.P 32(R4), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094ce // sdot v14.4s, v6.16b, v0.16b
	WORD $0x4e8194ee // sdot v14.4s, v7.16b, v1.16b
	WORD $0x6f9909d2 // mla v18.4s, v14.4s, v25.s[2]
	WORD $0x4e82948e // sdot v14.4s, v4.16b, v2.16b
	WORD $0x4e8394ae // sdot v14.4s, v5.16b, v3.16b
	WORD $0x6fb909d2 // mla v18.4s, v14.4s, v25.s[3]
	VLD1.P 32(R5), [V4.B16, V5.B16]
	VAND   V29.B16, V4.B16, V6.B16
	VAND   V29.B16, V5.B16, V7.B16
	VUSHR  $4, V4.B16, V4.B16
	VUSHR  $4, V5.B16, V5.B16
	WORD $0x4e8094cf // sdot v15.4s, v6.16b, v0.16b
	WORD $0x4e8194ef // sdot v15.4s, v7.16b, v1.16b
	WORD $0x6f9b09f3 // mla v19.4s, v15.4s, v27.s[2]
	WORD $0x4e82948f // sdot v15.4s, v4.16b, v2.16b
	WORD $0x4e8394af // sdot v15.4s, v5.16b, v3.16b
	WORD $0x6fbb09f3 // mla v19.4s, v15.4s, v27.s[3]

	// V28 += float(sum_j sc[j]*dot_j) * d*dx.
	VADDP V17.S4, V16.S4, V16.S4
	VADDP V19.S4, V18.S4, V18.S4
	VADDP V18.S4, V16.S4, V16.S4
	WORD $0x4e21da10 // scvtf v16.4s, v16.4s
	VFMLA V10.S4, V16.S4, V28.S4
	ADD   $292, R6
	SUB   $1, R10
	CBNZ  R10, superblock

done:
	VMOV  V28.B16, V0.B16
	STORE


// func matmulQ6_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ6_KNEON(SB), NOSPLIT, $0-120
	TILE_ARGS(0, 0)
	LSR   $8, R10 // super-blocks
	VMOVI $0x0f, V28.B16
	VMOVI $0x30, V29.B16
	VEOR  V31.B16, V31.B16, V31.B16
	CBZ   R10, done

superblock:
	ADD   $260, R6, R13
	VLD1  (R13), [V0.H8, V1.H8] // activation bsums

	// Row i. Values are 6-bit unsigned q here: sum_s sc[s]*dot_s(q-32)
	// = sum_s sc[s]*dot_s(q) - 32*sum_s sc[s]*bsums[s], the second sum
	// (V4) seeds the row's accumulator V5. D[s] = sc[s] - sc[s+1] into
	// V8..V11 as int32 for the summation by parts; d into lane i of V7.
	ADD   $208, R2, R13
	VLD1  (R13), V7.H[0]
	FMOVQ 192(R2), F2
	WORD $0x4f08a443 // sxtl2 v3.8h, v2.16b
	WORD $0x0f08a442 // sxtl v2.8h, v2.8b
	VEOR  V4.B16, V4.B16, V4.B16
	VEXT  $2, V3.B16, V2.B16, V12.B16
	VEXT  $2, V4.B16, V3.B16, V13.B16
	VSUB  V12.H8, V2.H8, V12.H8
	VSUB  V13.H8, V3.H8, V13.H8
	WORD $0x0f10a588 // sxtl v8.4s, v12.4h
	WORD $0x4f10a589 // sxtl2 v9.4s, v12.8h
	WORD $0x0f10a5aa // sxtl v10.4s, v13.4h
	WORD $0x4f10a5ab // sxtl2 v11.4s, v13.8h
	WORD $0x0e60c044 // smull v4.4s, v2.4h, v0.4h
	WORD $0x4e608044 // smlal2 v4.4s, v2.8h, v0.8h
	WORD $0x0e618064 // smlal v4.4s, v3.4h, v1.4h
	WORD $0x4e618064 // smlal2 v4.4s, v3.8h, v1.8h
	VSHL  $5, V4.S4, V4.S4
	WORD $0x6ea0b885 // neg v5.4s, v4.4s
	VEOR  V6.B16, V6.B16, V6.B16

	// Half h: ql bytes A (64h..), B (64h+32..), qh bytes H
	// (128+32h..), 16 at a time (l < 16, l >= 16): value 128h+32g+l is
	// q0 = A&15 | (H&3)<<4, q1 = B&15 | (H>>2&3)<<4, q2 = A>>4 | (H>>4&3)<<4,
	// q3 = B>>4 | (H>>6)<<4 (V18..V25: q_g of the l-half in V(18+2g+half));
	// sub-block 8h+2g+half, one 16-byte SDOT each, in order.
	FMOVQ 0(R2), F12
	FMOVQ 16(R2), F13
	FMOVQ 32(R2), F14
	FMOVQ 48(R2), F15
	FMOVQ 128(R2), F16
	FMOVQ 144(R2), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 4(R6), F26
	WORD $0x0e3ac25b // smull v27.8h, v18.8b, v26.8b
	WORD $0x4e3a825b // smlal2 v27.8h, v18.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8800c5 // mla v5.4s, v6.4s, v8.s[0]
	FMOVQ 20(R6), F26
	WORD $0x0e3ac27b // smull v27.8h, v19.8b, v26.8b
	WORD $0x4e3a827b // smlal2 v27.8h, v19.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa800c5 // mla v5.4s, v6.4s, v8.s[1]
	FMOVQ 36(R6), F26
	WORD $0x0e3ac29b // smull v27.8h, v20.8b, v26.8b
	WORD $0x4e3a829b // smlal2 v27.8h, v20.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8808c5 // mla v5.4s, v6.4s, v8.s[2]
	FMOVQ 52(R6), F26
	WORD $0x0e3ac2bb // smull v27.8h, v21.8b, v26.8b
	WORD $0x4e3a82bb // smlal2 v27.8h, v21.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa808c5 // mla v5.4s, v6.4s, v8.s[3]
	FMOVQ 68(R6), F26
	WORD $0x0e3ac2db // smull v27.8h, v22.8b, v26.8b
	WORD $0x4e3a82db // smlal2 v27.8h, v22.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8900c5 // mla v5.4s, v6.4s, v9.s[0]
	FMOVQ 84(R6), F26
	WORD $0x0e3ac2fb // smull v27.8h, v23.8b, v26.8b
	WORD $0x4e3a82fb // smlal2 v27.8h, v23.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa900c5 // mla v5.4s, v6.4s, v9.s[1]
	FMOVQ 100(R6), F26
	WORD $0x0e3ac31b // smull v27.8h, v24.8b, v26.8b
	WORD $0x4e3a831b // smlal2 v27.8h, v24.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8908c5 // mla v5.4s, v6.4s, v9.s[2]
	FMOVQ 116(R6), F26
	WORD $0x0e3ac33b // smull v27.8h, v25.8b, v26.8b
	WORD $0x4e3a833b // smlal2 v27.8h, v25.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa908c5 // mla v5.4s, v6.4s, v9.s[3]

	FMOVQ 64(R2), F12
	FMOVQ 80(R2), F13
	FMOVQ 96(R2), F14
	FMOVQ 112(R2), F15
	FMOVQ 160(R2), F16
	FMOVQ 176(R2), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 132(R6), F26
	WORD $0x0e3ac25b // smull v27.8h, v18.8b, v26.8b
	WORD $0x4e3a825b // smlal2 v27.8h, v18.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8a00c5 // mla v5.4s, v6.4s, v10.s[0]
	FMOVQ 148(R6), F26
	WORD $0x0e3ac27b // smull v27.8h, v19.8b, v26.8b
	WORD $0x4e3a827b // smlal2 v27.8h, v19.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6faa00c5 // mla v5.4s, v6.4s, v10.s[1]
	FMOVQ 164(R6), F26
	WORD $0x0e3ac29b // smull v27.8h, v20.8b, v26.8b
	WORD $0x4e3a829b // smlal2 v27.8h, v20.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8a08c5 // mla v5.4s, v6.4s, v10.s[2]
	FMOVQ 180(R6), F26
	WORD $0x0e3ac2bb // smull v27.8h, v21.8b, v26.8b
	WORD $0x4e3a82bb // smlal2 v27.8h, v21.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6faa08c5 // mla v5.4s, v6.4s, v10.s[3]
	FMOVQ 196(R6), F26
	WORD $0x0e3ac2db // smull v27.8h, v22.8b, v26.8b
	WORD $0x4e3a82db // smlal2 v27.8h, v22.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8b00c5 // mla v5.4s, v6.4s, v11.s[0]
	FMOVQ 212(R6), F26
	WORD $0x0e3ac2fb // smull v27.8h, v23.8b, v26.8b
	WORD $0x4e3a82fb // smlal2 v27.8h, v23.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fab00c5 // mla v5.4s, v6.4s, v11.s[1]
	FMOVQ 228(R6), F26
	WORD $0x0e3ac31b // smull v27.8h, v24.8b, v26.8b
	WORD $0x4e3a831b // smlal2 v27.8h, v24.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8b08c5 // mla v5.4s, v6.4s, v11.s[2]
	FMOVQ 244(R6), F26
	WORD $0x0e3ac33b // smull v27.8h, v25.8b, v26.8b
	WORD $0x4e3a833b // smlal2 v27.8h, v25.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fab08c5 // mla v5.4s, v6.4s, v11.s[3]
	VADDV V5.S4, V5
	VMOV  V5.S[0], V30.S[0]
	ADD   $210, R2

	// Row 1.
	ADD   $208, R3, R13
	VLD1  (R13), V7.H[1]
	FMOVQ 192(R3), F2
	WORD $0x4f08a443 // sxtl2 v3.8h, v2.16b
	WORD $0x0f08a442 // sxtl v2.8h, v2.8b
	VEOR  V4.B16, V4.B16, V4.B16
	VEXT  $2, V3.B16, V2.B16, V12.B16
	VEXT  $2, V4.B16, V3.B16, V13.B16
	VSUB  V12.H8, V2.H8, V12.H8
	VSUB  V13.H8, V3.H8, V13.H8
	WORD $0x0f10a588 // sxtl v8.4s, v12.4h
	WORD $0x4f10a589 // sxtl2 v9.4s, v12.8h
	WORD $0x0f10a5aa // sxtl v10.4s, v13.4h
	WORD $0x4f10a5ab // sxtl2 v11.4s, v13.8h
	WORD $0x0e60c044 // smull v4.4s, v2.4h, v0.4h
	WORD $0x4e608044 // smlal2 v4.4s, v2.8h, v0.8h
	WORD $0x0e618064 // smlal v4.4s, v3.4h, v1.4h
	WORD $0x4e618064 // smlal2 v4.4s, v3.8h, v1.8h
	VSHL  $5, V4.S4, V4.S4
	WORD $0x6ea0b885 // neg v5.4s, v4.4s
	VEOR  V6.B16, V6.B16, V6.B16

	FMOVQ 0(R3), F12
	FMOVQ 16(R3), F13
	FMOVQ 32(R3), F14
	FMOVQ 48(R3), F15
	FMOVQ 128(R3), F16
	FMOVQ 144(R3), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 4(R6), F26
	WORD $0x0e3ac25b // smull v27.8h, v18.8b, v26.8b
	WORD $0x4e3a825b // smlal2 v27.8h, v18.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8800c5 // mla v5.4s, v6.4s, v8.s[0]
	FMOVQ 20(R6), F26
	WORD $0x0e3ac27b // smull v27.8h, v19.8b, v26.8b
	WORD $0x4e3a827b // smlal2 v27.8h, v19.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa800c5 // mla v5.4s, v6.4s, v8.s[1]
	FMOVQ 36(R6), F26
	WORD $0x0e3ac29b // smull v27.8h, v20.8b, v26.8b
	WORD $0x4e3a829b // smlal2 v27.8h, v20.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8808c5 // mla v5.4s, v6.4s, v8.s[2]
	FMOVQ 52(R6), F26
	WORD $0x0e3ac2bb // smull v27.8h, v21.8b, v26.8b
	WORD $0x4e3a82bb // smlal2 v27.8h, v21.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa808c5 // mla v5.4s, v6.4s, v8.s[3]
	FMOVQ 68(R6), F26
	WORD $0x0e3ac2db // smull v27.8h, v22.8b, v26.8b
	WORD $0x4e3a82db // smlal2 v27.8h, v22.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8900c5 // mla v5.4s, v6.4s, v9.s[0]
	FMOVQ 84(R6), F26
	WORD $0x0e3ac2fb // smull v27.8h, v23.8b, v26.8b
	WORD $0x4e3a82fb // smlal2 v27.8h, v23.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa900c5 // mla v5.4s, v6.4s, v9.s[1]
	FMOVQ 100(R6), F26
	WORD $0x0e3ac31b // smull v27.8h, v24.8b, v26.8b
	WORD $0x4e3a831b // smlal2 v27.8h, v24.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8908c5 // mla v5.4s, v6.4s, v9.s[2]
	FMOVQ 116(R6), F26
	WORD $0x0e3ac33b // smull v27.8h, v25.8b, v26.8b
	WORD $0x4e3a833b // smlal2 v27.8h, v25.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa908c5 // mla v5.4s, v6.4s, v9.s[3]

	FMOVQ 64(R3), F12
	FMOVQ 80(R3), F13
	FMOVQ 96(R3), F14
	FMOVQ 112(R3), F15
	FMOVQ 160(R3), F16
	FMOVQ 176(R3), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 132(R6), F26
	WORD $0x0e3ac25b // smull v27.8h, v18.8b, v26.8b
	WORD $0x4e3a825b // smlal2 v27.8h, v18.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8a00c5 // mla v5.4s, v6.4s, v10.s[0]
	FMOVQ 148(R6), F26
	WORD $0x0e3ac27b // smull v27.8h, v19.8b, v26.8b
	WORD $0x4e3a827b // smlal2 v27.8h, v19.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6faa00c5 // mla v5.4s, v6.4s, v10.s[1]
	FMOVQ 164(R6), F26
	WORD $0x0e3ac29b // smull v27.8h, v20.8b, v26.8b
	WORD $0x4e3a829b // smlal2 v27.8h, v20.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8a08c5 // mla v5.4s, v6.4s, v10.s[2]
	FMOVQ 180(R6), F26
	WORD $0x0e3ac2bb // smull v27.8h, v21.8b, v26.8b
	WORD $0x4e3a82bb // smlal2 v27.8h, v21.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6faa08c5 // mla v5.4s, v6.4s, v10.s[3]
	FMOVQ 196(R6), F26
	WORD $0x0e3ac2db // smull v27.8h, v22.8b, v26.8b
	WORD $0x4e3a82db // smlal2 v27.8h, v22.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8b00c5 // mla v5.4s, v6.4s, v11.s[0]
	FMOVQ 212(R6), F26
	WORD $0x0e3ac2fb // smull v27.8h, v23.8b, v26.8b
	WORD $0x4e3a82fb // smlal2 v27.8h, v23.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fab00c5 // mla v5.4s, v6.4s, v11.s[1]
	FMOVQ 228(R6), F26
	WORD $0x0e3ac31b // smull v27.8h, v24.8b, v26.8b
	WORD $0x4e3a831b // smlal2 v27.8h, v24.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8b08c5 // mla v5.4s, v6.4s, v11.s[2]
	FMOVQ 244(R6), F26
	WORD $0x0e3ac33b // smull v27.8h, v25.8b, v26.8b
	WORD $0x4e3a833b // smlal2 v27.8h, v25.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fab08c5 // mla v5.4s, v6.4s, v11.s[3]
	VADDV V5.S4, V5
	VMOV  V5.S[0], V30.S[1]
	ADD   $210, R3

	// Row 2.
	ADD   $208, R4, R13
	VLD1  (R13), V7.H[2]
	FMOVQ 192(R4), F2
	WORD $0x4f08a443 // sxtl2 v3.8h, v2.16b
	WORD $0x0f08a442 // sxtl v2.8h, v2.8b
	VEOR  V4.B16, V4.B16, V4.B16
	VEXT  $2, V3.B16, V2.B16, V12.B16
	VEXT  $2, V4.B16, V3.B16, V13.B16
	VSUB  V12.H8, V2.H8, V12.H8
	VSUB  V13.H8, V3.H8, V13.H8
	WORD $0x0f10a588 // sxtl v8.4s, v12.4h
	WORD $0x4f10a589 // sxtl2 v9.4s, v12.8h
	WORD $0x0f10a5aa // sxtl v10.4s, v13.4h
	WORD $0x4f10a5ab // sxtl2 v11.4s, v13.8h
	WORD $0x0e60c044 // smull v4.4s, v2.4h, v0.4h
	WORD $0x4e608044 // smlal2 v4.4s, v2.8h, v0.8h
	WORD $0x0e618064 // smlal v4.4s, v3.4h, v1.4h
	WORD $0x4e618064 // smlal2 v4.4s, v3.8h, v1.8h
	VSHL  $5, V4.S4, V4.S4
	WORD $0x6ea0b885 // neg v5.4s, v4.4s
	VEOR  V6.B16, V6.B16, V6.B16

	FMOVQ 0(R4), F12
	FMOVQ 16(R4), F13
	FMOVQ 32(R4), F14
	FMOVQ 48(R4), F15
	FMOVQ 128(R4), F16
	FMOVQ 144(R4), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 4(R6), F26
	WORD $0x0e3ac25b // smull v27.8h, v18.8b, v26.8b
	WORD $0x4e3a825b // smlal2 v27.8h, v18.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8800c5 // mla v5.4s, v6.4s, v8.s[0]
	FMOVQ 20(R6), F26
	WORD $0x0e3ac27b // smull v27.8h, v19.8b, v26.8b
	WORD $0x4e3a827b // smlal2 v27.8h, v19.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa800c5 // mla v5.4s, v6.4s, v8.s[1]
	FMOVQ 36(R6), F26
	WORD $0x0e3ac29b // smull v27.8h, v20.8b, v26.8b
	WORD $0x4e3a829b // smlal2 v27.8h, v20.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8808c5 // mla v5.4s, v6.4s, v8.s[2]
	FMOVQ 52(R6), F26
	WORD $0x0e3ac2bb // smull v27.8h, v21.8b, v26.8b
	WORD $0x4e3a82bb // smlal2 v27.8h, v21.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa808c5 // mla v5.4s, v6.4s, v8.s[3]
	FMOVQ 68(R6), F26
	WORD $0x0e3ac2db // smull v27.8h, v22.8b, v26.8b
	WORD $0x4e3a82db // smlal2 v27.8h, v22.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8900c5 // mla v5.4s, v6.4s, v9.s[0]
	FMOVQ 84(R6), F26
	WORD $0x0e3ac2fb // smull v27.8h, v23.8b, v26.8b
	WORD $0x4e3a82fb // smlal2 v27.8h, v23.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa900c5 // mla v5.4s, v6.4s, v9.s[1]
	FMOVQ 100(R6), F26
	WORD $0x0e3ac31b // smull v27.8h, v24.8b, v26.8b
	WORD $0x4e3a831b // smlal2 v27.8h, v24.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8908c5 // mla v5.4s, v6.4s, v9.s[2]
	FMOVQ 116(R6), F26
	WORD $0x0e3ac33b // smull v27.8h, v25.8b, v26.8b
	WORD $0x4e3a833b // smlal2 v27.8h, v25.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa908c5 // mla v5.4s, v6.4s, v9.s[3]

	FMOVQ 64(R4), F12
	FMOVQ 80(R4), F13
	FMOVQ 96(R4), F14
	FMOVQ 112(R4), F15
	FMOVQ 160(R4), F16
	FMOVQ 176(R4), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 132(R6), F26
	WORD $0x0e3ac25b // smull v27.8h, v18.8b, v26.8b
	WORD $0x4e3a825b // smlal2 v27.8h, v18.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8a00c5 // mla v5.4s, v6.4s, v10.s[0]
	FMOVQ 148(R6), F26
	WORD $0x0e3ac27b // smull v27.8h, v19.8b, v26.8b
	WORD $0x4e3a827b // smlal2 v27.8h, v19.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6faa00c5 // mla v5.4s, v6.4s, v10.s[1]
	FMOVQ 164(R6), F26
	WORD $0x0e3ac29b // smull v27.8h, v20.8b, v26.8b
	WORD $0x4e3a829b // smlal2 v27.8h, v20.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8a08c5 // mla v5.4s, v6.4s, v10.s[2]
	FMOVQ 180(R6), F26
	WORD $0x0e3ac2bb // smull v27.8h, v21.8b, v26.8b
	WORD $0x4e3a82bb // smlal2 v27.8h, v21.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6faa08c5 // mla v5.4s, v6.4s, v10.s[3]
	FMOVQ 196(R6), F26
	WORD $0x0e3ac2db // smull v27.8h, v22.8b, v26.8b
	WORD $0x4e3a82db // smlal2 v27.8h, v22.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8b00c5 // mla v5.4s, v6.4s, v11.s[0]
	FMOVQ 212(R6), F26
	WORD $0x0e3ac2fb // smull v27.8h, v23.8b, v26.8b
	WORD $0x4e3a82fb // smlal2 v27.8h, v23.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fab00c5 // mla v5.4s, v6.4s, v11.s[1]
	FMOVQ 228(R6), F26
	WORD $0x0e3ac31b // smull v27.8h, v24.8b, v26.8b
	WORD $0x4e3a831b // smlal2 v27.8h, v24.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8b08c5 // mla v5.4s, v6.4s, v11.s[2]
	FMOVQ 244(R6), F26
	WORD $0x0e3ac33b // smull v27.8h, v25.8b, v26.8b
	WORD $0x4e3a833b // smlal2 v27.8h, v25.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fab08c5 // mla v5.4s, v6.4s, v11.s[3]
	VADDV V5.S4, V5
	VMOV  V5.S[0], V30.S[2]
	ADD   $210, R4

	// Row 3.
	ADD   $208, R5, R13
	VLD1  (R13), V7.H[3]
	FMOVQ 192(R5), F2
	WORD $0x4f08a443 // sxtl2 v3.8h, v2.16b
	WORD $0x0f08a442 // sxtl v2.8h, v2.8b
	VEOR  V4.B16, V4.B16, V4.B16
	VEXT  $2, V3.B16, V2.B16, V12.B16
	VEXT  $2, V4.B16, V3.B16, V13.B16
	VSUB  V12.H8, V2.H8, V12.H8
	VSUB  V13.H8, V3.H8, V13.H8
	WORD $0x0f10a588 // sxtl v8.4s, v12.4h
	WORD $0x4f10a589 // sxtl2 v9.4s, v12.8h
	WORD $0x0f10a5aa // sxtl v10.4s, v13.4h
	WORD $0x4f10a5ab // sxtl2 v11.4s, v13.8h
	WORD $0x0e60c044 // smull v4.4s, v2.4h, v0.4h
	WORD $0x4e608044 // smlal2 v4.4s, v2.8h, v0.8h
	WORD $0x0e618064 // smlal v4.4s, v3.4h, v1.4h
	WORD $0x4e618064 // smlal2 v4.4s, v3.8h, v1.8h
	VSHL  $5, V4.S4, V4.S4
	WORD $0x6ea0b885 // neg v5.4s, v4.4s
	VEOR  V6.B16, V6.B16, V6.B16

	FMOVQ 0(R5), F12
	FMOVQ 16(R5), F13
	FMOVQ 32(R5), F14
	FMOVQ 48(R5), F15
	FMOVQ 128(R5), F16
	FMOVQ 144(R5), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 4(R6), F26
	WORD $0x0e3ac25b // smull v27.8h, v18.8b, v26.8b
	WORD $0x4e3a825b // smlal2 v27.8h, v18.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8800c5 // mla v5.4s, v6.4s, v8.s[0]
	FMOVQ 20(R6), F26
	WORD $0x0e3ac27b // smull v27.8h, v19.8b, v26.8b
	WORD $0x4e3a827b // smlal2 v27.8h, v19.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa800c5 // mla v5.4s, v6.4s, v8.s[1]
	FMOVQ 36(R6), F26
	WORD $0x0e3ac29b // smull v27.8h, v20.8b, v26.8b
	WORD $0x4e3a829b // smlal2 v27.8h, v20.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8808c5 // mla v5.4s, v6.4s, v8.s[2]
	FMOVQ 52(R6), F26
	WORD $0x0e3ac2bb // smull v27.8h, v21.8b, v26.8b
	WORD $0x4e3a82bb // smlal2 v27.8h, v21.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa808c5 // mla v5.4s, v6.4s, v8.s[3]
	FMOVQ 68(R6), F26
	WORD $0x0e3ac2db // smull v27.8h, v22.8b, v26.8b
	WORD $0x4e3a82db // smlal2 v27.8h, v22.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8900c5 // mla v5.4s, v6.4s, v9.s[0]
	FMOVQ 84(R6), F26
	WORD $0x0e3ac2fb // smull v27.8h, v23.8b, v26.8b
	WORD $0x4e3a82fb // smlal2 v27.8h, v23.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa900c5 // mla v5.4s, v6.4s, v9.s[1]
	FMOVQ 100(R6), F26
	WORD $0x0e3ac31b // smull v27.8h, v24.8b, v26.8b
	WORD $0x4e3a831b // smlal2 v27.8h, v24.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8908c5 // mla v5.4s, v6.4s, v9.s[2]
	FMOVQ 116(R6), F26
	WORD $0x0e3ac33b // smull v27.8h, v25.8b, v26.8b
	WORD $0x4e3a833b // smlal2 v27.8h, v25.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fa908c5 // mla v5.4s, v6.4s, v9.s[3]

	FMOVQ 64(R5), F12
	FMOVQ 80(R5), F13
	FMOVQ 96(R5), F14
	FMOVQ 112(R5), F15
	FMOVQ 160(R5), F16
	FMOVQ 176(R5), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 132(R6), F26
	WORD $0x0e3ac25b // smull v27.8h, v18.8b, v26.8b
	WORD $0x4e3a825b // smlal2 v27.8h, v18.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8a00c5 // mla v5.4s, v6.4s, v10.s[0]
	FMOVQ 148(R6), F26
	WORD $0x0e3ac27b // smull v27.8h, v19.8b, v26.8b
	WORD $0x4e3a827b // smlal2 v27.8h, v19.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6faa00c5 // mla v5.4s, v6.4s, v10.s[1]
	FMOVQ 164(R6), F26
	WORD $0x0e3ac29b // smull v27.8h, v20.8b, v26.8b
	WORD $0x4e3a829b // smlal2 v27.8h, v20.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8a08c5 // mla v5.4s, v6.4s, v10.s[2]
	FMOVQ 180(R6), F26
	WORD $0x0e3ac2bb // smull v27.8h, v21.8b, v26.8b
	WORD $0x4e3a82bb // smlal2 v27.8h, v21.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6faa08c5 // mla v5.4s, v6.4s, v10.s[3]
	FMOVQ 196(R6), F26
	WORD $0x0e3ac2db // smull v27.8h, v22.8b, v26.8b
	WORD $0x4e3a82db // smlal2 v27.8h, v22.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8b00c5 // mla v5.4s, v6.4s, v11.s[0]
	FMOVQ 212(R6), F26
	WORD $0x0e3ac2fb // smull v27.8h, v23.8b, v26.8b
	WORD $0x4e3a82fb // smlal2 v27.8h, v23.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fab00c5 // mla v5.4s, v6.4s, v11.s[1]
	FMOVQ 228(R6), F26
	WORD $0x0e3ac31b // smull v27.8h, v24.8b, v26.8b
	WORD $0x4e3a831b // smlal2 v27.8h, v24.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6f8b08c5 // mla v5.4s, v6.4s, v11.s[2]
	FMOVQ 244(R6), F26
	WORD $0x0e3ac33b // smull v27.8h, v25.8b, v26.8b
	WORD $0x4e3a833b // smlal2 v27.8h, v25.16b, v26.16b
	WORD $0x4e606b66 // sadalp v6.4s, v27.8h
	WORD $0x6fab08c5 // mla v5.4s, v6.4s, v11.s[3]
	VADDV V5.S4, V5
	VMOV  V5.S[0], V30.S[3]
	ADD   $210, R5

	// V31 += float(sums) * d*dx.
	WORD $0x4e21dbde // scvtf v30.4s, v30.4s
	WORD $0x0e2178e7 // fcvtl v7.4s, v7.4h
	FMOVS (R6), F4
	WORD $0x4f8490e7 // fmul v7.4s, v7.4s, v4.s[0]
	VFMLA V7.S4, V30.S4, V31.S4
	ADD   $292, R6
	SUB   $1, R10
	CBNZ  R10, superblock

done:
	VMOV  V31.B16, V0.B16
	STORE


// func matmulQ6_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ6_KNEONDot(SB), NOSPLIT, $0-120
	TILE_ARGS(0, 0)
	LSR   $8, R10 // super-blocks
	VMOVI $0x0f, V28.B16
	VMOVI $0x30, V29.B16
	VEOR  V31.B16, V31.B16, V31.B16
	CBZ   R10, done

superblock:
	ADD   $260, R6, R13
	VLD1  (R13), [V0.H8, V1.H8] // activation bsums

	// Row i. Values are 6-bit unsigned q here: sum_s sc[s]*dot_s(q-32)
	// = sum_s sc[s]*dot_s(q) - 32*sum_s sc[s]*bsums[s], the second sum
	// (V4) seeds the row's accumulator V5. D[s] = sc[s] - sc[s+1] into
	// V8..V11 as int32 for the summation by parts; d into lane i of V7.
	ADD   $208, R2, R13
	VLD1  (R13), V7.H[0]
	FMOVQ 192(R2), F2
	WORD $0x4f08a443 // sxtl2 v3.8h, v2.16b
	WORD $0x0f08a442 // sxtl v2.8h, v2.8b
	VEOR  V4.B16, V4.B16, V4.B16
	VEXT  $2, V3.B16, V2.B16, V12.B16
	VEXT  $2, V4.B16, V3.B16, V13.B16
	VSUB  V12.H8, V2.H8, V12.H8
	VSUB  V13.H8, V3.H8, V13.H8
	WORD $0x0f10a588 // sxtl v8.4s, v12.4h
	WORD $0x4f10a589 // sxtl2 v9.4s, v12.8h
	WORD $0x0f10a5aa // sxtl v10.4s, v13.4h
	WORD $0x4f10a5ab // sxtl2 v11.4s, v13.8h
	WORD $0x0e60c044 // smull v4.4s, v2.4h, v0.4h
	WORD $0x4e608044 // smlal2 v4.4s, v2.8h, v0.8h
	WORD $0x0e618064 // smlal v4.4s, v3.4h, v1.4h
	WORD $0x4e618064 // smlal2 v4.4s, v3.8h, v1.8h
	VSHL  $5, V4.S4, V4.S4
	WORD $0x6ea0b885 // neg v5.4s, v4.4s
	VEOR  V6.B16, V6.B16, V6.B16

	// Half h: ql bytes A (64h..), B (64h+32..), qh bytes H
	// (128+32h..), 16 at a time (l < 16, l >= 16): value 128h+32g+l is
	// q0 = A&15 | (H&3)<<4, q1 = B&15 | (H>>2&3)<<4, q2 = A>>4 | (H>>4&3)<<4,
	// q3 = B>>4 | (H>>6)<<4 (V18..V25: q_g of the l-half in V(18+2g+half));
	// sub-block 8h+2g+half, one 16-byte SDOT each, in order.
	FMOVQ 0(R2), F12
	FMOVQ 16(R2), F13
	FMOVQ 32(R2), F14
	FMOVQ 48(R2), F15
	FMOVQ 128(R2), F16
	FMOVQ 144(R2), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 4(R6), F26
	WORD $0x4e9a9646 // sdot v6.4s, v18.16b, v26.16b
	WORD $0x6f8800c5 // mla v5.4s, v6.4s, v8.s[0]
	FMOVQ 20(R6), F26
	WORD $0x4e9a9666 // sdot v6.4s, v19.16b, v26.16b
	WORD $0x6fa800c5 // mla v5.4s, v6.4s, v8.s[1]
	FMOVQ 36(R6), F26
	WORD $0x4e9a9686 // sdot v6.4s, v20.16b, v26.16b
	WORD $0x6f8808c5 // mla v5.4s, v6.4s, v8.s[2]
	FMOVQ 52(R6), F26
	WORD $0x4e9a96a6 // sdot v6.4s, v21.16b, v26.16b
	WORD $0x6fa808c5 // mla v5.4s, v6.4s, v8.s[3]
	FMOVQ 68(R6), F26
	WORD $0x4e9a96c6 // sdot v6.4s, v22.16b, v26.16b
	WORD $0x6f8900c5 // mla v5.4s, v6.4s, v9.s[0]
	FMOVQ 84(R6), F26
	WORD $0x4e9a96e6 // sdot v6.4s, v23.16b, v26.16b
	WORD $0x6fa900c5 // mla v5.4s, v6.4s, v9.s[1]
	FMOVQ 100(R6), F26
	WORD $0x4e9a9706 // sdot v6.4s, v24.16b, v26.16b
	WORD $0x6f8908c5 // mla v5.4s, v6.4s, v9.s[2]
	FMOVQ 116(R6), F26
	WORD $0x4e9a9726 // sdot v6.4s, v25.16b, v26.16b
	WORD $0x6fa908c5 // mla v5.4s, v6.4s, v9.s[3]

	FMOVQ 64(R2), F12
	FMOVQ 80(R2), F13
	FMOVQ 96(R2), F14
	FMOVQ 112(R2), F15
	FMOVQ 160(R2), F16
	FMOVQ 176(R2), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 132(R6), F26
	WORD $0x4e9a9646 // sdot v6.4s, v18.16b, v26.16b
	WORD $0x6f8a00c5 // mla v5.4s, v6.4s, v10.s[0]
	FMOVQ 148(R6), F26
	WORD $0x4e9a9666 // sdot v6.4s, v19.16b, v26.16b
	WORD $0x6faa00c5 // mla v5.4s, v6.4s, v10.s[1]
	FMOVQ 164(R6), F26
	WORD $0x4e9a9686 // sdot v6.4s, v20.16b, v26.16b
	WORD $0x6f8a08c5 // mla v5.4s, v6.4s, v10.s[2]
	FMOVQ 180(R6), F26
	WORD $0x4e9a96a6 // sdot v6.4s, v21.16b, v26.16b
	WORD $0x6faa08c5 // mla v5.4s, v6.4s, v10.s[3]
	FMOVQ 196(R6), F26
	WORD $0x4e9a96c6 // sdot v6.4s, v22.16b, v26.16b
	WORD $0x6f8b00c5 // mla v5.4s, v6.4s, v11.s[0]
	FMOVQ 212(R6), F26
	WORD $0x4e9a96e6 // sdot v6.4s, v23.16b, v26.16b
	WORD $0x6fab00c5 // mla v5.4s, v6.4s, v11.s[1]
	FMOVQ 228(R6), F26
	WORD $0x4e9a9706 // sdot v6.4s, v24.16b, v26.16b
	WORD $0x6f8b08c5 // mla v5.4s, v6.4s, v11.s[2]
	FMOVQ 244(R6), F26
	WORD $0x4e9a9726 // sdot v6.4s, v25.16b, v26.16b
	WORD $0x6fab08c5 // mla v5.4s, v6.4s, v11.s[3]
	VADDV V5.S4, V5
	VMOV  V5.S[0], V30.S[0]
	ADD   $210, R2

	// Row 1.
	ADD   $208, R3, R13
	VLD1  (R13), V7.H[1]
	FMOVQ 192(R3), F2
	WORD $0x4f08a443 // sxtl2 v3.8h, v2.16b
	WORD $0x0f08a442 // sxtl v2.8h, v2.8b
	VEOR  V4.B16, V4.B16, V4.B16
	VEXT  $2, V3.B16, V2.B16, V12.B16
	VEXT  $2, V4.B16, V3.B16, V13.B16
	VSUB  V12.H8, V2.H8, V12.H8
	VSUB  V13.H8, V3.H8, V13.H8
	WORD $0x0f10a588 // sxtl v8.4s, v12.4h
	WORD $0x4f10a589 // sxtl2 v9.4s, v12.8h
	WORD $0x0f10a5aa // sxtl v10.4s, v13.4h
	WORD $0x4f10a5ab // sxtl2 v11.4s, v13.8h
	WORD $0x0e60c044 // smull v4.4s, v2.4h, v0.4h
	WORD $0x4e608044 // smlal2 v4.4s, v2.8h, v0.8h
	WORD $0x0e618064 // smlal v4.4s, v3.4h, v1.4h
	WORD $0x4e618064 // smlal2 v4.4s, v3.8h, v1.8h
	VSHL  $5, V4.S4, V4.S4
	WORD $0x6ea0b885 // neg v5.4s, v4.4s
	VEOR  V6.B16, V6.B16, V6.B16

	FMOVQ 0(R3), F12
	FMOVQ 16(R3), F13
	FMOVQ 32(R3), F14
	FMOVQ 48(R3), F15
	FMOVQ 128(R3), F16
	FMOVQ 144(R3), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 4(R6), F26
	WORD $0x4e9a9646 // sdot v6.4s, v18.16b, v26.16b
	WORD $0x6f8800c5 // mla v5.4s, v6.4s, v8.s[0]
	FMOVQ 20(R6), F26
	WORD $0x4e9a9666 // sdot v6.4s, v19.16b, v26.16b
	WORD $0x6fa800c5 // mla v5.4s, v6.4s, v8.s[1]
	FMOVQ 36(R6), F26
	WORD $0x4e9a9686 // sdot v6.4s, v20.16b, v26.16b
	WORD $0x6f8808c5 // mla v5.4s, v6.4s, v8.s[2]
	FMOVQ 52(R6), F26
	WORD $0x4e9a96a6 // sdot v6.4s, v21.16b, v26.16b
	WORD $0x6fa808c5 // mla v5.4s, v6.4s, v8.s[3]
	FMOVQ 68(R6), F26
	WORD $0x4e9a96c6 // sdot v6.4s, v22.16b, v26.16b
	WORD $0x6f8900c5 // mla v5.4s, v6.4s, v9.s[0]
	FMOVQ 84(R6), F26
	WORD $0x4e9a96e6 // sdot v6.4s, v23.16b, v26.16b
	WORD $0x6fa900c5 // mla v5.4s, v6.4s, v9.s[1]
	FMOVQ 100(R6), F26
	WORD $0x4e9a9706 // sdot v6.4s, v24.16b, v26.16b
	WORD $0x6f8908c5 // mla v5.4s, v6.4s, v9.s[2]
	FMOVQ 116(R6), F26
	WORD $0x4e9a9726 // sdot v6.4s, v25.16b, v26.16b
	WORD $0x6fa908c5 // mla v5.4s, v6.4s, v9.s[3]

	FMOVQ 64(R3), F12
	FMOVQ 80(R3), F13
	FMOVQ 96(R3), F14
	FMOVQ 112(R3), F15
	FMOVQ 160(R3), F16
	FMOVQ 176(R3), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 132(R6), F26
	WORD $0x4e9a9646 // sdot v6.4s, v18.16b, v26.16b
	WORD $0x6f8a00c5 // mla v5.4s, v6.4s, v10.s[0]
	FMOVQ 148(R6), F26
	WORD $0x4e9a9666 // sdot v6.4s, v19.16b, v26.16b
	WORD $0x6faa00c5 // mla v5.4s, v6.4s, v10.s[1]
	FMOVQ 164(R6), F26
	WORD $0x4e9a9686 // sdot v6.4s, v20.16b, v26.16b
	WORD $0x6f8a08c5 // mla v5.4s, v6.4s, v10.s[2]
	FMOVQ 180(R6), F26
	WORD $0x4e9a96a6 // sdot v6.4s, v21.16b, v26.16b
	WORD $0x6faa08c5 // mla v5.4s, v6.4s, v10.s[3]
	FMOVQ 196(R6), F26
	WORD $0x4e9a96c6 // sdot v6.4s, v22.16b, v26.16b
	WORD $0x6f8b00c5 // mla v5.4s, v6.4s, v11.s[0]
	FMOVQ 212(R6), F26
	WORD $0x4e9a96e6 // sdot v6.4s, v23.16b, v26.16b
	WORD $0x6fab00c5 // mla v5.4s, v6.4s, v11.s[1]
	FMOVQ 228(R6), F26
	WORD $0x4e9a9706 // sdot v6.4s, v24.16b, v26.16b
	WORD $0x6f8b08c5 // mla v5.4s, v6.4s, v11.s[2]
	FMOVQ 244(R6), F26
	WORD $0x4e9a9726 // sdot v6.4s, v25.16b, v26.16b
	WORD $0x6fab08c5 // mla v5.4s, v6.4s, v11.s[3]
	VADDV V5.S4, V5
	VMOV  V5.S[0], V30.S[1]
	ADD   $210, R3

	// Row 2.
	ADD   $208, R4, R13
	VLD1  (R13), V7.H[2]
	FMOVQ 192(R4), F2
	WORD $0x4f08a443 // sxtl2 v3.8h, v2.16b
	WORD $0x0f08a442 // sxtl v2.8h, v2.8b
	VEOR  V4.B16, V4.B16, V4.B16
	VEXT  $2, V3.B16, V2.B16, V12.B16
	VEXT  $2, V4.B16, V3.B16, V13.B16
	VSUB  V12.H8, V2.H8, V12.H8
	VSUB  V13.H8, V3.H8, V13.H8
	WORD $0x0f10a588 // sxtl v8.4s, v12.4h
	WORD $0x4f10a589 // sxtl2 v9.4s, v12.8h
	WORD $0x0f10a5aa // sxtl v10.4s, v13.4h
	WORD $0x4f10a5ab // sxtl2 v11.4s, v13.8h
	WORD $0x0e60c044 // smull v4.4s, v2.4h, v0.4h
	WORD $0x4e608044 // smlal2 v4.4s, v2.8h, v0.8h
	WORD $0x0e618064 // smlal v4.4s, v3.4h, v1.4h
	WORD $0x4e618064 // smlal2 v4.4s, v3.8h, v1.8h
	VSHL  $5, V4.S4, V4.S4
	WORD $0x6ea0b885 // neg v5.4s, v4.4s
	VEOR  V6.B16, V6.B16, V6.B16

	FMOVQ 0(R4), F12
	FMOVQ 16(R4), F13
	FMOVQ 32(R4), F14
	FMOVQ 48(R4), F15
	FMOVQ 128(R4), F16
	FMOVQ 144(R4), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 4(R6), F26
	WORD $0x4e9a9646 // sdot v6.4s, v18.16b, v26.16b
	WORD $0x6f8800c5 // mla v5.4s, v6.4s, v8.s[0]
	FMOVQ 20(R6), F26
	WORD $0x4e9a9666 // sdot v6.4s, v19.16b, v26.16b
	WORD $0x6fa800c5 // mla v5.4s, v6.4s, v8.s[1]
	FMOVQ 36(R6), F26
	WORD $0x4e9a9686 // sdot v6.4s, v20.16b, v26.16b
	WORD $0x6f8808c5 // mla v5.4s, v6.4s, v8.s[2]
	FMOVQ 52(R6), F26
	WORD $0x4e9a96a6 // sdot v6.4s, v21.16b, v26.16b
	WORD $0x6fa808c5 // mla v5.4s, v6.4s, v8.s[3]
	FMOVQ 68(R6), F26
	WORD $0x4e9a96c6 // sdot v6.4s, v22.16b, v26.16b
	WORD $0x6f8900c5 // mla v5.4s, v6.4s, v9.s[0]
	FMOVQ 84(R6), F26
	WORD $0x4e9a96e6 // sdot v6.4s, v23.16b, v26.16b
	WORD $0x6fa900c5 // mla v5.4s, v6.4s, v9.s[1]
	FMOVQ 100(R6), F26
	WORD $0x4e9a9706 // sdot v6.4s, v24.16b, v26.16b
	WORD $0x6f8908c5 // mla v5.4s, v6.4s, v9.s[2]
	FMOVQ 116(R6), F26
	WORD $0x4e9a9726 // sdot v6.4s, v25.16b, v26.16b
	WORD $0x6fa908c5 // mla v5.4s, v6.4s, v9.s[3]

	FMOVQ 64(R4), F12
	FMOVQ 80(R4), F13
	FMOVQ 96(R4), F14
	FMOVQ 112(R4), F15
	FMOVQ 160(R4), F16
	FMOVQ 176(R4), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 132(R6), F26
	WORD $0x4e9a9646 // sdot v6.4s, v18.16b, v26.16b
	WORD $0x6f8a00c5 // mla v5.4s, v6.4s, v10.s[0]
	FMOVQ 148(R6), F26
	WORD $0x4e9a9666 // sdot v6.4s, v19.16b, v26.16b
	WORD $0x6faa00c5 // mla v5.4s, v6.4s, v10.s[1]
	FMOVQ 164(R6), F26
	WORD $0x4e9a9686 // sdot v6.4s, v20.16b, v26.16b
	WORD $0x6f8a08c5 // mla v5.4s, v6.4s, v10.s[2]
	FMOVQ 180(R6), F26
	WORD $0x4e9a96a6 // sdot v6.4s, v21.16b, v26.16b
	WORD $0x6faa08c5 // mla v5.4s, v6.4s, v10.s[3]
	FMOVQ 196(R6), F26
	WORD $0x4e9a96c6 // sdot v6.4s, v22.16b, v26.16b
	WORD $0x6f8b00c5 // mla v5.4s, v6.4s, v11.s[0]
	FMOVQ 212(R6), F26
	WORD $0x4e9a96e6 // sdot v6.4s, v23.16b, v26.16b
	WORD $0x6fab00c5 // mla v5.4s, v6.4s, v11.s[1]
	FMOVQ 228(R6), F26
	WORD $0x4e9a9706 // sdot v6.4s, v24.16b, v26.16b
	WORD $0x6f8b08c5 // mla v5.4s, v6.4s, v11.s[2]
	FMOVQ 244(R6), F26
	WORD $0x4e9a9726 // sdot v6.4s, v25.16b, v26.16b
	WORD $0x6fab08c5 // mla v5.4s, v6.4s, v11.s[3]
	VADDV V5.S4, V5
	VMOV  V5.S[0], V30.S[2]
	ADD   $210, R4

	// Row 3.
	ADD   $208, R5, R13
	VLD1  (R13), V7.H[3]
	FMOVQ 192(R5), F2
	WORD $0x4f08a443 // sxtl2 v3.8h, v2.16b
	WORD $0x0f08a442 // sxtl v2.8h, v2.8b
	VEOR  V4.B16, V4.B16, V4.B16
	VEXT  $2, V3.B16, V2.B16, V12.B16
	VEXT  $2, V4.B16, V3.B16, V13.B16
	VSUB  V12.H8, V2.H8, V12.H8
	VSUB  V13.H8, V3.H8, V13.H8
	WORD $0x0f10a588 // sxtl v8.4s, v12.4h
	WORD $0x4f10a589 // sxtl2 v9.4s, v12.8h
	WORD $0x0f10a5aa // sxtl v10.4s, v13.4h
	WORD $0x4f10a5ab // sxtl2 v11.4s, v13.8h
	WORD $0x0e60c044 // smull v4.4s, v2.4h, v0.4h
	WORD $0x4e608044 // smlal2 v4.4s, v2.8h, v0.8h
	WORD $0x0e618064 // smlal v4.4s, v3.4h, v1.4h
	WORD $0x4e618064 // smlal2 v4.4s, v3.8h, v1.8h
	VSHL  $5, V4.S4, V4.S4
	WORD $0x6ea0b885 // neg v5.4s, v4.4s
	VEOR  V6.B16, V6.B16, V6.B16

	FMOVQ 0(R5), F12
	FMOVQ 16(R5), F13
	FMOVQ 32(R5), F14
	FMOVQ 48(R5), F15
	FMOVQ 128(R5), F16
	FMOVQ 144(R5), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 4(R6), F26
	WORD $0x4e9a9646 // sdot v6.4s, v18.16b, v26.16b
	WORD $0x6f8800c5 // mla v5.4s, v6.4s, v8.s[0]
	FMOVQ 20(R6), F26
	WORD $0x4e9a9666 // sdot v6.4s, v19.16b, v26.16b
	WORD $0x6fa800c5 // mla v5.4s, v6.4s, v8.s[1]
	FMOVQ 36(R6), F26
	WORD $0x4e9a9686 // sdot v6.4s, v20.16b, v26.16b
	WORD $0x6f8808c5 // mla v5.4s, v6.4s, v8.s[2]
	FMOVQ 52(R6), F26
	WORD $0x4e9a96a6 // sdot v6.4s, v21.16b, v26.16b
	WORD $0x6fa808c5 // mla v5.4s, v6.4s, v8.s[3]
	FMOVQ 68(R6), F26
	WORD $0x4e9a96c6 // sdot v6.4s, v22.16b, v26.16b
	WORD $0x6f8900c5 // mla v5.4s, v6.4s, v9.s[0]
	FMOVQ 84(R6), F26
	WORD $0x4e9a96e6 // sdot v6.4s, v23.16b, v26.16b
	WORD $0x6fa900c5 // mla v5.4s, v6.4s, v9.s[1]
	FMOVQ 100(R6), F26
	WORD $0x4e9a9706 // sdot v6.4s, v24.16b, v26.16b
	WORD $0x6f8908c5 // mla v5.4s, v6.4s, v9.s[2]
	FMOVQ 116(R6), F26
	WORD $0x4e9a9726 // sdot v6.4s, v25.16b, v26.16b
	WORD $0x6fa908c5 // mla v5.4s, v6.4s, v9.s[3]

	FMOVQ 64(R5), F12
	FMOVQ 80(R5), F13
	FMOVQ 96(R5), F14
	FMOVQ 112(R5), F15
	FMOVQ 160(R5), F16
	FMOVQ 176(R5), F17
	VSHL  $4, V16.B16, V18.B16
	VAND  V29.B16, V18.B16, V18.B16
	VBIT  V28.B16, V12.B16, V18.B16
	VSHL  $2, V16.B16, V20.B16
	VAND  V29.B16, V20.B16, V20.B16
	VBIT  V28.B16, V14.B16, V20.B16
	VAND  V29.B16, V16.B16, V22.B16
	WORD $0x6f0c1596 // usra v22.16b, v12.16b, #4
	VUSHR $2, V16.B16, V24.B16
	VAND  V29.B16, V24.B16, V24.B16
	WORD $0x6f0c15d8 // usra v24.16b, v14.16b, #4
	VSHL  $4, V17.B16, V19.B16
	VAND  V29.B16, V19.B16, V19.B16
	VBIT  V28.B16, V13.B16, V19.B16
	VSHL  $2, V17.B16, V21.B16
	VAND  V29.B16, V21.B16, V21.B16
	VBIT  V28.B16, V15.B16, V21.B16
	VAND  V29.B16, V17.B16, V23.B16
	WORD $0x6f0c15b7 // usra v23.16b, v13.16b, #4
	VUSHR $2, V17.B16, V25.B16
	VAND  V29.B16, V25.B16, V25.B16
	WORD $0x6f0c15f9 // usra v25.16b, v15.16b, #4
	FMOVQ 132(R6), F26
	WORD $0x4e9a9646 // sdot v6.4s, v18.16b, v26.16b
	WORD $0x6f8a00c5 // mla v5.4s, v6.4s, v10.s[0]
	FMOVQ 148(R6), F26
	WORD $0x4e9a9666 // sdot v6.4s, v19.16b, v26.16b
	WORD $0x6faa00c5 // mla v5.4s, v6.4s, v10.s[1]
	FMOVQ 164(R6), F26
	WORD $0x4e9a9686 // sdot v6.4s, v20.16b, v26.16b
	WORD $0x6f8a08c5 // mla v5.4s, v6.4s, v10.s[2]
	FMOVQ 180(R6), F26
	WORD $0x4e9a96a6 // sdot v6.4s, v21.16b, v26.16b
	WORD $0x6faa08c5 // mla v5.4s, v6.4s, v10.s[3]
	FMOVQ 196(R6), F26
	WORD $0x4e9a96c6 // sdot v6.4s, v22.16b, v26.16b
	WORD $0x6f8b00c5 // mla v5.4s, v6.4s, v11.s[0]
	FMOVQ 212(R6), F26
	WORD $0x4e9a96e6 // sdot v6.4s, v23.16b, v26.16b
	WORD $0x6fab00c5 // mla v5.4s, v6.4s, v11.s[1]
	FMOVQ 228(R6), F26
	WORD $0x4e9a9706 // sdot v6.4s, v24.16b, v26.16b
	WORD $0x6f8b08c5 // mla v5.4s, v6.4s, v11.s[2]
	FMOVQ 244(R6), F26
	WORD $0x4e9a9726 // sdot v6.4s, v25.16b, v26.16b
	WORD $0x6fab08c5 // mla v5.4s, v6.4s, v11.s[3]
	VADDV V5.S4, V5
	VMOV  V5.S[0], V30.S[3]
	ADD   $210, R5

	// V31 += float(sums) * d*dx.
	WORD $0x4e21dbde // scvtf v30.4s, v30.4s
	WORD $0x0e2178e7 // fcvtl v7.4s, v7.4h
	FMOVS (R6), F4
	WORD $0x4f8490e7 // fmul v7.4s, v7.4s, v4.s[0]
	VFMLA V7.S4, V30.S4, V31.S4
	ADD   $292, R6
	SUB   $1, R10
	CBNZ  R10, superblock

done:
	VMOV  V31.B16, V0.B16
	STORE

