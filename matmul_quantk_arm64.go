//go:build !purego && !noasm

package lcrun

// NEON tiles of the K-quants Q2_K..Q6_K (the tile slots of
// matmul_quantk.go), hand-written in matmul_quantk_arm64.s: 4 rows of W by
// 1 activation row, in a plain and an SDOT form as the tiles of
// matmul_quant_arm64.go, whose init registers these with its own.

// kQuantTilesNEON lists the K-quant slots with their two NEON tiles.
var kQuantTilesNEON = []quantTileNEON{
	{matmulQ4_KK, tile[byte, byte]{4, 1, matmulQ4_KNEON}, tile[byte, byte]{4, 1, matmulQ4_KNEONDot}},
	{matmulQ6_KK, tile[byte, byte]{4, 1, matmulQ6_KNEON}, tile[byte, byte]{4, 1, matmulQ6_KNEONDot}},
	{matmulQ2_KK, tile[byte, byte]{4, 1, matmulQ2_KNEON}, tile[byte, byte]{4, 1, matmulQ2_KNEONDot}},
	{matmulQ3_KK, tile[byte, byte]{4, 1, matmulQ3_KNEON}, tile[byte, byte]{4, 1, matmulQ3_KNEONDot}},
	{matmulQ5_KK, tile[byte, byte]{4, 1, matmulQ5_KNEON}, tile[byte, byte]{4, 1, matmulQ5_KNEONDot}},
}

// matmulQ4_KNEON computes, for rows <= 4, cols == 1, Q4_K rows of w and a
// Q8_K row of x (k values each; strides ldw, ldx in bytes):
//
//	for i := 0; i < rows; i++ {
//		dst[i] = vecDotQ4_K(w[i*ldw:], x, k/256)
//	}
//
//go:noescape
func matmulQ4_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ4_KNEONDot is matmulQ4_KNEON with SDOT.
//
//go:noescape
func matmulQ4_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ6_KNEON is matmulQ4_KNEON for Q6_K weights (vecDotQ6_K).
//
//go:noescape
func matmulQ6_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ6_KNEONDot is matmulQ6_KNEON with SDOT.
//
//go:noescape
func matmulQ6_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ2_KNEON is matmulQ4_KNEON for Q2_K weights (vecDotQ2_K).
//
//go:noescape
func matmulQ2_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ2_KNEONDot is matmulQ2_KNEON with SDOT.
//
//go:noescape
func matmulQ2_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ3_KNEON is matmulQ4_KNEON for Q3_K weights (vecDotQ3_K).
//
//go:noescape
func matmulQ3_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ3_KNEONDot is matmulQ3_KNEON with SDOT.
//
//go:noescape
func matmulQ3_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ5_KNEON is matmulQ4_KNEON for Q5_K weights (vecDotQ5_K).
//
//go:noescape
func matmulQ5_KNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ5_KNEONDot is matmulQ5_KNEON with SDOT.
//
//go:noescape
func matmulQ5_KNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
