package lcrun

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The ternary formats' layout cases join TestDequantizeLayout's table.
// The expected trit of a TQ1_0 byte b is computed here by integer
// division: b stands for the fraction b/256, whose first five base-3
// digits are those of floor(b*243/256), most significant first; the
// dequantiser reads them with the multiply-by-3^n trick instead.
func init() {
	layoutCases = append(layoutCases,
		layoutCase{TQ1_0, func(r *rand.Rand, b []byte) {
			randBytes(r, b[:TQ1_0OffD])
			putF16Exact(b[TQ1_0OffD:], pick(r))
		}, func(b []byte, e int) float64 {
			var byteAt, n int
			switch {
			case e < 160:
				byteAt, n = e%32, e/32
			case e < 240:
				byteAt, n = 32+(e-160)%16, (e-160)/16
			default:
				byteAt, n = 48+(e-240)%4, (e-240)/4
			}
			digits := int(b[byteAt]) * 243 / 256
			for range 4 - n {
				digits /= 3
			}
			return f16Of(b[52:]) * float64(digits%3-1)
		}},
		layoutCase{TQ2_0, func(r *rand.Rand, b []byte) {
			randBytes(r, b[:TQ2_0OffD])
			putF16Exact(b[TQ2_0OffD:], pick(r))
		}, func(b []byte, e int) float64 {
			h, g, l := e/128, e%128/32, e%32
			return f16Of(b[64:]) * float64(int(b[32*h+l]>>(2*g)&3)-1)
		}},
	)
}

// TestDequantizeTernaryLiterals checks values worked out by hand.
func TestDequantizeTernaryLiterals(t *testing.T) {
	tq1 := make([]byte, BlockTQ1_0Bytes)
	putF16Exact(tq1[52:], 0.5)
	// Trits 2,0,1,1,2: T = 162+0+9+3+2 = 176, byte ceil(176*256/243) =
	// 186; elements 0, 32, 64, 96, 128.
	tq1[0] = 186
	// Byte 2 = ceil(256*1/243): trits 0,0,0,0,1; byte 37 holds elements
	// 165, 181, 197, 213, 229.
	tq1[37] = 2
	// qh[3], trits 1,2,0,2 (and a fifth 0): T = 3*(27+18+0+2) = 141, byte
	// ceil(141*256/243) = 149; elements 243, 247, 251, 255.
	tq1[48+3] = 149
	tq2 := make([]byte, BlockTQ2_0Bytes)
	putF16Exact(tq2[64:], 2)
	// Byte 33 (half 1, l 1): elements 129, 161, 193, 225 get 0,1,2,3.
	tq2[33] = 0b11_10_01_00
	cases := []struct {
		t     DType
		blk   []byte
		spots map[int]float32
	}{
		{TQ1_0, tq1, map[int]float32{0: 0.5, 32: -0.5, 64: 0, 96: 0, 128: 0.5, 1: -0.5,
			165: -0.5, 181: -0.5, 197: -0.5, 213: -0.5, 229: 0,
			243: 0, 247: 0.5, 251: -0.5, 255: 0.5, 240: -0.5}},
		{TQ2_0, tq2, map[int]float32{129: -2, 161: 0, 193: 2, 225: 4, 0: -2}},
	}
	for _, tc := range cases {
		dst := make([]float32, QKK)
		require.NoError(t, Dequantize(tc.t, dst, tc.blk))
		for e, want := range tc.spots {
			require.Equal(t, want, dst[e], "%s element %d", tc.t, e)
		}
	}
}

// boundTernary: d = amax and the trit is x/d rounded to nearest, so
// |x - t*d| <= d/2; the block stores D = f16(d), adding |d - D| for
// |t| <= 1.
func boundTernary(offD int) blockBound {
	return func(x []float64, blk []byte, bound []float64) {
		amax, _ := absMax64(x)
		D := float64(f16At(blk[offD:]))
		for i, v := range x {
			bound[i] = amax/2 + math.Abs(amax-D) + (math.Abs(v)+amax)*rel
		}
	}
}

// TestQuantizeTernaryRounding: halves round away from zero (C's lroundf),
// the scale is the largest magnitude, and a value that a NaN dropped from
// the scale still lands in the byte as ggml's arithmetic puts it.
func TestQuantizeTernaryRounding(t *testing.T) {
	x := make([]float32, QKK)
	for i := range x {
		x[i] = 0.25
	}
	x[3], x[4], x[5], x[6], x[7] = -2, 1, -1, 0.99999994, -0.99999994 // halves and just below, at scale 2
	x[200] = 2                                                        // the block's scale
	for _, typ := range []DType{TQ1_0, TQ2_0} {
		t.Run(typ.String(), func(t *testing.T) {
			q := make([]byte, typ.BlockBytes())
			require.NoError(t, Quantize(typ, q, x))
			y := make([]float32, QKK)
			require.NoError(t, Dequantize(typ, y, q))
			want := map[int]float32{0: 0, 3: -2, 4: 2, 5: -2, 6: 0, 7: 0, 200: 2}
			for e, w := range want {
				require.Equal(t, w, y[e], fmt.Sprintf("element %d", e))
			}
		})
	}
	// With a NaN at element 1 ggml's MAX scan forgets 4 at element 0; the
	// scale is then 1, 4 rounds to 4 and is stored as digit 5, whose low
	// two bits in TQ2_0 read back as 1, the digit of 0. The NaN itself
	// rounds as LONG_MIN to digit 1, also 0.
	clear(x)
	x[0], x[1], x[2] = 4, float32(math.NaN()), -1
	q := make([]byte, BlockTQ2_0Bytes)
	require.NoError(t, Quantize(TQ2_0, q, x))
	require.Equal(t, float32(1), f16At(q[TQ2_0OffD:]))
	require.Equal(t, uint8(1|1<<2), q[0]&0xf, "elements 0 and 32")
	require.Equal(t, uint8(1), q[1]&3, "element 1")
	require.Equal(t, uint8(0), q[2]&3, "element 2")
}
