package lcrun

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// ternaryMatrix is a rows x k matrix of typ (TQ1_0 or TQ2_0) from random
// bytes rather than the quantiser: every byte value occurs, TQ2_0's
// digit 3 (read as 2*d) included, with f16 scales of either sign.
func ternaryMatrix(t testing.TB, r *rand.Rand, typ DType, rows, k, off int) (Matrix, []float32) {
	t.Helper()
	rb, err := typ.RowBytes(k)
	require.NoError(t, err)
	bb, offD := typ.BlockBytes(), TQ1_0OffD
	if typ == TQ2_0 {
		offD = TQ2_0OffD
	}
	buf := make([]byte, off+rows*rb)
	data := buf[off:]
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for b := 0; b < len(data); b += bb {
		putF16(data[b+offD:], float32(r.NormFloat64()*0.05))
	}
	m, err := NewMatrix(typ, rows, k, data)
	require.NoError(t, err)
	wf := make([]float32, rows*k)
	require.NoError(t, Dequantize(typ, wf, data))
	return m, wf
}

// TestMatMulTernaryAnyBytes holds every implementation to the float64
// product on weights made of arbitrary bytes (TestMatMul's come from the
// quantiser), GEMV and GEMM, rows and blocks with tails.
func TestMatMulTernaryAnyBytes(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, typ := range []DType{TQ1_0, TQ2_0} {
			r := newRand(uint64(typ) + 90)
			for _, sh := range []matmulShape{{1, 1, 1}, {7, 3, 1}, {9, 2, 5}, {33, 1, 3}} {
				k := sh.blocks * QKK
				w, wf := ternaryMatrix(t, r, typ, sh.rows, k, sh.rows%3)
				x := randVec(r, sh.n*k, 1, 1)
				ref, mag := refMatMul(wf, sh.rows, k, effectiveActivations(t, typ, x, sh.n, k), sh.n)
				dst := newGuarded(sh.n*sh.rows, 1)
				p := NewPool(2)
				p.MatMul(dst.s(), w, x, sh.n)
				p.Close()
				dst.check(t)
				for i, got := range dst.s() {
					require.InDelta(t, ref[i], got, 3e-5*mag[i]+1e-6, "%v rows=%d k=%d n=%d out %d", typ, sh.rows, k, sh.n, i)
				}
			}
		}
	})
}

// TestMatMulTernaryScales: an Inf or NaN weight scale makes its own row's
// outputs non-finite (NaN for NaN) and leaves every other row finite.
func TestMatMulTernaryScales(t *testing.T) {
	inf, nan := F32ToF16(float32(math.Inf(1))), F32ToF16(float32(math.NaN()))
	forEachImpl(t, func(t *testing.T) {
		for _, typ := range []DType{TQ1_0, TQ2_0} {
			r := newRand(uint64(typ) + 91)
			const rows, blocks = 6, 2
			w, _ := randMatrix(t, r, typ, rows, blocks*QKK, 0)
			offD := TQ1_0OffD
			if typ == TQ2_0 {
				offD = TQ2_0OffD
			}
			rb, bb := w.rowBytes(), typ.BlockBytes()
			binary.LittleEndian.PutUint16(w.Data[1*rb+0*bb+offD:], inf)
			binary.LittleEndian.PutUint16(w.Data[4*rb+1*bb+offD:], nan)
			for _, n := range []int{1, 3} {
				x := randVec(r, n*blocks*QKK, 0, 1)
				dst := make([]float32, n*rows)
				(*Pool)(nil).MatMul(dst, w, x, n)
				for j := range n {
					for i := range rows {
						v := float64(dst[j*rows+i])
						switch i {
						case 1:
							require.False(t, isFinite(v), "%v n=%d row %d: %g", typ, n, i, v)
						case 4:
							require.True(t, math.IsNaN(v), "%v n=%d row %d: %g", typ, n, i, v)
						default:
							require.True(t, isFinite(v), "%v n=%d row %d: %g", typ, n, i, v)
						}
					}
				}
			}
		}
	})
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
