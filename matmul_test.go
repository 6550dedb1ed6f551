package lcrun

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matmulTypes are every weight type MatMul takes: the float types, those
// with a quantised tile (quantSlots) and any that go through
// dequantisation to float32.
var matmulTypes = []DType{F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q5_K, TQ1_0, TQ2_0, IQ4_NL, IQ4_XS, MXFP4}

// randMatrix makes a rows x cols matrix of type t from N(0,1) values
// (quantised with Quantize), its data starting off bytes into a buffer
// (off must keep float types aligned), and its exact float32 values.
func randMatrix(t testing.TB, r *rand.Rand, typ DType, rows, cols, off int) (Matrix, []float32) {
	t.Helper()
	vals := randVec(r, rows*cols, 0, 1)
	rb, err := typ.RowBytes(cols)
	require.NoError(t, err)
	buf := make([]byte, off+rows*rb+7)
	data := buf[off : off+rows*rb]
	for i := range rows {
		require.NoError(t, Quantize(typ, data[i*rb:(i+1)*rb], vals[i*cols:(i+1)*cols]))
	}
	m, err := NewMatrix(typ, rows, cols, buf[off:])
	require.NoError(t, err)
	deq := make([]float32, rows*cols)
	for i := range rows {
		m.Row(i, deq[i*cols:(i+1)*cols])
	}
	return m, deq
}

// effectiveActivations is what the tile of w's type multiplies with: x
// itself for float weights, x quantised and dequantised per row for
// quantised ones (Q8_0 or Q8_K as llama.cpp does).
func effectiveActivations(t testing.TB, typ DType, x []float32, n, k int) []float32 {
	if !hasQuantTile(typ) {
		return x
	}
	_, act := quantTile(typ)
	rb, _ := act.RowBytes(k)
	q := make([]byte, rb)
	out := make([]float32, n*k)
	for b := range n {
		quantizeRow(act, q, x[b*k:(b+1)*k])
		require.NoError(t, Dequantize(act, out[b*k:(b+1)*k], q))
	}
	return out
}

// minOffsets are the offsets of the f16 min m in the blocks of the weight
// types whose tiles meet Q8_1 activations.
var minOffsets = map[DType]int{Q4_1: Q4_1OffM, Q5_1: Q5_1OffM}

// addActivationSums corrects ref (from refMatMul with effectiveActivations)
// for tiles that meet Q8_1 activations: they compute a block's
// sum_l (d*q_l+m)*x_l as d*x.d*sum_l q_l*x.q_l + m*x.s, as the reference
// does, and x.s = f16(d*sum(x.q)) with d before its rounding is not the
// f16(d)*sum(x.q) that the dequantised activations hold.
func addActivationSums(t testing.TB, typ DType, ref []float64, w Matrix, x []float32, rows, k, n int) {
	if !hasQuantTile(typ) {
		return
	}
	if _, act := quantTile(typ); act != Q8_1 {
		return
	}
	offM, ok := minOffsets[typ]
	require.True(t, ok, "%v: no min offset", typ)
	wb := typ.BlockBytes()
	rb, _ := Q8_1.RowBytes(k)
	q := make([]byte, rb)
	for j := range n {
		quantizeRow(Q8_1, q, x[j*k:(j+1)*k])
		for i := range rows {
			row := w.Data[i*w.rowBytes():]
			for b := range k / QK {
				xb := q[b*BlockQ8_1Bytes:]
				var sum float64
				for _, v := range xb[Q8_1OffQs : Q8_1OffQs+QK] {
					sum += float64(int8(v))
				}
				m := float64(f16At(row[b*wb+offM:]))
				ref[j*rows+i] += m * (float64(f16At(xb[Q8_1OffS:])) - float64(f16At(xb[Q8_1OffD:]))*sum)
			}
		}
	}
}

// refMatMul is the float64 product of the exact (dequantised) weights and
// the activations, with the sum of |terms| of every output for tolerances.
func refMatMul(w []float32, rows, k int, x []float32, n int) (ref, mag []float64) {
	ref, mag = make([]float64, n*rows), make([]float64, n*rows)
	for b := range n {
		xb := x[b*k : (b+1)*k]
		for r := range rows {
			var s, m float64
			for c, wv := range w[r*k : (r+1)*k] {
				p := float64(wv) * float64(xb[c])
				s += p
				m += math.Abs(p)
			}
			ref[b*rows+r], mag[b*rows+r] = s, m
		}
	}
	return ref, mag
}

type matmulShape struct{ rows, blocks, n int }

var matmulShapes = []matmulShape{
	{1, 1, 1}, {3, 1, 2}, {4, 2, 1}, {5, 3, 3}, {17, 2, 5}, {67, 3, 1}, {67, 3, 9}, {130, 4, 70},
}

// TestMatMul compares every weight type, shape, thread count and
// implementation with the float64 product of the dequantised weights and
// the activations the tile really sees (quantised ones for quantised
// weights): each block's integer sum is exact, so what is left is float32
// accumulation and the per-block scale products (1e-5 relative to the sum
// of |terms|, see sumTol; 3e-5 for the K-quants, whose two scaled terms per
// block, d*sc*q and dmin*m, are each larger than their difference).
func TestMatMul(t *testing.T) {
	shapes := matmulShapes
	if testing.Short() {
		shapes = shapes[:len(shapes)-1]
	}
	forEachImpl(t, func(t *testing.T) {
		for _, typ := range matmulTypes {
			t.Run(typ.String(), func(t *testing.T) {
				r := newRand(uint64(typ) + 10)
				for si, sh := range shapes {
					k := sh.blocks * typ.BlockSize()
					if typ.BlockSize() == 1 {
						k = sh.blocks*13 + 1 // odd lengths for the float types
					}
					off := si % 4 * int(elemAlign(typ))
					w, wf := randMatrix(t, r, typ, sh.rows, k, off)
					x := randVec(r, sh.n*k, si%4, 1)
					ref, mag := refMatMul(wf, sh.rows, k, effectiveActivations(t, typ, x, sh.n, k), sh.n)
					addActivationSums(t, typ, ref, w, x, sh.rows, k, sh.n)
					rel := 1e-5
					if typ.BlockSize() == QKK {
						rel = 3e-5
					}
					for threads := 1; threads <= 4; threads++ {
						p := NewPool(threads)
						dst := newGuarded(sh.n*sh.rows, (si+threads)%4)
						p.MatMul(dst.s(), w, x, sh.n)
						p.Close()
						dst.check(t)
						for i, got := range dst.s() {
							require.InDelta(t, ref[i], got, rel*mag[i]+1e-6, "%v rows=%d k=%d n=%d threads=%d out %d", typ, sh.rows, k, sh.n, threads, i)
						}
					}
				}
			})
		}
	})
}

// TestMatMulActivationQuantisationBound checks the quantised paths against
// the float32 activations themselves. Q8_0 stores x as q*f16(amax/127):
// each value is off by at most d*(1/2 + 127*2^-11) with d its block's
// amax/127; Q8_K by d/2. So |error| <= sum_c |W[r][c]|*0.57*d(c) plus the
// accumulation tolerance. (Q8_1 is Q8_0 with s = f16(d*sum(q)) for the min
// term of Q4_1 and Q5_1, off by about 2^-10 of |m*sum(x)| per block: well
// inside that bound.)
func TestMatMulActivationQuantisationBound(t *testing.T) {
	r := newRand(30)
	for _, typ := range matmulTypes {
		if !hasQuantTile(typ) {
			continue
		}
		const rows, n = 9, 3
		qk := typ.BlockSize()
		k := 2 * QKK
		w, wf := randMatrix(t, r, typ, rows, k, 1)
		x := randVec(r, n*k, 0, 1)
		ref, mag := refMatMul(wf, rows, k, x, n)
		dst := make([]float32, n*rows)
		(*Pool)(nil).MatMul(dst, w, x, n)
		actBlock := QK
		if qk == QKK {
			actBlock = QKK
		}
		for b := range n {
			for row := range rows {
				var bound float64
				for c0 := 0; c0 < k; c0 += actBlock {
					var amax, wsum float64
					for c := c0; c < c0+actBlock; c++ {
						amax = math.Max(amax, math.Abs(float64(x[b*k+c])))
						wsum += math.Abs(float64(wf[row*k+c]))
					}
					bound += 0.57 * amax / 127 * wsum
				}
				i := b*rows + row
				require.InDelta(t, ref[i], dst[i], bound+3e-5*mag[i], "%v row %d col %d", typ, row, b)
			}
		}
	}
}

func TestMatMulSpecialCases(t *testing.T) {
	r := newRand(31)
	w, _ := randMatrix(t, r, F32, 3, 5, 0)
	assert.Panics(t, func() { (*Pool)(nil).MatMul(make([]float32, 5), w, make([]float32, 10), 2) }, "dst too short")
	assert.Panics(t, func() { (*Pool)(nil).MatMul(make([]float32, 6), w, make([]float32, 9), 2) }, "x too short")
	(*Pool)(nil).MatMul(nil, w, nil, 0) // n = 0: nothing to do

	empty, err := NewMatrix(F32, 4, 0, nil)
	require.NoError(t, err)
	dst := []float32{1, 2, 3, 4}
	(*Pool)(nil).MatMul(dst, empty, nil, 1)
	assert.Equal(t, []float32{0, 0, 0, 0}, dst, "a product over zero columns is zero")

	// NaN and Inf in float activations reach only their own outputs.
	wf, _ := randMatrix(t, r, F32, 2, 4, 0)
	x := []float32{1, 2, 3, 4, 1, float32(math.NaN()), 0, 0, float32(math.Inf(1)), 0, 0, 0}
	out := make([]float32, 6)
	(*Pool)(nil).MatMul(out, wf, x, 3)
	assert.False(t, math.IsNaN(float64(out[0])) || math.IsNaN(float64(out[1])))
	assert.True(t, math.IsNaN(float64(out[2])) && math.IsNaN(float64(out[3])))
	assert.True(t, math.IsInf(float64(out[4]), 0) || math.IsNaN(float64(out[4])))
}

func TestNewMatrixErrors(t *testing.T) {
	data := make([]byte, 1024)
	for _, tc := range []struct {
		name       string
		typ        DType
		rows, cols int
		data       []byte
	}{
		{"unsupported type", I8, 2, 2, data},
		{"unknown type", DType(99), 2, 2, data},
		{"short data", F32, 16, 17, data},
		{"cols not whole blocks", Q8_0, 2, 33, data},
		{"negative", F32, -1, 2, data},
		{"misaligned float data", F32, 2, 2, data[1:]},
		{"misaligned f16 data", F16, 2, 2, data[1:]},
	} {
		_, err := NewMatrix(tc.typ, tc.rows, tc.cols, tc.data)
		assert.Error(t, err, tc.name)
	}
	m, err := NewMatrix(Q4_0, 2, 64, data[3:])
	require.NoError(t, err, "quantised data needs no alignment")
	assert.Len(t, m.Data, 2*2*18)
}

func TestMatrixRow(t *testing.T) {
	r := newRand(32)
	for _, typ := range matmulTypes {
		k := typ.BlockSize() * 2
		if k == 2 {
			k = 10
		}
		w, wf := randMatrix(t, r, typ, 3, k, 0)
		row := make([]float32, k)
		w.Row(2, row)
		assert.Equal(t, wf[2*k:], row, typ.String())
		assert.Panics(t, func() { w.Row(3, row) })
		assert.Panics(t, func() { w.Row(0, row[1:]) })
	}
}

// TestMatMulNoAllocation: after one warm-up call a pool's MatMul allocates
// nothing, for every weight type and both GEMV and GEMM.
func TestMatMulNoAllocation(t *testing.T) {
	r := newRand(33)
	p := NewPool(3)
	defer p.Close()
	for _, typ := range matmulTypes {
		k := QKK
		w, _ := randMatrix(t, r, typ, 40, k, 0)
		for _, n := range []int{1, 7} {
			x := randVec(r, n*k, 0, 1)
			dst := make([]float32, n*40)
			p.MatMul(dst, w, x, n)
			allocs := testing.AllocsPerRun(20, func() { p.MatMul(dst, w, x, n) })
			assert.Zero(t, allocs, "%v n=%d", typ, n)
		}
	}
}

func TestPlanMatmul(t *testing.T) {
	for _, tc := range []struct{ rows, n, rowBytes, mr, cb, threads int }{
		{4096, 1, 2304, 4, 1, 1}, {4096, 1, 2304, 4, 1, 16}, {3, 1, 100, 4, 1, 4},
		{768, 512, 3072, 4, 64, 2}, {1, 1000, 4, 6, 60, 8}, {100, 7, 1 << 20, 4, 6, 3},
	} {
		pl := planMatmul(tc.rows, tc.n, tc.rowBytes, tc.mr, tc.cb, tc.threads)
		name := fmt.Sprint(tc)
		assert.Zero(t, pl.rb%tc.mr, name)
		covered := make([]int, tc.rows*tc.n)
		for i := range pl.items() {
			r0, r1, c0, c1 := pl.bounds(i)
			for c := c0; c < c1; c++ {
				for r := r0; r < r1; r++ {
					covered[c*tc.rows+r]++
				}
			}
		}
		for i, c := range covered {
			require.Equal(t, 1, c, "%s: cell %d", name, i)
		}
	}
}

// quantizeRow quantises activations as MatMul does for the tiles.
func quantizeRow(act DType, dst []byte, x []float32) {
	activationQuantizers[act](dst, x)
}
