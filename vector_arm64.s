//go:build !purego && !noasm

#include "textflag.h"
#include "exp_arm64.h"

// NEON vector kernels (vector_arm64.go has each one's Go loop). Go's
// assembler lacks most float NEON mnemonics: those are WORD-encoded with
// the GNU instruction as the comment (.ci/armwords.go checks every one).
// Go operand order for native instructions is "OP Vm, Vn, Vd": d = n op m.
// Requires: ASIMD (every arm64 CPU).

// Constants of GELU, loaded replicated into V10..V15.
DATA geluConsts<>+0(SB)/4, $0x3d372713  // V10 0.044715
DATA geluConsts<>+4(SB)/4, $0x3f4c422a  // V11 sqrt(2/pi)
DATA geluConsts<>+8(SB)/4, $0x40000000  // V12 2
DATA geluConsts<>+12(SB)/4, $0x3f000000 // V13 0.5
DATA geluConsts<>+16(SB)/4, $0xc1200000 // V14 -10
DATA geluConsts<>+20(SB)/4, $0x41200000 // V15 10
GLOBL geluConsts<>(SB), RODATA|NOPTR, $24

// func dotNEON(x, y []float32) float32
TEXT ·dotNEON(SB), NOSPLIT, $0-52
	MOVD x_base+0(FP), R0
	MOVD x_len+8(FP), R1
	MOVD y_base+24(FP), R2
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	CMP  $32, R1
	BLT  dot4
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16

dot32:
	// Eight accumulators: enough independent FMAs to cover their latency.
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R2), [V8.S4, V9.S4, V10.S4, V11.S4]
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R2), [V12.S4, V13.S4, V14.S4, V15.S4]
	VFMLA  V8.S4, V0.S4, V16.S4
	VFMLA  V9.S4, V1.S4, V17.S4
	VFMLA  V10.S4, V2.S4, V18.S4
	VFMLA  V11.S4, V3.S4, V19.S4
	VFMLA  V12.S4, V4.S4, V20.S4
	VFMLA  V13.S4, V5.S4, V21.S4
	VFMLA  V14.S4, V6.S4, V22.S4
	VFMLA  V15.S4, V7.S4, V23.S4
	SUB    $32, R1
	CMP    $32, R1
	BGE    dot32
	WORD $0x4e34d610 // fadd v16.4s, v16.4s, v20.4s
	WORD $0x4e35d631 // fadd v17.4s, v17.4s, v21.4s
	WORD $0x4e36d652 // fadd v18.4s, v18.4s, v22.4s
	WORD $0x4e37d673 // fadd v19.4s, v19.4s, v23.4s

dot4:
	CMP    $4, R1
	BLT    dot1
	VLD1.P 16(R0), [V0.S4]
	VLD1.P 16(R2), [V8.S4]
	VFMLA  V8.S4, V0.S4, V16.S4
	SUB    $4, R1
	B      dot4

dot1:
	WORD $0x4e31d610 // fadd v16.4s, v16.4s, v17.4s
	WORD $0x4e33d652 // fadd v18.4s, v18.4s, v19.4s
	WORD $0x4e32d610 // fadd v16.4s, v16.4s, v18.4s
	WORD $0x6e30d610 // faddp v16.4s, v16.4s, v16.4s
	WORD $0x7e30da10 // faddp s16, v16.2s
	CBZ  R1, dotdone

dot1loop:
	FMOVS.P 4(R0), F0
	FMOVS.P 4(R2), F1
	FMADDS  F1, F16, F0, F16 // s16 += s0*s1
	SUB     $1, R1
	CBNZ    R1, dot1loop

dotdone:
	FMOVS F16, ret+48(FP)
	RET

// func axpyNEON(a float32, x, y []float32)
TEXT ·axpyNEON(SB), NOSPLIT, $0-56
	FMOVS a+0(FP), F31
	VDUP  V31.S[0], V31.S4
	MOVD  x_base+8(FP), R0
	MOVD  x_len+16(FP), R1
	MOVD  y_base+32(FP), R2

axpy16:
	CMP    $16, R1
	BLT    axpy4
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1   (R2), [V4.S4, V5.S4, V6.S4, V7.S4]
	VFMLA  V31.S4, V0.S4, V4.S4
	VFMLA  V31.S4, V1.S4, V5.S4
	VFMLA  V31.S4, V2.S4, V6.S4
	VFMLA  V31.S4, V3.S4, V7.S4
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R2)
	SUB    $16, R1
	B      axpy16

axpy4:
	CMP    $4, R1
	BLT    axpy1
	VLD1.P 16(R0), [V0.S4]
	VLD1   (R2), [V4.S4]
	VFMLA  V31.S4, V0.S4, V4.S4
	VST1.P [V4.S4], 16(R2)
	SUB    $4, R1
	B      axpy4

axpy1:
	CBZ     R1, axpydone
	FMOVS.P 4(R0), F0
	FMOVS   (R2), F1
	FMADDS  F31, F1, F0, F1 // s1 += s0*a
	FMOVS.P F1, 4(R2)
	SUB     $1, R1
	B       axpy1

axpydone:
	RET

// func scaleNEON(a float32, x []float32)
TEXT ·scaleNEON(SB), NOSPLIT, $0-32
	FMOVS a+0(FP), F31
	MOVD  x_base+8(FP), R0
	MOVD  x_len+16(FP), R1

scale16:
	CMP    $16, R1
	BLT    scale4
	VLD1   (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x4f9f9000 // fmul v0.4s, v0.4s, v31.s[0]
	WORD $0x4f9f9021 // fmul v1.4s, v1.4s, v31.s[0]
	WORD $0x4f9f9042 // fmul v2.4s, v2.4s, v31.s[0]
	WORD $0x4f9f9063 // fmul v3.4s, v3.4s, v31.s[0]
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUB    $16, R1
	B      scale16

scale4:
	CMP    $4, R1
	BLT    scale1
	VLD1   (R0), [V0.S4]
	WORD $0x4f9f9000 // fmul v0.4s, v0.4s, v31.s[0]
	VST1.P [V0.S4], 16(R0)
	SUB    $4, R1
	B      scale4

scale1:
	CBZ     R1, scaledone
	FMOVS   (R0), F0
	FMULS   F31, F0, F0
	FMOVS.P F0, 4(R0)
	SUB     $1, R1
	B       scale1

scaledone:
	RET

// BINOP is dst = x op y (R0, R1 values; R2, R3) for add and mul: OP4 applies op to V0..V3 with
// V4..V7, OP1 to V0 with V4 (the four- and one-value tails use lane 0
// upwards of the same registers).
#define BINOP(OP4, OP1) \
loop16:                                               \
	CMP    $16, R1;                                   \
	BLT    loop4;                                     \
	VLD1.P 64(R2), [V0.S4, V1.S4, V2.S4, V3.S4];      \
	VLD1.P 64(R3), [V4.S4, V5.S4, V6.S4, V7.S4];      \
	OP4;                                              \
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0);      \
	SUB    $16, R1;                                   \
	B      loop16;                                    \
loop4:                                                \
	CMP    $4, R1;                                    \
	BLT    loop1;                                     \
	VLD1.P 16(R2), [V0.S4];                           \
	VLD1.P 16(R3), [V4.S4];                           \
	OP1;                                              \
	VST1.P [V0.S4], 16(R0);                           \
	SUB    $4, R1;                                    \
	B      loop4;                                     \
loop1:                                                \
	CBZ     R1, done;                                 \
	FMOVS.P 4(R2), F0;                                \
	FMOVS.P 4(R3), F4;                                \
	OP1;                                              \
	FMOVS.P F0, 4(R0);                                \
	SUB     $1, R1;                                   \
	B       loop1;                                    \
done:                                                 \
	RET

#define FADD1 WORD $0x4e24d400 /* fadd v0.4s, v0.4s, v4.4s */
#define FADD4 \
	FADD1; \
	WORD $0x4e25d421; /* fadd v1.4s, v1.4s, v5.4s */ \
	WORD $0x4e26d442; /* fadd v2.4s, v2.4s, v6.4s */ \
	WORD $0x4e27d463 /* fadd v3.4s, v3.4s, v7.4s */

#define FMUL1 WORD $0x6e24dc00 /* fmul v0.4s, v0.4s, v4.4s */
#define FMUL4 \
	FMUL1; \
	WORD $0x6e25dc21; /* fmul v1.4s, v1.4s, v5.4s */ \
	WORD $0x6e26dc42; /* fmul v2.4s, v2.4s, v6.4s */ \
	WORD $0x6e27dc63 /* fmul v3.4s, v3.4s, v7.4s */

// func addNEON(dst, x, y []float32)
TEXT ·addNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD x_base+24(FP), R2
	MOVD y_base+48(FP), R3
	BINOP(FADD4, FADD1)

// func mulNEON(dst, x, y []float32)
TEXT ·mulNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD x_base+24(FP), R2
	MOVD y_base+48(FP), R3
	BINOP(FMUL4, FMUL1)

// func maxNEON(x []float32) float32
TEXT ·maxNEON(SB), NOSPLIT, $0-28
	MOVD  x_base+0(FP), R0
	MOVD  x_len+8(FP), R1
	VMOVS $0xff800000, V16 // -Inf
	VDUP  V16.S[0], V16.S4
	VMOV  V16.B16, V17.B16
	VMOV  V16.B16, V18.B16
	VMOV  V16.B16, V19.B16

	// m = x > m ? x : m per lane: a NaN x compares false and is skipped,
	// so no accumulator ever holds a NaN.
max16:
	CMP    $16, R1
	BLT    max4
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x6eb0e404 // fcmgt v4.4s, v0.4s, v16.4s
	WORD $0x6eb1e425 // fcmgt v5.4s, v1.4s, v17.4s
	WORD $0x6eb2e446 // fcmgt v6.4s, v2.4s, v18.4s
	WORD $0x6eb3e467 // fcmgt v7.4s, v3.4s, v19.4s
	VBIT   V4.B16, V0.B16, V16.B16
	VBIT   V5.B16, V1.B16, V17.B16
	VBIT   V6.B16, V2.B16, V18.B16
	VBIT   V7.B16, V3.B16, V19.B16
	SUB    $16, R1
	B      max16

max4:
	CMP    $4, R1
	BLT    max1
	VLD1.P 16(R0), [V0.S4]
	WORD $0x6eb0e404 // fcmgt v4.4s, v0.4s, v16.4s
	VBIT   V4.B16, V0.B16, V16.B16
	SUB    $4, R1
	B      max4

max1:
	// One value replicated into every lane.
	CBZ     R1, maxdone
	VLD1R.P 4(R0), [V0.S4]
	WORD $0x6eb0e404 // fcmgt v4.4s, v0.4s, v16.4s
	VBIT    V4.B16, V0.B16, V16.B16
	SUB     $1, R1
	B       max1

maxdone:
	WORD $0x4e31f610 // fmax v16.4s, v16.4s, v17.4s
	WORD $0x4e33f652 // fmax v18.4s, v18.4s, v19.4s
	WORD $0x4e32f610 // fmax v16.4s, v16.4s, v18.4s
	WORD $0x6e30fa10 // fmaxv s16, v16.4s
	FMOVS F16, ret+24(FP)
	RET

// func expSumNEON(x []float32, m float32) float32
TEXT ·expSumNEON(SB), NOSPLIT, $0-36
	MOVD  x_base+0(FP), R0
	MOVD  x_len+8(FP), R1
	FMOVS m+24(FP), F30
	VDUP  V30.S[0], V30.S4
	EXP_CONSTS
	VEOR  V31.B16, V31.B16, V31.B16 // sum

	// Four values per pass, then single ones in lane 0 (the other lanes
	// are cleared before they reach the sum).
expsumloop:
	MOVD   R0, R2
	CMP    $4, R1
	BLT    expsumone
	VLD1.P 16(R0), [V0.S4]
	MOVD   $4, R3
	B      expsumbody

expsumone:
	CBZ     R1, expsumdone
	FMOVS.P 4(R0), F0
	MOVD    $1, R3

expsumbody:
	WORD $0x4ebed400 // fsub v0.4s, v0.4s, v30.4s
	EXP
	CMP  $4, R3
	BLT  expsumstore1
	VST1 [V0.S4], (R2)
	B    expsumadd

expsumstore1:
	FMOVS F0, (R2)
	WORD $0x1e204000 // fmov s0, s0

expsumadd:
	WORD $0x4e20d7ff // fadd v31.4s, v31.4s, v0.4s
	SUB  R3, R1
	B    expsumloop

expsumdone:
	WORD $0x6e3fd7ff // faddp v31.4s, v31.4s, v31.4s
	WORD $0x7e30dbff // faddp s31, v31.2s
	FMOVS F31, ret+32(FP)
	RET

// func rmsNormNEON(dst, x, w []float32, eps float32)
TEXT ·rmsNormNEON(SB), NOSPLIT, $0-76
	MOVD x_base+24(FP), R0
	MOVD x_len+32(FP), R1
	MOVD R1, R4
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16

	// Squares rounded to float32 (as the Go loop does), summed in float64.
rmssq8:
	CMP    $8, R1
	BLT    rmssq4
	VLD1.P 32(R0), [V0.S4, V1.S4]
	WORD $0x6e20dc00 // fmul v0.4s, v0.4s, v0.4s
	WORD $0x6e21dc21 // fmul v1.4s, v1.4s, v1.4s
	WORD $0x0e617802 // fcvtl v2.2d, v0.2s
	WORD $0x4e617803 // fcvtl2 v3.2d, v0.4s
	WORD $0x0e617824 // fcvtl v4.2d, v1.2s
	WORD $0x4e617825 // fcvtl2 v5.2d, v1.4s
	WORD $0x4e62d610 // fadd v16.2d, v16.2d, v2.2d
	WORD $0x4e63d631 // fadd v17.2d, v17.2d, v3.2d
	WORD $0x4e64d652 // fadd v18.2d, v18.2d, v4.2d
	WORD $0x4e65d673 // fadd v19.2d, v19.2d, v5.2d
	SUB    $8, R1
	B      rmssq8

rmssq4:
	CMP    $4, R1
	BLT    rmssq1
	VLD1.P 16(R0), [V0.S4]
	WORD $0x6e20dc00 // fmul v0.4s, v0.4s, v0.4s
	WORD $0x0e617802 // fcvtl v2.2d, v0.2s
	WORD $0x4e617803 // fcvtl2 v3.2d, v0.4s
	WORD $0x4e62d610 // fadd v16.2d, v16.2d, v2.2d
	WORD $0x4e63d631 // fadd v17.2d, v17.2d, v3.2d
	SUB    $4, R1

rmssq1:
	WORD $0x4e71d610 // fadd v16.2d, v16.2d, v17.2d
	WORD $0x4e73d652 // fadd v18.2d, v18.2d, v19.2d
	WORD $0x4e72d610 // fadd v16.2d, v16.2d, v18.2d
	WORD $0x7e70da10 // faddp d16, v16.2d

rmssq1loop:
	CBZ     R1, rmsscale
	FMOVS.P 4(R0), F0
	FMULS   F0, F0, F0
	FCVTSD  F0, F0
	FADDD   F0, F16, F16
	SUB     $1, R1
	B       rmssq1loop

rmsscale:
	// s = 1/sqrt(float32(sum/n) + eps), in float32 after the mean (the
	// float32 square root equals the float64 one rounded to float32).
	SCVTFD R4, F1
	FDIVD  F1, F16, F16
	FCVTDS F16, F16
	FMOVS  eps+72(FP), F1
	FADDS  F1, F16, F16
	FSQRTS F16, F16
	FMOVS  $1.0, F1
	FDIVS  F16, F1, F31 // s

	MOVD x_base+24(FP), R0
	MOVD R4, R1
	MOVD dst_base+0(FP), R2
	MOVD w_base+48(FP), R3
	MOVD w_len+56(FP), R5
	CBZ  R5, rmsnow

rmsw8:
	// dst = (x*s)*w, two roundings as in the Go loop.
	CMP    $8, R1
	BLT    rmsw1
	VLD1.P 32(R0), [V0.S4, V1.S4]
	VLD1.P 32(R3), [V2.S4, V3.S4]
	WORD $0x4f9f9000 // fmul v0.4s, v0.4s, v31.s[0]
	WORD $0x4f9f9021 // fmul v1.4s, v1.4s, v31.s[0]
	WORD $0x6e22dc00 // fmul v0.4s, v0.4s, v2.4s
	WORD $0x6e23dc21 // fmul v1.4s, v1.4s, v3.4s
	VST1.P [V0.S4, V1.S4], 32(R2)
	SUB    $8, R1
	B      rmsw8

rmsw1:
	CBZ     R1, rmsdone
	FMOVS.P 4(R0), F0
	FMOVS.P 4(R3), F2
	FMULS   F31, F0, F0
	FMULS   F2, F0, F0
	FMOVS.P F0, 4(R2)
	SUB     $1, R1
	B       rmsw1

rmsnow:
	CMP    $8, R1
	BLT    rmsnow1
	VLD1.P 32(R0), [V0.S4, V1.S4]
	WORD $0x4f9f9000 // fmul v0.4s, v0.4s, v31.s[0]
	WORD $0x4f9f9021 // fmul v1.4s, v1.4s, v31.s[0]
	VST1.P [V0.S4, V1.S4], 32(R2)
	SUB    $8, R1
	B      rmsnow

rmsnow1:
	CBZ     R1, rmsdone
	FMOVS.P 4(R0), F0
	FMULS   F31, F0, F0
	FMOVS.P F0, 4(R2)
	SUB     $1, R1
	B       rmsnow1

rmsdone:
	RET

// SILU: V0 = x / (1 + exp(-x)), x kept in V8.
#define SILU \
	VMOV V0.B16, V8.B16;                   \
	WORD $0x6ea0f800; /* fneg v0.4s, v0.4s */ \
	EXP;                                   \
	WORD $0x4e39d400; /* fadd v0.4s, v0.4s, v25.4s */ \
	WORD $0x6e20fd00 /* fdiv v0.4s, v8.4s, v0.4s */

// func siluNEON(dst, x []float32)
TEXT ·siluNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD x_base+24(FP), R2
	EXP_CONSTS
	MAP_LOOP(NOLOAD, NOLOAD, SILU)

// SWIGLU: silu(gate) * up, up in V9.
#define SWIGLU_LOAD4 VLD1.P 16(R4), [V9.S4]
#define SWIGLU_LOAD1 FMOVS.P 4(R4), F9
#define SWIGLU \
	SILU; \
	WORD $0x6e29dc00 /* fmul v0.4s, v0.4s, v9.4s */

// func swigluNEON(dst, gate, up []float32)
TEXT ·swigluNEON(SB), NOSPLIT, $0-72
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD gate_base+24(FP), R2
	MOVD up_base+48(FP), R4
	EXP_CONSTS
	MAP_LOOP(SWIGLU_LOAD4, SWIGLU_LOAD1, SWIGLU)

// GELU: z = sqrt(2/pi)*x*(1 + 0.044715*x*x); tanh(z) = 1 - 2/(exp(2z)+1);
// gelu = 0.5*x*(1 + tanh(z)); 0 for x <= -10, x for x >= 10.
#define GELU \
	VMOV V0.B16, V8.B16; \
	WORD $0x6e20dc01; /* fmul v1.4s, v0.4s, v0.4s */ \
	WORD $0x6e2adc21; /* fmul v1.4s, v1.4s, v10.4s */ \
	WORD $0x4e39d421; /* fadd v1.4s, v1.4s, v25.4s */ \
	WORD $0x6e2bdc02; /* fmul v2.4s, v0.4s, v11.4s */ \
	WORD $0x6e21dc42; /* fmul v2.4s, v2.4s, v1.4s */ \
	WORD $0x4e22d440; /* fadd v0.4s, v2.4s, v2.4s */ \
	EXP; \
	WORD $0x4e39d400; /* fadd v0.4s, v0.4s, v25.4s */ \
	WORD $0x6e20fd81; /* fdiv v1.4s, v12.4s, v0.4s */ \
	WORD $0x4ea1d721; /* fsub v1.4s, v25.4s, v1.4s */ \
	WORD $0x4e39d421; /* fadd v1.4s, v1.4s, v25.4s */ \
	WORD $0x6e2ddd02; /* fmul v2.4s, v8.4s, v13.4s */ \
	WORD $0x6e21dc40; /* fmul v0.4s, v2.4s, v1.4s */ \
	WORD $0x6e28e5c3; /* fcmge v3.4s, v14.4s, v8.4s */ \
	WORD $0x4e631c00; /* bic v0.16b, v0.16b, v3.16b */ \
	WORD $0x6e2fe503; /* fcmge v3.4s, v8.4s, v15.4s */ \
	VBIT V3.B16, V8.B16, V0.B16

// func geluNEON(dst, x []float32)
TEXT ·geluNEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD x_base+24(FP), R2
	EXP_CONSTS
	MOVD    $geluConsts<>(SB), R5
	VLD1R.P 4(R5), [V10.S4]
	VLD1R.P 4(R5), [V11.S4]
	VLD1R.P 4(R5), [V12.S4]
	VLD1R.P 4(R5), [V13.S4]
	VLD1R.P 4(R5), [V14.S4]
	VLD1R.P 4(R5), [V15.S4]
	MAP_LOOP(NOLOAD, NOLOAD, GELU)

// func ropeNEON(x, cos, sin []float32, neox bool)
TEXT ·ropeNEON(SB), NOSPLIT, $0-73
	MOVD  x_base+0(FP), R0
	MOVD  cos_base+24(FP), R1
	MOVD  cos_len+32(FP), R3
	MOVD  sin_base+48(FP), R2
	MOVBU neox+72(FP), R4
	CBNZ  R4, neox

	// Pairs (2i, 2i+1): LD2 splits even and odd values.
pairs4:
	CMP    $4, R3
	BLT    pairs1
	VLD2   (R0), [V0.S4, V1.S4]
	VLD1.P 16(R1), [V2.S4]
	VLD1.P 16(R2), [V3.S4]
	WORD $0x6e22dc04 // fmul v4.4s, v0.4s, v2.4s
	VFMLS  V3.S4, V1.S4, V4.S4 // x0*c - x1*s
	WORD $0x6e23dc05 // fmul v5.4s, v0.4s, v3.4s
	VFMLA  V2.S4, V1.S4, V5.S4 // x0*s + x1*c
	VST2.P [V4.S4, V5.S4], 32(R0)
	SUB    $4, R3
	B      pairs4

pairs1:
	CBZ     R3, ropedone
	FMOVS   (R0), F0
	FMOVS   4(R0), F1
	FMOVS.P 4(R1), F2
	FMOVS.P 4(R2), F3
	FMULS   F2, F0, F4
	FMSUBS  F3, F4, F1, F4 // s4 -= s1*s3
	FMULS   F3, F0, F5
	FMADDS  F2, F5, F1, F5 // s5 += s1*s2
	FMOVS   F4, (R0)
	FMOVS   F5, 4(R0)
	ADD     $8, R0
	SUB     $1, R3
	B       pairs1

neox:
	// Pairs (i, i+m): the halves are contiguous.
	ADD R3<<2, R0, R5

neox4:
	CMP    $4, R3
	BLT    neox1
	VLD1   (R0), [V0.S4]
	VLD1   (R5), [V1.S4]
	VLD1.P 16(R1), [V2.S4]
	VLD1.P 16(R2), [V3.S4]
	WORD $0x6e22dc04 // fmul v4.4s, v0.4s, v2.4s
	VFMLS  V3.S4, V1.S4, V4.S4
	WORD $0x6e23dc05 // fmul v5.4s, v0.4s, v3.4s
	VFMLA  V2.S4, V1.S4, V5.S4
	VST1.P [V4.S4], 16(R0)
	VST1.P [V5.S4], 16(R5)
	SUB    $4, R3
	B      neox4

neox1:
	CBZ     R3, ropedone
	FMOVS   (R0), F0
	FMOVS   (R5), F1
	FMOVS.P 4(R1), F2
	FMOVS.P 4(R2), F3
	FMULS   F2, F0, F4
	FMSUBS  F3, F4, F1, F4
	FMULS   F3, F0, F5
	FMADDS  F2, F5, F1, F5
	FMOVS.P F4, 4(R0)
	FMOVS.P F5, 4(R5)
	SUB     $1, R3
	B       neox1

ropedone:
	RET

// func f16ToF32NEON(dst []float32, src []uint16)
TEXT ·f16ToF32NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD src_base+24(FP), R2

h2f16:
	CMP    $16, R1
	BLT    h2f4
	VLD1.P 32(R2), [V0.H8, V1.H8]
	WORD $0x0e217802 // fcvtl v2.4s, v0.4h
	WORD $0x4e217803 // fcvtl2 v3.4s, v0.8h
	WORD $0x0e217824 // fcvtl v4.4s, v1.4h
	WORD $0x4e217825 // fcvtl2 v5.4s, v1.8h
	VST1.P [V2.S4, V3.S4, V4.S4, V5.S4], 64(R0)
	SUB    $16, R1
	B      h2f16

h2f4:
	CMP     $4, R1
	BLT     h2f1
	FMOVD.P 8(R2), F0
	WORD $0x0e217802 // fcvtl v2.4s, v0.4h
	VST1.P  [V2.S4], 16(R0)
	SUB     $4, R1
	B       h2f4

h2f1:
	CBZ     R1, h2fdone
	MOVHU.P 2(R2), R3
	VMOV    R3, V0.H[0]
	FCVTHS  F0, F2
	FMOVS.P F2, 4(R0)
	SUB     $1, R1
	B       h2f1

h2fdone:
	RET

// func f32ToF16NEON(dst []uint16, src []float32)
TEXT ·f32ToF16NEON(SB), NOSPLIT, $0-48
	MOVD dst_base+0(FP), R0
	MOVD dst_len+8(FP), R1
	MOVD src_base+24(FP), R2

f2h16:
	// FCVTN rounds to nearest even (FPCR's default mode), overflow to Inf.
	CMP    $16, R1
	BLT    f2h4
	VLD1.P 64(R2), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x0e216804 // fcvtn v4.4h, v0.4s
	WORD $0x4e216824 // fcvtn2 v4.8h, v1.4s
	WORD $0x0e216845 // fcvtn v5.4h, v2.4s
	WORD $0x4e216865 // fcvtn2 v5.8h, v3.4s
	VST1.P [V4.H8, V5.H8], 32(R0)
	SUB    $16, R1
	B      f2h16

f2h4:
	CMP     $4, R1
	BLT     f2h1
	VLD1.P  16(R2), [V0.S4]
	WORD $0x0e216804 // fcvtn v4.4h, v0.4s
	FMOVD.P F4, 8(R0)
	SUB     $4, R1
	B       f2h4

f2h1:
	CBZ     R1, f2hdone
	FMOVS.P 4(R2), F0
	FCVTSH  F0, F4
	VMOV    V4.H[0], R3
	MOVH.P  R3, 2(R0)
	SUB     $1, R1
	B       f2h1

f2hdone:
	RET
