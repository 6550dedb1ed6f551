//go:build !purego && !noasm

package lcrun

// NEON tiles of the non-linear 4-bit formats (the slots of matmul_iq.go),
// hand-written in matmul_iq_arm64.s: IQ4_NL and MXFP4 4 rows of W by 4
// activation rows (and 4x1 for the GEMV), IQ4_XS 4 by 1 as the K-quants,
// each in a plain and an SDOT form (see matmul_quant_arm64.go, whose init
// registers them with the others).

// iqTilesNEON lists the non-linear slots with their two NEON tiles.
var iqTilesNEON = []quantTileNEON{
	{matmulIQ4_NLK, tile[byte, byte]{4, 4, matmulIQ4_NLNEON}, tile[byte, byte]{4, 4, matmulIQ4_NLNEONDot}},
	{matmulIQ4_XSK, tile[byte, byte]{4, 1, matmulIQ4_XSNEON}, tile[byte, byte]{4, 1, matmulIQ4_XSNEONDot}},
	{matmulMXFP4K, tile[byte, byte]{4, 4, matmulMXFP4NEON}, tile[byte, byte]{4, 4, matmulMXFP4NEONDot}},
}

// matmulIQ4_NLNEON computes, for rows <= 4, cols <= 4, IQ4_NL rows of k
// values in w (stride ldw bytes) against Q8_0 rows in x (stride ldx
// bytes):
//
//	for j := 0; j < cols; j++ {
//		for i := 0; i < rows; i++ {
//			dst[j*ldd+i] = vecDotIQ4_NL(w[i*ldw:], x[j*ldx:], k/32)
//		}
//	}
//
//go:noescape
func matmulIQ4_NLNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulIQ4_NLNEONDot is matmulIQ4_NLNEON with SDOT.
//
//go:noescape
func matmulIQ4_NLNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulMXFP4NEON is matmulIQ4_NLNEON for MXFP4 weights (vecDotMXFP4).
//
//go:noescape
func matmulMXFP4NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulMXFP4NEONDot is matmulMXFP4NEON with SDOT.
//
//go:noescape
func matmulMXFP4NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulIQ4_XSNEON computes, for rows <= 4, cols == 1, IQ4_XS rows of w
// and a Q8_K row of x (k values each; strides ldw, ldx in bytes),
// summing each super-block's sub-blocks in int32 before scaling:
//
//	for i := 0; i < rows; i++ {
//		dst[i] = vecDotIQ4_XS(w[i*ldw:], x, k/256)
//	}
//
//go:noescape
func matmulIQ4_XSNEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulIQ4_XSNEONDot is matmulIQ4_XSNEON with SDOT.
//
//go:noescape
func matmulIQ4_XSNEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
