//go:build !purego && !noasm

package lcrun

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Helpers shared by the differential tests of the amd64 assembly: every
// asm kernel runs on the same inputs as its Go twin for lengths 0..67 and
// a few large ones, with the data starting 0..3 elements into a buffer and
// guard values on both sides that must survive the call.

// asmLengths are the slice lengths every kernel is tried with: all tails
// of the 8-lane vectors and the unrolled loops, and long rows.
func asmLengths() []int {
	var ns []int
	for n := 0; n <= 67; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, 255, 1000, 4099)
	if !testing.Short() {
		ns = append(ns, 1<<16+5)
	}
	return ns
}

// guardBits fills the room around a test slice: a NaN payload no kernel
// produces, so a stray write cannot restore it by chance.
const guardBits = 0x7fa5a5a5

const guardLen = 16

// guarded is a float32 slice of length n starting off elements into a
// buffer whose other elements are guards.
type guarded struct {
	buf []float32
	off int
	s   []float32
}

func newGuarded(n, off int) *guarded {
	buf := make([]float32, off+n+guardLen)
	for i := range buf {
		buf[i] = math.Float32frombits(guardBits)
	}
	return &guarded{buf: buf, off: off, s: buf[off : off+n : off+n]}
}

// check fails the test if a guard changed.
func (g *guarded) check(t *testing.T, what string) {
	t.Helper()
	for i, v := range g.buf {
		if i >= g.off && i < g.off+len(g.s) {
			continue
		}
		if math.Float32bits(v) != guardBits {
			require.Failf(t, "guard overwritten", "%s: buffer[%d] = %#x (data at %d..%d)", what, i, math.Float32bits(v), g.off, g.off+len(g.s))
		}
	}
}

// clone copies g into a fresh guarded buffer with the same offset.
func (g *guarded) clone() *guarded {
	c := newGuarded(len(g.s), g.off)
	copy(c.s, g.s)
	return c
}

// randomFill sets g to values in [-scale, scale). With specials, about
// one element in eight becomes a NaN, an infinity, a zero, a subnormal or
// a large value instead.
func randomFill(rng *rand.Rand, g *guarded, scale float32, specials bool) {
	sp := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, float32(math.Copysign(0, -1)), 1e-40, -3e-39, 1e30, -1e30, 88.7, -103.9}
	for i := range g.s {
		g.s[i] = (2*rng.Float32() - 1) * scale
		if specials && rng.IntN(8) == 0 {
			g.s[i] = sp[rng.IntN(len(sp))]
		}
	}
}

// ulpDiff is the number of float32 values between a and b (0 when both
// are NaN, maximal when only one is).
func ulpDiff(a, b float32) uint32 {
	if a != a || b != b {
		if a != a && b != b {
			return 0
		}
		return math.MaxUint32
	}
	ord := func(f float32) int64 {
		u := int64(math.Float32bits(f))
		if u&0x80000000 != 0 {
			return -(u & 0x7fffffff)
		}
		return u
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	if d > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(d)
}

// sameBits reports whether a and b are identical, any NaN matching any NaN.
func sameFloat(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// requireAVX2 skips where the CPU cannot run the kernels: there the asm is
// never registered and the twins alone are used.
func requireAVX2(t testing.TB) {
	t.Helper()
	if !cpu.AVX2FMA {
		t.Skip("CPU lacks AVX2/FMA/F16C")
	}
}

// forShapes runs f for every length and offset, as a subtest name.
func forShapes(t *testing.T, f func(t *testing.T, rng *rand.Rand, n, off int)) {
	t.Helper()
	for _, n := range asmLengths() {
		for off := 0; off < 4; off++ {
			rng := rand.New(rand.NewPCG(uint64(n), uint64(off)))
			f(t, rng, n, off)
			if t.Failed() {
				t.Fatalf("failed at n=%d off=%d", n, off)
			}
		}
	}
}

func shape(n, off int) string { return fmt.Sprintf("n=%d off=%d", n, off) }
