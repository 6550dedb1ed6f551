//go:build !purego && !noasm

package lcrun

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTernaryTilesNEONAnyBytes runs both NEON forms of the ternary tiles
// on weights of arbitrary bytes (TestQuantTilesNEON's come from the
// quantiser, whose bytes never put a trit near the thresholds the
// extraction compares with), against the float64 product.
func TestTernaryTilesNEONAnyBytes(t *testing.T) {
	r := newRand(92)
	for _, q := range tqTilesNEON {
		forms := map[string]tile[byte, byte]{"plain": q.plain}
		if cpu.ASIMDDP {
			forms["dot"] = q.dot
		}
		typ, act := quantTileTypes(q.slot)
		for name, tl := range forms {
			for blocks := 1; blocks <= 3; blocks++ {
				k := blocks * QKK
				for rows := 1; rows <= tl.mr; rows++ {
					w, wf := ternaryMatrix(t, r, typ, rows, k, rows%3)
					x := randVec(r, k, 0, 1)
					ref, mag := refMatMul(wf, rows, k, effectiveActivations(t, typ, x, 1, k), 1)
					xq := make([]byte, blocks*BlockQ8_KBytes)
					quantizeRow(act, xq, x)
					dst := newGuarded(rows, 1)
					tl.fn(dst.s(), rows, w.Data, w.rowBytes(), xq, len(xq), k, rows, 1)
					dst.check(t)
					for i, got := range dst.s() {
						require.InDelta(t, ref[i], got, 3e-5*mag[i]+1e-6, "%v %s k=%d rows=%d row %d", typ, name, k, rows, i)
					}
				}
			}
		}
	}
}
