//go:build !purego && !noasm

package lcrun

// NEON tiles of the ternary types TQ1_0 and TQ2_0 (the tile slots of
// matmul_tq.go), hand-written in matmul_tq_arm64.s: 4 rows of W by 1
// activation row, in a plain and an SDOT form as the tiles of
// matmul_quant_arm64.go, whose init registers these with its own.

// tqTilesNEON lists the ternary slots with their two NEON tiles.
var tqTilesNEON = []quantTileNEON{
	{matmulTQ1_0K, tile[byte, byte]{4, 1, matmulTQ1_0NEON}, tile[byte, byte]{4, 1, matmulTQ1_0NEONDot}},
	{matmulTQ2_0K, tile[byte, byte]{4, 1, matmulTQ2_0NEON}, tile[byte, byte]{4, 1, matmulTQ2_0NEONDot}},
}

// matmulTQ1_0NEON computes, for rows <= 4, cols == 1, TQ1_0 rows of w and
// a Q8_K row of x (k values each; strides ldw, ldx in bytes):
//
//	for i := 0; i < rows; i++ {
//		dst[i] = vecDotTQ1_0(w[i*ldw:], x, k/256)
//	}
//
//go:noescape
func matmulTQ1_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulTQ1_0NEONDot is matmulTQ1_0NEON with SDOT.
//
//go:noescape
func matmulTQ1_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulTQ2_0NEON is matmulTQ1_0NEON for TQ2_0 weights (vecDotTQ2_0).
//
//go:noescape
func matmulTQ2_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulTQ2_0NEONDot is matmulTQ2_0NEON with SDOT.
//
//go:noescape
func matmulTQ2_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
