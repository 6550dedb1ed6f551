//go:build !purego && !noasm

package lcrun

// AVX2/FMA micro-tiles of the matrix product (the tile slots of
// matmul.go), generated into matmul_amd64.s by asm/matmul.go: 4 rows of W
// by 3 activation rows, one 8-lane accumulator per pair.

func init() {
	if !cpu.AVX2FMA {
		return
	}
	matmulF32K.register("avx2", tile[float32, float32]{4, 3, matmulF32AVX2})
	matmulF16K.register("avx2", tile[uint16, float32]{4, 3, matmulF16AVX2})
	matmulBF16K.register("avx2", tile[uint16, float32]{4, 3, matmulBF16AVX2})
}

// matmulF32AVX2 computes, for rows <= 4 and cols <= 3:
//
//	for j := 0; j < cols; j++ {
//		for i := 0; i < rows; i++ {
//			var s float32
//			for c := 0; c < k; c++ { s += w[i*ldw+c] * x[j*ldx+c] }
//			dst[j*ldd+i] = s
//		}
//	}
//
//go:noescape
func matmulF32AVX2(dst []float32, ldd int, w []float32, ldw int, x []float32, ldx int, k, rows, cols int)

// matmulF16AVX2 is matmulF32AVX2 with F16ToF32(w[i*ldw+c]) for the W values.
//
//go:noescape
func matmulF16AVX2(dst []float32, ldd int, w []uint16, ldw int, x []float32, ldx int, k, rows, cols int)

// matmulBF16AVX2 is matmulF32AVX2 with BF16ToF32(w[i*ldw+c]) for the W values.
//
//go:noescape
func matmulBF16AVX2(dst []float32, ldd int, w []uint16, ldw int, x []float32, ldx int, k, rows, cols int)
