package lcrun

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMatMulKQuantScales puts NaN and Inf in the f16 scales of the
// K-quants (d, and dmin where the format has one) and checks, for every
// implementation, that they reach exactly the outputs of their own rows:
// no tile may drop a super-block's scale or mix rows.
func TestMatMulKQuantScales(t *testing.T) {
	const nan, inf = 0x7e00, 0x7c00 // f16
	kquants := []struct {
		typ     DType
		d, dmin int // offsets in the block; dmin < 0: none
	}{
		{Q2_K, Q2_KOffD, Q2_KOffDmin},
		{Q3_K, Q3_KOffD, -1},
		{Q4_K, Q4_KOffD, Q4_KOffDmin},
		{Q5_K, Q5_KOffD, Q5_KOffDmin},
		{Q6_K, Q6_KOffD, -1},
	}
	forEachImpl(t, func(t *testing.T) {
		for _, q := range kquants {
			r := newRand(uint64(q.typ) + 40)
			const rows, n, blocks = 7, 3, 2
			k := blocks * QKK
			w, _ := randMatrix(t, r, q.typ, rows, k, 0)
			rb := w.rowBytes()
			bb := q.typ.BlockBytes()
			set := func(row, block, off int, bits uint16) {
				binary.LittleEndian.PutUint16(w.Data[row*rb+block*bb+off:], bits)
			}
			bad := map[int]bool{1: true, 4: true}
			set(1, 1, q.d, nan)
			set(4, 0, q.d, inf)
			if q.dmin >= 0 {
				set(5, 1, q.dmin, nan)
				bad[5] = true
			}
			x := randVec(r, n*k, 0, 1)
			dst := make([]float32, n*rows)
			(*Pool)(nil).MatMul(dst, w, x, n)
			for j := range n {
				for i := range rows {
					v := float64(dst[j*rows+i])
					finite := !math.IsNaN(v) && !math.IsInf(v, 0)
					require.Equal(t, !bad[i], finite, "%v row %d col %d: %v", q.typ, i, j, v)
				}
			}
		}
	})
}
