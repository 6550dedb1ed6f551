package lcrun

import (
	"encoding/binary"
	"math"
)

// IQ4_NL, IQ4_XS and MXFP4: 4-bit indices into a table of 16 int8 levels
// (layouts in quant_layout.go). The dequantisers are ggml's
// dequantize_row_iq4_nl / _iq4_xs / _mxfp4 operation for operation. The
// IQ4 quantisers search each block's scale the way ggml's
// quantize_iq4_nl / quantize_iq4_xs do without an importance matrix (what
// llama-quantize uses then); MXFP4's is quantize_row_mxfp4_ref's method
// with its exponent taken exactly from the float's bits.

// kvaluesIQ4NL are the IQ4 levels: a non-uniform grid, denser near zero,
// fitted to normally distributed weights.
var kvaluesIQ4NL = [16]int8{-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113}

// kvaluesMXFP4 are twice the e2m1 values 0, 0.5, 1, 1.5, 2, 3, 4, 6 and
// their negatives (index 8 is -0), so that they are integers.
var kvaluesMXFP4 = [16]int8{0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12}

// unpackNibbles writes the 32 values of one 16-byte run of nibbles
// through table tab, scaled by d: y[j] from the low nibble of qs[j],
// y[j+16] from its high nibble.
func unpackNibbles(y []float32, qs []byte, tab *[16]int8, d float32) {
	y, qs = y[:32], qs[:16]
	for j, q := range qs {
		y[j] = d * float32(tab[q&0xf])
		y[j+16] = d * float32(tab[q>>4])
	}
}

func dequantIQ4_NL(dst []float32, src []byte) {
	for i := range len(dst) / QK {
		b := src[i*BlockIQ4_NLBytes:][:BlockIQ4_NLBytes]
		unpackNibbles(dst[i*QK:], b[IQ4_NLOffQs:], &kvaluesIQ4NL, f16At(b[IQ4_NLOffD:]))
	}
}

func dequantIQ4_XS(dst []float32, src []byte) {
	for i := range len(dst) / QKK {
		b := src[i*BlockIQ4_XSBytes:][:BlockIQ4_XSBytes]
		d := f16At(b[IQ4_XSOffD:])
		for s := range QKK / 32 {
			dl := d * float32(scaleIQ4XS(s, b)-32)
			unpackNibbles(dst[i*QKK+32*s:], b[IQ4_XSOffQs+16*s:], &kvaluesIQ4NL, dl)
		}
	}
}

func dequantMXFP4(dst []float32, src []byte) {
	for i := range len(dst) / QK {
		b := src[i*BlockMXFP4Bytes:][:BlockMXFP4Bytes]
		unpackNibbles(dst[i*QK:], b[MXFP4OffQs:], &kvaluesMXFP4, e8m0Half(b[MXFP4OffE]))
	}
}

// nearestIQ4 is the index of the level of kvaluesIQ4NL nearest to x
// (ggml's best_index_int8): the ends for x outside the table, the upper
// of two levels on a tie, and 15 for NaN.
func nearestIQ4(x float32) uint8 {
	v := &kvaluesIQ4NL
	if x <= float32(v[0]) {
		return 0
	}
	if x >= float32(v[15]) {
		return 15
	}
	lo, hi := 0, 15
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if x < float32(v[mid]) {
			hi = mid
		} else {
			lo = mid
		}
	}
	if x-float32(v[hi-1]) < float32(v[hi])-x {
		return uint8(hi - 1)
	}
	return uint8(hi)
}

// iq4Tries is how far around the first guess the scale search goes: the
// table's end level -127 is replaced by -127±iq4Tries when dividing the
// block's extreme value, as ggml does for files.
const iq4Tries = 7

// iq4BlockScale searches the scale of 32 values for the IQ4 table,
// minimising the squared error weighted by x² (ggml's weighting without
// an importance matrix). It returns 0 for a block whose values are all
// below groupMaxEps in magnitude.
func iq4BlockScale(x []float32) float32 {
	x = x[:32]
	max, amax := signedAbsMax(x)
	if amax < groupMaxEps {
		return 0
	}
	// fit returns the weighted sums of the least-squares scale for the
	// levels that x*id rounds to.
	fit := func(id float32) (sumqx, sumq2 float32) {
		for _, v := range x {
			q := float32(kvaluesIQ4NL[nearestIQ4(float32(id*v))])
			w := float32(v * v)
			sumqx += float32(float32(w*q) * v)
			sumq2 += float32(float32(w*q) * q)
		}
		return sumqx, sumq2
	}
	// First guess: the extreme value at +127, just past the top level;
	// the tries then put it on -127±iq4Tries, the other orientation.
	d := -max / float32(kvaluesIQ4NL[0])
	sumqx, sumq2 := fit(1 / d)
	d = sumqx / sumq2
	best := float32(d * sumqx)
	for try := -iq4Tries; try <= iq4Tries; try++ {
		sumqx, sumq2 := fit(float32(try+int(kvaluesIQ4NL[0])) / max)
		if sumq2 > 0 && float32(sumqx*sumqx) > float32(best*sumq2) {
			d = sumqx / sumq2
			best = float32(d * sumqx)
		}
	}
	return d
}

// packIQ4 quantises 32 values to table indices with the inverse scale id
// and packs them as nibbles into qs[0:16].
func packIQ4(qs []byte, x []float32, id float32) {
	qs, x = qs[:16], x[:32]
	for j := range qs {
		qs[j] = nearestIQ4(float32(id*x[j])) | nearestIQ4(float32(id*x[j+16]))<<4
	}
}

func quantIQ4_NL(dst []byte, src []float32) {
	for i := range len(src) / QK {
		xb := src[i*QK:][:QK]
		b := dst[i*BlockIQ4_NLBytes:][:BlockIQ4_NLBytes]
		d := iq4BlockScale(xb)
		putF16(b[IQ4_NLOffD:], d)
		packIQ4(b[IQ4_NLOffQs:], xb, inverse(d))
	}
}

// quantIQ4_XS: the eight sub-block scales from iq4BlockScale, then a
// super-scale d = -maxScale/32 (maxScale the sub-scale of largest
// magnitude) that maps it to the 6-bit level -32, each sub-scale rounded
// to d*l with l in -32..31, and the values re-quantised with d*l.
func quantIQ4_XS(dst []byte, src []float32) {
	var scales [QKK / 32]float32
	for i := range len(src) / QKK {
		xb := src[i*QKK:][:QKK]
		b := dst[i*BlockIQ4_XSBytes:][:BlockIQ4_XSBytes]
		for s := range scales {
			scales[s] = iq4BlockScale(xb[32*s:])
		}
		maxScale, _ := signedAbsMax(scales[:])
		d := -maxScale / 32
		putF16(b[IQ4_XSOffD:], d)
		id := inverse(d)
		var h uint16
		clear(b[IQ4_XSOffScalesL : IQ4_XSOffScalesL+4])
		for s, sc := range scales {
			l := max(-32, min(31, nearestInt(float32(id*sc))))
			packIQ4(b[IQ4_XSOffQs+16*s:], xb[32*s:], inverse(float32(d*float32(l))))
			l += 32
			b[IQ4_XSOffScalesL+s/2] |= uint8(l&0xf) << (4 * (s % 2))
			h |= uint16(l>>4) << (2 * s)
		}
		binary.LittleEndian.PutUint16(b[IQ4_XSOffScalesH:], h)
	}
}

// quantMXFP4: the exponent puts the block's largest magnitude amax,
// 2^k <= amax < 2^(k+1), on the table's top levels: scale 2^(k-2) in
// e2m1 units, stored as e = k-2+127, clamped to the byte (ggml computes k
// as floorf(log2f(amax)), which can round up just below a power of two,
// and lets e wrap for amax below 2^-125). Each value then takes the
// nearest level, the first on ties.
func quantMXFP4(dst []byte, src []float32) {
	for i := range len(src) / QK {
		xb := src[i*QK:][:QK]
		b := dst[i*BlockMXFP4Bytes:][:BlockMXFP4Bytes]
		_, amax := signedAbsMax(xb)
		e := uint8(0)
		if amax > 0 {
			_, exp := math.Frexp(float64(amax)) // amax in [2^(exp-1), 2^exp)
			e = uint8(max(0, min(255, exp-1-2+127)))
		}
		b[MXFP4OffE] = e
		d := e8m0Half(e)
		qs := b[MXFP4OffQs:][:QK/2]
		for j := range qs {
			qs[j] = nearestMXFP4(xb[j], d) | nearestMXFP4(xb[j+QK/2], d)<<4
		}
	}
}

// nearestMXFP4 is the index of the level d*kvaluesMXFP4[i] nearest to x,
// the first on ties (0 for NaN).
func nearestMXFP4(x, d float32) uint8 {
	best, bestErr := uint8(0), absf(float32(d*float32(kvaluesMXFP4[0]))-x)
	for i := 1; i < 16; i++ {
		if err := absf(float32(d*float32(kvaluesMXFP4[i])) - x); err < bestErr {
			best, bestErr = uint8(i), err
		}
	}
	return best
}
