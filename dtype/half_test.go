package dtype

import (
	"math"
	"testing"
)

// TestF16RoundTrip narrows every binary16 value back from its float32
// widening: widening is exact, so every value but NaN must come back bit
// for bit, and NaN must stay NaN.
func TestF16RoundTrip(t *testing.T) {
	for i := range 1 << 16 {
		h := uint16(i)
		f := F16ToF32(h)
		got := F32ToF16(f)
		if h&0x7c00 == 0x7c00 && h&0x3ff != 0 {
			if f == f || got&0x7c00 != 0x7c00 || got&0x3ff == 0 {
				t.Fatalf("NaN %#04x widened to %v, narrowed to %#04x", h, f, got)
			}
			continue
		}
		if got != h {
			t.Fatalf("%#04x widened to %v, narrowed to %#04x", h, f, got)
		}
	}
}

// TestF16Values pins values worked out by hand: the ends of the range,
// the subnormals, and ties, which round to the even neighbour.
func TestF16Values(t *testing.T) {
	for _, c := range []struct {
		h uint16
		f float32
	}{
		{0x3c00, 1},
		{0xc000, -2},
		{0x7bff, 65504},
		{0x0400, 0x1p-14},
		{0x0001, 0x1p-24},
		{0x03ff, 1023 * 0x1p-24},
		{0x7c00, float32(math.Inf(1))},
		{0xfc00, float32(math.Inf(-1))},
		{0x8000, float32(math.Copysign(0, -1))},
	} {
		if got := F16ToF32(c.h); math.Float32bits(got) != math.Float32bits(c.f) {
			t.Errorf("F16ToF32(%#04x) = %v, want %v", c.h, got, c.f)
		}
	}
	for _, c := range []struct {
		f float32
		h uint16
	}{
		{1 + 0x1p-11, 0x3c00},   // tie: down to the even mantissa
		{1 + 3*0x1p-11, 0x3c02}, // tie: up to the even mantissa
		{1 + 0x1p-11 + 0x1p-20, 0x3c01},
		{65519, 0x7bff},       // below the halfway point to 65536
		{65520, 0x7c00},       // the halfway point rounds to Inf
		{0x1p-25, 0x0000},     // tie between 0 and the least subnormal
		{3 * 0x1p-26, 0x0001}, // above it
		{3 * 0x1p-25, 0x0002}, // tie between 1 and 2 least subnormals
		{float32(math.Inf(-1)), 0xfc00},
	} {
		if got := F32ToF16(c.f); got != c.h {
			t.Errorf("F32ToF16(%v) = %#04x, want %#04x", c.f, got, c.h)
		}
	}
}

// TestBF16 round-trips every bfloat16 value and checks that ties round to
// even and NaN stays NaN.
func TestBF16(t *testing.T) {
	for i := range 1 << 16 {
		h := uint16(i)
		f := BF16ToF32(h)
		if f != f {
			if got := F32ToBF16(f); BF16ToF32(got) == BF16ToF32(got) {
				t.Fatalf("NaN %#04x narrowed to %#04x", h, got)
			}
			continue
		}
		if got := F32ToBF16(f); got != h {
			t.Fatalf("%#04x widened to %v, narrowed to %#04x", h, f, got)
		}
	}
	if got := F32ToBF16(1 + 0x1p-8); got != 0x3f80 {
		t.Errorf("F32ToBF16(1+2^-8) = %#04x, want 0x3f80 (tie to even)", got)
	}
	if got := F32ToBF16(1 + 3*0x1p-8); got != 0x3f82 {
		t.Errorf("F32ToBF16(1+3*2^-8) = %#04x, want 0x3f82 (tie to even)", got)
	}
}
