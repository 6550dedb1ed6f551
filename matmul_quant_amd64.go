//go:build !purego && !noasm

package lcrun

// AVX2 tiles of the 32-value quantised formats Q8_0, Q4_0, Q4_1, Q5_0
// and Q5_1 (the tile slots of matmul_quant.go), 4 rows of W by 2
// activation rows, generated into matmul_quant_amd64.s by
// asm/matmul_quant.go.

func init() {
	if !cpu.AVX2FMA {
		return
	}
	matmulQ8_0K.register("avx2", tile[byte, byte]{4, 2, matmulQ8_0AVX2})
	matmulQ4_0K.register("avx2", tile[byte, byte]{4, 2, matmulQ4_0AVX2})
	matmulQ4_1K.register("avx2", tile[byte, byte]{4, 2, matmulQ4_1AVX2})
	matmulQ5_0K.register("avx2", tile[byte, byte]{4, 2, matmulQ5_0AVX2})
	matmulQ5_1K.register("avx2", tile[byte, byte]{4, 2, matmulQ5_1AVX2})
}

// matmulQ8_0AVX2 computes, for rows <= 4, cols <= 2, Q8_0 rows of k
// values in w (stride ldw bytes) and x (stride ldx bytes), x's values in
// [-127, 127] (as the activation quantiser writes them):
//
//	for j := 0; j < cols; j++ {
//		for i := 0; i < rows; i++ {
//			dst[j*ldd+i] = vecDotQ8_0(w[i*ldw:], x[j*ldx:], k/32)
//		}
//	}
//
//go:noescape
func matmulQ8_0AVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ4_0AVX2 is matmulQ8_0AVX2 for Q4_0 weights (vecDotQ4_0).
//
//go:noescape
func matmulQ4_0AVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ4_1AVX2 is matmulQ8_0AVX2 for Q4_1 weights and Q8_1 activations
// (vecDotQ4_1).
//
//go:noescape
func matmulQ4_1AVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ5_0AVX2 is matmulQ8_0AVX2 for Q5_0 weights (vecDotQ5_0).
//
//go:noescape
func matmulQ5_0AVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ5_1AVX2 is matmulQ8_0AVX2 for Q5_1 weights and Q8_1 activations
// (vecDotQ5_1).
//
//go:noescape
func matmulQ5_1AVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
