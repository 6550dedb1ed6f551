package lcrun

import "math"

// TQ1_0 and TQ2_0: ternary weights (BitNet b1.58, TriLM), 256 values per
// block, each -1, 0 or 1 times one f16 scale. quant_layout.go describes
// the packing. The quantisers follow ggml's quantize_row_tq*_0_ref: the
// scale is the block's largest magnitude and each value is rounded to the
// nearest trit (halves away from zero), so the round trip moves a value
// by at most half the scale.

// tq1Pow3 are the multipliers that bring trit n of a TQ1_0 byte to the
// top: 3^n, with 3^5 = 243 for completeness of the table.
var tq1Pow3 = [6]uint8{1, 3, 9, 27, 81, 243}

// tq1Trit is trit n (0 = most significant) of a TQ1_0 byte, 0..2:
// uint8(b*3^n) keeps the fraction b/256 scaled by 3^n, and its top
// base-3 digit is (that*3) >> 8.
func tq1Trit(b uint8, n int) int32 {
	return int32(uint16(b*tq1Pow3[n]) * 3 >> 8)
}

// tq1Group is one run of TQ1_0 bytes: count bytes from byte off, each
// holding trits trits of the values at x[first + m + n*count] (m the
// byte, n the trit).
type tq1Group struct{ off, count, trits, first int }

// tq1Groups are TQ1_0's three runs: 32 bytes of five trits (values
// 0..159), 16 bytes of five (160..239) and the 4 qh bytes of four
// (240..255).
var tq1Groups = [3]tq1Group{
	{TQ1_0OffQs, 32, 5, 0},
	{TQ1_0OffQs + 32, 16, 5, 160},
	{TQ1_0OffQh, 4, 4, 240},
}

func dequantTQ1_0(dst []float32, src []byte) {
	for i := range len(dst) / QKK {
		b := src[i*BlockTQ1_0Bytes : (i+1)*BlockTQ1_0Bytes]
		y := dst[i*QKK : (i+1)*QKK]
		d := f16At(b[TQ1_0OffD:])
		for _, g := range tq1Groups {
			qs := b[g.off : g.off+g.count]
			for n := range g.trits {
				yn := y[g.first+n*g.count : g.first+(n+1)*g.count]
				for m, q := range qs {
					yn[m] = float32(tq1Trit(q, n)-1) * d
				}
			}
		}
	}
}

func dequantTQ2_0(dst []float32, src []byte) {
	for i := range len(dst) / QKK {
		b := src[i*BlockTQ2_0Bytes : (i+1)*BlockTQ2_0Bytes]
		y := dst[i*QKK : (i+1)*QKK]
		d := f16At(b[TQ2_0OffD:])
		for h := range 2 {
			qs := b[TQ2_0OffQs+32*h : TQ2_0OffQs+32*h+32]
			for g := range 4 {
				yg := y[128*h+32*g : 128*h+32*g+32]
				for l, q := range qs {
					yg[l] = float32(int32(q>>(2*g)&3)-1) * d
				}
			}
		}
	}
}

// ternaryScale is the TQ quantisers' scale: the largest magnitude (C's
// MAX, so a NaN is dropped by the next value) and its inverse, 0 for an
// all-zero block.
func ternaryScale(x []float32) (d, id float32) {
	for _, v := range x {
		d = cMax(d, absf(v))
	}
	return d, inverse(d)
}

// tritOf is the stored digit of value v scaled by id, as the low byte of
// C's "lroundf(v*id) + 1" on x86-64 (glibc): 0, 1, 2 for -1, 0, 1. A
// value that NaN dropped from the scale can exceed it and give a larger
// digit, and NaN or a value beyond the range of long gives LONG_MIN,
// whose low byte plus one is 1; both wrap in the byte arithmetic as they
// do in C.
func tritOf(v, id float32) uint8 {
	f := v * id
	if !(f > -(1<<63) && f < 1<<63) {
		return 1
	}
	return uint8(int64(math.Round(float64(f))) + 1)
}

// tq1Pack turns base-3 digits T (most significant first, as many as the
// byte holds, the qh bytes' fifth digit 0) into the byte
// ceil(256*T/243), the fraction the trit extraction reads back.
func tq1Pack(T uint8) uint8 { return uint8((uint16(T)*256 + 242) / 243) }

func quantTQ1_0(dst []byte, src []float32) {
	for i := range len(src) / QKK {
		x := src[i*QKK : (i+1)*QKK]
		b := dst[i*BlockTQ1_0Bytes : (i+1)*BlockTQ1_0Bytes]
		d, id := ternaryScale(x)
		putF16(b[TQ1_0OffD:], d)
		for _, g := range tq1Groups {
			for m := range g.count {
				var T uint8
				for n := range g.trits {
					T = T*3 + tritOf(x[g.first+m+n*g.count], id)
				}
				if g.trits == 4 {
					T *= 3 // the qh bytes' four trits take the top positions
				}
				b[g.off+m] = tq1Pack(T)
			}
		}
	}
}

func quantTQ2_0(dst []byte, src []float32) {
	for i := range len(src) / QKK {
		x := src[i*QKK : (i+1)*QKK]
		b := dst[i*BlockTQ2_0Bytes : (i+1)*BlockTQ2_0Bytes]
		d, id := ternaryScale(x)
		putF16(b[TQ2_0OffD:], d)
		for h := range 2 {
			for l := range 32 {
				var q uint8
				for g := range 4 {
					q |= (tritOf(x[128*h+32*g+l], id) & 3) << (2 * g)
				}
				b[TQ2_0OffQs+32*h+l] = q
			}
		}
	}
}
