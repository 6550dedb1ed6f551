//go:build !purego && !noasm

#include "textflag.h"
#include "exp_arm64.h"

// NEON pieces of the selective scans and the convolution (ssm_asm.go has
// the Go loops and the drivers). WORD-encoded instructions carry the GNU
// form as the comment (.ci/armwords.go checks them). Requires: ASIMD.

// Constants of softplus, loaded replicated into V9..V15, V30, V31: the
// series log1p(z) = 2s*(1 + u/3 + u^2/5 + ... + u^7/15), s = z/(2+z),
// u = s*s <= 1/9 (z <= 1), whose next term is below 2^-28.
DATA softplusConsts<>+0(SB)/4, $0x3d888889  // V9 1/15
DATA softplusConsts<>+4(SB)/4, $0x3d9d89d9  // V10 1/13
DATA softplusConsts<>+8(SB)/4, $0x3dba2e8c  // V11 1/11
DATA softplusConsts<>+12(SB)/4, $0x3de38e39 // V12 1/9
DATA softplusConsts<>+16(SB)/4, $0x3e124925 // V13 1/7
DATA softplusConsts<>+20(SB)/4, $0x3e4ccccd // V14 1/5
DATA softplusConsts<>+24(SB)/4, $0x3eaaaaab // V15 1/3
DATA softplusConsts<>+28(SB)/4, $0x40000000 // V30 2
DATA softplusConsts<>+32(SB)/4, $0x41a00000 // V31 20
GLOBL softplusConsts<>(SB), RODATA|NOPTR, $36

// SOFTPLUS: V0 = max(x, 0) + log1p(exp(-|x|)); x itself above 20.
#define SOFTPLUS \
	VMOV  V0.B16, V8.B16; \
	WORD $0x4ea0f800; /* fabs v0.4s, v0.4s */ \
	WORD $0x6ea0f800; /* fneg v0.4s, v0.4s */ \
	EXP; \
	WORD $0x4e3ed401; /* fadd v1.4s, v0.4s, v30.4s */ \
	WORD $0x6e21fc01; /* fdiv v1.4s, v0.4s, v1.4s */ \
	WORD $0x6e21dc22; /* fmul v2.4s, v1.4s, v1.4s */ \
	VMOV  V10.B16, V3.B16; \
	VFMLA V9.S4, V2.S4, V3.S4; \
	VMOV  V11.B16, V4.B16; \
	VFMLA V3.S4, V2.S4, V4.S4; \
	VMOV  V12.B16, V3.B16; \
	VFMLA V4.S4, V2.S4, V3.S4; \
	VMOV  V13.B16, V4.B16; \
	VFMLA V3.S4, V2.S4, V4.S4; \
	VMOV  V14.B16, V3.B16; \
	VFMLA V4.S4, V2.S4, V3.S4; \
	VMOV  V15.B16, V4.B16; \
	VFMLA V3.S4, V2.S4, V4.S4; \
	VMOV  V25.B16, V3.B16; \
	VFMLA V4.S4, V2.S4, V3.S4; \
	WORD $0x4e21d421; /* fadd v1.4s, v1.4s, v1.4s */ \
	WORD $0x6e21dc63; /* fmul v3.4s, v3.4s, v1.4s */ \
	WORD $0x4ea0c904; /* fcmgt v4.4s, v8.4s, #0.0 */ \
	VAND  V4.B16, V8.B16, V4.B16; \
	WORD $0x4e24d460; /* fadd v0.4s, v3.4s, v4.4s */ \
	WORD $0x6ebfe505; /* fcmgt v5.4s, v8.4s, v31.4s */ \
	VBIT  V5.B16, V8.B16, V0.B16

// func softplusAsm(dst, x []float32)
TEXT ·softplusAsm(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD x_base+24(FP), R2
	EXP_CONSTS
	MOVD    $softplusConsts<>(SB), R5
	VLD1R.P 4(R5), [V9.S4]
	VLD1R.P 4(R5), [V10.S4]
	VLD1R.P 4(R5), [V11.S4]
	VLD1R.P 4(R5), [V12.S4]
	VLD1R.P 4(R5), [V13.S4]
	VLD1R.P 4(R5), [V14.S4]
	VLD1R.P 4(R5), [V15.S4]
	VLD1R.P 4(R5), [V30.S4]
	VLD1R.P 4(R5), [V31.S4]
	MAP_LOOP(NOLOAD, NOLOAD, SOFTPLUS)

// func scanChannelAsm(y, x, dtp []float32, ld, ldp int, h, a, B, C []float32, T, dState int, dcoef float32)
TEXT ·scanChannelAsm(SB), NOSPLIT, $0-204
	MOVD  y_base+0(FP), R0
	MOVD  x_base+24(FP), R1
	MOVD  dtp_base+48(FP), R2
	MOVD  ld+72(FP), R3
	LSL   $2, R3
	MOVD  ldp+80(FP), R4
	LSL   $2, R4
	MOVD  B_base+136(FP), R8
	MOVD  C_base+160(FP), R9
	MOVD  T+184(FP), R10
	FMOVS dcoef+200(FP), F13
	EXP_CONSTS
	CBZ   R10, done

token:
	FMOVS (R2), F7
	FMOVS (R1), F14
	FMULS F7, F14, F8
	VDUP  V7.S[0], V7.S4 // dt
	VDUP  V8.S[0], V8.S4 // x*dt
	VEOR  V9.B16, V9.B16, V9.B16
	MOVD  h_base+88(FP), R12
	MOVD  a_base+112(FP), R13
	MOVD  dState+192(FP), R14
	LSR   $2, R14

state:
	// h = h*exp(dt*a) + B*(x*dt); sum += h*C, four states at a time.
	VLD1.P 16(R13), [V0.S4]
	WORD $0x6e27dc00 // fmul v0.4s, v0.4s, v7.4s
	EXP
	VLD1   (R12), [V10.S4]
	VLD1.P 16(R8), [V11.S4]
	VLD1.P 16(R9), [V12.S4]
	WORD $0x6e20dd4a // fmul v10.4s, v10.4s, v0.4s
	VFMLA  V8.S4, V11.S4, V10.S4
	VST1.P [V10.S4], 16(R12)
	VFMLA  V12.S4, V10.S4, V9.S4
	SUB    $1, R14
	CBNZ   R14, state

	WORD $0x6e29d529 // faddp v9.4s, v9.4s, v9.4s
	WORD $0x7e30d929 // faddp s9, v9.2s
	FMADDS F13, F9, F14, F9 // + dcoef*x
	FMOVS  F9, (R0)
	ADD    R3, R0
	ADD    R3, R1
	ADD    R4, R2
	SUB    $1, R10
	CBNZ   R10, token

done:
	RET

// func scan2HeadAsm(y, x, h, B, C []float32, headDim, dState int, da, dt, dcoef float32)
TEXT ·scan2HeadAsm(SB), NOSPLIT, $0-148
	MOVD  y_base+0(FP), R0
	MOVD  x_base+24(FP), R1
	MOVD  h_base+48(FP), R2
	MOVD  headDim+120(FP), R10
	FMOVS da+136(FP), F20
	VDUP  V20.S[0], V20.S4
	FMOVS dt+140(FP), F22
	FMOVS dcoef+144(FP), F23
	CBZ   R10, done

row:
	// One row p of the head's state: h = h*da + B*(x*dt), y = sum h*C + dcoef*x.
	FMOVS.P 4(R1), F24
	FMULS   F22, F24, F21
	VDUP    V21.S[0], V21.S4
	VEOR    V16.B16, V16.B16, V16.B16
	VEOR    V17.B16, V17.B16, V17.B16
	VEOR    V18.B16, V18.B16, V18.B16
	VEOR    V19.B16, V19.B16, V19.B16
	MOVD    B_base+72(FP), R8
	MOVD    C_base+96(FP), R9
	MOVD    dState+128(FP), R11

state16:
	CMP    $16, R11
	BLT    state8
	VLD1   (R2), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R8), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R9), [V8.S4, V9.S4, V10.S4, V11.S4]
	WORD $0x6e34dc00 // fmul v0.4s, v0.4s, v20.4s
	WORD $0x6e34dc21 // fmul v1.4s, v1.4s, v20.4s
	WORD $0x6e34dc42 // fmul v2.4s, v2.4s, v20.4s
	WORD $0x6e34dc63 // fmul v3.4s, v3.4s, v20.4s
	VFMLA  V21.S4, V4.S4, V0.S4
	VFMLA  V21.S4, V5.S4, V1.S4
	VFMLA  V21.S4, V6.S4, V2.S4
	VFMLA  V21.S4, V7.S4, V3.S4
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R2)
	VFMLA  V8.S4, V0.S4, V16.S4
	VFMLA  V9.S4, V1.S4, V17.S4
	VFMLA  V10.S4, V2.S4, V18.S4
	VFMLA  V11.S4, V3.S4, V19.S4
	SUB    $16, R11
	B      state16

state8:
	CBZ    R11, sum
	VLD1   (R2), [V0.S4, V1.S4]
	VLD1.P 32(R8), [V4.S4, V5.S4]
	VLD1.P 32(R9), [V8.S4, V9.S4]
	WORD $0x6e34dc00 // fmul v0.4s, v0.4s, v20.4s
	WORD $0x6e34dc21 // fmul v1.4s, v1.4s, v20.4s
	VFMLA  V21.S4, V4.S4, V0.S4
	VFMLA  V21.S4, V5.S4, V1.S4
	VST1.P [V0.S4, V1.S4], 32(R2)
	VFMLA  V8.S4, V0.S4, V16.S4
	VFMLA  V9.S4, V1.S4, V17.S4
	SUB    $8, R11
	B      state8

sum:
	WORD $0x4e31d610 // fadd v16.4s, v16.4s, v17.4s
	WORD $0x4e33d652 // fadd v18.4s, v18.4s, v19.4s
	WORD $0x4e32d610 // fadd v16.4s, v16.4s, v18.4s
	WORD $0x6e30d610 // faddp v16.4s, v16.4s, v16.4s
	WORD $0x7e30da10 // faddp s16, v16.2s
	FMADDS  F23, F16, F24, F16 // + dcoef*x
	FMOVS.P F16, 4(R0)
	SUB     $1, R10
	CBNZ    R10, row

done:
	RET

// func convGroupAsm(y, x []float32, ld int, wt, st, bias []float32, T int)
TEXT ·convGroupAsm(SB), NOSPLIT, $0-136
	MOVD y_base+0(FP), R0
	MOVD x_base+24(FP), R1
	MOVD ld+48(FP), R3
	LSL  $2, R3
	MOVD wt_base+56(FP), R4
	MOVD st_base+80(FP), R5
	MOVD bias_base+104(FP), R6
	MOVD T+128(FP), R10
	VLD1.P 64(R4), [V0.S4, V1.S4, V2.S4, V3.S4] // taps 0, 1
	VLD1   (R4), [V4.S4, V5.S4, V6.S4, V7.S4]   // taps 2, 3
	VLD1   (R5), [V8.S4, V9.S4, V10.S4, V11.S4] // window 0, 1
	ADD    $64, R5, R7
	VLD1   (R7), [V12.S4, V13.S4]               // window 2
	VLD1   (R6), [V14.S4, V15.S4]               // bias
	CBZ    R10, done

token:
	// Eight channels in two vectors: y = w0*s0 + w1*s1 + w2*s2 + w3*x + bias,
	// then the window moves on by one token.
	VLD1 (R1), [V16.S4, V17.S4]
	WORD $0x6e20dd12 // fmul v18.4s, v8.4s, v0.4s
	WORD $0x6e21dd33 // fmul v19.4s, v9.4s, v1.4s
	VFMLA V2.S4, V10.S4, V18.S4
	VFMLA V3.S4, V11.S4, V19.S4
	VFMLA V4.S4, V12.S4, V18.S4
	VFMLA V5.S4, V13.S4, V19.S4
	VFMLA V6.S4, V16.S4, V18.S4
	VFMLA V7.S4, V17.S4, V19.S4
	WORD $0x4e2ed652 // fadd v18.4s, v18.4s, v14.4s
	WORD $0x4e2fd673 // fadd v19.4s, v19.4s, v15.4s
	VST1 [V18.S4, V19.S4], (R0)
	VMOV V10.B16, V8.B16
	VMOV V11.B16, V9.B16
	VMOV V12.B16, V10.B16
	VMOV V13.B16, V11.B16
	VMOV V16.B16, V12.B16
	VMOV V17.B16, V13.B16
	ADD  R3, R0
	ADD  R3, R1
	SUB  $1, R10
	CBNZ R10, token

	VST1 [V8.S4, V9.S4, V10.S4, V11.S4], (R5)
	VST1 [V12.S4, V13.S4], (R7)

done:
	RET
