//go:build !purego && !noasm

package lcrun

// NEON micro-tiles of the float matrix product (the tile slots of
// matmul.go), hand-written in matmul_arm64.s: 4 rows of W by 4 activation
// rows, and a 4x1 form for cols == 1 (the decode GEMV).

func init() {
	if !cpu.ASIMD {
		return
	}
	matmulF32K.register("neon", tile[float32, float32]{4, 4, matmulF32NEON})
	matmulF16K.register("neon", tile[uint16, float32]{4, 4, matmulF16NEON})
	matmulBF16K.register("neon", tile[uint16, float32]{4, 4, matmulBF16NEON})
}

// matmulF32NEON computes, for rows <= 4 and cols <= 4:
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
func matmulF32NEON(dst []float32, ldd int, w []float32, ldw int, x []float32, ldx int, k, rows, cols int)

// matmulF16NEON is matmulF32NEON with F16ToF32(w[i*ldw+c]) for the W values.
//
//go:noescape
func matmulF16NEON(dst []float32, ldd int, w []uint16, ldw int, x []float32, ldx int, k, rows, cols int)

// matmulBF16NEON is matmulF32NEON with BF16ToF32(w[i*ldw+c]) for the W values.
//
//go:noescape
func matmulBF16NEON(dst []float32, ldd int, w []uint16, ldw int, x []float32, ldx int, k, rows, cols int)
