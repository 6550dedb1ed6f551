//go:build !purego && !noasm

package lcrun

// AVX2 Q8_0 row conversions and the Q8_1 quantiser (the quantize_q8_0,
// dequant_q8_0 and quantize_q8_1 slots of quant_q8.go), generated into
// quant_q8_amd64.s by asm/quant_q8.go.

func init() {
	if !cpu.AVX2FMA {
		return
	}
	quantizeQ8_0K.register("avx2", quantizeQ8_0AVX2)
	dequantQ8_0K.register("avx2", dequantQ8_0AVX2)
	quantizeQ8_1K.register("avx2", quantizeQ8_1AVX2)
}

// quantizeQ8_0AVX2 computes QuantizeRowQ8_0Even(dst, x) (len(x) a
// multiple of 32), bit for bit: per block of 32,
//
//	amax := max |x[i]| (NaN skipped); d := amax/127; id := 127/amax (0 if amax == 0)
//	dst[0:2] = F32ToF16(d); dst[2+i] = int8 saturation of RoundToEven(x[i]*id)
//
//go:noescape
func quantizeQ8_0AVX2(dst []byte, x []float32)

// dequantQ8_0AVX2 computes, for len(dst) a multiple of 32:
//
//	for b := 0; b < len(dst)/32; b++ {
//		d := F16ToF32(src[34*b:]) // little endian
//		for i := 0; i < 32; i++ { dst[32*b+i] = float32(int8(src[34*b+2+i])) * d }
//	}
//
//go:noescape
func dequantQ8_0AVX2(dst []float32, src []byte)

// quantizeQ8_1AVX2 computes quantizeRowQ8_1Even(dst, x) (len(x) a
// multiple of 32), bit for bit: quantizeQ8_0AVX2's d and q in 36-byte
// blocks (q at 4), and at 2 the f16 of d times the int32 sum of the
// values before their saturation to int8.
//
//go:noescape
func quantizeQ8_1AVX2(dst []byte, x []float32)
