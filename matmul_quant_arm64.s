//go:build !purego && !noasm

#include "textflag.h"
#include "matmul_arm64.h"

// NEON tiles of the Q8_0 and Q4_0 weight formats against Q8_0 activations
// (matmul_quant_arm64.go has the Go loop): 4 rows of W by 4 activation
// rows, and a 4x1 form for cols == 1 (the decode GEMV). Per block of 32,
// each (row, column) integer dot product is exact; the four rows of one
// column are added across lanes into one vector (lane i = row i), turned
// into float32 and accumulated with the vector of scale products
// d_w[i]*d_x[j]. Two forms of the integer dot: SDOT (ASIMDDP) and a plain
// NEON one (SMULL/SMLAL2/SADALP). WORD-encoded instructions carry the GNU
// form as the comment (.ci/armwords.go checks them). Requires: ASIMD,
// ASIMDDP for the *Dot functions.
//
// Registers: W block values V0..V7 (row i in V(2i): values 0..15 and
// V(2i+1): 16..31), W scales V8, activation scales V9, activation blocks
// V10, V11 and V20, V21 (two in flight), integer sums V12..V15 and
// V22..V25, accumulators V16..V19 (column j, lane i = row i), int16
// products V26..V29, Q4_0 constants V30, V31.

// DOT_A sets V12 (lane i) to the integer dot product of W row i
// (V(2i), V(2i+1)) with the activation block in V10, V11, as float32;
// DOT_B does the same with V20, V21 into V22. SDOT forms (ASIMDDP):
#define SDOT_A \
	VEOR V12.B16, V12.B16, V12.B16; \
	VEOR V13.B16, V13.B16, V13.B16; \
	VEOR V14.B16, V14.B16, V14.B16; \
	VEOR V15.B16, V15.B16, V15.B16; \
	WORD $0x4e8a940c; /* sdot v12.4s, v0.16b, v10.16b */ \
	WORD $0x4e8b942c; /* sdot v12.4s, v1.16b, v11.16b */ \
	WORD $0x4e8a944d; /* sdot v13.4s, v2.16b, v10.16b */ \
	WORD $0x4e8b946d; /* sdot v13.4s, v3.16b, v11.16b */ \
	WORD $0x4e8a948e; /* sdot v14.4s, v4.16b, v10.16b */ \
	WORD $0x4e8b94ae; /* sdot v14.4s, v5.16b, v11.16b */ \
	WORD $0x4e8a94cf; /* sdot v15.4s, v6.16b, v10.16b */ \
	WORD $0x4e8b94ef; /* sdot v15.4s, v7.16b, v11.16b */ \
	VADDP V13.S4, V12.S4, V12.S4; \
	VADDP V15.S4, V14.S4, V14.S4; \
	VADDP V14.S4, V12.S4, V12.S4; \
	WORD $0x4e21d98c /* scvtf v12.4s, v12.4s */

#define SDOT_B \
	VEOR V22.B16, V22.B16, V22.B16; \
	VEOR V23.B16, V23.B16, V23.B16; \
	VEOR V24.B16, V24.B16, V24.B16; \
	VEOR V25.B16, V25.B16, V25.B16; \
	WORD $0x4e949416; /* sdot v22.4s, v0.16b, v20.16b */ \
	WORD $0x4e959436; /* sdot v22.4s, v1.16b, v21.16b */ \
	WORD $0x4e949457; /* sdot v23.4s, v2.16b, v20.16b */ \
	WORD $0x4e959477; /* sdot v23.4s, v3.16b, v21.16b */ \
	WORD $0x4e949498; /* sdot v24.4s, v4.16b, v20.16b */ \
	WORD $0x4e9594b8; /* sdot v24.4s, v5.16b, v21.16b */ \
	WORD $0x4e9494d9; /* sdot v25.4s, v6.16b, v20.16b */ \
	WORD $0x4e9594f9; /* sdot v25.4s, v7.16b, v21.16b */ \
	VADDP V23.S4, V22.S4, V22.S4; \
	VADDP V25.S4, V24.S4, V24.S4; \
	VADDP V24.S4, V22.S4, V22.S4; \
	WORD $0x4e21dad6 /* scvtf v22.4s, v22.4s */

// Plain-NEON forms: products widened to int16 in pairs (|w*x| <= 128*127,
// so two of them fit), then added pairwise into int32.
#define SMULL_A \
	WORD $0x0e2ac01a; /* smull v26.8h, v0.8b, v10.8b */ \
	WORD $0x4e2a801a; /* smlal2 v26.8h, v0.16b, v10.16b */ \
	WORD $0x0e2bc03b; /* smull v27.8h, v1.8b, v11.8b */ \
	WORD $0x4e2b803b; /* smlal2 v27.8h, v1.16b, v11.16b */ \
	WORD $0x4e602b4c; /* saddlp v12.4s, v26.8h */ \
	WORD $0x4e606b6c; /* sadalp v12.4s, v27.8h */ \
	WORD $0x0e2ac05a; /* smull v26.8h, v2.8b, v10.8b */ \
	WORD $0x4e2a805a; /* smlal2 v26.8h, v2.16b, v10.16b */ \
	WORD $0x0e2bc07b; /* smull v27.8h, v3.8b, v11.8b */ \
	WORD $0x4e2b807b; /* smlal2 v27.8h, v3.16b, v11.16b */ \
	WORD $0x4e602b4d; /* saddlp v13.4s, v26.8h */ \
	WORD $0x4e606b6d; /* sadalp v13.4s, v27.8h */ \
	WORD $0x0e2ac09a; /* smull v26.8h, v4.8b, v10.8b */ \
	WORD $0x4e2a809a; /* smlal2 v26.8h, v4.16b, v10.16b */ \
	WORD $0x0e2bc0bb; /* smull v27.8h, v5.8b, v11.8b */ \
	WORD $0x4e2b80bb; /* smlal2 v27.8h, v5.16b, v11.16b */ \
	WORD $0x4e602b4e; /* saddlp v14.4s, v26.8h */ \
	WORD $0x4e606b6e; /* sadalp v14.4s, v27.8h */ \
	WORD $0x0e2ac0da; /* smull v26.8h, v6.8b, v10.8b */ \
	WORD $0x4e2a80da; /* smlal2 v26.8h, v6.16b, v10.16b */ \
	WORD $0x0e2bc0fb; /* smull v27.8h, v7.8b, v11.8b */ \
	WORD $0x4e2b80fb; /* smlal2 v27.8h, v7.16b, v11.16b */ \
	WORD $0x4e602b4f; /* saddlp v15.4s, v26.8h */ \
	WORD $0x4e606b6f; /* sadalp v15.4s, v27.8h */ \
	VADDP V13.S4, V12.S4, V12.S4; \
	VADDP V15.S4, V14.S4, V14.S4; \
	VADDP V14.S4, V12.S4, V12.S4; \
	WORD $0x4e21d98c /* scvtf v12.4s, v12.4s */

#define SMULL_B \
	WORD $0x0e34c01c; /* smull v28.8h, v0.8b, v20.8b */ \
	WORD $0x4e34801c; /* smlal2 v28.8h, v0.16b, v20.16b */ \
	WORD $0x0e35c03d; /* smull v29.8h, v1.8b, v21.8b */ \
	WORD $0x4e35803d; /* smlal2 v29.8h, v1.16b, v21.16b */ \
	WORD $0x4e602b96; /* saddlp v22.4s, v28.8h */ \
	WORD $0x4e606bb6; /* sadalp v22.4s, v29.8h */ \
	WORD $0x0e34c05c; /* smull v28.8h, v2.8b, v20.8b */ \
	WORD $0x4e34805c; /* smlal2 v28.8h, v2.16b, v20.16b */ \
	WORD $0x0e35c07d; /* smull v29.8h, v3.8b, v21.8b */ \
	WORD $0x4e35807d; /* smlal2 v29.8h, v3.16b, v21.16b */ \
	WORD $0x4e602b97; /* saddlp v23.4s, v28.8h */ \
	WORD $0x4e606bb7; /* sadalp v23.4s, v29.8h */ \
	WORD $0x0e34c09c; /* smull v28.8h, v4.8b, v20.8b */ \
	WORD $0x4e34809c; /* smlal2 v28.8h, v4.16b, v20.16b */ \
	WORD $0x0e35c0bd; /* smull v29.8h, v5.8b, v21.8b */ \
	WORD $0x4e3580bd; /* smlal2 v29.8h, v5.16b, v21.16b */ \
	WORD $0x4e602b98; /* saddlp v24.4s, v28.8h */ \
	WORD $0x4e606bb8; /* sadalp v24.4s, v29.8h */ \
	WORD $0x0e34c0dc; /* smull v28.8h, v6.8b, v20.8b */ \
	WORD $0x4e3480dc; /* smlal2 v28.8h, v6.16b, v20.16b */ \
	WORD $0x0e35c0fd; /* smull v29.8h, v7.8b, v21.8b */ \
	WORD $0x4e3580fd; /* smlal2 v29.8h, v7.16b, v21.16b */ \
	WORD $0x4e602b99; /* saddlp v25.4s, v28.8h */ \
	WORD $0x4e606bb9; /* sadalp v25.4s, v29.8h */ \
	VADDP V23.S4, V22.S4, V22.S4; \
	VADDP V25.S4, V24.S4, V24.S4; \
	VADDP V24.S4, V22.S4, V22.S4; \
	WORD $0x4e21dad6 /* scvtf v22.4s, v22.4s */

// W block loaders: values of the four rows into V0..V7. Q8_0: 32 int8
// after the f16 scale. Q4_0: 16 bytes after the scale, low nibbles values
// 0..15, high nibbles 16..31, each minus 8.
#define LOADW_Q8_0 \
	FMOVQ 2(R2), F0;  \
	FMOVQ 18(R2), F1; \
	FMOVQ 2(R3), F2;  \
	FMOVQ 18(R3), F3; \
	FMOVQ 2(R4), F4;  \
	FMOVQ 18(R4), F5; \
	FMOVQ 2(R5), F6;  \
	FMOVQ 18(R5), F7

#define NIBBLES(lo, hi) \
	VAND  V30.B16, hi.B16, lo.B16; \
	VUSHR $4, hi.B16, hi.B16;      \
	VSUB  V31.B16, lo.B16, lo.B16; \
	VSUB  V31.B16, hi.B16, hi.B16

#define LOADW_Q4_0 \
	FMOVQ 2(R2), F1;  \
	FMOVQ 2(R3), F3;  \
	FMOVQ 2(R4), F5;  \
	FMOVQ 2(R5), F7;  \
	NIBBLES(V0, V1);  \
	NIBBLES(V2, V3);  \
	NIBBLES(V4, V5);  \
	NIBBLES(V6, V7)

// SCALE_Aj, SCALE_Bj: the scale products d_w[i]*d_x[j] of column j into
// V13 (columns read into V10, V11) or V23 (V20, V21).
#define SCALE_A0 WORD $0x4f89910d /* fmul v13.4s, v8.4s, v9.s[0] */
#define SCALE_B1 WORD $0x4fa99117 /* fmul v23.4s, v8.4s, v9.s[1] */
#define SCALE_A2 WORD $0x4f89990d /* fmul v13.4s, v8.4s, v9.s[2] */
#define SCALE_B3 WORD $0x4fa99917 /* fmul v23.4s, v8.4s, v9.s[3] */

// QCOLS does two activation columns (rows RA, RB) of a block: the integer
// dots DOTA, DOTB, then ACCA += V12*V13 and ACCB += V22*V23.
#define QCOLS(RA, RB, SCALEA, SCALEB, ACCA, ACCB, DOTA, DOTB) \
	FMOVQ 2(RA), F10;              \
	FMOVQ 18(RA), F11;             \
	FMOVQ 2(RB), F20;              \
	FMOVQ 18(RB), F21;             \
	DOTA;                          \
	DOTB;                          \
	SCALEA;                        \
	SCALEB;                        \
	VFMLA V13.S4, V12.S4, ACCA.S4; \
	VFMLA V23.S4, V22.S4, ACCB.S4

// QTILE is a whole tile: W blocks of WB bytes loaded by LOADW, integer dots
// DOTA and DOTB.
#define QTILE(LOADW, WB, DOTA, DOTB) \
	TILE_ARGS(0, 0)                                      \
	LSR    $5, R10                                       \
	VMOVI  $15, V30.B16                                  \
	VMOVI  $8, V31.B16                                   \
	VEOR   V16.B16, V16.B16, V16.B16                     \
	VEOR   V17.B16, V17.B16, V17.B16                     \
	VEOR   V18.B16, V18.B16, V18.B16                     \
	VEOR   V19.B16, V19.B16, V19.B16                     \
	CBZ    R10, done                                     \
	CMP    $1, R12                                       \
	BEQ    gemv                                          \
block:                                                   \
	VLD1   (R2), V8.H[0]                                 \
	VLD1   (R3), V8.H[1]                                 \
	VLD1   (R4), V8.H[2]                                 \
	VLD1   (R5), V8.H[3]                                 \
	VLD1   (R6), V9.H[0]                                 \
	VLD1   (R7), V9.H[1]                                 \
	VLD1   (R8), V9.H[2]                                 \
	VLD1   (R9), V9.H[3]                                 \
	LOADW                                                \
	WORD   $0x0e217908; /* fcvtl v8.4s, v8.4h */                  \
	WORD   $0x0e217929; /* fcvtl v9.4s, v9.4h */                  \
	QCOLS(R6, R7, SCALE_A0, SCALE_B1, V16, V17, DOTA, DOTB) \
	QCOLS(R8, R9, SCALE_A2, SCALE_B3, V18, V19, DOTA, DOTB) \
	ADD    $WB, R2                                       \
	ADD    $WB, R3                                       \
	ADD    $WB, R4                                       \
	ADD    $WB, R5                                       \
	ADD    $34, R6                                       \
	ADD    $34, R7                                       \
	ADD    $34, R8                                       \
	ADD    $34, R9                                       \
	SUB    $1, R10                                       \
	CBNZ   R10, block                                    \
	B      done                                          \
gemv:                                                    \
	VLD1   (R2), V8.H[0]                                 \
	VLD1   (R3), V8.H[1]                                 \
	VLD1   (R4), V8.H[2]                                 \
	VLD1   (R5), V8.H[3]                                 \
	VLD1   (R6), V9.H[0]                                 \
	LOADW                                                \
	WORD   $0x0e217908; /* fcvtl v8.4s, v8.4h */                  \
	WORD   $0x0e217929; /* fcvtl v9.4s, v9.4h */                  \
	FMOVQ  2(R6), F10                                    \
	FMOVQ  18(R6), F11                                   \
	DOTA                                                 \
	SCALE_A0                                             \
	VFMLA  V13.S4, V12.S4, V16.S4                        \
	ADD    $WB, R2                                       \
	ADD    $WB, R3                                       \
	ADD    $WB, R4                                       \
	ADD    $WB, R5                                       \
	ADD    $34, R6                                       \
	SUB    $1, R10                                       \
	CBNZ   R10, gemv                                     \
done:                                                    \
	VMOV   V16.B16, V0.B16                               \
	VMOV   V17.B16, V1.B16                               \
	VMOV   V18.B16, V2.B16                               \
	VMOV   V19.B16, V3.B16                               \
	STORE

// func matmulQ8_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ8_0NEON(SB), NOSPLIT, $0-120
	QTILE(LOADW_Q8_0, 34, SMULL_A, SMULL_B)

// func matmulQ4_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ4_0NEON(SB), NOSPLIT, $0-120
	QTILE(LOADW_Q4_0, 18, SMULL_A, SMULL_B)

// func matmulQ8_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ8_0NEONDot(SB), NOSPLIT, $0-120
	QTILE(LOADW_Q8_0, 34, SDOT_A, SDOT_B)

// func matmulQ4_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ4_0NEONDot(SB), NOSPLIT, $0-120
	QTILE(LOADW_Q4_0, 18, SDOT_A, SDOT_B)
