//go:build !purego && !noasm

#include "textflag.h"
#include "matmul_arm64.h"

// NEON tiles of the Q2_K..Q6_K weight formats against Q8_K activations
// (matmul_quantk_arm64.go has the Go loop): 4 rows of W by 1 activation
// row, the shape of the decode GEMV (prefill calls it once per column,
// with the W block in cache). Each row of a super-block is done whole:
// its integer dots are exact, and the sub-block scales are applied without
// resetting the dot accumulator: T runs over the sub-blocks in order and
// after sub-block j the row's sum gets T*D[j], D[j] = sc[j] - sc[j+1]
// (D[last] = sc[last]), which adds up to sum_j sc[j]*dot_j (summation by
// parts). The row's integer sums land in lane i of a vector, scaled in
// float32 once per super-block for the four rows. Two forms of the
// integer dot, passed to the row macros: SDOT (ASIMDDP) and plain NEON
// (SMULL/SMLAL2/SADALP; products fit int16 in pairs: 0 <= w <= 63,
// |x| <= 127). WORD-encoded instructions carry the GNU form as the comment
// (.ci/armwords.go checks them). Requires: ASIMD, ASIMDDP for *Dot.

// Q4_K. Registers: activation values V0..V3 (64 at a time), W nibbles
// V4..V7, T V12, the row's sum V13, integer sums of the four rows V14
// (scales) and V15 (mins), D V20, V21, scale scratch V8..V10, d and dmin
// halves V11, activation sub-block sums V24, nibble mask V29, zero V31,
// result V28; for Q5_K the fifth bits V16, V17, their scratch V18, V19
// and the bit-4 mask V30.

#define Q4K_SDOT_60 \
	WORD $0x4e8094cc; /* sdot v12.4s, v6.16b, v0.16b */

#define Q4K_SDOT_71 \
	WORD $0x4e8194ec; /* sdot v12.4s, v7.16b, v1.16b */

#define Q4K_SDOT_42 \
	WORD $0x4e82948c; /* sdot v12.4s, v4.16b, v2.16b */

#define Q4K_SDOT_53 \
	WORD $0x4e8394ac; /* sdot v12.4s, v5.16b, v3.16b */

#define Q4K_SMULL_60 \
	WORD $0x0e20c0c8; /* smull v8.8h, v6.8b, v0.8b */ \
	WORD $0x4e2080c8; /* smlal2 v8.8h, v6.16b, v0.16b */ \
	WORD $0x4e60690c; /* sadalp v12.4s, v8.8h */

#define Q4K_SMULL_71 \
	WORD $0x0e21c0e9; /* smull v9.8h, v7.8b, v1.8b */ \
	WORD $0x4e2180e9; /* smlal2 v9.8h, v7.16b, v1.16b */ \
	WORD $0x4e60692c; /* sadalp v12.4s, v9.8h */

#define Q4K_SMULL_42 \
	WORD $0x0e22c088; /* smull v8.8h, v4.8b, v2.8b */ \
	WORD $0x4e228088; /* smlal2 v8.8h, v4.16b, v2.16b */ \
	WORD $0x4e60690c; /* sadalp v12.4s, v8.8h */

#define Q4K_SMULL_53 \
	WORD $0x0e23c0a9; /* smull v9.8h, v5.8b, v3.8b */ \
	WORD $0x4e2380a9; /* smlal2 v9.8h, v5.16b, v3.16b */ \
	WORD $0x4e60692c; /* sadalp v12.4s, v9.8h */

#define Q4K_MLA0 \
	WORD $0x6f94018d; /* mla v13.4s, v12.4s, v20.s[0] */

#define Q4K_MLA1 \
	WORD $0x6fb4018d; /* mla v13.4s, v12.4s, v20.s[1] */

#define Q4K_MLA2 \
	WORD $0x6f94098d; /* mla v13.4s, v12.4s, v20.s[2] */

#define Q4K_MLA3 \
	WORD $0x6fb4098d; /* mla v13.4s, v12.4s, v20.s[3] */

#define Q4K_MLA4 \
	WORD $0x6f95018d; /* mla v13.4s, v12.4s, v21.s[0] */

#define Q4K_MLA5 \
	WORD $0x6fb5018d; /* mla v13.4s, v12.4s, v21.s[1] */

#define Q4K_MLA6 \
	WORD $0x6f95098d; /* mla v13.4s, v12.4s, v21.s[2] */

#define Q4K_MLA7 \
	WORD $0x6fb5098d; /* mla v13.4s, v12.4s, v21.s[3] */

// Q4K_PAIR does sub-blocks 2p (low nibbles) and 2p+1 (high nibbles) of
// row R: 32 bytes of W at R, 64 activation values at R14 (both move on);
// FIFTH adds Q5_K's fifth bits to the nibbles; MLA0, MLA1 add T*D of the
// two sub-blocks.
#define Q4K_PAIR(R, DOT60, DOT71, DOT42, DOT53, MLA0, MLA1, FIFTH) \
	VLD1.P 64(R14), [V0.B16, V1.B16, V2.B16, V3.B16]; \
	VLD1.P 32(R), [V4.B16, V5.B16]; \
	VAND  V29.B16, V4.B16, V6.B16; \
	VAND  V29.B16, V5.B16, V7.B16; \
	VUSHR $4, V4.B16, V4.B16; \
	VUSHR $4, V5.B16, V5.B16; \
	FIFTH; \
	DOT60; \
	DOT71; \
	MLA0; \
	DOT42; \
	DOT53; \
	MLA1

// Q4K_ROW does row R of the super-block (lane LANE): 6-bit scales sc and
// mins m (ScaleMinK4) from the 12 scale bytes as three words, D from sc,
// m.P (P the activation sub-block sums), then (after SKIP has moved R to
// the nibbles) the sub-blocks in pairs (low nibbles, high nibbles) of 32
// bytes. R ends at the next block.
#define Q4K_ROW(R, LANE, DOT60, DOT71, DOT42, DOT53, SKIP, FIFTH) \
	MOVWU (R), R13; \
	VMOV  R13, V11.S[LANE]; \
	MOVWU 4(R), R13; \
	MOVWU 8(R), R14; \
	MOVWU 12(R), R15; \
	ANDW  $0x3f3f3f3f, R13, R16; \
	LSRW  $6, R13, R17; \
	ANDW  $0x03030303, R17, R17; \
	ANDW  $0x0f0f0f0f, R15, R19; \
	ORRW  R17<<4, R19, R19; \
	ORR   R19<<32, R16, R16; /* sc[0..7] */ \
	ANDW  $0x3f3f3f3f, R14, R17; \
	LSRW  $6, R14, R19; \
	ANDW  $0x03030303, R19, R19; \
	LSRW  $4, R15, R20; \
	ANDW  $0x0f0f0f0f, R20, R20; \
	ORRW  R19<<4, R20, R20; \
	ORR   R20<<32, R17, R17; /* m[0..7] */ \
	VMOV  R16, V8.D[0]; \
	VMOV  R17, V10.D[0]; \
	VUXTL V8.B8, V8.H8; \
	VUXTL V10.B8, V10.H8; \
	VEXT  $2, V31.B16, V8.B16, V9.B16; \
	VSUB  V9.H8, V8.H8, V9.H8; /* D */ \
	WORD $0x0f10a534; /* sxtl v20.4s, v9.4h */ \
	WORD $0x4f10a535; /* sxtl2 v21.4s, v9.8h */ \
	WORD $0x0e78c149; /* smull v9.4s, v10.4h, v24.4h */ \
	WORD $0x4e788149; /* smlal2 v9.4s, v10.8h, v24.8h */ \
	VADDV V9.S4, V9; \
	VMOV  V9.S[0], V15.S[LANE]; /* m.P */ \
	SKIP(R); \
	VEOR  V12.B16, V12.B16, V12.B16; \
	VEOR  V13.B16, V13.B16, V13.B16; \
	ADD   $4, R6, R14; \
	Q4K_PAIR(R, DOT60, DOT71, DOT42, DOT53, Q4K_MLA0, Q4K_MLA1, FIFTH); \
	Q4K_PAIR(R, DOT60, DOT71, DOT42, DOT53, Q4K_MLA2, Q4K_MLA3, FIFTH); \
	Q4K_PAIR(R, DOT60, DOT71, DOT42, DOT53, Q4K_MLA4, Q4K_MLA5, FIFTH); \
	Q4K_PAIR(R, DOT60, DOT71, DOT42, DOT53, Q4K_MLA6, Q4K_MLA7, FIFTH); \
	VADDV V13.S4, V13; \
	VMOV  V13.S[0], V14.S[LANE]

// Q4_K has nothing between its scales and its nibbles; Q5_K has its 32
// bytes of fifth bits, kept in V16, V17 for the row: bit s of each byte
// goes to bit 4 of value l of sub-block s (VBIT under the mask V30), and
// the bytes move on two bits a pair.
#define Q4K_SKIP(R) ADD $16, R
#define Q4K_NOFIFTH

#define Q5K_SKIP(R) \
	ADD    $16, R; \
	VLD1.P 32(R), [V16.B16, V17.B16]

#define Q5K_FIFTH \
	VSHL  $4, V16.B16, V18.B16; \
	VSHL  $4, V17.B16, V19.B16; \
	VBIT  V30.B16, V18.B16, V6.B16; \
	VBIT  V30.B16, V19.B16, V7.B16; \
	VSHL  $3, V16.B16, V18.B16; \
	VSHL  $3, V17.B16, V19.B16; \
	VBIT  V30.B16, V18.B16, V4.B16; \
	VBIT  V30.B16, V19.B16, V5.B16; \
	VUSHR $2, V16.B16, V16.B16; \
	VUSHR $2, V17.B16, V17.B16

// Q4K_TILE is a whole Q4_K (or, with Q5K_SKIP and Q5K_FIFTH, Q5_K) tile
// with the integer dots DOT60..DOT53.
#define Q4K_TILE(DOT60, DOT71, DOT42, DOT53, SKIP, FIFTH) \
	TILE_ARGS(0, 0); \
	LSR   $8, R10; /* super-blocks */ \
	VMOVI $15, V29.B16; \
	VMOVI $0x10, V30.B16; \
	VEOR  V31.B16, V31.B16, V31.B16; \
	VEOR  V28.B16, V28.B16, V28.B16; \
	CBZ   R10, done; \
superblock: \
	/* P[j] = bsums[2j] + bsums[2j+1], the sum of activation sub-block j. */ \
	ADD   $260, R6, R13; \
	VLD1  (R13), [V24.H8, V25.H8]; \
	VADDP V25.H8, V24.H8, V24.H8; \
	Q4K_ROW(R2, 0, DOT60, DOT71, DOT42, DOT53, SKIP, FIFTH); \
	Q4K_ROW(R3, 1, DOT60, DOT71, DOT42, DOT53, SKIP, FIFTH); \
	Q4K_ROW(R4, 2, DOT60, DOT71, DOT42, DOT53, SKIP, FIFTH); \
	Q4K_ROW(R5, 3, DOT60, DOT71, DOT42, DOT53, SKIP, FIFTH); \
	/* V28 += float(sum_j sc[j]*dot_j)*d*dx - float(m.P)*dmin*dx. */ \
	WORD $0x0e217968; /* fcvtl v8.4s, v11.4h */ \
	WORD $0x4e217969; /* fcvtl2 v9.4s, v11.8h */ \
	VUZP1 V9.S4, V8.S4, V10.S4; \
	VUZP2 V9.S4, V8.S4, V11.S4; \
	FMOVS (R6), F9; \
	WORD $0x4f89914a; /* fmul v10.4s, v10.4s, v9.s[0] */ \
	WORD $0x4f89916b; /* fmul v11.4s, v11.4s, v9.s[0] */ \
	WORD $0x4e21d9ce; /* scvtf v14.4s, v14.4s */ \
	WORD $0x4e21d9ef; /* scvtf v15.4s, v15.4s */ \
	VFMLA V10.S4, V14.S4, V28.S4; \
	VFMLS V11.S4, V15.S4, V28.S4; \
	ADD   $292, R6; \
	SUB   $1, R10; \
	CBNZ  R10, superblock; \
done: \
	VMOV  V28.B16, V0.B16; \
	STORE

// func matmulQ4_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ4_KNEON(SB), NOSPLIT, $0-120
	Q4K_TILE(Q4K_SMULL_60, Q4K_SMULL_71, Q4K_SMULL_42, Q4K_SMULL_53, Q4K_SKIP, Q4K_NOFIFTH)

// func matmulQ4_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ4_KNEONDot(SB), NOSPLIT, $0-120
	Q4K_TILE(Q4K_SDOT_60, Q4K_SDOT_71, Q4K_SDOT_42, Q4K_SDOT_53, Q4K_SKIP, Q4K_NOFIFTH)

// func matmulQ5_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ5_KNEON(SB), NOSPLIT, $0-120
	Q4K_TILE(Q4K_SMULL_60, Q4K_SMULL_71, Q4K_SMULL_42, Q4K_SMULL_53, Q5K_SKIP, Q5K_FIFTH)

// func matmulQ5_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ5_KNEONDot(SB), NOSPLIT, $0-120
	Q4K_TILE(Q4K_SDOT_60, Q4K_SDOT_71, Q4K_SDOT_42, Q4K_SDOT_53, Q5K_SKIP, Q5K_FIFTH)

// Q6_K. Registers: activation bsums V0, V1, scales V2, V3 (int16), the
// row's sum V5 seeded with -32*sum_s sc[s]*bsums[s] (V4), T V6, d halves
// V7, D V8..V11, ql/qh bytes V12..V17, 6-bit values V18..V25, activation
// values V26, int16 products V27, masks V28 (0x0f) and V29 (0x30),
// integer sums of the four rows V30, result V31.

#define Q6K_SDOT_18 \
	WORD $0x4e9a9646; /* sdot v6.4s, v18.16b, v26.16b */

#define Q6K_SDOT_19 \
	WORD $0x4e9a9666; /* sdot v6.4s, v19.16b, v26.16b */

#define Q6K_SDOT_20 \
	WORD $0x4e9a9686; /* sdot v6.4s, v20.16b, v26.16b */

#define Q6K_SDOT_21 \
	WORD $0x4e9a96a6; /* sdot v6.4s, v21.16b, v26.16b */

#define Q6K_SDOT_22 \
	WORD $0x4e9a96c6; /* sdot v6.4s, v22.16b, v26.16b */

#define Q6K_SDOT_23 \
	WORD $0x4e9a96e6; /* sdot v6.4s, v23.16b, v26.16b */

#define Q6K_SDOT_24 \
	WORD $0x4e9a9706; /* sdot v6.4s, v24.16b, v26.16b */

#define Q6K_SDOT_25 \
	WORD $0x4e9a9726; /* sdot v6.4s, v25.16b, v26.16b */

#define Q6K_SMULL_18 \
	WORD $0x0e3ac25b; /* smull v27.8h, v18.8b, v26.8b */ \
	WORD $0x4e3a825b; /* smlal2 v27.8h, v18.16b, v26.16b */ \
	WORD $0x4e606b66; /* sadalp v6.4s, v27.8h */

#define Q6K_SMULL_19 \
	WORD $0x0e3ac27b; /* smull v27.8h, v19.8b, v26.8b */ \
	WORD $0x4e3a827b; /* smlal2 v27.8h, v19.16b, v26.16b */ \
	WORD $0x4e606b66; /* sadalp v6.4s, v27.8h */

#define Q6K_SMULL_20 \
	WORD $0x0e3ac29b; /* smull v27.8h, v20.8b, v26.8b */ \
	WORD $0x4e3a829b; /* smlal2 v27.8h, v20.16b, v26.16b */ \
	WORD $0x4e606b66; /* sadalp v6.4s, v27.8h */

#define Q6K_SMULL_21 \
	WORD $0x0e3ac2bb; /* smull v27.8h, v21.8b, v26.8b */ \
	WORD $0x4e3a82bb; /* smlal2 v27.8h, v21.16b, v26.16b */ \
	WORD $0x4e606b66; /* sadalp v6.4s, v27.8h */

#define Q6K_SMULL_22 \
	WORD $0x0e3ac2db; /* smull v27.8h, v22.8b, v26.8b */ \
	WORD $0x4e3a82db; /* smlal2 v27.8h, v22.16b, v26.16b */ \
	WORD $0x4e606b66; /* sadalp v6.4s, v27.8h */

#define Q6K_SMULL_23 \
	WORD $0x0e3ac2fb; /* smull v27.8h, v23.8b, v26.8b */ \
	WORD $0x4e3a82fb; /* smlal2 v27.8h, v23.16b, v26.16b */ \
	WORD $0x4e606b66; /* sadalp v6.4s, v27.8h */

#define Q6K_SMULL_24 \
	WORD $0x0e3ac31b; /* smull v27.8h, v24.8b, v26.8b */ \
	WORD $0x4e3a831b; /* smlal2 v27.8h, v24.16b, v26.16b */ \
	WORD $0x4e606b66; /* sadalp v6.4s, v27.8h */

#define Q6K_SMULL_25 \
	WORD $0x0e3ac33b; /* smull v27.8h, v25.8b, v26.8b */ \
	WORD $0x4e3a833b; /* smlal2 v27.8h, v25.16b, v26.16b */ \
	WORD $0x4e606b66; /* sadalp v6.4s, v27.8h */

// Q6K_ROW does row R of the super-block (lane LANE). Values are 6-bit
// unsigned q here: sum_s sc[s]*dot_s(q-32) = sum_s sc[s]*dot_s(q) -
// 32*sum_s sc[s]*bsums[s]. Half h: ql bytes A (64h..), B (64h+32..), qh
// bytes H (128+32h..), 16 at a time (l < 16, l >= 16): value 128h+32g+l is
// q0 = A&15 | (H&3)<<4, q1 = B&15 | (H>>2&3)<<4, q2 = A>>4 | (H>>4&3)<<4,
// q3 = B>>4 | (H>>6)<<4, in V(18+2g+half); sub-block 8h+2g+half (16
// values, one dot each) in order. R ends at the next block.
#define Q6K_ROW(R, LANE, DOT18, DOT19, DOT20, DOT21, DOT22, DOT23, DOT24, DOT25) \
	ADD   $208, R, R13; \
	VLD1  (R13), V7.H[LANE]; \
	FMOVQ 192(R), F2; \
	WORD $0x4f08a443; /* sxtl2 v3.8h, v2.16b */ \
	WORD $0x0f08a442; /* sxtl v2.8h, v2.8b */ \
	VEOR  V4.B16, V4.B16, V4.B16; \
	VEXT  $2, V3.B16, V2.B16, V12.B16; \
	VEXT  $2, V4.B16, V3.B16, V13.B16; \
	VSUB  V12.H8, V2.H8, V12.H8; \
	VSUB  V13.H8, V3.H8, V13.H8; \
	WORD $0x0f10a588; /* sxtl v8.4s, v12.4h */ \
	WORD $0x4f10a589; /* sxtl2 v9.4s, v12.8h */ \
	WORD $0x0f10a5aa; /* sxtl v10.4s, v13.4h */ \
	WORD $0x4f10a5ab; /* sxtl2 v11.4s, v13.8h */ \
	WORD $0x0e60c044; /* smull v4.4s, v2.4h, v0.4h */ \
	WORD $0x4e608044; /* smlal2 v4.4s, v2.8h, v0.8h */ \
	WORD $0x0e618064; /* smlal v4.4s, v3.4h, v1.4h */ \
	WORD $0x4e618064; /* smlal2 v4.4s, v3.8h, v1.8h */ \
	VSHL  $5, V4.S4, V4.S4; \
	WORD $0x6ea0b885; /* neg v5.4s, v4.4s */ \
	VEOR  V6.B16, V6.B16, V6.B16; \
	FMOVQ 0(R), F12; \
	FMOVQ 16(R), F13; \
	FMOVQ 32(R), F14; \
	FMOVQ 48(R), F15; \
	FMOVQ 128(R), F16; \
	FMOVQ 144(R), F17; \
	VSHL  $4, V16.B16, V18.B16; \
	VAND  V29.B16, V18.B16, V18.B16; \
	VBIT  V28.B16, V12.B16, V18.B16; \
	VSHL  $2, V16.B16, V20.B16; \
	VAND  V29.B16, V20.B16, V20.B16; \
	VBIT  V28.B16, V14.B16, V20.B16; \
	VAND  V29.B16, V16.B16, V22.B16; \
	WORD $0x6f0c1596; /* usra v22.16b, v12.16b, #4 */ \
	VUSHR $2, V16.B16, V24.B16; \
	VAND  V29.B16, V24.B16, V24.B16; \
	WORD $0x6f0c15d8; /* usra v24.16b, v14.16b, #4 */ \
	VSHL  $4, V17.B16, V19.B16; \
	VAND  V29.B16, V19.B16, V19.B16; \
	VBIT  V28.B16, V13.B16, V19.B16; \
	VSHL  $2, V17.B16, V21.B16; \
	VAND  V29.B16, V21.B16, V21.B16; \
	VBIT  V28.B16, V15.B16, V21.B16; \
	VAND  V29.B16, V17.B16, V23.B16; \
	WORD $0x6f0c15b7; /* usra v23.16b, v13.16b, #4 */ \
	VUSHR $2, V17.B16, V25.B16; \
	VAND  V29.B16, V25.B16, V25.B16; \
	WORD $0x6f0c15f9; /* usra v25.16b, v15.16b, #4 */ \
	FMOVQ 4(R6), F26; \
	DOT18; \
	WORD $0x6f8800c5; /* mla v5.4s, v6.4s, v8.s[0] */ \
	FMOVQ 20(R6), F26; \
	DOT19; \
	WORD $0x6fa800c5; /* mla v5.4s, v6.4s, v8.s[1] */ \
	FMOVQ 36(R6), F26; \
	DOT20; \
	WORD $0x6f8808c5; /* mla v5.4s, v6.4s, v8.s[2] */ \
	FMOVQ 52(R6), F26; \
	DOT21; \
	WORD $0x6fa808c5; /* mla v5.4s, v6.4s, v8.s[3] */ \
	FMOVQ 68(R6), F26; \
	DOT22; \
	WORD $0x6f8900c5; /* mla v5.4s, v6.4s, v9.s[0] */ \
	FMOVQ 84(R6), F26; \
	DOT23; \
	WORD $0x6fa900c5; /* mla v5.4s, v6.4s, v9.s[1] */ \
	FMOVQ 100(R6), F26; \
	DOT24; \
	WORD $0x6f8908c5; /* mla v5.4s, v6.4s, v9.s[2] */ \
	FMOVQ 116(R6), F26; \
	DOT25; \
	WORD $0x6fa908c5; /* mla v5.4s, v6.4s, v9.s[3] */ \
	FMOVQ 64(R), F12; \
	FMOVQ 80(R), F13; \
	FMOVQ 96(R), F14; \
	FMOVQ 112(R), F15; \
	FMOVQ 160(R), F16; \
	FMOVQ 176(R), F17; \
	VSHL  $4, V16.B16, V18.B16; \
	VAND  V29.B16, V18.B16, V18.B16; \
	VBIT  V28.B16, V12.B16, V18.B16; \
	VSHL  $2, V16.B16, V20.B16; \
	VAND  V29.B16, V20.B16, V20.B16; \
	VBIT  V28.B16, V14.B16, V20.B16; \
	VAND  V29.B16, V16.B16, V22.B16; \
	WORD $0x6f0c1596; /* usra v22.16b, v12.16b, #4 */ \
	VUSHR $2, V16.B16, V24.B16; \
	VAND  V29.B16, V24.B16, V24.B16; \
	WORD $0x6f0c15d8; /* usra v24.16b, v14.16b, #4 */ \
	VSHL  $4, V17.B16, V19.B16; \
	VAND  V29.B16, V19.B16, V19.B16; \
	VBIT  V28.B16, V13.B16, V19.B16; \
	VSHL  $2, V17.B16, V21.B16; \
	VAND  V29.B16, V21.B16, V21.B16; \
	VBIT  V28.B16, V15.B16, V21.B16; \
	VAND  V29.B16, V17.B16, V23.B16; \
	WORD $0x6f0c15b7; /* usra v23.16b, v13.16b, #4 */ \
	VUSHR $2, V17.B16, V25.B16; \
	VAND  V29.B16, V25.B16, V25.B16; \
	WORD $0x6f0c15f9; /* usra v25.16b, v15.16b, #4 */ \
	FMOVQ 132(R6), F26; \
	DOT18; \
	WORD $0x6f8a00c5; /* mla v5.4s, v6.4s, v10.s[0] */ \
	FMOVQ 148(R6), F26; \
	DOT19; \
	WORD $0x6faa00c5; /* mla v5.4s, v6.4s, v10.s[1] */ \
	FMOVQ 164(R6), F26; \
	DOT20; \
	WORD $0x6f8a08c5; /* mla v5.4s, v6.4s, v10.s[2] */ \
	FMOVQ 180(R6), F26; \
	DOT21; \
	WORD $0x6faa08c5; /* mla v5.4s, v6.4s, v10.s[3] */ \
	FMOVQ 196(R6), F26; \
	DOT22; \
	WORD $0x6f8b00c5; /* mla v5.4s, v6.4s, v11.s[0] */ \
	FMOVQ 212(R6), F26; \
	DOT23; \
	WORD $0x6fab00c5; /* mla v5.4s, v6.4s, v11.s[1] */ \
	FMOVQ 228(R6), F26; \
	DOT24; \
	WORD $0x6f8b08c5; /* mla v5.4s, v6.4s, v11.s[2] */ \
	FMOVQ 244(R6), F26; \
	DOT25; \
	WORD $0x6fab08c5; /* mla v5.4s, v6.4s, v11.s[3] */ \
	VADDV V5.S4, V5; \
	VMOV  V5.S[0], V30.S[LANE]; \
	ADD   $210, R

// Q6K_TILE is a whole Q6_K tile with the integer dots DOT18..DOT25.
#define Q6K_TILE(DOT18, DOT19, DOT20, DOT21, DOT22, DOT23, DOT24, DOT25) \
	TILE_ARGS(0, 0); \
	LSR   $8, R10; /* super-blocks */ \
	VMOVI $0x0f, V28.B16; \
	VMOVI $0x30, V29.B16; \
	VEOR  V31.B16, V31.B16, V31.B16; \
	CBZ   R10, done; \
superblock: \
	ADD   $260, R6, R13; \
	VLD1  (R13), [V0.H8, V1.H8]; \
	Q6K_ROW(R2, 0, DOT18, DOT19, DOT20, DOT21, DOT22, DOT23, DOT24, DOT25); \
	Q6K_ROW(R3, 1, DOT18, DOT19, DOT20, DOT21, DOT22, DOT23, DOT24, DOT25); \
	Q6K_ROW(R4, 2, DOT18, DOT19, DOT20, DOT21, DOT22, DOT23, DOT24, DOT25); \
	Q6K_ROW(R5, 3, DOT18, DOT19, DOT20, DOT21, DOT22, DOT23, DOT24, DOT25); \
	/* V31 += float(sums) * d*dx. */ \
	WORD $0x4e21dbde; /* scvtf v30.4s, v30.4s */ \
	WORD $0x0e2178e7; /* fcvtl v7.4s, v7.4h */ \
	FMOVS (R6), F4; \
	WORD $0x4f8490e7; /* fmul v7.4s, v7.4s, v4.s[0] */ \
	VFMLA V7.S4, V30.S4, V31.S4; \
	ADD   $292, R6; \
	SUB   $1, R10; \
	CBNZ  R10, superblock; \
done: \
	VMOV  V31.B16, V0.B16; \
	STORE

// func matmulQ6_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ6_KNEON(SB), NOSPLIT, $0-120
	Q6K_TILE(Q6K_SMULL_18, Q6K_SMULL_19, Q6K_SMULL_20, Q6K_SMULL_21, Q6K_SMULL_22, Q6K_SMULL_23, Q6K_SMULL_24, Q6K_SMULL_25)

// func matmulQ6_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ6_KNEONDot(SB), NOSPLIT, $0-120
	Q6K_TILE(Q6K_SDOT_18, Q6K_SDOT_19, Q6K_SDOT_20, Q6K_SDOT_21, Q6K_SDOT_22, Q6K_SDOT_23, Q6K_SDOT_24, Q6K_SDOT_25)

// Q2_K and Q3_K: 16 sub-blocks of 16 values, each one dot of 16 bytes
// with the W values (2 or 3 bits, unsigned) in V18. Registers: activation
// bsums V0, V1, scales V2, V3 (int16), scratch V4, the row's sum V5, T
// V6, d (and dmin) halves V7, D V8..V11, the W values' bytes V12..V15
// (value 128h + 32g + l is bits 2g, 2g+1 of byte l of V12+2h for l < 16,
// V13+2h for l >= 16), Q3_K's hmask V16, V17 (bit 4h + g of byte l),
// scratch V19..V23, activation values V26, int16 products V27, the low
// two bits mask V28, integer sums of the four rows V30 (scales) and V24
// (Q2_K's mins), result V31. The dots are Q6_K's DOT18 forms.

// Q2K_ROW does row R of the super-block (lane LANE): scales sc&15 (D),
// mins sc>>4 met with the bsums, then the 16 sub-blocks in order. R ends
// at the next block.
#define Q2K_ROW(R, LANE, DOT) \
	MOVWU 80(R), R13; \
	VMOV  R13, V7.S[LANE]; \
	FMOVQ (R), F19; \
	VAND  V29.B16, V19.B16, V20.B16; \
	VUSHR $4, V19.B16, V21.B16; \
	WORD $0x2f08a682; /* uxtl v2.8h, v20.8b */ \
	WORD $0x6f08a683; /* uxtl2 v3.8h, v20.16b */ \
	WORD $0x2f08a6b6; /* uxtl v22.8h, v21.8b */ \
	WORD $0x6f08a6b7; /* uxtl2 v23.8h, v21.16b */ \
	VEOR  V4.B16, V4.B16, V4.B16; \
	VEXT  $2, V3.B16, V2.B16, V12.B16; \
	VEXT  $2, V4.B16, V3.B16, V13.B16; \
	VSUB  V12.H8, V2.H8, V12.H8; \
	VSUB  V13.H8, V3.H8, V13.H8; \
	WORD $0x0f10a588; /* sxtl v8.4s, v12.4h */ \
	WORD $0x4f10a589; /* sxtl2 v9.4s, v12.8h */ \
	WORD $0x0f10a5aa; /* sxtl v10.4s, v13.4h */ \
	WORD $0x4f10a5ab; /* sxtl2 v11.4s, v13.8h */ \
	WORD $0x0e60c2c4; /* smull v4.4s, v22.4h, v0.4h */ \
	WORD $0x4e6082c4; /* smlal2 v4.4s, v22.8h, v0.8h */ \
	WORD $0x0e6182e4; /* smlal v4.4s, v23.4h, v1.4h */ \
	WORD $0x4e6182e4; /* smlal2 v4.4s, v23.8h, v1.8h */ \
	VADDV V4.S4, V4; \
	VMOV  V4.S[0], V24.S[LANE]; \
	VEOR  V5.B16, V5.B16, V5.B16; \
	VEOR  V6.B16, V6.B16, V6.B16; \
	FMOVQ 16(R), F12; \
	FMOVQ 32(R), F13; \
	FMOVQ 48(R), F14; \
	FMOVQ 64(R), F15; \
	VAND  V28.B16, V12.B16, V18.B16; \
	FMOVQ 4(R6), F26; \
	DOT; \
	WORD $0x6f8800c5; /* mla v5.4s, v6.4s, v8.s[0] */ \
	VAND  V28.B16, V13.B16, V18.B16; \
	FMOVQ 20(R6), F26; \
	DOT; \
	WORD $0x6fa800c5; /* mla v5.4s, v6.4s, v8.s[1] */ \
	VUSHR $2, V12.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	FMOVQ 36(R6), F26; \
	DOT; \
	WORD $0x6f8808c5; /* mla v5.4s, v6.4s, v8.s[2] */ \
	VUSHR $2, V13.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	FMOVQ 52(R6), F26; \
	DOT; \
	WORD $0x6fa808c5; /* mla v5.4s, v6.4s, v8.s[3] */ \
	VUSHR $4, V12.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	FMOVQ 68(R6), F26; \
	DOT; \
	WORD $0x6f8900c5; /* mla v5.4s, v6.4s, v9.s[0] */ \
	VUSHR $4, V13.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	FMOVQ 84(R6), F26; \
	DOT; \
	WORD $0x6fa900c5; /* mla v5.4s, v6.4s, v9.s[1] */ \
	VUSHR $6, V12.B16, V18.B16; \
	FMOVQ 100(R6), F26; \
	DOT; \
	WORD $0x6f8908c5; /* mla v5.4s, v6.4s, v9.s[2] */ \
	VUSHR $6, V13.B16, V18.B16; \
	FMOVQ 116(R6), F26; \
	DOT; \
	WORD $0x6fa908c5; /* mla v5.4s, v6.4s, v9.s[3] */ \
	VAND  V28.B16, V14.B16, V18.B16; \
	FMOVQ 132(R6), F26; \
	DOT; \
	WORD $0x6f8a00c5; /* mla v5.4s, v6.4s, v10.s[0] */ \
	VAND  V28.B16, V15.B16, V18.B16; \
	FMOVQ 148(R6), F26; \
	DOT; \
	WORD $0x6faa00c5; /* mla v5.4s, v6.4s, v10.s[1] */ \
	VUSHR $2, V14.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	FMOVQ 164(R6), F26; \
	DOT; \
	WORD $0x6f8a08c5; /* mla v5.4s, v6.4s, v10.s[2] */ \
	VUSHR $2, V15.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	FMOVQ 180(R6), F26; \
	DOT; \
	WORD $0x6faa08c5; /* mla v5.4s, v6.4s, v10.s[3] */ \
	VUSHR $4, V14.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	FMOVQ 196(R6), F26; \
	DOT; \
	WORD $0x6f8b00c5; /* mla v5.4s, v6.4s, v11.s[0] */ \
	VUSHR $4, V15.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	FMOVQ 212(R6), F26; \
	DOT; \
	WORD $0x6fab00c5; /* mla v5.4s, v6.4s, v11.s[1] */ \
	VUSHR $6, V14.B16, V18.B16; \
	FMOVQ 228(R6), F26; \
	DOT; \
	WORD $0x6f8b08c5; /* mla v5.4s, v6.4s, v11.s[2] */ \
	VUSHR $6, V15.B16, V18.B16; \
	FMOVQ 244(R6), F26; \
	DOT; \
	WORD $0x6fab08c5; /* mla v5.4s, v6.4s, v11.s[3] */ \
	VADDV V5.S4, V5; \
	VMOV  V5.S[0], V30.S[LANE]; \
	ADD   $84, R

// Q2K_TILE is a whole Q2_K tile with the integer dot DOT:
// V31 += float(sum_s sc_s*dot_s)*d*dx - float(m.bsums)*dmin*dx.
#define Q2K_TILE(DOT) \
	TILE_ARGS(0, 0); \
	LSR   $8, R10; /* super-blocks */ \
	VMOVI $3, V28.B16; \
	VMOVI $15, V29.B16; \
	VEOR  V31.B16, V31.B16, V31.B16; \
	CBZ   R10, done; \
superblock: \
	ADD   $260, R6, R13; \
	VLD1  (R13), [V0.H8, V1.H8]; \
	Q2K_ROW(R2, 0, DOT); \
	Q2K_ROW(R3, 1, DOT); \
	Q2K_ROW(R4, 2, DOT); \
	Q2K_ROW(R5, 3, DOT); \
	WORD $0x0e2178e8; /* fcvtl v8.4s, v7.4h */ \
	WORD $0x4e2178e9; /* fcvtl2 v9.4s, v7.8h */ \
	VUZP1 V9.S4, V8.S4, V10.S4; \
	VUZP2 V9.S4, V8.S4, V11.S4; \
	FMOVS (R6), F9; \
	WORD $0x4f89914a; /* fmul v10.4s, v10.4s, v9.s[0] */ \
	WORD $0x4f89916b; /* fmul v11.4s, v11.4s, v9.s[0] */ \
	WORD $0x4e21dbde; /* scvtf v30.4s, v30.4s */ \
	WORD $0x4e21db18; /* scvtf v24.4s, v24.4s */ \
	VFMLA V10.S4, V30.S4, V31.S4; \
	VFMLS V11.S4, V24.S4, V31.S4; \
	ADD   $292, R6; \
	SUB   $1, R10; \
	CBNZ  R10, superblock; \
done: \
	VMOV  V31.B16, V0.B16; \
	STORE

// func matmulQ2_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ2_KNEON(SB), NOSPLIT, $0-120
	Q2K_TILE(Q6K_SMULL_18)

// func matmulQ2_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ2_KNEONDot(SB), NOSPLIT, $0-120
	Q2K_TILE(Q6K_SDOT_18)

// Q3K_ROW does row R of the super-block (lane LANE): the signed 6-bit
// scales (scaleQ3K: low nibbles from bytes 0..7, top two bits from bytes
// 8..11) as four words, less 32; D from them; the row's sum seeded with
// -4*sum_s sc_s*bsums[s], for the values are 3-bit unsigned q here and
// the format's are q-4; then the 16 sub-blocks in order, the hmask bit
// into bit 2 of each value (VBIT under the mask V29). R ends at the next
// block.
#define Q3K_ROW(R, LANE, DOT) \
	ADD   $108, R, R13; \
	VLD1  (R13), V7.H[LANE]; \
	MOVWU 96(R), R13; \
	MOVWU 100(R), R14; \
	MOVWU 104(R), R15; \
	ANDW  $0x0f0f0f0f, R13, R16; \
	LSLW  $4, R15, R17; \
	ANDW  $0x30303030, R17, R17; \
	ORRW  R17, R16, R16; \
	ANDW  $0x0f0f0f0f, R14, R17; \
	LSLW  $2, R15, R19; \
	ANDW  $0x30303030, R19, R19; \
	ORRW  R19, R17, R17; \
	ORR   R17<<32, R16, R16; /* scales 0..7, plus 32 */ \
	LSRW  $4, R13, R17; \
	ANDW  $0x0f0f0f0f, R17, R17; \
	ANDW  $0x30303030, R15, R19; \
	ORRW  R19, R17, R17; \
	LSRW  $4, R14, R19; \
	ANDW  $0x0f0f0f0f, R19, R19; \
	LSRW  $2, R15, R20; \
	ANDW  $0x30303030, R20, R20; \
	ORRW  R20, R19, R19; \
	ORR   R19<<32, R17, R17; /* scales 8..15, plus 32 */ \
	VMOV  R16, V19.D[0]; \
	VMOV  R17, V19.D[1]; \
	VSUB  V25.B16, V19.B16, V19.B16; \
	WORD $0x0f08a662; /* sxtl v2.8h, v19.8b */ \
	WORD $0x4f08a663; /* sxtl2 v3.8h, v19.16b */ \
	VEOR  V4.B16, V4.B16, V4.B16; \
	VEXT  $2, V3.B16, V2.B16, V12.B16; \
	VEXT  $2, V4.B16, V3.B16, V13.B16; \
	VSUB  V12.H8, V2.H8, V12.H8; \
	VSUB  V13.H8, V3.H8, V13.H8; \
	WORD $0x0f10a588; /* sxtl v8.4s, v12.4h */ \
	WORD $0x4f10a589; /* sxtl2 v9.4s, v12.8h */ \
	WORD $0x0f10a5aa; /* sxtl v10.4s, v13.4h */ \
	WORD $0x4f10a5ab; /* sxtl2 v11.4s, v13.8h */ \
	WORD $0x0e60c044; /* smull v4.4s, v2.4h, v0.4h */ \
	WORD $0x4e608044; /* smlal2 v4.4s, v2.8h, v0.8h */ \
	WORD $0x0e618064; /* smlal v4.4s, v3.4h, v1.4h */ \
	WORD $0x4e618064; /* smlal2 v4.4s, v3.8h, v1.8h */ \
	VSHL  $2, V4.S4, V4.S4; \
	WORD $0x6ea0b885; /* neg v5.4s, v4.4s */ \
	VEOR  V6.B16, V6.B16, V6.B16; \
	FMOVQ 0(R), F16; \
	FMOVQ 16(R), F17; \
	FMOVQ 32(R), F12; \
	FMOVQ 48(R), F13; \
	FMOVQ 64(R), F14; \
	FMOVQ 80(R), F15; \
	VAND  V28.B16, V12.B16, V18.B16; \
	VSHL  $2, V16.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 4(R6), F26; \
	DOT; \
	WORD $0x6f8800c5; /* mla v5.4s, v6.4s, v8.s[0] */ \
	VAND  V28.B16, V13.B16, V18.B16; \
	VSHL  $2, V17.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 20(R6), F26; \
	DOT; \
	WORD $0x6fa800c5; /* mla v5.4s, v6.4s, v8.s[1] */ \
	VUSHR $2, V12.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	VSHL  $1, V16.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 36(R6), F26; \
	DOT; \
	WORD $0x6f8808c5; /* mla v5.4s, v6.4s, v8.s[2] */ \
	VUSHR $2, V13.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	VSHL  $1, V17.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 52(R6), F26; \
	DOT; \
	WORD $0x6fa808c5; /* mla v5.4s, v6.4s, v8.s[3] */ \
	VUSHR $4, V12.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	VBIT  V29.B16, V16.B16, V18.B16; \
	FMOVQ 68(R6), F26; \
	DOT; \
	WORD $0x6f8900c5; /* mla v5.4s, v6.4s, v9.s[0] */ \
	VUSHR $4, V13.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	VBIT  V29.B16, V17.B16, V18.B16; \
	FMOVQ 84(R6), F26; \
	DOT; \
	WORD $0x6fa900c5; /* mla v5.4s, v6.4s, v9.s[1] */ \
	VUSHR $6, V12.B16, V18.B16; \
	VUSHR $1, V16.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 100(R6), F26; \
	DOT; \
	WORD $0x6f8908c5; /* mla v5.4s, v6.4s, v9.s[2] */ \
	VUSHR $6, V13.B16, V18.B16; \
	VUSHR $1, V17.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 116(R6), F26; \
	DOT; \
	WORD $0x6fa908c5; /* mla v5.4s, v6.4s, v9.s[3] */ \
	VAND  V28.B16, V14.B16, V18.B16; \
	VUSHR $2, V16.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 132(R6), F26; \
	DOT; \
	WORD $0x6f8a00c5; /* mla v5.4s, v6.4s, v10.s[0] */ \
	VAND  V28.B16, V15.B16, V18.B16; \
	VUSHR $2, V17.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 148(R6), F26; \
	DOT; \
	WORD $0x6faa00c5; /* mla v5.4s, v6.4s, v10.s[1] */ \
	VUSHR $2, V14.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	VUSHR $3, V16.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 164(R6), F26; \
	DOT; \
	WORD $0x6f8a08c5; /* mla v5.4s, v6.4s, v10.s[2] */ \
	VUSHR $2, V15.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	VUSHR $3, V17.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 180(R6), F26; \
	DOT; \
	WORD $0x6faa08c5; /* mla v5.4s, v6.4s, v10.s[3] */ \
	VUSHR $4, V14.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	VUSHR $4, V16.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 196(R6), F26; \
	DOT; \
	WORD $0x6f8b00c5; /* mla v5.4s, v6.4s, v11.s[0] */ \
	VUSHR $4, V15.B16, V18.B16; \
	VAND  V28.B16, V18.B16, V18.B16; \
	VUSHR $4, V17.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 212(R6), F26; \
	DOT; \
	WORD $0x6fab00c5; /* mla v5.4s, v6.4s, v11.s[1] */ \
	VUSHR $6, V14.B16, V18.B16; \
	VUSHR $5, V16.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 228(R6), F26; \
	DOT; \
	WORD $0x6f8b08c5; /* mla v5.4s, v6.4s, v11.s[2] */ \
	VUSHR $6, V15.B16, V18.B16; \
	VUSHR $5, V17.B16, V19.B16; \
	VBIT  V29.B16, V19.B16, V18.B16; \
	FMOVQ 244(R6), F26; \
	DOT; \
	WORD $0x6fab08c5; /* mla v5.4s, v6.4s, v11.s[3] */ \
	VADDV V5.S4, V5; \
	VMOV  V5.S[0], V30.S[LANE]; \
	ADD   $110, R

// Q3K_TILE is a whole Q3_K tile with the integer dot DOT:
// V31 += float(sum_s sc_s*dot_s(q-4))*d*dx.
#define Q3K_TILE(DOT) \
	TILE_ARGS(0, 0); \
	LSR   $8, R10; /* super-blocks */ \
	VMOVI $3, V28.B16; \
	VMOVI $4, V29.B16; \
	VMOVI $32, V25.B16; \
	VEOR  V31.B16, V31.B16, V31.B16; \
	CBZ   R10, done; \
superblock: \
	ADD   $260, R6, R13; \
	VLD1  (R13), [V0.H8, V1.H8]; \
	Q3K_ROW(R2, 0, DOT); \
	Q3K_ROW(R3, 1, DOT); \
	Q3K_ROW(R4, 2, DOT); \
	Q3K_ROW(R5, 3, DOT); \
	WORD $0x4e21dbde; /* scvtf v30.4s, v30.4s */ \
	WORD $0x0e2178e7; /* fcvtl v7.4s, v7.4h */ \
	FMOVS (R6), F4; \
	WORD $0x4f8490e7; /* fmul v7.4s, v7.4s, v4.s[0] */ \
	VFMLA V7.S4, V30.S4, V31.S4; \
	ADD   $292, R6; \
	SUB   $1, R10; \
	CBNZ  R10, superblock; \
done: \
	VMOV  V31.B16, V0.B16; \
	STORE

// func matmulQ3_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ3_KNEON(SB), NOSPLIT, $0-120
	Q3K_TILE(Q6K_SMULL_18)

// func matmulQ3_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulQ3_KNEONDot(SB), NOSPLIT, $0-120
	Q3K_TILE(Q6K_SDOT_18)
