package lcrun

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Exact behaviour of the quantisers on chosen values: rounding of ties,
// clamping, and non-finite input.

// q8Block returns a 32-value block whose largest magnitude is 127, so that
// Q8_0's d = 127/127 = 1 exactly and q = round(x): ties are visible.
func q8Block(vals ...float32) []float32 {
	x := make([]float32, QK)
	x[QK-1] = 127
	copy(x, vals)
	return x
}

func TestQ8_0Rounding(t *testing.T) {
	x := q8Block(2.5, -2.5, 3.5, 0.5, -0.5, 126.5, 1.4999999)
	ref := make([]byte, BlockQ8_0Bytes)
	QuantizeRowQ8_0(ref, x)
	even := make([]byte, BlockQ8_0Bytes)
	QuantizeRowQ8_0Even(even, x)

	assert.Equal(t, uint16(0x3C00), binary.LittleEndian.Uint16(ref), "d = f16(1)")
	assert.Equal(t, uint16(0x3C00), binary.LittleEndian.Uint16(even), "d = f16(1)")
	qs := func(b []byte) []int8 {
		out := make([]int8, 8)
		for i := range out {
			out[i] = int8(b[2+i])
		}
		return out
	}
	// roundf: ties away from zero.
	assert.Equal(t, []int8{3, -3, 4, 1, -1, 127, 1, 0}, qs(ref))
	// VROUNDPS: ties to even.
	assert.Equal(t, []int8{2, -2, 4, 0, 0, 126, 1, 0}, qs(even))
	assert.Equal(t, int8(127), int8(ref[2+31]))
	assert.Equal(t, int8(127), int8(even[2+31]))
}

// The two Q8_0 quantisers agree except on ties and on values whose scaled
// product straddles a half integer by the 1-ulp difference between
// 1/(amax/127) and 127/amax: on random data, differences are rare and
// never more than one level.
func TestQ8_0EvenAgreesWithReference(t *testing.T) {
	x := make([]float32, 4096*QK)
	testDists[3].gen(newTestRand(3), x)
	ref := make([]byte, len(x)/QK*BlockQ8_0Bytes)
	even := make([]byte, len(ref))
	QuantizeRowQ8_0(ref, x)
	QuantizeRowQ8_0Even(even, x)
	differ := 0
	for b := 0; b < len(ref); b += BlockQ8_0Bytes {
		require.Equal(t, ref[b:b+2], even[b:b+2], "scales")
		for j := 2; j < BlockQ8_0Bytes; j++ {
			if d := int(int8(ref[b+j])) - int(int8(even[b+j])); d != 0 {
				require.LessOrEqual(t, d*d, 1)
				differ++
			}
		}
	}
	assert.Less(t, differ, len(x)/1000, "%d of %d values differ", differ, len(x))
}

func TestQ4_0Rounding(t *testing.T) {
	// max = -8 (largest magnitude, negative) gives d = 1 and id = 1, so
	// q = min(15, trunc(x + 8.5)): round half up, then clamp at 15.
	x := make([]float32, QK)
	x[0] = -8
	copy(x[1:], []float32{7.6, 7.4, 0.5, -0.5, 1.5, -7.5, 16 - 8.5 - 0.0001})
	q := make([]byte, BlockQ4_0Bytes)
	require.NoError(t, Quantize(Q4_0, q, x))
	assert.Equal(t, uint16(0x3C00), binary.LittleEndian.Uint16(q), "d = f16(1)")
	var got []int
	for j := range 8 {
		got = append(got, int(q[2+j]&15))
	}
	assert.Equal(t, []int{0, 15, 15, 9, 8, 10, 1, 15}, got)
	// A positive max maps to level 0 (d is negative).
	x = make([]float32, QK)
	x[3] = 4
	x[4] = -4
	require.NoError(t, Quantize(Q4_0, q, x))
	assert.Equal(t, float32(-0.5), F16ToF32(binary.LittleEndian.Uint16(q)))
	assert.Equal(t, byte(0), q[2+3]&15)
	assert.Equal(t, byte(15), q[2+4]&15, "-4/-0.5 + 8.5 = 16.5 clamps to 15")
	assert.Equal(t, byte(8), q[2+5]&15, "zero is level 8")
}

func TestQ8_KRoundingAndBsums(t *testing.T) {
	// max = -127 gives iscale = 1 and d = 1: q = nearest_int(x), ties to even.
	x := make([]float32, QKK)
	x[0] = -127
	copy(x[1:], []float32{2.5, -2.5, 3.5, 0.5, 126.5})
	for i := 16; i < QKK; i++ {
		x[i] = float32(i%7) - 3
	}
	q := make([]byte, BlockQ8_KBytes)
	QuantizeRowQ8_K(q, x)
	assert.Equal(t, float32(1), math.Float32frombits(binary.LittleEndian.Uint32(q)))
	var got []int8
	for j := range 6 {
		got = append(got, int8(q[4+j]))
	}
	assert.Equal(t, []int8{-127, 2, -2, 4, 0, 126}, got)
	for k := range QKK / 16 {
		var want int16
		for j := 16 * k; j < 16*k+16; j++ {
			want += int16(int8(q[4+j]))
		}
		assert.Equal(t, want, int16(binary.LittleEndian.Uint16(q[Q8_KOffBsums+2*k:])), "bsums[%d]", k)
	}

	// A positive max maps to -127 (d negative), and a value of opposite
	// sign and equal magnitude to +127 (the min(127) never bites).
	x = make([]float32, QKK)
	x[9] = 3
	x[10] = -3
	QuantizeRowQ8_K(q, x)
	iscale := float32(-127) / 3
	assert.Equal(t, 1/iscale, math.Float32frombits(binary.LittleEndian.Uint32(q)), "d = 1/iscale, as stored by ggml")
	assert.Equal(t, int8(-127), int8(q[4+9]))
	assert.Equal(t, int8(127), int8(q[4+10]))
}

func TestQ8_1Sum(t *testing.T) {
	x := q8Block(2.5, -1, 3)
	q := make([]byte, BlockQ8_1Bytes)
	require.NoError(t, Quantize(Q8_1, q, x))
	// d = 1, q = {3, -1, 3, 0..., 127}: s = f16(132 * 1).
	assert.Equal(t, float32(1), f16At(q[Q8_1OffD:]))
	assert.Equal(t, float32(132), f16At(q[Q8_1OffS:]))
}

// TestQ8_1Activations checks the Q8_1 activation quantiser MatMul uses
// against the formula of llama.cpp's x86 quantize_row_q8_1, written out
// here: d = amax/127, q = round-to-even(x*(127/amax)), s = f16(d*sum(q))
// with d unrounded; its d and q are QuantizeRowQ8_0Even's.
func TestQ8_1Activations(t *testing.T) {
	quant := activationQuantizers[Q8_1]
	x := q8Block(2.5, -1.5, 3, 0.5)
	q := make([]byte, BlockQ8_1Bytes)
	quant(q, x)
	assert.Equal(t, float32(1), f16At(q[Q8_1OffD:]))
	assert.Equal(t, []int8{2, -2, 3, 0}, []int8{int8(q[4]), int8(q[5]), int8(q[6]), int8(q[7])}, "ties to even")
	assert.Equal(t, float32(130), f16At(q[Q8_1OffS:]), "s = 2-2+3+127")

	for _, dist := range testDists {
		x := make([]float32, 64*QK)
		dist.gen(newTestRand(7), x)
		got := make([]byte, len(x)/QK*BlockQ8_1Bytes)
		quant(got, x)
		even := make([]byte, len(x)/QK*BlockQ8_0Bytes)
		QuantizeRowQ8_0Even(even, x)
		for b := range len(x) / QK {
			xb := x[b*QK : (b+1)*QK]
			var amax float32
			for _, v := range xb {
				amax = max(amax, float32(math.Abs(float64(v))))
			}
			d := amax / 127
			var id float32
			if amax > 0 {
				id = 127 / amax
			}
			want := make([]byte, BlockQ8_1Bytes)
			var sum int
			for j, v := range xb {
				r := max(-128, min(127, math.RoundToEven(float64(v*id))))
				want[Q8_1OffQs+j] = byte(int8(r))
				sum += int(r)
			}
			binary.LittleEndian.PutUint16(want[Q8_1OffD:], F32ToF16(d))
			binary.LittleEndian.PutUint16(want[Q8_1OffS:], F32ToF16(d*float32(sum)))
			gb := got[b*BlockQ8_1Bytes : (b+1)*BlockQ8_1Bytes]
			require.Equal(t, want, gb, "%s block %d", dist.name, b)
			eb := even[b*BlockQ8_0Bytes : (b+1)*BlockQ8_0Bytes]
			require.Equal(t, eb[:2], gb[:2], "%s block %d: d as Q8_0's", dist.name, b)
			require.Equal(t, eb[2:], gb[4:], "%s block %d: q as Q8_0's", dist.name, b)
		}
	}
}

// Non-finite values. ggml does not check for them; these tests pin down
// what its reference quantisers do with them (on x86-64) and that we do
// the same on every architecture.
func TestQuantizeNonFinite(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	t.Run("Q8_0 Inf poisons the block", func(t *testing.T) {
		x := q8Block(1, inf, -2)
		q := make([]byte, BlockQ8_0Bytes)
		QuantizeRowQ8_0(q, x)
		assert.Equal(t, uint16(0x7C00), binary.LittleEndian.Uint16(q), "d = +Inf")
		assert.Equal(t, make([]byte, QK), q[2:], "x*(1/Inf) = 0 and Inf*0 = NaN both give q = 0")
		y := make([]float32, QK)
		require.NoError(t, Dequantize(Q8_0, y, q))
		for _, v := range y {
			assert.True(t, math.IsNaN(float64(v)), "0*Inf = NaN")
		}
	})
	t.Run("Q8_0 NaN inside a block is dropped from amax", func(t *testing.T) {
		x := q8Block(nan, 63.5)
		q := make([]byte, BlockQ8_0Bytes)
		QuantizeRowQ8_0(q, x)
		assert.Equal(t, float32(1), f16At(q), "d from the finite values")
		assert.Equal(t, int8(0), int8(q[2]), "NaN converts to q = 0")
		assert.Equal(t, int8(64), int8(q[3]))
	})
	t.Run("Q8_0 NaN last in a block becomes the scale", func(t *testing.T) {
		x := q8Block(5)
		x[QK-1] = nan
		q := make([]byte, BlockQ8_0Bytes)
		QuantizeRowQ8_0(q, x)
		assert.True(t, math.IsNaN(float64(f16At(q))))
		assert.Equal(t, make([]byte, QK), q[2:])
	})
	t.Run("Q8_0 scale overflowing f16", func(t *testing.T) {
		// amax/127 > 65504 (f16's largest) rounds to Inf: the block then
		// dequantises to ±Inf or NaN, as in ggml. Writers must keep
		// |x| below 65504*127 for Q8_0.
		x := q8Block(1e7)
		x[QK-1] = 0
		q := make([]byte, BlockQ8_0Bytes)
		QuantizeRowQ8_0(q, x)
		assert.True(t, math.IsInf(float64(f16At(q)), 1))
	})
	t.Run("Q8_0Even Inf", func(t *testing.T) {
		x := q8Block(1, inf, -2)
		q := make([]byte, BlockQ8_0Bytes)
		QuantizeRowQ8_0Even(q, x)
		assert.Equal(t, uint16(0x7C00), binary.LittleEndian.Uint16(q))
		assert.Equal(t, int8(-128), int8(q[2+1]), "Inf*0 = NaN saturates to -128")
		assert.Equal(t, int8(0), int8(q[2]))
	})
	t.Run("Q8_K Inf", func(t *testing.T) {
		x := make([]float32, QKK)
		x[3], x[4] = inf, 2
		q := make([]byte, BlockQ8_KBytes)
		QuantizeRowQ8_K(q, x)
		assert.True(t, math.IsInf(float64(math.Float32frombits(binary.LittleEndian.Uint32(q))), -1), "d = 1/(-127/Inf) = -Inf")
		assert.Equal(t, make([]byte, QKK+QKK/16*2), q[4:], "q and bsums all 0")
	})
	t.Run("Q8_K NaN only", func(t *testing.T) {
		x := make([]float32, QKK)
		x[0] = nan
		q := make([]byte, BlockQ8_KBytes)
		for i := range q {
			q[i] = 0xEE
		}
		QuantizeRowQ8_K(q, x)
		assert.Equal(t, make([]byte, BlockQ8_KBytes), q, "no finite max: an all-zero block")
	})
	t.Run("Q4_0 Inf", func(t *testing.T) {
		x := make([]float32, QK)
		x[0], x[1] = 1, inf
		q := make([]byte, BlockQ4_0Bytes)
		require.NoError(t, Quantize(Q4_0, q, x))
		assert.Equal(t, uint16(0xFC00), binary.LittleEndian.Uint16(q), "d = Inf/-8 = -Inf")
		assert.Equal(t, byte(8), q[2]&15, "1*(1/-Inf) + 8.5 -> 8")
		assert.Equal(t, byte(0), q[3]&15, "Inf*-0 = NaN -> 0")
	})
	t.Run("F16 and BF16", func(t *testing.T) {
		x := []float32{inf, -inf, nan, 1e6, -1e-9}
		h := make([]byte, 2*len(x))
		require.NoError(t, Quantize(F16, h, x))
		y := make([]float32, len(x))
		require.NoError(t, Dequantize(F16, y, h))
		assert.True(t, math.IsInf(float64(y[0]), 1))
		assert.True(t, math.IsInf(float64(y[1]), -1))
		assert.True(t, math.IsNaN(float64(y[2])))
		assert.True(t, math.IsInf(float64(y[3]), 1), "1e6 overflows f16")
		assert.Equal(t, float32(0), y[4], "-1e-9 underflows f16 to -0")
		assert.True(t, math.Signbit(float64(y[4])))
		require.NoError(t, Quantize(BF16, h, x))
		require.NoError(t, Dequantize(BF16, y, h))
		assert.True(t, math.IsInf(float64(y[0]), 1))
		assert.True(t, math.IsInf(float64(y[1]), -1))
		assert.True(t, math.IsNaN(float64(y[2])))
		assert.InDelta(t, 1e6, y[3], 1e6/256)
	})
	t.Run("K-quants do not panic", func(t *testing.T) {
		for _, typ := range []DType{Q2_K, Q3_K, Q4_K, Q5_K, Q6_K} {
			for _, bad := range []float32{inf, -inf, nan} {
				x := make([]float32, QKK)
				testDists[3].gen(newTestRand(5), x)
				x[17] = bad
				q := make([]byte, typ.BlockBytes())
				require.NotPanics(t, func() { _ = Quantize(typ, q, x) }, typ.String())
				y := make([]float32, QKK)
				require.NoError(t, Dequantize(typ, y, q))
			}
		}
	})
}

// roundAwayInt8 is a fast path for (int8_t)roundf(f); check it against
// the plain definition on halves, near-halves, large and special values.
func TestRoundAwayInt8(t *testing.T) {
	ref := func(f float32) int8 { return cInt8(float32(math.Round(float64(f)))) }
	vals := []float32{0, float32(math.Copysign(0, -1)), 0.5, -0.5, 1.5, -1.5, 126.5, -126.5, 127.49999, 127.5, -128.5,
		0.49999997, -0.49999997, 1 << 22, 1<<23 - 0.5, 1 << 23, -(1 << 23), 1 << 24, 3e9, -3e9, 1e38,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-45}
	r := newTestRand(9)
	for range 100000 {
		vals = append(vals, float32(r.NormFloat64()*100), float32(r.IntN(600)-300)/2, math.Nextafter32(float32(r.IntN(600)-300)/2, float32(r.NormFloat64())))
	}
	for _, v := range vals {
		require.Equal(t, ref(v), roundAwayInt8(v), "%g", v)
	}
}
