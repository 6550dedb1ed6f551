// The NEON exp shared by the vector and SSM kernels: EXP_CONSTS loads its
// constants, EXP computes V0 = exp(V0), MAP_LOOP runs an element-wise body
// over a slice. Each file that includes this gets its own copy of the
// (file-local) constant table.

// Constants of the vector exp, one float32 (or int32) each, loaded
// replicated into V16..V29 by EXP_CONSTS.
DATA expConsts<>+0(SB)/4, $0x3fb8aa3b  // V16 log2(e)
DATA expConsts<>+4(SB)/4, $0x3f318000  // V17 ln2 high part 0.693359375
DATA expConsts<>+8(SB)/4, $0xb95e8083  // V18 ln2 low part -2.12194440e-4
DATA expConsts<>+12(SB)/4, $0x39506967 // V19 p0 1.9875691500e-4
DATA expConsts<>+16(SB)/4, $0x3ab743ce // V20 p1 1.3981999507e-3
DATA expConsts<>+20(SB)/4, $0x3c088908 // V21 p2 8.3334519073e-3
DATA expConsts<>+24(SB)/4, $0x3d2aa9c1 // V22 p3 4.1665795894e-2
DATA expConsts<>+28(SB)/4, $0x3e2aaaaa // V23 p4 1.6666665459e-1
DATA expConsts<>+32(SB)/4, $0x3f000000 // V24 p5 5.0000001201e-1
DATA expConsts<>+36(SB)/4, $0x3f800000 // V25 1
DATA expConsts<>+40(SB)/4, $0x42b17218 // V26 hi 88.72283935546875: exp overflows from here
DATA expConsts<>+44(SB)/4, $0xc2cff1b4 // V27 lo -103.97207708: exp is 0 below
DATA expConsts<>+48(SB)/4, $0x7f800000 // V28 +Inf
DATA expConsts<>+52(SB)/4, $0x0000007f // V29 int32 127, the exponent bias
GLOBL expConsts<>(SB), RODATA|NOPTR, $56

#define EXP_CONSTS \
	MOVD   $expConsts<>(SB), R5     \
	VLD1R.P 4(R5), [V16.S4]         \
	VLD1R.P 4(R5), [V17.S4]         \
	VLD1R.P 4(R5), [V18.S4]         \
	VLD1R.P 4(R5), [V19.S4]         \
	VLD1R.P 4(R5), [V20.S4]         \
	VLD1R.P 4(R5), [V21.S4]         \
	VLD1R.P 4(R5), [V22.S4]         \
	VLD1R.P 4(R5), [V23.S4]         \
	VLD1R.P 4(R5), [V24.S4]         \
	VLD1R.P 4(R5), [V25.S4]         \
	VLD1R.P 4(R5), [V26.S4]         \
	VLD1R.P 4(R5), [V27.S4]         \
	VLD1R.P 4(R5), [V28.S4]         \
	VLD1R.P 4(R5), [V29.S4]

// EXP sets V0 = exp(V0) lane by lane with the steps of expf
// (exp_generic.go): x = n*ln2 + r with n = round(x*log2e) (ties to even),
// the reduction and the degree-6 polynomial fused, then the scale by 2^n
// as two exact power-of-two products so that results near overflow and
// underflow need no special path. x >= hi gives +Inf, x < lo gives 0,
// NaN stays NaN. Uses V1..V6 and the constants of EXP_CONSTS.
#define EXP \
	WORD $0x6e3ae405; /* fcmge v5.4s, v0.4s, v26.4s */ \
	WORD $0x6ea0e766; /* fcmgt v6.4s, v27.4s, v0.4s */ \
	WORD $0x4e3bf401; /* fmax v1.4s, v0.4s, v27.4s */ \
	WORD $0x4ebaf421; /* fmin v1.4s, v1.4s, v26.4s */ \
	WORD $0x6e30dc22; /* fmul v2.4s, v1.4s, v16.4s */ \
	WORD $0x4e218842; /* frintn v2.4s, v2.4s */ \
	VFMLS  V17.S4, V2.S4, V1.S4; /* r = x - n*ln2hi */ \
	VFMLS  V18.S4, V2.S4, V1.S4; /* r -= n*ln2lo */ \
	VMOV   V20.B16, V3.B16       \
	VFMLA  V19.S4, V1.S4, V3.S4; /* p = p0*r + p1 */ \
	VMOV   V21.B16, V4.B16       \
	VFMLA  V3.S4, V1.S4, V4.S4   \
	VMOV   V22.B16, V3.B16       \
	VFMLA  V4.S4, V1.S4, V3.S4   \
	VMOV   V23.B16, V4.B16       \
	VFMLA  V3.S4, V1.S4, V4.S4   \
	VMOV   V24.B16, V3.B16       \
	VFMLA  V4.S4, V1.S4, V3.S4; /* p = ((((p0*r+p1)*r+p2)*r+p3)*r+p4)*r+p5 */ \
	WORD $0x6e21dc24; /* fmul v4.4s, v1.4s, v1.4s */ \
	VFMLA  V4.S4, V3.S4, V1.S4; /* r + p*r*r */ \
	WORD $0x4e39d421; /* fadd v1.4s, v1.4s, v25.4s */ \
	WORD $0x4ea1b842; /* fcvtzs v2.4s, v2.4s */ \
	WORD $0x4f3f0443; /* sshr v3.4s, v2.4s, #1 */ \
	VSUB   V3.S4, V2.S4, V2.S4; /* n - n>>1 */ \
	VADD   V29.S4, V3.S4, V3.S4  \
	VSHL   $23, V3.S4, V3.S4; /* 2^(n>>1) */ \
	VADD   V29.S4, V2.S4, V2.S4  \
	VSHL   $23, V2.S4, V2.S4; /* 2^(n - n>>1) */ \
	WORD $0x6e23dc21; /* fmul v1.4s, v1.4s, v3.4s */ \
	WORD $0x6e22dc20; /* fmul v0.4s, v1.4s, v2.4s */ \
	VBIT   V5.B16, V28.B16, V0.B16; /* x >= hi: +Inf */ \
	WORD $0x4e661c00 /* bic v0.16b, v0.16b, v6.16b */


// MAP_LOOP sets dst[i] (R0, R1 values) from x[i] (R2) by BODY, which maps
// V0 to V0 (and may use V1..V8 and the EXP registers): four values at a
// time, then single ones in lane 0. LOAD4 and LOAD1 load further inputs
// in step (four values, one value). It returns.
#define MAP_LOOP(LOAD4, LOAD1, BODY) \
loop:                                \
	CMP     $4, R1;                  \
	BLT     one;                     \
	VLD1.P  16(R2), [V0.S4];         \
	LOAD4;                           \
	MOVD    $4, R3;                  \
	B       body;                    \
one:                                 \
	CBZ     R1, done;                \
	FMOVS.P 4(R2), F0;               \
	LOAD1;                           \
	MOVD    $1, R3;                  \
body:                                \
	BODY;                            \
	CMP     $4, R3;                  \
	BLT     store1;                  \
	VST1.P  [V0.S4], 16(R0);         \
	SUB     $4, R1;                  \
	B       loop;                    \
store1:                              \
	FMOVS.P F0, 4(R0);               \
	SUB     $1, R1;                  \
	B       loop;                    \
done:                                \
	RET

#define NOLOAD
