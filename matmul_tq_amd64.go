//go:build !purego && !noasm

package lcrun

// AVX2 tiles of the ternary types TQ1_0 and TQ2_0 (the tile slots of
// matmul_tq.go), 4 rows of W by 2 activation rows, generated into
// matmul_tq_amd64.s by asm/matmul_tq.go.

func init() {
	if !cpu.AVX2FMA {
		return
	}
	matmulTQ1_0K.register("avx2", tile[byte, byte]{4, 2, matmulTQ1_0AVX2})
	matmulTQ2_0K.register("avx2", tile[byte, byte]{4, 2, matmulTQ2_0AVX2})
}

// matmulTQ1_0AVX2 computes, for rows <= 4, cols <= 2, TQ1_0 rows of w and
// Q8_K rows of x (k values each; strides ldw, ldx in bytes):
//
//	for j := 0; j < cols; j++ {
//		for i := 0; i < rows; i++ {
//			dst[j*ldd+i] = vecDotTQ1_0(w[i*ldw:], x[j*ldx:], k/256)
//		}
//	}
//
//go:noescape
func matmulTQ1_0AVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulTQ2_0AVX2 is matmulTQ1_0AVX2 for TQ2_0 weights (vecDotTQ2_0).
//
//go:noescape
func matmulTQ2_0AVX2(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
