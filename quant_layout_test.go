package lcrun

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Layout tests: blocks built byte by byte dequantise to the values ggml's
// layout gives them. The expected value of every element is computed here
// from the element's index alone (which byte, which bits), the way
// ggml-common.h describes the blocks, not by walking the block in the
// order the dequantisers do. Scales are chosen so that all arithmetic is
// exact, so equality is exact. Each format also has a few literal values
// worked out by hand, so that a mistake shared by this file's formulas and
// the code would still show.

// exactScales are f16 scales with exact products against small integers.
var exactScales = []float32{1, 0.5, -2, 0.25, 3, -0.125}

func putF16Exact(b []byte, f float32) {
	h := F32ToF16(f)
	if F16ToF32(h) != f {
		panic("scale not exact in f16")
	}
	binary.LittleEndian.PutUint16(b, h)
}

// layoutCase builds a random block and says what each element should be.
type layoutCase struct {
	t      DType
	build  func(r *rand.Rand, blk []byte) // fills blk (scales from exactScales)
	expect func(blk []byte, e int) float64
}

func pick(r *rand.Rand) float32 { return exactScales[r.IntN(len(exactScales))] }

func randBytes(r *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}

func f16Of(b []byte) float64 { return float64(F16ToF32(binary.LittleEndian.Uint16(b))) }

// nibble32 is the 4-bit value of element j (0..31) of a 16-byte nibble
// array laid out as the 32-value formats do.
func nibble32(qs []byte, j int) int {
	if j < 16 {
		return int(qs[j] & 15)
	}
	return int(qs[j-16] >> 4)
}

// q3Scale6 reads the 6-bit raw scale s (0..15) of a Q3_K block.
func q3Scale6(sc []byte, s int) int {
	var low int
	if s < 8 {
		low = int(sc[s] & 15)
	} else {
		low = int(sc[s-8] >> 4)
	}
	return low | int(sc[8+s%4]>>(2*(s/4))&3)<<4
}

// k4Scale reads the 6-bit scale (which=0) or min (which=1) of sub-block s
// of a Q4_K/Q5_K block, from the packing description: sub-blocks 0..3 keep
// them in the low 6 bits of bytes s and s+4; sub-blocks 4..7 keep the low
// 4 bits in byte s+4 (scale low nibble, min high nibble) and the top 2
// bits in bits 6..7 of bytes s-4 (scale) and s (min).
func k4Scale(sc []byte, s, which int) int {
	if s < 4 {
		return int(sc[s+4*which] & 63)
	}
	low := int(sc[s+4] >> (4 * which) & 15)
	return low | int(sc[s-4+4*which]>>6)<<4
}

var layoutCases = []layoutCase{
	{Q4_0, func(r *rand.Rand, b []byte) {
		putF16Exact(b, pick(r))
		randBytes(r, b[2:])
	}, func(b []byte, e int) float64 {
		return f16Of(b) * float64(nibble32(b[2:], e)-8)
	}},
	{Q4_1, func(r *rand.Rand, b []byte) {
		putF16Exact(b, pick(r))
		putF16Exact(b[2:], pick(r))
		randBytes(r, b[4:])
	}, func(b []byte, e int) float64 {
		return f16Of(b)*float64(nibble32(b[4:], e)) + f16Of(b[2:])
	}},
	{Q5_0, func(r *rand.Rand, b []byte) {
		putF16Exact(b, pick(r))
		randBytes(r, b[2:])
	}, func(b []byte, e int) float64 {
		qh := binary.LittleEndian.Uint32(b[2:])
		return f16Of(b) * float64(nibble32(b[6:], e)|int(qh>>e&1)<<4-16)
	}},
	{Q5_1, func(r *rand.Rand, b []byte) {
		putF16Exact(b, pick(r))
		putF16Exact(b[2:], pick(r))
		randBytes(r, b[4:])
	}, func(b []byte, e int) float64 {
		qh := binary.LittleEndian.Uint32(b[4:])
		return f16Of(b)*float64(nibble32(b[8:], e)|int(qh>>e&1)<<4) + f16Of(b[2:])
	}},
	{Q8_0, func(r *rand.Rand, b []byte) {
		putF16Exact(b, pick(r))
		randBytes(r, b[2:])
	}, func(b []byte, e int) float64 {
		return f16Of(b) * float64(int8(b[2+e]))
	}},
	{Q8_1, func(r *rand.Rand, b []byte) {
		putF16Exact(b, pick(r))
		putF16Exact(b[2:], pick(r)) // s is not used by dequantisation
		randBytes(r, b[4:])
	}, func(b []byte, e int) float64 {
		return f16Of(b) * float64(int8(b[4+e]))
	}},
	{Q2_K, func(r *rand.Rand, b []byte) {
		randBytes(r, b[:80])
		putF16Exact(b[80:], pick(r))
		putF16Exact(b[82:], pick(r))
	}, func(b []byte, e int) float64 {
		h, g, l := e/128, e%128/32, e%32
		q := int(b[16+32*h+l] >> (2 * g) & 3)
		sc := b[e/16]
		return f16Of(b[80:])*float64(sc&15)*float64(q) - f16Of(b[82:])*float64(sc>>4)
	}},
	{Q3_K, func(r *rand.Rand, b []byte) {
		randBytes(r, b[:108])
		putF16Exact(b[108:], pick(r))
	}, func(b []byte, e int) float64 {
		h, g, l := e/128, e%128/32, e%32
		q := int(b[32+32*h+l] >> (2 * g) & 3)
		if b[l]>>(e/32)&1 == 0 { // hmask[e%32], bit e/32
			q -= 4
		}
		return f16Of(b[108:]) * float64(q3Scale6(b[96:108], e/16)-32) * float64(q)
	}},
	{Q4_K, func(r *rand.Rand, b []byte) {
		putF16Exact(b, pick(r))
		putF16Exact(b[2:], pick(r))
		randBytes(r, b[4:])
	}, func(b []byte, e int) float64 {
		c, l := e/64, e%32
		q := int(b[16+32*c+l])
		if e%64 >= 32 {
			q >>= 4
		}
		s := e / 32
		return f16Of(b)*float64(k4Scale(b[4:16], s, 0))*float64(q&15) - f16Of(b[2:])*float64(k4Scale(b[4:16], s, 1))
	}},
	{Q5_K, func(r *rand.Rand, b []byte) {
		putF16Exact(b, pick(r))
		putF16Exact(b[2:], pick(r))
		randBytes(r, b[4:])
	}, func(b []byte, e int) float64 {
		c, l := e/64, e%32
		q := int(b[48+32*c+l])
		if e%64 >= 32 {
			q >>= 4
		}
		s := e / 32
		q = q&15 | int(b[16+l]>>s&1)<<4
		return f16Of(b)*float64(k4Scale(b[4:16], s, 0))*float64(q) - f16Of(b[2:])*float64(k4Scale(b[4:16], s, 1))
	}},
	{Q6_K, func(r *rand.Rand, b []byte) {
		randBytes(r, b[:208])
		putF16Exact(b[208:], pick(r))
	}, func(b []byte, e int) float64 {
		h, g, l := e/128, e%128/32, e%32
		low := int(b[64*h+32*(g&1)+l])
		if g >= 2 {
			low >>= 4
		}
		high := int(b[128+32*h+l] >> (2 * g) & 3)
		q := low&15 | high<<4 - 32
		return f16Of(b[208:]) * float64(int8(b[192+e/16])) * float64(q)
	}},
	{Q8_K, func(r *rand.Rand, b []byte) {
		binary.LittleEndian.PutUint32(b, math.Float32bits(pick(r)))
		randBytes(r, b[4:])
	}, func(b []byte, e int) float64 {
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))) * float64(int8(b[4+e]))
	}},
}

func TestDequantizeLayout(t *testing.T) {
	for _, tc := range layoutCases {
		t.Run(tc.t.String(), func(t *testing.T) {
			r := newTestRand(uint64(tc.t))
			bs, bb := tc.t.BlockSize(), tc.t.BlockBytes()
			const nblocks = 4
			src := make([]byte, nblocks*bb)
			for b := range nblocks {
				tc.build(r, src[b*bb:(b+1)*bb])
			}
			dst := make([]float32, nblocks*bs)
			require.NoError(t, Dequantize(tc.t, dst, src))
			for b := range nblocks {
				for e := range bs {
					want := tc.expect(src[b*bb:(b+1)*bb], e)
					require.Equal(t, want, float64(dst[b*bs+e]), "block %d element %d", b, e)
				}
			}
		})
	}
}

// TestDequantizeLayoutLiterals checks values worked out by hand from
// hand-built blocks. The comment on each case shows the arithmetic.
func TestDequantizeLayoutLiterals(t *testing.T) {
	type spot struct {
		e    int
		want float32
	}
	cases := []struct {
		name  string
		t     DType
		block func() []byte
		spots []spot
	}{
		{"Q4_0 nibble order", Q4_0, func() []byte {
			b := make([]byte, 18)
			putF16Exact(b, 0.5)
			b[2] = 0xF1    // element 0 = 1-8, element 16 = 15-8
			b[2+15] = 0x0A // element 15 = 10-8, element 31 = 0-8
			return b
		}, []spot{{0, -3.5}, {16, 3.5}, {15, 1}, {31, -4}, {1, -4}}},
		{"Q5_0 fifth bit", Q5_0, func() []byte {
			b := make([]byte, 22)
			putF16Exact(b, 1)
			binary.LittleEndian.PutUint32(b[2:], 1<<3|1<<19) // elements 3 and 19 get +16
			b[6+3] = 0x52                                    // element 3 low 2, element 19 high 5
			return b
		}, []spot{{3, 2 + 16 - 16}, {19, 5 + 16 - 16}, {0, -16}, {16, -16}}},
		{"Q5_1 min", Q5_1, func() []byte {
			b := make([]byte, 24)
			putF16Exact(b, 2)
			putF16Exact(b[2:], -1)
			binary.LittleEndian.PutUint32(b[4:], 1<<31) // element 31 +16
			b[8+15] = 0x70                              // element 15 low 0, element 31 high 7
			return b
		}, []spot{{15, -1}, {31, 2*23 - 1}}},
		{"Q2_K", Q2_K, func() []byte {
			b := make([]byte, 84)
			b[5] = 0x32                   // sub-block 5 (elements 80..95): sc 2, m 3
			b[16+32*0+16] = 0b11_10_01_00 // byte 16 of half 0: elements 16, 48, 80, 112 = 0,1,2,3
			putF16Exact(b[80:], 0.5)
			putF16Exact(b[82:], 0.25)
			return b
		}, []spot{{80, 0.5*2*2 - 0.25*3}, {16, 0}, {81, -0.75}}},
		{"Q3_K hmask", Q3_K, func() []byte {
			b := make([]byte, 110)
			// element 130: half 1, group 0, l 2: low bits qs[32+2] bits 0-1,
			// high bit hmask[2] bit 4; sub-block 8 (scale low nibble in
			// the high nibble of scales[0], top bits in scales[8] bits 4-5).
			b[32+32+2] = 0b01
			b[2] = 1 << 4
			b[96+0] = 0x50             // sub-block 8 low = 5 (and sub-block 0 low = 0)
			b[96+8] = 0b10 << 4        // sub-block 8 high = 2 -> raw 37 -> scale 5
			putF16Exact(b[108:], 0.25) // sub-block 0: raw 0 -> scale -32
			return b
		}, []spot{{130, 0.25 * 5 * 1}, {131, 0.25 * 5 * -4}, {0, 0.25 * -32 * -4}}},
		{"Q4_K scales", Q4_K, func() []byte {
			b := make([]byte, 144)
			putF16Exact(b, 1)
			putF16Exact(b[2:], 0.5)
			sc := []int{1, 2, 3, 4, 17, 33, 49, 63}
			m := []int{0, 1, 2, 3, 20, 36, 52, 62}
			for s := range 4 {
				b[4+s] = byte(sc[s] | (sc[s+4]>>4)<<6)
				b[8+s] = byte(m[s] | (m[s+4]>>4)<<6)
				b[12+s] = byte(sc[s+4]&15 | (m[s+4]&15)<<4)
			}
			b[16+96+8] = 0xA7  // element 200 (chunk 3, low nibble, sub-block 6) = 7
			b[16+96+31] = 0x5F // element 255 (chunk 3, high nibble, sub-block 7) = 5
			b[16+0] = 0x0F     // element 0 = 15 (sub-block 0), element 32 = 0 (sub-block 1)
			return b
		}, []spot{{200, 49*7 - 0.5*52}, {255, 63*5 - 0.5*62}, {0, 15}, {32, 0 - 0.5}}},
		{"Q5_K qh", Q5_K, func() []byte {
			b := make([]byte, 176)
			putF16Exact(b, 1)
			for s := range 4 {
				b[4+s] = 1 // scale 1 for sub-blocks 0..3, min 0
			}
			b[4+8+1] = 0x02       // sub-block 5 scale low bits 2 -> scale 2, min 0
			b[16+7] = 1<<0 | 1<<5 // qh[7]: element 7 (sub-block 0) and element 167 (sub-block 5) +16
			b[48+7] = 0x03        // element 7 low nibble 3
			b[48+64+7] = 0x40     // element 167: chunk 2, high nibble 4
			return b
		}, []spot{{7, 19}, {167, 2 * 20}, {39, 0}}},
		{"Q6_K", Q6_K, func() []byte {
			b := make([]byte, 210)
			putF16Exact(b[208:], 0.5)
			b[192+12] = 0xFE // sub-block 12 (elements 192..207) scale -2
			// element 200 = half 1, group 2, l 8: low 4 bits = high nibble
			// of ql[64+8], high 2 bits = qh[32+8] bits 4-5.
			b[64+8] = 0x90
			b[128+32+8] = 0b11 << 4
			return b
		}, []spot{{200, 0.5 * -2 * float32(0x39-32)}, {72, 0}}},
		{"Q8_K", Q8_K, func() []byte {
			b := make([]byte, 292)
			binary.LittleEndian.PutUint32(b, math.Float32bits(0.75))
			b[4+255] = 0x80
			b[4+1] = 5
			return b
		}, []spot{{255, -96}, {1, 3.75}, {0, 0}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			blk := tc.block()
			dst := make([]float32, tc.t.BlockSize())
			require.NoError(t, Dequantize(tc.t, dst, blk))
			for _, s := range tc.spots {
				require.Equal(t, s.want, dst[s.e], fmt.Sprintf("element %d", s.e))
			}
		})
	}
}
