package lcrun

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMatMulMany checks that one loop over several products gives what
// MatMul gives for each, bit for bit (the same plans and tiles run), for
// every weight type (the ones without a tile take the one-by-one path),
// unequal row counts, GEMV and GEMM, and several thread counts; mixed
// types and widths run one by one.
func TestMatMulMany(t *testing.T) {
	r := newRand(71)
	k := 2 * QKK
	for _, typ := range matmulTypes {
		for _, rows := range [][]int{{40, 8, 8}, {24, 36}, {8, 8, 8, 12}, {5, 1}} {
			ws := make([]Matrix, len(rows))
			for i, n := range rows {
				ws[i], _ = randMatrix(t, r, typ, n, k, 0)
			}
			for _, n := range []int{1, 3, 70} {
				x := randVec(r, n*k, 0, 1)
				for _, threads := range []int{1, 2, 3} {
					name := fmt.Sprintf("%v/rows=%v/n=%d/t=%d", typ, rows, n, threads)
					p := NewPool(threads)
					want := make([][]float32, len(ws))
					got := make([][]float32, len(ws))
					for i, w := range ws {
						want[i] = make([]float32, n*w.Rows)
						got[i] = make([]float32, n*w.Rows+1)
						got[i][n*w.Rows] = 12345 // guard
						p.MatMul(want[i], w, x, n)
					}
					p.MatMulMany(got, ws, x, n)
					for i := range ws {
						require.Equal(t, want[i], got[i][:n*ws[i].Rows], "%s product %d", name, i)
						require.Equal(t, float32(12345), got[i][n*ws[i].Rows], "%s product %d guard", name, i)
					}
					p.Close()
				}
			}
		}
	}
}

func TestMatMulManyOneByOne(t *testing.T) {
	r := newRand(72)
	a, _ := randMatrix(t, r, Q8_0, 16, 64, 0)
	b, _ := randMatrix(t, r, Q4_0, 8, 64, 0)
	c, _ := randMatrix(t, r, Q8_0, 8, 96, 0)
	x := randVec(r, 96, 0, 1)
	cases := map[string][]Matrix{
		"mixed types":  {a, b},
		"mixed widths": {a, c},
		"one":          {a},
		"too many":     {a, a, a, a, a},
		"none":         {},
	}
	for name, ws := range cases {
		t.Run(name, func(t *testing.T) {
			got := make([][]float32, len(ws))
			for i, w := range ws {
				got[i] = make([]float32, w.Rows)
				want := make([]float32, w.Rows)
				(*Pool)(nil).MatMul(want, w, x, 1)
				defer func() { assert.Equal(t, want, got[i]) }()
			}
			(*Pool)(nil).MatMulMany(got, ws, x, 1)
		})
	}
	assert.Panics(t, func() { (*Pool)(nil).MatMulMany(make([][]float32, 1), []Matrix{a, a}, x, 1) }, "outputs and matrices differ")
	assert.Panics(t, func() {
		(*Pool)(nil).MatMulMany([][]float32{make([]float32, 16), make([]float32, 15)}, []Matrix{a, a}, x, 1)
	}, "dst too short")
	assert.Panics(t, func() {
		(*Pool)(nil).MatMulMany([][]float32{make([]float32, 16), make([]float32, 16)}, []Matrix{a, a}, x[:63], 1)
	}, "x too short")
}

func TestMatMulManyNoAllocation(t *testing.T) {
	r := newRand(73)
	p := NewPool(2)
	defer p.Close()
	for _, typ := range []DType{F32, F16, Q8_0, Q4_K} {
		a, _ := randMatrix(t, r, typ, 32, QKK, 0)
		b, _ := randMatrix(t, r, typ, 16, QKK, 0)
		x := randVec(r, QKK, 0, 1)
		dst := [2][]float32{make([]float32, 32), make([]float32, 16)}
		ws := [2]Matrix{a, b}
		p.MatMulMany(dst[:], ws[:], x, 1)
		allocs := testing.AllocsPerRun(20, func() { p.MatMulMany(dst[:], ws[:], x, 1) })
		assert.Zero(t, allocs, typ.String())
	}
}
