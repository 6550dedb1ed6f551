//go:build !purego && !noasm

package lcrun

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestQuantTilesNEON runs both NEON forms of every quantised tile (only
// one of them is registered on a given CPU) against the float64 product of
// the dequantised weights and activations, for every tile shape up to
// 4x4, one to three blocks, a dst stride larger than the tile and guard
// cells around it. Tolerance as in TestMatMul: 1e-5 of the sum of |terms|
// (3e-5 for the K-quants).
func TestQuantTilesNEON(t *testing.T) {
	r := newRand(80)
	for _, q := range quantTilesNEON {
		forms := map[string]tile[byte, byte]{"plain": q.plain}
		if cpu.ASIMDDP {
			forms["dot"] = q.dot
		}
		typ, act := quantTileTypes(q.slot)
		rel := 1e-5
		if typ.BlockSize() == QKK {
			rel = 3e-5
		}
		for name, tl := range forms {
			for blocks := 1; blocks <= 3; blocks++ {
				k := blocks * typ.BlockSize()
				for rows := 1; rows <= tl.mr; rows++ {
					for cols := 1; cols <= tl.nr; cols++ {
						w, wf := randMatrix(t, r, typ, rows, k, rows%4)
						x := randVec(r, cols*k, 0, 1)
						ref, mag := refMatMul(wf, rows, k, effectiveActivations(t, typ, x, cols, k), cols)
						addActivationSums(t, typ, ref, w, x, rows, k, cols)
						xrb, err := act.RowBytes(k)
						require.NoError(t, err)
						xq := make([]byte, cols*xrb)
						for j := range cols {
							quantizeRow(act, xq[j*xrb:(j+1)*xrb], x[j*k:(j+1)*k])
						}
						ldd := rows + 2
						dst := newGuarded(cols*ldd, cols%4)
						tl.fn(dst.s(), ldd, w.Data, w.rowBytes(), xq, xrb, k, rows, cols)
						dst.check(t)
						for j := range cols {
							for i := range ldd {
								got := dst.s()[j*ldd+i]
								if i >= rows {
									require.Equal(t, math.Float32bits(sentinel), math.Float32bits(got), "%v %s: cell past the rows written", typ, name)
									continue
								}
								require.InDelta(t, ref[j*rows+i], got, rel*mag[j*rows+i]+1e-6, "%v %s k=%d rows=%d cols=%d (%d,%d)", typ, name, k, rows, cols, i, j)
							}
						}
					}
				}
			}
		}
	}
}

// quantTileTypes names the weight and activation types of a tile slot.
func quantTileTypes(slot *kernel[tile[byte, byte]]) (w, act DType) {
	for typ, q := range quantSlots {
		if q.slot == slot {
			return DType(typ), q.act
		}
	}
	panic("unknown tile slot " + slot.name)
}
