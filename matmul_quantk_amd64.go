//go:build !purego && !noasm

package lcrun

// AVX2 tiles of the K-quants Q2_K..Q6_K (the tile slots of
// matmul_quantk.go), 4 rows of W by 2 activation rows, generated into
// matmul_quantk_amd64.s by asm/matmul_quantk.go.

func init() {
	if !cpu.AVX2FMA {
		return
	}
	matmulQ2_KK.register("avx2", tile[byte, byte]{4, 2, matmulQ2_KAVX2})
	matmulQ3_KK.register("avx2", tile[byte, byte]{4, 2, matmulQ3_KAVX2})
	matmulQ4_KK.register("avx2", tile[byte, byte]{4, 2, matmulQ4_KAVX2})
	matmulQ5_KK.register("avx2", tile[byte, byte]{4, 2, matmulQ5_KAVX2})
	matmulQ6_KK.register("avx2", tile[byte, byte]{4, 2, matmulQ6_KAVX2})
}

// matmulQ4_KAVX2 computes, for rows <= 4, cols <= 2, Q4_K rows of w and
// Q8_K rows of x (k values each; strides ldw, ldx in bytes):
//
//	for j := 0; j < cols; j++ {
//		for i := 0; i < rows; i++ {
//			dst[j*ldd+i] = vecDotQ4_K(w[i*ldw:], x[j*ldx:], k/256)
//		}
//	}
//
//go:noescape
func matmulQ4_KAVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ6_KAVX2 is matmulQ4_KAVX2 for Q6_K weights (vecDotQ6_K).
//
//go:noescape
func matmulQ6_KAVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ5_KAVX2 is matmulQ4_KAVX2 for Q5_K weights (vecDotQ5_K).
//
//go:noescape
func matmulQ5_KAVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ2_KAVX2 is matmulQ4_KAVX2 for Q2_K weights (vecDotQ2_K).
//
//go:noescape
func matmulQ2_KAVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ3_KAVX2 is matmulQ4_KAVX2 for Q3_K weights (vecDotQ3_K).
//
//go:noescape
func matmulQ3_KAVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
