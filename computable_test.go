package lcrun

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestComputable(t *testing.T) {
	for _, typ := range []DType{F32, F16, BF16, Q4_0, Q8_0, Q4_K, Q6_K} {
		assert.True(t, Computable(typ), typ.String())
	}
	for _, typ := range []DType{IQ1_S, IQ2_XXS, I32, F64, DType(200)} {
		assert.False(t, Computable(typ), typ.String())
	}
	// Every type Computable admits makes a Matrix and reads a row back.
	for id := range 64 {
		typ := DType(id)
		if !Computable(typ) {
			continue
		}
		cols := typ.BlockSize()
		rb, err := typ.RowBytes(cols)
		if !assert.NoError(t, err, typ.String()) {
			continue
		}
		m, err := NewMatrix(typ, 1, cols, make([]byte, rb))
		if assert.NoError(t, err, typ.String()) {
			assert.NotPanics(t, func() { m.Row(0, make([]float32, cols)) }, typ.String())
		}
	}
}
