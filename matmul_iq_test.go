package lcrun

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestIQTilesScales runs every implementation of the non-linear 4-bit
// tiles on hand-made blocks whose scales span each format's range,
// against its Go twin: random nibbles (all 16 levels, MXFP4's -0
// included), IQ4_XS sub-scales over all of 0..63, f16 scales from
// subnormal to 65504 with ±0, ±Inf and NaN, and every MXFP4 exponent
// class (the subnormals 0 and 1, 255 = 2^127). The special scale is in
// one block of three in the first half of the rows and in every block of
// the others (so that tiny scales are not drowned), at unaligned starts. Finite results
// must agree to 1e-5 of the sum of |terms|; a NaN scale must give NaN,
// an infinite one a non-finite result where the twin's is: the tiles add
// in other groupings (per lane; IQ4_XS's sub-blocks in int32 before the
// scale), so Inf meets zero or an opposite Inf in other places, and Inf
// and NaN may trade.
func TestIQTilesScales(t *testing.T) {
	f16s := []uint16{0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x2e66, 0x3c00, 0xbc00, 0x7bff, 0x7c00, 0xfc00, 0x7e00}
	var exps []uint16
	for _, e := range []int{0, 1, 2, 3, 100, 127, 128, 200, 254, 255} {
		exps = append(exps, uint16(e))
	}
	for _, tc := range []struct {
		slot   *kernel[tile[byte, byte]]
		w, act DType
		dot    func(w, x []byte, nb int) float32
		scales []uint16
		put    func(blk []byte, s uint16)
	}{
		{matmulIQ4_NLK, IQ4_NL, Q8_0, vecDotIQ4_NL, f16s, func(b []byte, s uint16) { binary.LittleEndian.PutUint16(b, s) }},
		{matmulIQ4_XSK, IQ4_XS, Q8_K, vecDotIQ4_XS, f16s, func(b []byte, s uint16) { binary.LittleEndian.PutUint16(b, s) }},
		{matmulMXFP4K, MXFP4, Q8_0, vecDotMXFP4, exps, func(b []byte, s uint16) { b[0] = uint8(s) }},
	} {
		r := newRand(uint64(tc.w) + 90)
		bs, bb := tc.w.BlockSize(), tc.w.BlockBytes()
		const nb = 3
		k := nb * bs
		rb := nb * bb
		xrb, err := tc.act.RowBytes(k)
		require.NoError(t, err)
		for _, im := range tc.slot.impls {
			tl := im.fn
			for _, sc := range tc.scales {
				t.Run(fmt.Sprintf("%s/%s/%#x", tc.w, im.name, sc), func(t *testing.T) {
					rows, cols := tl.mr, tl.nr
					off := int(sc) % 4
					wbuf := make([]byte, off+rows*rb)
					w := wbuf[off:]
					for i := range w {
						w[i] = byte(r.Uint32())
					}
					for i := range rows {
						for b := range nb {
							blk := w[i*rb+b*bb:]
							if b == 1 || i >= rows/2 {
								tc.put(blk, sc)
							} else {
								tc.put(blk, normalScale(tc.w, r))
							}
						}
					}
					// Small activations keep MXFP4's 2^127 from overflowing
					// the finite sums.
					x := randVec(r, cols*k, 0, 1e-4)
					xbuf := make([]byte, 1+cols*xrb)
					xq := xbuf[1:]
					for j := range cols {
						quantizeRow(tc.act, xq[j*xrb:(j+1)*xrb], x[j*k:(j+1)*k])
					}
					ldd := rows + 1
					dst := newGuarded(cols*ldd, 1)
					tl.fn(dst.s(), ldd, w, rb, xq, xrb, k, rows, cols)
					dst.check(t)
					wf := make([]float32, k)
					xf := effectiveActivations(t, tc.w, x, cols, k)
					for j := range cols {
						for i := range rows {
							want := tc.dot(w[i*rb:(i+1)*rb], xq[j*xrb:(j+1)*xrb], nb)
							got := dst.s()[j*ldd+i]
							require.NoError(t, Dequantize(tc.w, wf, w[i*rb:(i+1)*rb]))
							var mag float64
							for c := range k {
								mag += math.Abs(float64(wf[c]) * float64(xf[j*k+c]))
							}
							switch {
							case tc.w != MXFP4 && math.IsNaN(float64(F16ToF32(sc))):
								require.True(t, math.IsNaN(float64(got)), "(%d,%d): NaN scale, tile %g", i, j, got)
							case !isFinite32(want):
								require.False(t, isFinite32(got), "(%d,%d): twin %g, tile %g", i, j, want, got)
							default:
								require.InDelta(t, want, got, 1e-5*mag+1e-44, "(%d,%d)", i, j) // a few float32 subnormal units
							}
						}
					}
				})
			}
		}
	}
}

// normalScale is an ordinary block scale of format t: an f16 around
// 1/127 for the IQ4 types, an exponent around 2^-7 for MXFP4.
func normalScale(t DType, r interface{ IntN(int) int }) uint16 {
	if t == MXFP4 {
		return uint16(118 + r.IntN(6))
	}
	return F32ToF16(float32(1+r.IntN(100)) / 12700)
}

func isFinite32(f float32) bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }
