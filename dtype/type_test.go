package dtype

import (
	"strings"
	"testing"
)

// TestNames checks that every known type parses back from its name in
// either case, and that unknown ids are neither known nor parsed.
func TestNames(t *testing.T) {
	known := 0
	for id := range Type(64) {
		if !id.Known() {
			if s := id.String(); !strings.HasPrefix(s, "type(") {
				t.Errorf("unknown id %d is named %q", uint32(id), s)
			}
			continue
		}
		known++
		for _, s := range []string{id.String(), strings.ToLower(id.String())} {
			got, err := Parse(s)
			if err != nil || got != id {
				t.Errorf("Parse(%q) = %v, %v; want %v", s, got, err, id)
			}
		}
	}
	if known != len(types) {
		t.Errorf("%d known ids below 64, %d in the table", known, len(types))
	}
	if _, err := Parse("Q4_2"); err == nil {
		t.Error("Parse(Q4_2) succeeded")
	}
	if Type(4).String() != "type(4)" {
		t.Errorf("Type(4).String() = %q", Type(4).String())
	}
}

// TestBlocks checks the block geometry the kernels rely on.
func TestBlocks(t *testing.T) {
	for _, c := range []struct {
		t           Type
		size, bytes int
	}{
		{F32, 1, 4}, {F16, 1, 2}, {BF16, 1, 2},
		{Q4_0, QK, BlockQ4_0Bytes}, {Q4_1, QK, BlockQ4_1Bytes},
		{Q5_0, QK, BlockQ5_0Bytes}, {Q5_1, QK, BlockQ5_1Bytes},
		{Q8_0, QK, BlockQ8_0Bytes}, {Q8_1, QK, BlockQ8_1Bytes},
		{Q2_K, QKK, BlockQ2_KBytes}, {Q3_K, QKK, BlockQ3_KBytes},
		{Q4_K, QKK, BlockQ4_KBytes}, {Q5_K, QKK, BlockQ5_KBytes},
		{Q6_K, QKK, BlockQ6_KBytes}, {Q8_K, QKK, BlockQ8_KBytes},
		{TQ1_0, QKK, BlockTQ1_0Bytes}, {TQ2_0, QKK, BlockTQ2_0Bytes},
	} {
		if c.t.BlockSize() != c.size || c.t.BlockBytes() != c.bytes {
			t.Errorf("%v: block of %d values in %d bytes, want %d in %d", c.t, c.t.BlockSize(), c.t.BlockBytes(), c.size, c.bytes)
		}
		if c.t.Quantized() != (c.size > 1) {
			t.Errorf("%v: Quantized() = %v", c.t, c.t.Quantized())
		}
	}
	// ggml's figures (ggml-common.h static_asserts).
	if BlockQ8_0Bytes != 34 || BlockQ4_KBytes != 144 || BlockQ6_KBytes != 210 || BlockQ8_KBytes != 292 {
		t.Error("block sizes differ from ggml's")
	}
	if BlockTQ1_0Bytes != 54 || BlockTQ2_0Bytes != 66 {
		t.Error("ternary block sizes differ from ggml's")
	}
}

func TestRowBytes(t *testing.T) {
	if n, err := Q8_0.RowBytes(64); err != nil || n != 68 {
		t.Errorf("Q8_0.RowBytes(64) = %d, %v; want 68", n, err)
	}
	if n, err := F16.RowBytes(3); err != nil || n != 6 {
		t.Errorf("F16.RowBytes(3) = %d, %v; want 6", n, err)
	}
	for _, c := range []struct {
		t    Type
		n    int
		want string
	}{
		{Q8_0, 48, "Q8_0: length 48 is not a multiple of the block size 32"},
		{F32, -1, "F32: negative length -1"},
		{Type(4), 32, "unknown tensor type 4"},
	} {
		if _, err := c.t.RowBytes(c.n); err == nil || err.Error() != c.want {
			t.Errorf("%v.RowBytes(%d): error %v, want %q", c.t, c.n, err, c.want)
		}
	}
}
