package lcrun

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// The Q8_0 row conversions behind the quantised MatMul and the Q8_0 KV
// cache: every implementation must match the reference functions bit for
// bit (the quantiser is llama.cpp's x86 one, so golden outputs depend on
// it), for 0..67 blocks and more, unaligned inputs, guarded outputs and
// non-finite values.

func q8TestBlocks() []int {
	var nb []int
	for i := 0; i <= 67; i++ {
		nb = append(nb, i)
	}
	return append(nb, 129, 1000)
}

// q8TestRow is nb blocks of N(0, scale) values starting off floats into a
// buffer, with blocks of special values mixed in: all zero, exact ties of
// x*127/amax, NaN, infinities, subnormals, huge values.
func q8TestRow(nb, off int, seed uint64) []float32 {
	r := newRand(seed)
	x := randVec(r, nb*QK, off, math.Exp(r.NormFloat64()*4))
	for b := range nb {
		xb := x[b*QK : (b+1)*QK]
		switch r.IntN(10) {
		case 0:
			clear(xb)
		case 1: // amax 127: x*id = x, so halves are ties
			for i := range xb {
				xb[i] = float32(r.IntN(253)-126) + 0.5
			}
			xb[r.IntN(QK)] = -127
		case 2:
			xb[r.IntN(QK)] = float32(math.NaN())
		case 3:
			xb[r.IntN(QK)] = float32(math.Inf(1 - 2*r.IntN(2)))
		case 4:
			for i := range xb {
				xb[i] *= 1e-40
			}
		case 5:
			xb[r.IntN(QK)] = 3e38
		}
	}
	return x
}

func TestQuantizeQ8_0Slot(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, nb := range q8TestBlocks() {
			for off := range 4 {
				x := q8TestRow(nb, off, uint64(nb*4+off))
				want := make([]byte, nb*BlockQ8_0Bytes)
				QuantizeRowQ8_0Even(want, x)
				buf := make([]byte, nb*BlockQ8_0Bytes+guardCells)
				for i := range buf {
					buf[i] = 0xa5
				}
				quantizeQ8_0K.fn(buf[:nb*BlockQ8_0Bytes:nb*BlockQ8_0Bytes], x)
				require.Equal(t, want, buf[:nb*BlockQ8_0Bytes], "%d blocks, offset %d", nb, off)
				for i, v := range buf[nb*BlockQ8_0Bytes:] {
					require.Equal(t, byte(0xa5), v, "guard byte %d after %d blocks", i, nb)
				}
			}
		}
	})
}

func TestDequantQ8_0Slot(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		r := newRand(70)
		for _, nb := range q8TestBlocks() {
			for off := range 4 {
				src := make([]byte, off+nb*BlockQ8_0Bytes)
				for i := range src {
					src[i] = byte(r.Uint32())
				}
				src = src[off:]
				want := make([]float32, nb*QK)
				dequantQ8_0(want, src)
				got := newGuarded(nb*QK, 3-off)
				dequantQ8_0K.fn(got.s(), src)
				got.check(t)
				for i, w := range want {
					g := got.s()[i]
					// Random d bytes include f16 NaNs: any NaN matches.
					if math.Float32bits(w) != math.Float32bits(g) && !(w != w && g != g) {
						t.Fatalf("%d blocks: value %d = %v, want %v", nb, i, g, w)
					}
				}
			}
		}
	})
}

// TestQuantizeQ8_0SubnormalBlock: with amax subnormal, 127/amax overflows
// to Inf and x*id is ±Inf, or NaN for the zeros; x86's VCVTPS2DQ turns all
// of them into the integer indefinite, so every value quantises to -128
// (and d to 0).
func TestQuantizeQ8_0SubnormalBlock(t *testing.T) {
	x := make([]float32, QK)
	x[0], x[1] = 1e-40, -2e-40
	q := make([]byte, BlockQ8_0Bytes)
	want := make([]byte, BlockQ8_0Bytes)
	for i := range QK {
		want[Q8_0OffQs+i] = 0x80
	}
	forEachImpl(t, func(t *testing.T) {
		quantizeQ8_0K.fn(q, x)
		require.Equal(t, want, q)
	})
}

func BenchmarkQ8_0Rows(b *testing.B) {
	const n = 4096
	x := randVec(newRand(71), n, 0, 1)
	q := make([]byte, n/QK*BlockQ8_0Bytes)
	QuantizeRowQ8_0Even(q, x)
	for _, impl := range quantizeQ8_0K.implNames() {
		b.Run("quantize/impl="+impl, func(b *testing.B) {
			defer useKernels(impl)()
			b.SetBytes(4 * n)
			for b.Loop() {
				quantizeQ8_0K.fn(q, x)
			}
		})
	}
	for _, impl := range dequantQ8_0K.implNames() {
		b.Run("dequant/impl="+impl, func(b *testing.B) {
			defer useKernels(impl)()
			b.SetBytes(4 * n)
			for b.Loop() {
				dequantQ8_0K.fn(x, q)
			}
		})
	}
}

// TestQuantizeQ8_1Slot holds every implementation of the Q8_1 activation
// quantiser to its twin, bit for bit, on the rows of TestQuantizeQ8_0Slot
// (non-finite values and subnormal blocks included).
func TestQuantizeQ8_1Slot(t *testing.T) {
	forEachImpl(t, func(t *testing.T) {
		for _, nb := range q8TestBlocks() {
			for off := range 4 {
				x := q8TestRow(nb, off, uint64(nb*4+off))
				n := nb * BlockQ8_1Bytes
				want := make([]byte, n)
				quantizeRowQ8_1Even(want, x)
				buf := make([]byte, n+guardCells)
				for i := range buf {
					buf[i] = 0xa5
				}
				quantizeQ8_1K.fn(buf[:n:n], x)
				require.Equal(t, want, buf[:n], "%d blocks, offset %d", nb, off)
				for i, v := range buf[n:] {
					require.Equal(t, byte(0xa5), v, "guard byte %d after %d blocks", i, nb)
				}
			}
		}
	})
}
