//go:build !purego && !noasm

#include "textflag.h"

// NEON Q8_0 row conversions and the Q8_1 quantiser (quant_q8_arm64.go has
// their Go loops). WORD-encoded instructions carry the GNU form as the
// comment (.ci/armwords.go checks them). Requires: ASIMD.

// The quantisers' steps, shared by the Q8_0 and Q8_1 forms.

// Q8_SETUP: 127 in F28, 2^31 in V29, the int32 minimum in V30, zero in V31.
#define Q8_SETUP \
	FMOVS $127.0, F28; \
	VMOVS $0x4f000000, V29; /* 2^31 */ \
	VDUP  V29.S[0], V29.S4; \
	VMOVS $0x80000000, V30; /* int32 minimum */ \
	VDUP  V30.S[0], V30.S4; \
	VEOR  V31.B16, V31.B16, V31.B16

// Q8_AMAX loads the block (32 floats from R1, advancing it) into V0..V7
// and leaves amax in F16: |x| with NaN lanes cleared (x == x fails only
// for NaN), then a max tree and across the lanes.
#define Q8_AMAX \
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]; \
	VLD1.P 64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]; \
	WORD $0x4ea0f810; /* fabs v16.4s, v0.4s */ \
	WORD $0x4ea0f831; /* fabs v17.4s, v1.4s */ \
	WORD $0x4ea0f852; /* fabs v18.4s, v2.4s */ \
	WORD $0x4ea0f873; /* fabs v19.4s, v3.4s */ \
	WORD $0x4ea0f894; /* fabs v20.4s, v4.4s */ \
	WORD $0x4ea0f8b5; /* fabs v21.4s, v5.4s */ \
	WORD $0x4ea0f8d6; /* fabs v22.4s, v6.4s */ \
	WORD $0x4ea0f8f7; /* fabs v23.4s, v7.4s */ \
	WORD $0x4e30e618; /* fcmeq v24.4s, v16.4s, v16.4s */ \
	WORD $0x4e31e639; /* fcmeq v25.4s, v17.4s, v17.4s */ \
	VAND V24.B16, V16.B16, V16.B16; \
	VAND V25.B16, V17.B16, V17.B16; \
	WORD $0x4e32e658; /* fcmeq v24.4s, v18.4s, v18.4s */ \
	WORD $0x4e33e679; /* fcmeq v25.4s, v19.4s, v19.4s */ \
	VAND V24.B16, V18.B16, V18.B16; \
	VAND V25.B16, V19.B16, V19.B16; \
	WORD $0x4e34e698; /* fcmeq v24.4s, v20.4s, v20.4s */ \
	WORD $0x4e35e6b9; /* fcmeq v25.4s, v21.4s, v21.4s */ \
	VAND V24.B16, V20.B16, V20.B16; \
	VAND V25.B16, V21.B16, V21.B16; \
	WORD $0x4e36e6d8; /* fcmeq v24.4s, v22.4s, v22.4s */ \
	WORD $0x4e37e6f9; /* fcmeq v25.4s, v23.4s, v23.4s */ \
	VAND V24.B16, V22.B16, V22.B16; \
	VAND V25.B16, V23.B16, V23.B16; \
	WORD $0x4e31f610; /* fmax v16.4s, v16.4s, v17.4s */ \
	WORD $0x4e33f652; /* fmax v18.4s, v18.4s, v19.4s */ \
	WORD $0x4e35f694; /* fmax v20.4s, v20.4s, v21.4s */ \
	WORD $0x4e37f6d6; /* fmax v22.4s, v22.4s, v23.4s */ \
	WORD $0x4e32f610; /* fmax v16.4s, v16.4s, v18.4s */ \
	WORD $0x4e36f694; /* fmax v20.4s, v20.4s, v22.4s */ \
	WORD $0x4e34f610; /* fmax v16.4s, v16.4s, v20.4s */ \
	WORD $0x6e30fa10 /* fmaxv s16, v16.4s */

// Q8_ID: id = 127/amax into F27, or 0 when amax is 0.
#define Q8_ID \
	FDIVS  F16, F28, F27; \
	WORD $0x1e202208; /* fcmp s16, #0.0 */ \
	WORD $0x1e3f1f7b /* fcsel s27, s27, s31, ne */

// Q8_INT: V0..V7 = fcvtns(x*id) (ties to even, saturating to int32); a
// NaN product, or one of 2^31 and more, becomes the int32 minimum as
// x86's conversion makes it.
#define Q8_INT \
	WORD $0x4f9b9010; /* fmul v16.4s, v0.4s, v27.s[0] */ \
	WORD $0x4f9b9031; /* fmul v17.4s, v1.4s, v27.s[0] */ \
	WORD $0x4f9b9052; /* fmul v18.4s, v2.4s, v27.s[0] */ \
	WORD $0x4f9b9073; /* fmul v19.4s, v3.4s, v27.s[0] */ \
	WORD $0x4f9b9094; /* fmul v20.4s, v4.4s, v27.s[0] */ \
	WORD $0x4f9b90b5; /* fmul v21.4s, v5.4s, v27.s[0] */ \
	WORD $0x4f9b90d6; /* fmul v22.4s, v6.4s, v27.s[0] */ \
	WORD $0x4f9b90f7; /* fmul v23.4s, v7.4s, v27.s[0] */ \
	WORD $0x4e21aa00; /* fcvtns v0.4s, v16.4s */ \
	WORD $0x4e21aa21; /* fcvtns v1.4s, v17.4s */ \
	WORD $0x4e21aa42; /* fcvtns v2.4s, v18.4s */ \
	WORD $0x4e21aa63; /* fcvtns v3.4s, v19.4s */ \
	WORD $0x4e21aa84; /* fcvtns v4.4s, v20.4s */ \
	WORD $0x4e21aaa5; /* fcvtns v5.4s, v21.4s */ \
	WORD $0x4e21aac6; /* fcvtns v6.4s, v22.4s */ \
	WORD $0x4e21aae7; /* fcvtns v7.4s, v23.4s */ \
	WORD $0x6eb0e7b8; /* fcmgt v24.4s, v29.4s, v16.4s */ \
	WORD $0x6eb1e7b9; /* fcmgt v25.4s, v29.4s, v17.4s */ \
	WORD $0x6ef81fc0; /* bif v0.16b, v30.16b, v24.16b */ \
	WORD $0x6ef91fc1; /* bif v1.16b, v30.16b, v25.16b */ \
	WORD $0x6eb2e7b8; /* fcmgt v24.4s, v29.4s, v18.4s */ \
	WORD $0x6eb3e7b9; /* fcmgt v25.4s, v29.4s, v19.4s */ \
	WORD $0x6ef81fc2; /* bif v2.16b, v30.16b, v24.16b */ \
	WORD $0x6ef91fc3; /* bif v3.16b, v30.16b, v25.16b */ \
	WORD $0x6eb4e7b8; /* fcmgt v24.4s, v29.4s, v20.4s */ \
	WORD $0x6eb5e7b9; /* fcmgt v25.4s, v29.4s, v21.4s */ \
	WORD $0x6ef81fc4; /* bif v4.16b, v30.16b, v24.16b */ \
	WORD $0x6ef91fc5; /* bif v5.16b, v30.16b, v25.16b */ \
	WORD $0x6eb6e7b8; /* fcmgt v24.4s, v29.4s, v22.4s */ \
	WORD $0x6eb7e7b9; /* fcmgt v25.4s, v29.4s, v23.4s */ \
	WORD $0x6ef81fc6; /* bif v6.16b, v30.16b, v24.16b */ \
	WORD $0x6ef91fc7 /* bif v7.16b, v30.16b, v25.16b */

// Q8_NARROW narrows V0..V7 to int8 with saturation, into V20, V21.
#define Q8_NARROW \
	WORD $0x0e614810; /* sqxtn v16.4h, v0.4s */ \
	WORD $0x4e614830; /* sqxtn2 v16.8h, v1.4s */ \
	WORD $0x0e614851; /* sqxtn v17.4h, v2.4s */ \
	WORD $0x4e614871; /* sqxtn2 v17.8h, v3.4s */ \
	WORD $0x0e614892; /* sqxtn v18.4h, v4.4s */ \
	WORD $0x4e6148b2; /* sqxtn2 v18.8h, v5.4s */ \
	WORD $0x0e6148d3; /* sqxtn v19.4h, v6.4s */ \
	WORD $0x4e6148f3; /* sqxtn2 v19.8h, v7.4s */ \
	WORD $0x0e214a14; /* sqxtn v20.8b, v16.8h */ \
	WORD $0x4e214a34; /* sqxtn2 v20.16b, v17.8h */ \
	WORD $0x0e214a55; /* sqxtn v21.8b, v18.8h */ \
	WORD $0x4e214a75 /* sqxtn2 v21.16b, v19.8h */

// func quantizeQ8_0NEON(dst []byte, x []float32)
TEXT ·quantizeQ8_0NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD x_base+24(FP), R1
	MOVD x_len+32(FP), R2
	LSR  $5, R2
	Q8_SETUP
	CBZ  R2, done

block:
	Q8_AMAX
	// d = f16(amax/127).
	FDIVS  F28, F16, F26
	FCVTSH F26, F26
	VST1   V26.H[0], (R0)
	ADD    $2, R0
	Q8_ID
	Q8_INT
	Q8_NARROW
	VST1.P [V20.B16, V21.B16], 32(R0)
	SUB    $1, R2
	CBNZ   R2, block

done:
	RET

// func quantizeQ8_1NEON(dst []byte, x []float32)
TEXT ·quantizeQ8_1NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD x_base+24(FP), R1
	MOVD x_len+32(FP), R2
	LSR  $5, R2
	Q8_SETUP
	CBZ  R2, done

block:
	Q8_AMAX
	// d = amax/127, stored as f16 and kept for s.
	FDIVS  F28, F16, F26
	FCVTSH F26, F25
	VST1   V25.H[0], (R0)
	Q8_ID
	Q8_INT
	// s = f16(d * the wrapping int32 sum of V0..V7).
	VADD   V1.S4, V0.S4, V24.S4
	VADD   V3.S4, V2.S4, V25.S4
	VADD   V25.S4, V24.S4, V24.S4
	VADD   V5.S4, V4.S4, V25.S4
	VADD   V25.S4, V24.S4, V24.S4
	VADD   V7.S4, V6.S4, V25.S4
	VADD   V25.S4, V24.S4, V24.S4
	VADDV  V24.S4, V24
	WORD   $0x5e21db18 // scvtf s24, s24
	FMULS  F26, F24, F24
	FCVTSH F24, F24
	ADD    $2, R0, R3
	VST1   V24.H[0], (R3)
	ADD    $4, R0
	Q8_NARROW
	VST1.P [V20.B16, V21.B16], 32(R0)
	SUB    $1, R2
	CBNZ   R2, block

done:
	RET

// func dequantQ8_0NEON(dst []float32, src []byte)
TEXT ·dequantQ8_0NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R2
	MOVD src_base+24(FP), R1
	LSR  $5, R2
	CBZ  R2, done

block:
	MOVHU.P 2(R1), R3
	VMOV    R3, V31.H[0]
	FCVTHS  F31, F31
	VLD1.P  32(R1), [V0.B16, V1.B16]
	WORD $0x0f08a402 // sxtl v2.8h, v0.8b
	WORD $0x4f08a403 // sxtl2 v3.8h, v0.16b
	WORD $0x0f08a424 // sxtl v4.8h, v1.8b
	WORD $0x4f08a425 // sxtl2 v5.8h, v1.16b
	WORD $0x0f10a450 // sxtl v16.4s, v2.4h
	WORD $0x4f10a451 // sxtl2 v17.4s, v2.8h
	WORD $0x0f10a472 // sxtl v18.4s, v3.4h
	WORD $0x4f10a473 // sxtl2 v19.4s, v3.8h
	WORD $0x0f10a494 // sxtl v20.4s, v4.4h
	WORD $0x4f10a495 // sxtl2 v21.4s, v4.8h
	WORD $0x0f10a4b6 // sxtl v22.4s, v5.4h
	WORD $0x4f10a4b7 // sxtl2 v23.4s, v5.8h
	WORD $0x4e21da10 // scvtf v16.4s, v16.4s
	WORD $0x4e21da31 // scvtf v17.4s, v17.4s
	WORD $0x4e21da52 // scvtf v18.4s, v18.4s
	WORD $0x4e21da73 // scvtf v19.4s, v19.4s
	WORD $0x4e21da94 // scvtf v20.4s, v20.4s
	WORD $0x4e21dab5 // scvtf v21.4s, v21.4s
	WORD $0x4e21dad6 // scvtf v22.4s, v22.4s
	WORD $0x4e21daf7 // scvtf v23.4s, v23.4s
	WORD $0x4f9f9210 // fmul v16.4s, v16.4s, v31.s[0]
	WORD $0x4f9f9231 // fmul v17.4s, v17.4s, v31.s[0]
	WORD $0x4f9f9252 // fmul v18.4s, v18.4s, v31.s[0]
	WORD $0x4f9f9273 // fmul v19.4s, v19.4s, v31.s[0]
	WORD $0x4f9f9294 // fmul v20.4s, v20.4s, v31.s[0]
	WORD $0x4f9f92b5 // fmul v21.4s, v21.4s, v31.s[0]
	WORD $0x4f9f92d6 // fmul v22.4s, v22.4s, v31.s[0]
	WORD $0x4f9f92f7 // fmul v23.4s, v23.4s, v31.s[0]
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0)
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R0)
	SUB    $1, R2
	CBNZ   R2, block

done:
	RET
