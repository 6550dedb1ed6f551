// Shared by the NEON matmul tiles (matmul_arm64.s, matmul_quant_arm64.s):
// argument loading with the row and column clamping, and the store of a
// finished tile.

// Arguments shared by every tile: R0 dst, R1 ldd in bytes, R2..R5 the W
// rows, R6..R9 the activation rows, R10 k, R11 rows, R12 cols.
// WSHIFT and XSHIFT are the log2 of the W and activation element sizes in
// bytes (ldw and ldx count elements).
#define TILE_ARGS(WSHIFT, XSHIFT) \
	MOVD dst_base+0(FP), R0       \
	MOVD ldd+24(FP), R1           \
	LSL  $2, R1                   \
	MOVD w_base+32(FP), R2        \
	MOVD ldw+56(FP), R13          \
	LSL  $WSHIFT, R13             \
	MOVD x_base+64(FP), R6        \
	MOVD ldx+88(FP), R14          \
	LSL  $XSHIFT, R14             \
	MOVD k+96(FP), R10            \
	MOVD rows+104(FP), R11        \
	MOVD cols+112(FP), R12        \
	CMP  $1, R11                  \
	ADD  R13, R2, R3              \
	CSEL GT, R3, R2, R3           \
	CMP  $2, R11                  \
	ADD  R13, R3, R4              \
	CSEL GT, R4, R3, R4           \
	CMP  $3, R11                  \
	ADD  R13, R4, R5              \
	CSEL GT, R5, R4, R5           \
	CMP  $1, R12                  \
	ADD  R14, R6, R7              \
	CSEL GT, R7, R6, R7           \
	CMP  $2, R12                  \
	ADD  R14, R7, R8              \
	CSEL GT, R8, R7, R8           \
	CMP  $3, R12                  \
	ADD  R14, R8, R9              \
	CSEL GT, R9, R8, R9

// STORE writes column j of the tile from V0..V3 (V0 first) to dst + j*ldd,
// rows R11 of them, for the R12 columns; it returns.
#define STORE \
store:                            \
	CMP    $4, R11                \
	BLT    storepart              \
	VST1   [V0.S4], (R0)          \
	B      storenext              \
storepart:                        \
	MOVD   R0, R13                \
	VST1.P V0.S[0], 4(R13)        \
	CMP    $2, R11                \
	BLT    storenext              \
	VST1.P V0.S[1], 4(R13)        \
	CMP    $3, R11                \
	BLT    storenext              \
	VST1   V0.S[2], (R13)         \
storenext:                        \
	VMOV   V1.B16, V0.B16         \
	VMOV   V2.B16, V1.B16         \
	VMOV   V3.B16, V2.B16         \
	ADD    R1, R0                 \
	SUB    $1, R12                \
	CBNZ   R12, store             \
	RET

