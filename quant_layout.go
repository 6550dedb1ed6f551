package lcrun

import (
	"math"

	"github.com/lcrun/lcrun/dtype"
)

// Block layouts, byte offsets inside one block, as ggml lays them out
// (ggml-common.h). Multi-byte fields are little-endian; "f16" is IEEE
// binary16 (F16ToF32). Kernel authors writing fused dot products read the
// blocks through these constants; the block sizes Block*Bytes are package
// dtype's, the figures DType.BlockBytes reports.
//
// The 32-value formats (QK = 32 values per block):
//
//	Q4_0  d f16 | qs[16]: byte j holds value j in its low nibble and value
//	      j+16 in its high nibble; x = d*(q-8).
//	Q4_1  d f16 | m f16 | qs[16] as Q4_0; x = d*q + m.
//	Q5_0  d f16 | qh u32 | qs[16] as Q4_0; bit j of qh is the fifth bit of
//	      value j (j < 32); x = d*(q-16).
//	Q5_1  d f16 | m f16 | qh u32 | qs[16]; x = d*q + m.
//	Q8_0  d f16 | qs int8[32]; x = d*q.
//	Q8_1  d f16 | s f16 | qs int8[32]; x = d*q, s = d*sum(q) (for dot
//	      products with Q4_1/Q5_1).
//
// The K-quants (QKK = 256 values per super-block). Value e of a block is
// described in each layout's comment below by h = e/128 (half),
// c = e/64 (chunk), g = (e%128)/32 (group in a half), l = e%32.
const (
	BlockQ4_0Bytes = dtype.BlockQ4_0Bytes
	Q4_0OffD       = 0
	Q4_0OffQs      = 2

	BlockQ4_1Bytes = dtype.BlockQ4_1Bytes
	Q4_1OffD       = 0
	Q4_1OffM       = 2
	Q4_1OffQs      = 4

	BlockQ5_0Bytes = dtype.BlockQ5_0Bytes
	Q5_0OffD       = 0
	Q5_0OffQh      = 2
	Q5_0OffQs      = 6

	BlockQ5_1Bytes = dtype.BlockQ5_1Bytes
	Q5_1OffD       = 0
	Q5_1OffM       = 2
	Q5_1OffQh      = 4
	Q5_1OffQs      = 8

	BlockQ8_0Bytes = dtype.BlockQ8_0Bytes
	Q8_0OffD       = 0
	Q8_0OffQs      = 2

	BlockQ8_1Bytes = dtype.BlockQ8_1Bytes
	Q8_1OffD       = 0
	Q8_1OffS       = 2
	Q8_1OffQs      = 4
)

// Q2_K: scales[16] | qs[64] | d f16 | dmin f16.
// Sub-block s = e/16 has scale byte scales[s]: low nibble sc, high nibble
// m. The 2-bit q of value e is (qs[32h+l] >> 2g) & 3 and
// x = d*sc*q - dmin*m.
const (
	BlockQ2_KBytes = dtype.BlockQ2_KBytes
	Q2_KOffScales  = 0
	Q2_KOffQs      = 16
	Q2_KOffD       = 80
	Q2_KOffDmin    = 82
)

// Q3_K: hmask[32] | qs[64] | scales[12] | d f16.
// The low two bits of value e are (qs[32h+l] >> 2g) & 3; its third bit is
// bit 4h+g of hmask[l], and a clear bit means "subtract 4", so
// q = low - 4*(1-bit) is in -4..3. Sub-block s = e/16 has a 6-bit scale:
// low four bits from scales[s] (s < 8) or scales[s-8]>>4 (s >= 8), high two
// bits (scales[8+s%4] >> 2*(s/4)) & 3; sc = that - 32 and x = d*sc*q.
const (
	BlockQ3_KBytes = dtype.BlockQ3_KBytes
	Q3_KOffHmask   = 0
	Q3_KOffQs      = 32
	Q3_KOffScales  = 96
	Q3_KOffD       = 108
)

// Q4_K: d f16 | dmin f16 | scales[12] | qs[128].
// Sub-block s = e/32 has a 6-bit scale sc and 6-bit min m packed in the
// 12 scale bytes (see ScaleMinK4). The 4-bit q of value e is
// qs[32c+l] & 15 for the first 32 values of chunk c and qs[32c+l] >> 4 for
// the second 32; x = d*sc*q - dmin*m.
const (
	BlockQ4_KBytes = dtype.BlockQ4_KBytes
	Q4_KOffD       = 0
	Q4_KOffDmin    = 2
	Q4_KOffScales  = 4
	Q4_KOffQs      = 16
)

// Q5_K: d f16 | dmin f16 | scales[12] | qh[32] | qs[128].
// As Q4_K, plus a fifth bit: bit s of qh[l] (s = e/32) adds 16 to q.
const (
	BlockQ5_KBytes = dtype.BlockQ5_KBytes
	Q5_KOffD       = 0
	Q5_KOffDmin    = 2
	Q5_KOffScales  = 4
	Q5_KOffQh      = 16
	Q5_KOffQs      = 48
)

// Q6_K: ql[128] | qh[64] | scales int8[16] | d f16.
// The low four bits of value e come from ql[64h + 32*(g&1) + l], low nibble
// for g < 2, high nibble for g >= 2; the high two bits are
// (qh[32h+l] >> 2g) & 3. q = that 6-bit value - 32 and
// x = d*scales[e/16]*q.
const (
	BlockQ6_KBytes = dtype.BlockQ6_KBytes
	Q6_KOffQl      = 0
	Q6_KOffQh      = 128
	Q6_KOffScales  = 192
	Q6_KOffD       = 208
)

// Q8_K: d f32 | qs int8[256] | bsums int16[16].
// x = d*q; bsums[i] is the sum of qs[16i..16i+15], kept so that dot
// products with the K-quants can apply the mins once per 16 values.
const (
	BlockQ8_KBytes = dtype.BlockQ8_KBytes
	Q8_KOffD       = 0
	Q8_KOffQs      = 4
	Q8_KOffBsums   = 260
)

// The ternary formats (QKK = 256 values per block, each -1, 0 or 1 times
// the block's scale d).
//
// TQ1_0: qs[48] | qh[4] | d f16. A byte holds up to five trits t (the
// stored digit t = value+1, 0..2) as the fixed-point fraction
// ceil(256*T/243) of T = 81*t0 + 27*t1 + 9*t2 + 3*t3 + t4, so trit n (t0
// first) is (uint8(b*3^n)*3) >> 8: multiplying by 3^n mod 256 drops the
// first n digits, and the top digit of the rest is its first base-3
// digit. Value e < 160 is trit e/32 of qs[e%32]; 160 <= e < 240 is trit
// (e-160)/16 of qs[32+(e-160)%16]; e >= 240 is trit (e-240)/4 of
// qh[(e-240)%4], whose bytes hold four trits in positions 0..3.
// x = (t-1)*d.
const (
	BlockTQ1_0Bytes = dtype.BlockTQ1_0Bytes
	TQ1_0OffQs      = 0
	TQ1_0OffQh      = 48
	TQ1_0OffD       = 52
)

// TQ2_0: qs[64] | d f16. Value e has the 2-bit t = (qs[32h+l] >> 2g) & 3
// (h = e/128, g = (e%128)/32, l = e%32, as Q2_K) and x = (t-1)*d; the
// quantiser writes t in 0..2, a 3 would read as 2*d.
const (
	BlockTQ2_0Bytes = dtype.BlockTQ2_0Bytes
	TQ2_0OffQs      = 0
	TQ2_0OffD       = 64
)

// ScaleMinK4 unpacks the 6-bit scale and min of sub-block j (0..7) from the
// 12 scale bytes of a Q4_K or Q5_K block: sub-blocks 0..3 keep their low
// six bits in bytes j (scale) and j+4 (min); sub-blocks 4..7 keep their low
// four bits in the nibbles of byte j+4 and their top two bits in the top
// bits of bytes j-4 (scale) and j (min).
func ScaleMinK4(j int, scales []byte) (sc, m uint8) {
	_ = scales[11]
	if j < 4 {
		return scales[j] & 63, scales[j+4] & 63
	}
	return scales[j+4]&0xf | (scales[j-4]>>6)<<4, scales[j+4]>>4 | (scales[j]>>6)<<4
}

// scaleQ3K returns the signed 6-bit scale of sub-block s (0..15) of a Q3_K
// block from its 12 scale bytes.
func scaleQ3K(s int, scales []byte) int32 {
	var low uint8
	if s < 8 {
		low = scales[s] & 0xf
	} else {
		low = scales[s-8] >> 4
	}
	high := (scales[8+s%4] >> (2 * (s / 4))) & 3
	return int32(low|high<<4) - 32
}

// The non-linear 4-bit formats. Their nibbles are indices into a table of
// 16 int8 values (kvaluesIQ4NL, kvaluesMXFP4 in quant_iq.go), packed as
// Q4_0's: in each run of 16 bytes, byte j holds value j of the 32 in its
// low nibble and value j+16 in its high nibble.
//
//	IQ4_NL  d f16 | qs[16]; x = d*kvaluesIQ4NL[q].
//	IQ4_XS  d f16 | scales_h u16 | scales_l[4] | qs[128]; 32-value
//	        sub-block s (0..7) takes qs[16s..16s+15] and a 6-bit scale
//	        ls: low four bits the nibble s%2 of scales_l[s/2], high two
//	        bits (scales_h >> 2s) & 3; x = d*(ls-32)*kvaluesIQ4NL[q].
//	MXFP4   e u8 | qs[16]; e is an e8m0 exponent, x =
//	        2^(e-128)*kvaluesMXFP4[q] (the table holds doubled e2m1
//	        values, hence 2^(e-128), not 2^(e-127)).
const (
	BlockIQ4_NLBytes = dtype.BlockIQ4_NLBytes
	IQ4_NLOffD       = 0
	IQ4_NLOffQs      = 2

	BlockIQ4_XSBytes = dtype.BlockIQ4_XSBytes
	IQ4_XSOffD       = 0
	IQ4_XSOffScalesH = 2
	IQ4_XSOffScalesL = 4
	IQ4_XSOffQs      = 8

	BlockMXFP4Bytes = dtype.BlockMXFP4Bytes
	MXFP4OffE       = 0
	MXFP4OffQs      = 1
)

// scaleIQ4XS returns the 6-bit scale ls (0..63) of sub-block s (0..7) of
// an IQ4_XS block; the sub-block's multiplier is ls-32.
func scaleIQ4XS(s int, blk []byte) int32 {
	h := uint16(blk[IQ4_XSOffScalesH]) | uint16(blk[IQ4_XSOffScalesH+1])<<8
	low := blk[IQ4_XSOffScalesL+s/2] >> (4 * (s % 2)) & 0xf
	return int32(low) | int32(h>>(2*s)&3)<<4
}

// e8m0Half is 2^(e-128) as float32, the MXFP4 block scale: e >= 2 is the
// normal number with exponent field e-1; e = 1 and e = 0 are the
// subnormals 2^-127 and 2^-128. e = 255 is 2^127 (no NaN).
func e8m0Half(e uint8) float32 {
	if e < 2 {
		return math.Float32frombits(0x00200000 << e)
	}
	return math.Float32frombits(uint32(e-1) << 23)
}
