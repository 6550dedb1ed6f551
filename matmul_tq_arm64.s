//go:build !purego && !noasm

#include "textflag.h"
#include "matmul_arm64.h"

// NEON tiles of the ternary formats TQ1_0 and TQ2_0 against Q8_K
// activations (matmul_tq_arm64.go has the Go loop): 4 rows of W by 1
// activation row, the decode GEMV's shape (prefill calls it once per
// column, with the W block in cache). A row's block becomes 16 vectors
// of 16 digits, vector c standing for values 16c..16c+15, each met with
// the activation bytes x.qs[16c:] by one integer dot into the row's
// int32 lanes; the row's sum lands in lane i of V30. The digits stand for
// t-1, so the block's sum of x (from the bsums) is subtracted once for
// the four rows, which are then scaled by f16(w.d)*x.d in float32. Two
// forms of the integer dot, passed to the tile macros: SDOT (ASIMDDP)
// and plain NEON (SMULL/SMLAL2/SADALP; products fit int16 in pairs:
// |digit| <= 3, |x| <= 128). WORD-encoded instructions carry the GNU form
// as the comment (.ci/armwords.go checks them). Requires: ASIMD, ASIMDDP
// for *Dot.
//
// Registers: W bytes V16..V19, product V20, compare scratch and int16
// products V21, digits V22, the row's dot V23, TQ1_0 thresholds V24 (85;
// TQ2_0: the 2-bit mask) and V25 (170), activation bytes V26, 3 in V27,
// TQ1_0's qh multipliers V2, d halves V28, the block's sum of x V29 (in
// every lane), row sums V30, result V31.

// TQ_SDOT and TQ_SMULL add the dot of digits V22 with activations V26
// to V23.
#define TQ_SDOT \
	WORD $0x4e9a96d7; /* sdot v23.4s, v22.16b, v26.16b */

#define TQ_SMULL \
	WORD $0x0e3ac2d5; /* smull v21.8h, v22.8b, v26.8b */ \
	WORD $0x4e3a82d5; /* smlal2 v21.8h, v22.16b, v26.16b */ \
	WORD $0x4e606ab7; /* sadalp v23.4s, v21.8h */

// TQ_BLOCK_SUM puts the sum of the activation block's 256 values in every
// lane of V29: the 16 bsums added in pairs (|sum| <= 32*128 fits int16),
// then across.
#define TQ_BLOCK_SUM \
	ADD  $260, R6, R13; \
	VLD1 (R13), [V20.H8, V21.H8]; \
	VADD V21.H8, V20.H8, V20.H8; \
	WORD $0x4e703a94; /* saddlv s20, v20.8h */ \
	WORD $0x4e04069d; /* dup v29.4s, v20.s[0] */

// TQ_BLOCK_END scales the four rows' sums in V30 (with the block's sum of
// x already taken off) by f16(w.d)*x.d into V31 and moves to the next
// activation block.
#define TQ_BLOCK_END \
	WORD $0x4e21dbde; /* scvtf v30.4s, v30.4s */ \
	WORD $0x0e217b9c; /* fcvtl v28.4s, v28.4h */ \
	FMOVS (R6), F20; \
	WORD $0x4f94939c; /* fmul v28.4s, v28.4s, v20.s[0] */ \
	VFMLA V28.S4, V30.S4, V31.S4; \
	ADD   $292, R6

// TQ_ROW_END moves the row's dot V23 to lane LANE of V30.
#define TQ_ROW_END(LANE) \
	VADDV V23.S4, V23; \
	VMOV  V23.S[0], V30.S[LANE]

// TQ1_0. Trit n of a byte b is the top base-3 digit of m = b*3^n mod 256
// (a byte multiply by 3 per trit), that is (3m) >> 8 = [m > 85] +
// [m > 170]. CMHI gives -1 for each true compare, so the dots collect
// -t*x and the block end negates.

// TQ1_TRIT meets the trit of the product in V20 with the activation
// bytes at XOFF(R6).
#define TQ1_TRIT(XOFF, DOT) \
	FMOVQ XOFF(R6), F26; \
	WORD $0x6e383695; /* cmhi v21.16b, v20.16b, v24.16b */ \
	WORD $0x6e393696; /* cmhi v22.16b, v20.16b, v25.16b */ \
	VADD  V21.B16, V22.B16, V22.B16; \
	DOT

#define TQ1_TIMES3 \
	WORD $0x4e3b9e94; /* mul v20.16b, v20.16b, v27.16b */

// TQ1_RUN does the five trits of the 16 bytes in SRC, trit n standing for
// the values at activation offset XOFF + STEP*n.
#define TQ1_RUN(SRC, XOFF, STEP, DOT) \
	VMOV SRC.B16, V20.B16; \
	TQ1_TRIT(XOFF, DOT); \
	TQ1_TIMES3; \
	TQ1_TRIT(XOFF+STEP, DOT); \
	TQ1_TIMES3; \
	TQ1_TRIT(XOFF+2*STEP, DOT); \
	TQ1_TIMES3; \
	TQ1_TRIT(XOFF+3*STEP, DOT); \
	TQ1_TIMES3; \
	TQ1_TRIT(XOFF+4*STEP, DOT)

// TQ1_ROW does row R (lane LANE): values 0..159 are trit n of qs[0:32]
// at 32n + l (the two 16-byte halves), 160..239 trit n of qs[32:48] at
// 160 + 16n + l, 240..255 trit n of qh[j] at 240 + 4n + j: qh's four
// bytes in every word, times 1, 3, 9, 27 by word (V2). R ends at the next
// block.
#define TQ1_ROW(R, LANE, DOT) \
	VLD1.P 48(R), [V16.B16, V17.B16, V18.B16]; \
	VLD1R  (R), [V19.S4]; \
	ADD    $4, R, R13; \
	VLD1   (R13), V28.H[LANE]; \
	ADD    $6, R; \
	VEOR   V23.B16, V23.B16, V23.B16; \
	TQ1_RUN(V16, 4, 32, DOT); \
	TQ1_RUN(V17, 4+16, 32, DOT); \
	TQ1_RUN(V18, 4+160, 16, DOT); \
	WORD $0x4e229e74; /* mul v20.16b, v19.16b, v2.16b */ \
	TQ1_TRIT(4+240, DOT); \
	TQ_ROW_END(LANE)

// TQ1_TILE is a whole TQ1_0 tile with the integer dot DOT.
#define TQ1_TILE(DOT) \
	TILE_ARGS(0, 0); \
	LSR   $8, R10; /* blocks */ \
	VMOVI $85, V24.B16; \
	VMOVI $170, V25.B16; \
	VMOVI $3, V27.B16; \
	MOVD  $0x0303030301010101, R13; \
	VMOV  R13, V2.D[0]; \
	MOVD  $0x1b1b1b1b09090909, R13; \
	VMOV  R13, V2.D[1]; \
	VEOR  V31.B16, V31.B16, V31.B16; \
	CBZ   R10, done; \
block: \
	TQ_BLOCK_SUM; \
	TQ1_ROW(R2, 0, DOT); \
	TQ1_ROW(R3, 1, DOT); \
	TQ1_ROW(R4, 2, DOT); \
	TQ1_ROW(R5, 3, DOT); \
	WORD $0x6ea0bbde; /* neg v30.4s, v30.4s */ \
	VSUB  V29.S4, V30.S4, V30.S4; \
	TQ_BLOCK_END; \
	SUB   $1, R10; \
	CBNZ  R10, block; \
done: \
	VMOV  V31.B16, V0.B16; \
	STORE

// func matmulTQ1_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulTQ1_0NEON(SB), NOSPLIT, $0-120
	TQ1_TILE(TQ_SMULL)

// func matmulTQ1_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulTQ1_0NEONDot(SB), NOSPLIT, $0-120
	TQ1_TILE(TQ_SDOT)

// TQ2_0. Value 128h + 32g + l is bits 2g, 2g+1 of qs[32h+l]: the 16-byte
// vector SRC of bytes 32h + 16s.. gives, shifted by 2g and masked (V24),
// the digits at activation offset 4 + 128h + 32g + 16s.

// TQ2_DIGIT meets digit vector V22 with the activation bytes at XOFF(R6).
#define TQ2_DIGIT(XOFF, DOT) \
	FMOVQ XOFF(R6), F26; \
	DOT

// TQ2_QUAD does the four 2-bit fields of SRC, the first at XOFF.
#define TQ2_QUAD(SRC, XOFF, DOT) \
	VAND  V24.B16, SRC.B16, V22.B16; \
	TQ2_DIGIT(XOFF, DOT); \
	VUSHR $2, SRC.B16, V22.B16; \
	VAND  V24.B16, V22.B16, V22.B16; \
	TQ2_DIGIT(XOFF+32, DOT); \
	VUSHR $4, SRC.B16, V22.B16; \
	VAND  V24.B16, V22.B16, V22.B16; \
	TQ2_DIGIT(XOFF+64, DOT); \
	VUSHR $6, SRC.B16, V22.B16; \
	TQ2_DIGIT(XOFF+96, DOT)

// TQ2_ROW does row R (lane LANE); R ends at the next block.
#define TQ2_ROW(R, LANE, DOT) \
	VLD1.P 64(R), [V16.B16, V17.B16, V18.B16, V19.B16]; \
	VLD1   (R), V28.H[LANE]; \
	ADD    $2, R; \
	VEOR   V23.B16, V23.B16, V23.B16; \
	TQ2_QUAD(V16, 4, DOT); \
	TQ2_QUAD(V17, 4+16, DOT); \
	TQ2_QUAD(V18, 4+128, DOT); \
	TQ2_QUAD(V19, 4+144, DOT); \
	TQ_ROW_END(LANE)

// TQ2_TILE is a whole TQ2_0 tile with the integer dot DOT.
#define TQ2_TILE(DOT) \
	TILE_ARGS(0, 0); \
	LSR   $8, R10; /* blocks */ \
	VMOVI $3, V24.B16; \
	VEOR  V31.B16, V31.B16, V31.B16; \
	CBZ   R10, done; \
block: \
	TQ_BLOCK_SUM; \
	TQ2_ROW(R2, 0, DOT); \
	TQ2_ROW(R3, 1, DOT); \
	TQ2_ROW(R4, 2, DOT); \
	TQ2_ROW(R5, 3, DOT); \
	VSUB  V29.S4, V30.S4, V30.S4; \
	TQ_BLOCK_END; \
	SUB   $1, R10; \
	CBNZ  R10, block; \
done: \
	VMOV  V31.B16, V0.B16; \
	STORE

// func matmulTQ2_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulTQ2_0NEON(SB), NOSPLIT, $0-120
	TQ2_TILE(TQ_SMULL)

// func matmulTQ2_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
TEXT ·matmulTQ2_0NEONDot(SB), NOSPLIT, $0-120
	TQ2_TILE(TQ_SDOT)
