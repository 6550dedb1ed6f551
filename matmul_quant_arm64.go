//go:build !purego && !noasm

package lcrun

// NEON tiles of the 32-value quantised formats Q8_0, Q4_0, Q4_1, Q5_0 and
// Q5_1 (the tile slots of matmul_quant.go), hand-written in
// matmul_quant_arm64.s: 4 rows of W by 4 activation rows, and 4x1 for the
// decode GEMV. Each quantised tile, the K-quants' of matmul_quantk_arm64.go
// too, has a plain form that widens int8 products to int16 (any arm64 CPU)
// and an SDOT form used where the CPU has it (ASIMDDP: Cortex-A75 and
// later, Apple M1 and later); both register as "neon". TestQuantTilesNEON
// checks both forms directly.

// quantTileNEON is a quantised slot with its two NEON tiles.
type quantTileNEON struct {
	slot       *kernel[tile[byte, byte]]
	plain, dot tile[byte, byte]
}

// quantTilesNEON lists every quantised slot with its NEON tiles, the
// K-quants' included; the init below registers them all.
var quantTilesNEON = append([]quantTileNEON{
	{matmulQ8_0K, tile[byte, byte]{4, 4, matmulQ8_0NEON}, tile[byte, byte]{4, 4, matmulQ8_0NEONDot}},
	{matmulQ4_0K, tile[byte, byte]{4, 4, matmulQ4_0NEON}, tile[byte, byte]{4, 4, matmulQ4_0NEONDot}},
	{matmulQ4_1K, tile[byte, byte]{4, 4, matmulQ4_1NEON}, tile[byte, byte]{4, 4, matmulQ4_1NEONDot}},
	{matmulQ5_0K, tile[byte, byte]{4, 4, matmulQ5_0NEON}, tile[byte, byte]{4, 4, matmulQ5_0NEONDot}},
	{matmulQ5_1K, tile[byte, byte]{4, 4, matmulQ5_1NEON}, tile[byte, byte]{4, 4, matmulQ5_1NEONDot}},
}, append(append(kQuantTilesNEON, tqTilesNEON...), iqTilesNEON...)...)

func init() {
	if !cpu.ASIMD {
		return
	}
	for _, q := range quantTilesNEON {
		t := q.plain
		if cpu.ASIMDDP {
			t = q.dot
		}
		q.slot.register("neon", t)
	}
}

// matmulQ8_0NEON computes, for rows <= 4, cols <= 4, Q8_0 rows of k
// values in w (stride ldw bytes) and x (stride ldx bytes), the products
// of two values of a block summing exactly in int16 (true unless both
// are -128, which the activation quantiser writes only for blocks that
// are NaN or whose scale is 0):
//
//	for j := 0; j < cols; j++ {
//		for i := 0; i < rows; i++ {
//			dst[j*ldd+i] = vecDotQ8_0(w[i*ldw:], x[j*ldx:], k/32)
//		}
//	}
//
//go:noescape
func matmulQ8_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ4_0NEON is matmulQ8_0NEON for Q4_0 weights (vecDotQ4_0).
//
//go:noescape
func matmulQ4_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ8_0NEONDot is matmulQ8_0NEON with SDOT (no int16 limit).
//
//go:noescape
func matmulQ8_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ4_0NEONDot is matmulQ4_0NEON with SDOT.
//
//go:noescape
func matmulQ4_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ4_1NEON is matmulQ8_0NEON for Q4_1 weights and Q8_1 activations
// (vecDotQ4_1).
//
//go:noescape
func matmulQ4_1NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ4_1NEONDot is matmulQ4_1NEON with SDOT.
//
//go:noescape
func matmulQ4_1NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ5_0NEON is matmulQ8_0NEON for Q5_0 weights (vecDotQ5_0).
//
//go:noescape
func matmulQ5_0NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ5_0NEONDot is matmulQ5_0NEON with SDOT.
//
//go:noescape
func matmulQ5_0NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ5_1NEON is matmulQ8_0NEON for Q5_1 weights and Q8_1 activations
// (vecDotQ5_1).
//
//go:noescape
func matmulQ5_1NEON(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)

// matmulQ5_1NEONDot is matmulQ5_1NEON with SDOT.
//
//go:noescape
func matmulQ5_1NEONDot(dst []float32, ldd int, w []byte, ldw int, x []byte, ldx int, k, rows, cols int)
