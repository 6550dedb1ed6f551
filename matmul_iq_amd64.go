//go:build !purego && !noasm

package lcrun

// AVX2 tiles of the non-linear 4-bit formats (the slots of matmul_iq.go),
// 4 rows of W by 2 activation rows, generated into matmul_iq_amd64.s by
// asm/matmul_iq.go.

func init() {
	if !cpu.AVX2FMA {
		return
	}
	matmulIQ4_NLK.register("avx2", tile[byte, byte]{4, 2, matmulIQ4_NLAVX2})
	matmulIQ4_XSK.register("avx2", tile[byte, byte]{4, 2, matmulIQ4_XSAVX2})
	matmulMXFP4K.register("avx2", tile[byte, byte]{4, 2, matmulMXFP4AVX2})
}

// matmulIQ4_NLAVX2 computes, for rows <= 4, cols <= 2, IQ4_NL rows of k
// values in w (stride ldw bytes) against Q8_0 rows in x (stride ldx
// bytes), x's values in [-127, 127] (as the activation quantiser writes
// them):
//
//	for j := 0; j < cols; j++ {
//		for i := 0; i < rows; i++ {
//			dst[j*ldd+i] = vecDotIQ4_NL(w[i*ldw:], x[j*ldx:], k/32)
//		}
//	}
//
//go:noescape
func matmulIQ4_NLAVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulMXFP4AVX2 is matmulIQ4_NLAVX2 for MXFP4 weights (vecDotMXFP4).
//
//go:noescape
func matmulMXFP4AVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulIQ4_XSAVX2 is matmulIQ4_NLAVX2 for IQ4_XS weights against Q8_K
// activations (vecDotIQ4_XS, k/256 super-blocks); it sums each
// super-block's sub-blocks in int32 before scaling, so it rounds
// differently from the twin, within the tests' tolerance.
//
//go:noescape
func matmulIQ4_XSAVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
