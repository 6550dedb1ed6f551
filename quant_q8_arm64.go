//go:build !purego && !noasm

package lcrun

// NEON Q8_0 row conversions and the Q8_1 quantiser (the quantize_q8_0,
// dequant_q8_0 and quantize_q8_1 slots of quant_q8.go), hand-written in
// quant_q8_arm64.s.

func init() {
	if !cpu.ASIMD {
		return
	}
	quantizeQ8_0K.register("neon", quantizeQ8_0NEON)
	dequantQ8_0K.register("neon", dequantQ8_0NEON)
	quantizeQ8_1K.register("neon", quantizeQ8_1NEON)
}

// quantizeQ8_0NEON computes QuantizeRowQ8_0Even(dst, x) (len(x) a
// multiple of 32), bit for bit: per block of 32,
//
//	amax := max |x[i]| (NaN skipped); d := amax/127; id := 127/amax (0 if amax == 0)
//	dst[0:2] = F32ToF16(d); dst[2+i] = int8 saturation of RoundToEven(x[i]*id)
//
// where, as on x86, a NaN product or one of 2^31 or more gives -128.
//
//go:noescape
func quantizeQ8_0NEON(dst []byte, x []float32)

// dequantQ8_0NEON computes, for len(dst) a multiple of 32:
//
//	for b := 0; b < len(dst)/32; b++ {
//		d := F16ToF32(src[34*b:]) // little endian
//		for i := 0; i < 32; i++ { dst[32*b+i] = float32(int8(src[34*b+2+i])) * d }
//	}
//
//go:noescape
func dequantQ8_0NEON(dst []float32, src []byte)

// quantizeQ8_1NEON computes quantizeRowQ8_1Even(dst, x) (len(x) a
// multiple of 32), bit for bit: quantizeQ8_0NEON's d and q in 36-byte
// blocks (q at 4), and at 2 the f16 of d times the wrapping int32 sum of
// the values before their saturation to int8.
//
//go:noescape
func quantizeQ8_1NEON(dst []byte, x []float32)
