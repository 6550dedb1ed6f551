package lcrun

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestQuantTilesNonFiniteScales gives the 32-value formats' tiles blocks
// whose f16 scale d (or min m, where the format has one) is NaN or ±Inf:
// every implementation must give what the Go twin gives, a non-finite
// output where the twin has one and the twin's value, within accumulation
// rounding, everywhere else. Where the twin has ±Inf a SIMD tile may give
// NaN instead: it scales lanes of partial integer sums, not their total,
// and an infinite scale times a zero lane is NaN (the reference's AVX2 and
// NEON dot products do the same).
func TestQuantTilesNonFiniteScales(t *testing.T) {
	r := newRand(90)
	for typ, q := range quantSlots {
		typ := DType(typ)
		if q.slot == nil || typ.BlockSize() != QK || typ == MXFP4 {
			continue // MXFP4's scale is an e8m0 exponent, which has no NaN or Inf (TestIQTilesScales)
		}
		t.Run(typ.String(), func(t *testing.T) { nonFiniteScales(t, r, typ) })
	}
}

func nonFiniteScales(t *testing.T, r *rand.Rand, typ DType) {
	const (
		f16NaN    = 0x7e00
		f16Inf    = 0x7c00
		f16NegInf = 0xfc00
		rows, n   = 7, 3
		k         = 4 * QK
	)
	w, _ := randMatrix(t, r, typ, rows, k, 0)
	rb, bb := w.rowBytes(), typ.BlockBytes()
	put := func(row, block, off int, bits uint16) {
		binary.LittleEndian.PutUint16(w.Data[row*rb+block*bb+off:], bits)
	}
	put(1, 1, 0, f16Inf)
	put(2, 0, 0, f16NaN)
	put(3, 3, 0, f16NegInf)
	if off, ok := minOffsets[typ]; ok {
		put(4, 2, off, f16NegInf)
		put(5, 0, off, f16NaN)
	}
	x := randVec(r, n*k, 0, 1)
	restore := useKernels(genericName)
	want := make([]float32, n*rows)
	(*Pool)(nil).MatMul(want, w, x, n)
	restore()
	forEachImpl(t, func(t *testing.T) {
		got := make([]float32, n*rows)
		(*Pool)(nil).MatMul(got, w, x, n)
		for i, g := range got {
			wv := float64(want[i])
			switch {
			case math.IsNaN(wv):
				require.True(t, math.IsNaN(float64(g)), "%v out %d: %v, want NaN", typ, i, g)
			case math.IsInf(wv, 0):
				if !math.IsNaN(float64(g)) {
					require.Equal(t, wv, float64(g), "%v out %d", typ, i)
				}
			default:
				require.InDelta(t, wv, float64(g), 1e-4*math.Abs(wv)+1e-4, "%v out %d", typ, i)
			}
		}
		nonFinite := 0
		for _, v := range want {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				nonFinite++
			}
		}
		require.GreaterOrEqual(t, nonFinite, 3*n, "%v: the poisoned rows are not finite", typ)
	})
}
