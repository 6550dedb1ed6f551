//go:build !purego && !noasm

#include "textflag.h"
#include "matmul_arm64.h"

// NEON tiles of the non-linear 4-bit formats (matmul_iq_arm64.go has the
// Go loops). The nibbles of a block index a 16-byte table of int8 levels,
// looked up with TBL into signed bytes; from there the integer dots are
// those of the Q8_0 tiles (matmul_quant_arm64.s, whose dot macros this
// file repeats, macros being local to a file): SDOT (ASIMDDP) or plain
// SMULL/SMLAL2/SADALP, products in int16 pairs exact for |level| <= 127,
// |x| <= 128. WORD-encoded instructions carry the GNU form as the comment
// (.ci/armwords.go checks them). Requires: ASIMD, ASIMDDP for *Dot.
//
// IQ4_NL and MXFP4 against Q8_0: 4 rows of W by 4 activation rows and a
// 4x1 form for cols == 1, registers as matmul_quant_arm64.s's (W levels
// V0..V7, W scales V8, activation scales V9, activation blocks V10, V11,
// V20, V21, integer sums V12..V15, V22..V25, accumulators V16..V19,
// int16 products V26..V29), nibble mask V30 and level table V31. MXFP4's
// scale 2^(e-128) is made from the exponent byte in general registers:
// (e-1)<<23 as float32 bits for e >= 2, the subnormals (e+1)<<21 below.
//
// IQ4_XS against Q8_K: 4 rows of W by 1 activation row, as the K-quant
// tiles (matmul_quantk_arm64.s): each row's sub-block dots (V12) are
// multiplied by their scales ls-32 (int32 lanes of V20, V21) into the
// row's int32 sum V13, which lands in lane i of V14; the four rows are
// scaled in float32 once per super-block into V28.

// The level tables (kvaluesIQ4NL, kvaluesMXFP4 in quant_iq.go).
DATA iqLevelsNL<>+0(SB)/8, $0xf6eaddcfbfad9881
DATA iqLevelsNL<>+8(SB)/8, $0x7159453526190d01
GLOBL iqLevelsNL<>(SB), RODATA|NOPTR, $16
DATA iqLevelsMX<>+0(SB)/8, $0x0c08060403020100
DATA iqLevelsMX<>+8(SB)/8, $0xf4f8fafcfdfeff00
GLOBL iqLevelsMX<>(SB), RODATA|NOPTR, $16

// IQ4_XS constants: the shifts 14-2s that put bits 2s, 2s+1 of scales_h
// on top of 16-bit lane s, then eight 32s.
DATA iq4xsConsts<>+0(SB)/8, $0x0008000a000c000e
DATA iq4xsConsts<>+8(SB)/8, $0x0000000200040006
DATA iq4xsConsts<>+16(SB)/8, $0x0020002000200020
DATA iq4xsConsts<>+24(SB)/8, $0x0020002000200020
GLOBL iq4xsConsts<>(SB), RODATA|NOPTR, $32

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

// LOADW_IQ(QS): the levels of the four rows' blocks into V0..V7 (row i:
// V(2i) values 0..15 from the low nibbles of the 16 bytes at QS, V(2i+1)
// values 16..31 from the high nibbles).
#define NIBBLES_IQ(lo, hi) \
	VAND  V30.B16, hi.B16, lo.B16; \
	VUSHR $4, hi.B16, hi.B16

#define LOADW_IQ(QS) \
	FMOVQ QS(R2), F1; \
	FMOVQ QS(R3), F3; \
	FMOVQ QS(R4), F5; \
	FMOVQ QS(R5), F7; \
	NIBBLES_IQ(V0, V1); \
	NIBBLES_IQ(V2, V3); \
	NIBBLES_IQ(V4, V5); \
	NIBBLES_IQ(V6, V7); \
	WORD $0x4e0003e0; /* tbl v0.16b, {v31.16b}, v0.16b */ \
	WORD $0x4e0103e1; /* tbl v1.16b, {v31.16b}, v1.16b */ \
	WORD $0x4e0203e2; /* tbl v2.16b, {v31.16b}, v2.16b */ \
	WORD $0x4e0303e3; /* tbl v3.16b, {v31.16b}, v3.16b */ \
	WORD $0x4e0403e4; /* tbl v4.16b, {v31.16b}, v4.16b */ \
	WORD $0x4e0503e5; /* tbl v5.16b, {v31.16b}, v5.16b */ \
	WORD $0x4e0603e6; /* tbl v6.16b, {v31.16b}, v6.16b */ \
	WORD $0x4e0703e7; /* tbl v7.16b, {v31.16b}, v7.16b */

// WSCALE_F16: the four rows' f16 block scales as float32 into V8.
#define WSCALE_F16 \
	VLD1 (R2), V8.H[0]; \
	VLD1 (R3), V8.H[1]; \
	VLD1 (R4), V8.H[2]; \
	VLD1 (R5), V8.H[3]; \
	WORD $0x0e217908 /* fcvtl v8.4s, v8.4h */

// E8M0(R, LANE): 2^(e-128) of the exponent byte at R into V8.S[LANE].
#define E8M0(R, LANE) \
	MOVBU (R), R13; \
	SUB   $1, R13, R14; \
	LSL   $23, R14, R14; \
	ADD   $1, R13, R15; \
	LSL   $21, R15, R15; \
	CMP   $2, R13; \
	CSEL  LO, R15, R14, R14; \
	VMOV  R14, V8.S[LANE]

#define WSCALE_E8M0 \
	E8M0(R2, 0); \
	E8M0(R3, 1); \
	E8M0(R4, 2); \
	E8M0(R5, 3)

// IQTILE is a whole tile: W blocks of WB bytes whose scales WSCALE reads
// and whose levels LOADW looks up in TABLE; integer dots DOTA and DOTB.
#define IQTILE(LOADW, WSCALE, WB, TABLE, DOTA, DOTB) \
	TILE_ARGS(0, 0)                                         \
	LSR    $5, R10                                          \
	VMOVI  $15, V30.B16                                     \
	MOVD   $TABLE(SB), R13                                  \
	VLD1   (R13), [V31.B16]                                 \
	VEOR   V16.B16, V16.B16, V16.B16                        \
	VEOR   V17.B16, V17.B16, V17.B16                        \
	VEOR   V18.B16, V18.B16, V18.B16                        \
	VEOR   V19.B16, V19.B16, V19.B16                        \
	CBZ    R10, done                                        \
	CMP    $1, R12                                          \
	BEQ    gemv                                             \
block:                                                      \
	WSCALE                                                  \
	VLD1   (R6), V9.H[0]                                    \
	VLD1   (R7), V9.H[1]                                    \
	VLD1   (R8), V9.H[2]                                    \
	VLD1   (R9), V9.H[3]                                    \
	LOADW                                                   \
	WORD   $0x0e217929; /* fcvtl v9.4s, v9.4h */            \
	QCOLS(R6, R7, SCALE_A0, SCALE_B1, V16, V17, DOTA, DOTB) \
	QCOLS(R8, R9, SCALE_A2, SCALE_B3, V18, V19, DOTA, DOTB) \
	ADD    $WB, R2                                          \
	ADD    $WB, R3                                          \
	ADD    $WB, R4                                          \
	ADD    $WB, R5                                          \
	ADD    $34, R6                                          \
	ADD    $34, R7                                          \
	ADD    $34, R8                                          \
	ADD    $34, R9                                          \
	SUB    $1, R10                                          \
	CBNZ   R10, block                                       \
	B      done                                             \
gemv:                                                       \
	WSCALE                                                  \
	VLD1   (R6), V9.H[0]                                    \
	LOADW                                                   \
	WORD   $0x0e217929; /* fcvtl v9.4s, v9.4h */            \
	FMOVQ  2(R6), F10                                       \
	FMOVQ  18(R6), F11                                      \
	DOTA                                                    \
	SCALE_A0                                                \
	VFMLA  V13.S4, V12.S4, V16.S4                           \
	ADD    $WB, R2                                          \
	ADD    $WB, R3                                          \
	ADD    $WB, R4                                          \
	ADD    $WB, R5                                          \
	ADD    $34, R6                                          \
	SUB    $1, R10                                          \
	CBNZ   R10, gemv                                        \
done:                                                       \
	VMOV   V16.B16, V0.B16                                  \
	VMOV   V17.B16, V1.B16                                  \
	VMOV   V18.B16, V2.B16                                  \
	VMOV   V19.B16, V3.B16                                  \
	STORE

// func matmulIQ4_NLNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulIQ4_NLNEON(SB), NOSPLIT, $0-120
	IQTILE(LOADW_IQ(2), WSCALE_F16, 18, iqLevelsNL<>, SMULL_A, SMULL_B)

// func matmulIQ4_NLNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulIQ4_NLNEONDot(SB), NOSPLIT, $0-120
	IQTILE(LOADW_IQ(2), WSCALE_F16, 18, iqLevelsNL<>, SDOT_A, SDOT_B)

// func matmulMXFP4NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulMXFP4NEON(SB), NOSPLIT, $0-120
	IQTILE(LOADW_IQ(1), WSCALE_E8M0, 17, iqLevelsMX<>, SMULL_A, SMULL_B)

// func matmulMXFP4NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulMXFP4NEONDot(SB), NOSPLIT, $0-120
	IQTILE(LOADW_IQ(1), WSCALE_E8M0, 17, iqLevelsMX<>, SDOT_A, SDOT_B)

// IQ4_XS. Registers: activation values V0, V1 (one sub-block), W nibbles
// and levels V4, V6, int16 products V8, V9, scale scratch V8..V10, d
// halves V11, the sub-block's dot V12, the row's sum V13, integer sums of
// the four rows V14, scales ls-32 V20, V21, shifts V26, the 32s V27, result V28,
// nibble mask V29, level table V31.

#define IQ4XS_SDOT \
	WORD $0x4e8094cc; /* sdot v12.4s, v6.16b, v0.16b */ \
	WORD $0x4e81948c  /* sdot v12.4s, v4.16b, v1.16b */

#define IQ4XS_SMULL \
	WORD $0x0e20c0c8; /* smull v8.8h, v6.8b, v0.8b */ \
	WORD $0x4e2080c8; /* smlal2 v8.8h, v6.16b, v0.16b */ \
	WORD $0x4e60690c; /* sadalp v12.4s, v8.8h */ \
	WORD $0x0e21c089; /* smull v9.8h, v4.8b, v1.8b */ \
	WORD $0x4e218089; /* smlal2 v9.8h, v4.16b, v1.16b */ \
	WORD $0x4e60692c  /* sadalp v12.4s, v9.8h */

// IQ4XS_MLAs: the row's sum V13 += V12 times scale s.
#define IQ4XS_MLA0 WORD $0x6f94018d /* mla v13.4s, v12.4s, v20.s[0] */
#define IQ4XS_MLA1 WORD $0x6fb4018d /* mla v13.4s, v12.4s, v20.s[1] */
#define IQ4XS_MLA2 WORD $0x6f94098d /* mla v13.4s, v12.4s, v20.s[2] */
#define IQ4XS_MLA3 WORD $0x6fb4098d /* mla v13.4s, v12.4s, v20.s[3] */
#define IQ4XS_MLA4 WORD $0x6f95018d /* mla v13.4s, v12.4s, v21.s[0] */
#define IQ4XS_MLA5 WORD $0x6fb5018d /* mla v13.4s, v12.4s, v21.s[1] */
#define IQ4XS_MLA6 WORD $0x6f95098d /* mla v13.4s, v12.4s, v21.s[2] */
#define IQ4XS_MLA7 WORD $0x6fb5098d /* mla v13.4s, v12.4s, v21.s[3] */

// IQ4XS_SUB does one sub-block of row R: 16 bytes of nibbles at R, 32
// activation values at R14 (both move on); MLA adds its dot times its
// scale to the row's sum.
#define IQ4XS_SUB(R, DOT, MLA) \
	VLD1.P 32(R14), [V0.B16, V1.B16]; \
	VLD1.P 16(R), [V4.B16]; \
	VAND   V29.B16, V4.B16, V6.B16; \
	VUSHR  $4, V4.B16, V4.B16; \
	WORD   $0x4e0603e6; /* tbl v6.16b, {v31.16b}, v6.16b */ \
	WORD   $0x4e0403e4; /* tbl v4.16b, {v31.16b}, v4.16b */ \
	VEOR   V12.B16, V12.B16, V12.B16; \
	DOT; \
	MLA

// IQ4XS_ROW does row R of the super-block (lane LANE): its d into V11,
// the scales ls-32 from scales_l (nibbles) and scales_h (bit pairs),
// then the 8 sub-blocks. R ends at the next super-block.
#define IQ4XS_ROW(R, LANE, DOT) \
	VLD1  (R), V11.H[LANE]; \
	MOVHU 2(R), R13; \
	MOVWU 4(R), R15; \
	ANDW  $0x0f0f0f0f, R15, R16; \
	LSRW  $4, R15, R17; \
	ANDW  $0x0f0f0f0f, R17, R17; \
	VMOV  R16, V8.S[0]; \
	VMOV  R17, V9.S[0]; \
	WORD  $0x4e09390a; /* zip1 v10.16b, v8.16b, v9.16b */ \
	VUXTL V10.B8, V10.H8; \
	VDUP  R13, V9.H8; \
	WORD  $0x6e7a4529; /* ushl v9.8h, v9.8h, v26.8h */ \
	VUSHR $14, V9.H8, V9.H8; \
	VSHL  $4, V9.H8, V9.H8; \
	VORR  V9.B16, V10.B16, V10.B16; \
	VSUB  V27.H8, V10.H8, V10.H8; \
	WORD  $0x0f10a554; /* sxtl v20.4s, v10.4h */ \
	WORD  $0x4f10a555; /* sxtl2 v21.4s, v10.8h */ \
	ADD   $8, R; \
	VEOR  V13.B16, V13.B16, V13.B16; \
	ADD   $4, R6, R14; \
	IQ4XS_SUB(R, DOT, IQ4XS_MLA0); \
	IQ4XS_SUB(R, DOT, IQ4XS_MLA1); \
	IQ4XS_SUB(R, DOT, IQ4XS_MLA2); \
	IQ4XS_SUB(R, DOT, IQ4XS_MLA3); \
	IQ4XS_SUB(R, DOT, IQ4XS_MLA4); \
	IQ4XS_SUB(R, DOT, IQ4XS_MLA5); \
	IQ4XS_SUB(R, DOT, IQ4XS_MLA6); \
	IQ4XS_SUB(R, DOT, IQ4XS_MLA7); \
	VADDV V13.S4, V13; \
	VMOV  V13.S[0], V14.S[LANE]

// IQ4XS_TILE is a whole IQ4_XS tile with the integer dot DOT.
#define IQ4XS_TILE(DOT) \
	TILE_ARGS(0, 0); \
	LSR   $8, R10; /* super-blocks */ \
	VMOVI $15, V29.B16; \
	MOVD  $iqLevelsNL<>(SB), R13; \
	VLD1  (R13), [V31.B16]; \
	MOVD  $iq4xsConsts<>(SB), R13; \
	VLD1  (R13), [V26.H8, V27.H8]; \
	VEOR  V28.B16, V28.B16, V28.B16; \
	CBZ   R10, done; \
superblock: \
	IQ4XS_ROW(R2, 0, DOT); \
	IQ4XS_ROW(R3, 1, DOT); \
	IQ4XS_ROW(R4, 2, DOT); \
	IQ4XS_ROW(R5, 3, DOT); \
	/* V28 += float(sum_s (ls_s-32)*dot_s) * d * x.d */ \
	WORD  $0x0e21796a; /* fcvtl v10.4s, v11.4h */ \
	FMOVS (R6), F9; \
	WORD  $0x4f89914a; /* fmul v10.4s, v10.4s, v9.s[0] */ \
	WORD  $0x4e21d9ce; /* scvtf v14.4s, v14.4s */ \
	VFMLA V10.S4, V14.S4, V28.S4; \
	ADD   $292, R6; \
	SUB   $1, R10; \
	CBNZ  R10, superblock; \
done: \
	VMOV  V28.B16, V0.B16; \
	STORE

// func matmulIQ4_XSNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulIQ4_XSNEON(SB), NOSPLIT, $0-120
	IQ4XS_TILE(IQ4XS_SMULL)

// func matmulIQ4_XSNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulIQ4_XSNEONDot(SB), NOSPLIT, $0-120
	IQ4XS_TILE(IQ4XS_SDOT)
