package lcrun

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var supportedQuant = []DType{F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, TQ1_0, TQ2_0, IQ4_NL, IQ4_XS, MXFP4}

func TestCanQuantizeTable(t *testing.T) {
	for _, typ := range supportedQuant {
		assert.True(t, CanDequantize(typ), typ.String())
		assert.True(t, CanQuantize(typ), typ.String())
	}
	for _, typ := range []DType{IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S, IQ3_S, IQ2_S, I8, I16, I32, I64, F64, IQ1_M, DType(4), DType(63), DType(64), DType(1 << 31)} {
		assert.False(t, CanDequantize(typ), typ.String())
		assert.False(t, CanQuantize(typ), typ.String())
	}
}

func TestQuantizeLengthErrors(t *testing.T) {
	for _, typ := range supportedQuant {
		t.Run(typ.String(), func(t *testing.T) {
			bs, bb := typ.BlockSize(), typ.BlockBytes()
			cases := []struct {
				name   string
				n, nb  int
				wantOK bool
			}{
				{"empty", 0, 0, true},
				{"two blocks", 2 * bs, 2 * bb, true},
				{"src one byte short", 2 * bs, 2*bb - 1, false},
				{"src one byte long", 2 * bs, 2*bb + 1, false},
				{"src one block short", 2 * bs, bb, false},
				{"src empty", bs, 0, false},
			}
			if bs > 1 {
				cases = append(cases, struct {
					name   string
					n, nb  int
					wantOK bool
				}{"partial block", bs + 1, 2 * bb, false})
			}
			for _, c := range cases {
				dst := make([]float32, c.n)
				src := make([]byte, c.nb)
				errD := Dequantize(typ, dst, src)
				errQ := Quantize(typ, src, dst)
				if c.wantOK {
					assert.NoError(t, errD, c.name)
					assert.NoError(t, errQ, c.name)
				} else {
					assert.Error(t, errD, c.name)
					assert.Error(t, errQ, c.name)
				}
			}
		})
	}
}

func TestQuantizeUnsupportedType(t *testing.T) {
	err := Dequantize(IQ2_XXS, make([]float32, 256), make([]byte, 66))
	require.ErrorContains(t, err, "IQ2_XXS is not supported")
	err = Quantize(IQ3_S, make([]byte, 110), make([]float32, 256))
	require.ErrorContains(t, err, "IQ3_S is not supported")
	err = Dequantize(DType(200), nil, nil)
	require.ErrorContains(t, err, "type(200) is not supported")
}

func TestRowQuantizersMatchQuantize(t *testing.T) {
	x := make([]float32, 3*QKK)
	testDists[3].gen(newTestRand(1), x)
	for _, tc := range []struct {
		t   DType
		row func([]byte, []float32)
	}{{Q8_0, QuantizeRowQ8_0}, {Q8_K, QuantizeRowQ8_K}} {
		n, err := tc.t.RowBytes(len(x))
		require.NoError(t, err)
		want := make([]byte, n)
		require.NoError(t, Quantize(tc.t, want, x))
		got := make([]byte, n+7) // longer dst is allowed; the tail stays untouched
		for i := range got {
			got[i] = 0xAA
		}
		tc.row(got, x)
		require.Equal(t, want, got[:n], tc.t.String())
		require.Equal(t, []byte{0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}, got[n:], tc.t.String())
	}
	assert.PanicsWithValue(t, "lcrun: QuantizeRowQ8_0: length is not a multiple of 32", func() { QuantizeRowQ8_0(make([]byte, 100), make([]float32, 33)) })
	assert.PanicsWithValue(t, "lcrun: QuantizeRowQ8_0Even: length is not a multiple of 32", func() { QuantizeRowQ8_0Even(make([]byte, 100), make([]float32, 31)) })
	assert.PanicsWithValue(t, "lcrun: QuantizeRowQ8_K: length is not a multiple of 256", func() { QuantizeRowQ8_K(make([]byte, 1000), make([]float32, 255)) })
	assert.Panics(t, func() { QuantizeRowQ8_0(make([]byte, 33), make([]float32, 32)) })
}

// The row quantisers and the dequantisers sit on hot paths (activations,
// fallback matmuls): they must not allocate.
func TestQuantizeNoAllocation(t *testing.T) {
	x := make([]float32, 4*QKK)
	testDists[3].gen(newTestRand(2), x)
	buf := make([]byte, 4*len(x)) // enough for F32, the widest
	y := make([]float32, len(x))
	for _, typ := range supportedQuant {
		n, _ := typ.RowBytes(len(x))
		q := buf[:n]
		allocs := testing.AllocsPerRun(5, func() {
			_ = Quantize(typ, q, x)
			_ = Dequantize(typ, y, q)
		})
		assert.Zero(t, allocs, typ.String())
	}
	assert.Zero(t, testing.AllocsPerRun(5, func() { QuantizeRowQ8_0(buf, x) }))
	assert.Zero(t, testing.AllocsPerRun(5, func() { QuantizeRowQ8_0Even(buf, x) }))
	assert.Zero(t, testing.AllocsPerRun(5, func() { QuantizeRowQ8_K(buf, x) }))
}

// FuzzDequantize: any type id, value count and bytes give either an error
// or values, never a panic; and whatever comes out (NaN and Inf included)
// quantises back without a panic.
func FuzzDequantize(f *testing.F) {
	for _, typ := range supportedQuant {
		bs, bb := typ.BlockSize(), typ.BlockBytes()
		blk := make([]byte, 2*bb)
		for i := range blk {
			blk[i] = byte(i * 37)
		}
		f.Add(uint32(typ), 2*bs, blk)
		f.Add(uint32(typ), bs, blk)
	}
	f.Add(uint32(IQ2_XXS), 256, make([]byte, 66))
	f.Add(uint32(1<<31), 0, []byte{})
	f.Fuzz(func(t *testing.T, typ uint32, n int, data []byte) {
		n = int(uint(n) % (1 << 14))
		dst := make([]float32, n)
		if err := Dequantize(DType(typ), dst, data); err != nil {
			return
		}
		require.True(t, CanDequantize(DType(typ)))
		want, err := DType(typ).RowBytes(n)
		require.NoError(t, err)
		require.Equal(t, want, len(data))
		require.NoError(t, Quantize(DType(typ), make([]byte, want), dst))
	})
}
