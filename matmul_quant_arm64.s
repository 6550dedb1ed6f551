//go:build !purego && !noasm

#include "textflag.h"
#include "matmul_arm64.h"

// NEON tiles of the Q8_0, Q4_0 and Q5_0 weight formats against Q8_0
// activations and of Q4_1 and Q5_1 against Q8_1 (matmul_quant_arm64.go
// has the Go loop): 4 rows of W by 4 activation rows, and a 4x1 form for
// cols == 1 (the decode GEMV). Per block of 32, each (row, column) integer
// dot product is exact; the four rows of one column are added across
// lanes into one vector (lane i = row i), turned into float32 and
// accumulated with the vector of scale products d_w[i]*d_x[j]; Q4_1 and
// Q5_1 add m_w[i]*s_x[j] to the accumulators as each block starts (their
// weight values are unsigned, 0..31, and go into the same signed dots).
// Two forms of the integer dot: SDOT (ASIMDDP) and a plain NEON one
// (SMULL/SMLAL2/SADALP). WORD-encoded instructions carry the GNU form as
// the comment (.ci/armwords.go checks them). Requires: ASIMD, ASIMDDP for
// the *Dot functions.
//
// Registers: W block values V0..V7 (row i in V(2i): values 0..15 and
// V(2i+1): 16..31), W scales V8, activation scales V9, activation blocks
// V10, V11 and V20, V21 (two in flight), integer sums V12..V15 and
// V22..V25, accumulators V16..V19 (column j, lane i = row i), int16
// products V26..V29 (the Q5 formats' bit constants while W loads), Q4_0
// constants V30, V31.

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

// Q4_1: the nibbles at 4, unsigned (the min is added apart).
#define NIBBLES_U(lo, hi) \
	VAND  V30.B16, hi.B16, lo.B16; \
	VUSHR $4, hi.B16, hi.B16

#define LOADW_Q4_1 \
	FMOVQ 4(R2), F1;   \
	FMOVQ 4(R3), F3;   \
	FMOVQ 4(R4), F5;   \
	FMOVQ 4(R5), F7;   \
	NIBBLES_U(V0, V1); \
	NIBBLES_U(V2, V3); \
	NIBBLES_U(V4, V5); \
	NIBBLES_U(V6, V7)

// Q5_0, Q5_1: the nibbles at QS with bit l of the u32 at QH as the fifth
// bit of value l: byte l/8 of that word spread to byte l (TBL with the
// indices in V26, V27), its bit l%8 tested (CMTST with V28) and kept as 16
// (V29). Q5_0 then subtracts 16. V26..V29 are loaded per block from
// q5bits (the plain tiles use them for products), V12..V14 are free
// while W loads.
#define FIFTH(R, QH, QS, lo, hi) \
	FMOVS  QH(R), F12;                     \
	FMOVQ  QS(R), hi;                      \
	VTBL   V26.B16, [V12.B16], V13.B16;    \
	VTBL   V27.B16, [V12.B16], V14.B16;    \
	VCMTST V28.B16, V13.B16, V13.B16;      \
	VCMTST V28.B16, V14.B16, V14.B16;      \
	VAND   V29.B16, V13.B16, V13.B16;      \
	VAND   V29.B16, V14.B16, V14.B16

#define Q5BITS \
	MOVD $q5bits<>(SB), R15; \
	VLD1 (R15), [V26.B16, V27.B16, V28.B16, V29.B16]

#define Q5_0ROW(R, lo, hi, FHI) \
	FIFTH(R, 2, 6, lo, FHI);        \
	NIBBLES_U(lo, hi);              \
	VORR  V13.B16, lo.B16, lo.B16; \
	VORR  V14.B16, hi.B16, hi.B16; \
	VSUB  V29.B16, lo.B16, lo.B16; \
	VSUB  V29.B16, hi.B16, hi.B16

#define Q5_1ROW(R, lo, hi, FHI) \
	FIFTH(R, 4, 8, lo, FHI);        \
	NIBBLES_U(lo, hi);              \
	VORR  V13.B16, lo.B16, lo.B16; \
	VORR  V14.B16, hi.B16, hi.B16

#define LOADW_Q5_0 \
	Q5BITS;                    \
	Q5_0ROW(R2, V0, V1, F1);  \
	Q5_0ROW(R3, V2, V3, F3);  \
	Q5_0ROW(R4, V4, V5, F5);  \
	Q5_0ROW(R5, V6, V7, F7)

#define LOADW_Q5_1 \
	Q5BITS;                    \
	Q5_1ROW(R2, V0, V1, F1);  \
	Q5_1ROW(R3, V2, V3, F3);  \
	Q5_1ROW(R4, V4, V5, F5);  \
	Q5_1ROW(R5, V6, V7, F7)

DATA q5bits<>+0(SB)/8, $0x0000000000000000
DATA q5bits<>+8(SB)/8, $0x0101010101010101
DATA q5bits<>+16(SB)/8, $0x0202020202020202
DATA q5bits<>+24(SB)/8, $0x0303030303030303
DATA q5bits<>+32(SB)/8, $0x8040201008040201
DATA q5bits<>+40(SB)/8, $0x8040201008040201
DATA q5bits<>+48(SB)/8, $0x1010101010101010
DATA q5bits<>+56(SB)/8, $0x1010101010101010
GLOBL q5bits<>(SB), RODATA|NOPTR, $64

// SCALE_Aj, SCALE_Bj: the scale products d_w[i]*d_x[j] of column j into
// V13 (columns read into V10, V11) or V23 (V20, V21).
#define SCALE_A0 WORD $0x4f89910d /* fmul v13.4s, v8.4s, v9.s[0] */
#define SCALE_B1 WORD $0x4fa99117 /* fmul v23.4s, v8.4s, v9.s[1] */
#define SCALE_A2 WORD $0x4f89990d /* fmul v13.4s, v8.4s, v9.s[2] */
#define SCALE_B3 WORD $0x4fa99917 /* fmul v23.4s, v8.4s, v9.s[3] */

// QCOLS does two activation columns (rows RA, RB) of a block, their
// values at XQ0 and XQ1 = XQ0+16: the integer dots DOTA, DOTB, then
// ACCA += V12*V13 and ACCB += V22*V23.
#define QCOLS(RA, RB, SCALEA, SCALEB, ACCA, ACCB, DOTA, DOTB, XQ0, XQ1) \
	FMOVQ XQ0(RA), F10;            \
	FMOVQ XQ1(RA), F11;            \
	FMOVQ XQ0(RB), F20;            \
	FMOVQ XQ1(RB), F21;            \
	DOTA;                          \
	DOTB;                          \
	SCALEA;                        \
	SCALEB;                        \
	VFMLA V13.S4, V12.S4, ACCA.S4; \
	VFMLA V23.S4, V22.S4, ACCB.S4

// Block scales. SCALES4 loads the f16 d of the four W rows into V8 and of
// the four activation blocks into V9 (lanes 0..3), SCALES1 those of the
// W rows and of one activation block (the GEMV); CVT_SCALES widens them
// to float32 once LOADW has run.
#define SCALES4 \
	VLD1 (R2), V8.H[0]; \
	VLD1 (R3), V8.H[1]; \
	VLD1 (R4), V8.H[2]; \
	VLD1 (R5), V8.H[3]; \
	VLD1 (R6), V9.H[0]; \
	VLD1 (R7), V9.H[1]; \
	VLD1 (R8), V9.H[2]; \
	VLD1 (R9), V9.H[3]

#define SCALES1 \
	VLD1 (R2), V8.H[0]; \
	VLD1 (R3), V8.H[1]; \
	VLD1 (R4), V8.H[2]; \
	VLD1 (R5), V8.H[3]; \
	VLD1 (R6), V9.H[0]

#define CVT_SCALES \
	WORD $0x0e217908; /* fcvtl v8.4s, v8.4h */ \
	WORD $0x0e217929 /* fcvtl v9.4s, v9.4h */

// Formats with a min (Q4_1, Q5_1 against Q8_1): a W row's d and m are one
// u32, as are an activation block's d and s. MINS4 loads them (W rows in
// V8, activations in V9, one pair a lane), splits the d into the low
// halves of V8 and V9 as SCALES4 leaves them, and adds m_w[i]*s_x[j] to
// the accumulator of column j (lane i); MINS1 is that for one column.
#define WDM \
	VLD1  (R2), V8.S[0];        \
	VLD1  (R3), V8.S[1];        \
	VLD1  (R4), V8.S[2];        \
	VLD1  (R5), V8.S[3]

#define MINS_SPLIT \
	VUZP2 V8.H8, V8.H8, V12.H8; \
	VUZP1 V8.H8, V8.H8, V8.H8;  \
	VUZP2 V9.H8, V9.H8, V13.H8; \
	VUZP1 V9.H8, V9.H8, V9.H8;  \
	WORD $0x0e21798c; /* fcvtl v12.4s, v12.4h */ \
	WORD $0x0e2179ad /* fcvtl v13.4s, v13.4h */

#define MINS4 \
	WDM                  \
	VLD1  (R6), V9.S[0];        \
	VLD1  (R7), V9.S[1];        \
	VLD1  (R8), V9.S[2];        \
	VLD1  (R9), V9.S[3];        \
	MINS_SPLIT;                 \
	WORD $0x4f8d1190; /* fmla v16.4s, v12.4s, v13.s[0] */ \
	WORD $0x4fad1191; /* fmla v17.4s, v12.4s, v13.s[1] */ \
	WORD $0x4f8d1992; /* fmla v18.4s, v12.4s, v13.s[2] */ \
	WORD $0x4fad1993 /* fmla v19.4s, v12.4s, v13.s[3] */

#define MINS1 \
	WDM                  \
	VLD1  (R6), V9.S[0];        \
	MINS_SPLIT;                 \
	WORD $0x4f8d1190 /* fmla v16.4s, v12.4s, v13.s[0] */

// QTILE is a whole tile: W blocks of WB bytes loaded by LOADW, integer dots
// DOTA and DOTB, Q8_0 activations.
#define QTILE(LOADW, WB, DOTA, DOTB) \
	QTILEX(LOADW, WB, DOTA, DOTB, SCALES4, SCALES1, 34, 2, 18)

// QTILEX is QTILE with the scales loaded by SCALESC (four columns) and
// SCALESG (the GEMV's one) and activation blocks of XB bytes, their
// values at XQ0.
#define QTILEX(LOADW, WB, DOTA, DOTB, SCALESC, SCALESG, XB, XQ0, XQ1) \
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
	SCALESC                                              \
	LOADW                                                \
	CVT_SCALES                                           \
	QCOLS(R6, R7, SCALE_A0, SCALE_B1, V16, V17, DOTA, DOTB, XQ0, XQ1) \
	QCOLS(R8, R9, SCALE_A2, SCALE_B3, V18, V19, DOTA, DOTB, XQ0, XQ1) \
	ADD    $WB, R2                                       \
	ADD    $WB, R3                                       \
	ADD    $WB, R4                                       \
	ADD    $WB, R5                                       \
	ADD    $XB, R6                                       \
	ADD    $XB, R7                                       \
	ADD    $XB, R8                                       \
	ADD    $XB, R9                                       \
	SUB    $1, R10                                       \
	CBNZ   R10, block                                    \
	B      done                                          \
gemv:                                                    \
	SCALESG                                              \
	LOADW                                                \
	CVT_SCALES                                           \
	FMOVQ  XQ0(R6), F10                                  \
	FMOVQ  XQ1(R6), F11                                  \
	DOTA                                                 \
	SCALE_A0                                             \
	VFMLA  V13.S4, V12.S4, V16.S4                        \
	ADD    $WB, R2                                       \
	ADD    $WB, R3                                       \
	ADD    $WB, R4                                       \
	ADD    $WB, R5                                       \
	ADD    $XB, R6                                       \
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

// func matmulQ4_1NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ4_1NEON(SB), NOSPLIT, $0-120
	QTILEX(LOADW_Q4_1, 20, SMULL_A, SMULL_B, MINS4, MINS1, 36, 4, 20)

// func matmulQ4_1NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ4_1NEONDot(SB), NOSPLIT, $0-120
	QTILEX(LOADW_Q4_1, 20, SDOT_A, SDOT_B, MINS4, MINS1, 36, 4, 20)

// func matmulQ5_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ5_0NEON(SB), NOSPLIT, $0-120
	QTILE(LOADW_Q5_0, 22, SMULL_A, SMULL_B)

// func matmulQ5_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ5_0NEONDot(SB), NOSPLIT, $0-120
	QTILE(LOADW_Q5_0, 22, SDOT_A, SDOT_B)

// func matmulQ5_1NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ5_1NEON(SB), NOSPLIT, $0-120
	QTILEX(LOADW_Q5_1, 24, SMULL_A, SMULL_B, MINS4, MINS1, 36, 4, 20)

// func matmulQ5_1NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ5_1NEONDot(SB), NOSPLIT, $0-120
	QTILEX(LOADW_Q5_1, 24, SDOT_A, SDOT_B, MINS4, MINS1, 36, 4, 20)
