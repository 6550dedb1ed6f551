package lcrun

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Shared helpers of the kernel tests: lengths and offsets every
// differential test walks, guarded output buffers, random data.

// testLengths are 0..67 (every tail of every unroll and vector width up to
// 64) plus sizes that cross many blocks.
func testLengths() []int {
	var n []int
	for i := 0; i <= 67; i++ {
		n = append(n, i)
	}
	return append(n, 255, 1000, 4099)
}

// testOffsets are the unaligned starts (in elements) of every slice.
var testOffsets = []int{0, 1, 2, 3}

// sentinel fills the cells around an output; a NaN with a payload no
// kernel produces, compared bitwise.
var sentinel = math.Float32frombits(0x7fc0dead)

const guardCells = 19

// guarded is an output slice with sentinel cells before and after it.
type guarded struct {
	buf    []float32
	off, n int
}

func newGuarded(n, off int) *guarded {
	g := &guarded{buf: make([]float32, off+n+guardCells), off: off, n: n}
	for i := range g.buf {
		g.buf[i] = sentinel
	}
	return g
}

// s is the output slice itself (its capacity reaches into the guard).
func (g *guarded) s() []float32 { return g.buf[g.off : g.off+g.n] }

// fill copies v into the slice (for in-place kernels).
func (g *guarded) fill(v []float32) *guarded { copy(g.s(), v); return g }

// check fails the test if a guard cell changed.
func (g *guarded) check(t testing.TB) {
	t.Helper()
	for i, v := range g.buf {
		if i >= g.off && i < g.off+g.n {
			continue
		}
		if math.Float32bits(v) != math.Float32bits(sentinel) {
			t.Fatalf("guard cell %d (slice is [%d, %d)) overwritten with %v", i, g.off, g.off+g.n, v)
		}
	}
}

// randVec returns n values N(0, scale) starting at offset off of a fresh
// buffer (so that the slice start is unaligned for off > 0).
func randVec(r *rand.Rand, n, off int, scale float64) []float32 {
	buf := make([]float32, off+n)
	for i := range buf {
		buf[i] = float32(r.NormFloat64() * scale)
	}
	return buf[off:]
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// ulp32 is the float32 rounding unit 2^-24.
const ulp32 = 1.0 / (1 << 24)

// forEachImpl runs f once per implementation of every kernel available on
// this CPU, with all slots switched to it (generic where it has none).
func forEachImpl(t *testing.T, f func(t *testing.T)) {
	for _, name := range kernelImpls() {
		t.Run(name, func(t *testing.T) {
			restore := useKernels(name)
			defer restore()
			f(t)
		})
	}
}

func TestKernelsNamesEverySlot(t *testing.T) {
	k := Kernels()
	require.Len(t, k, len(registry))
	for _, name := range []string{"dot", "axpy", "rmsnorm", "exp_sum", "rope", "matmul_f32", "matmul_q4_0", "matmul_q6_k", "attention_pv", "ssm_scan", "ssm_scan2", "ssm_conv"} {
		assert.Contains(t, k, name)
	}
	for name, impl := range k {
		assert.NotEmpty(t, impl, name)
	}
	assert.Equal(t, genericName, kernelImpls()[0])
}

// TestSlotTable holds the slot table of kernel.go's comment to the
// registry (every slot listed once, no other name) and to the files: each
// family has its F.go, F_generic.go and both architectures' .go and .s,
// and every architecture file of the package belongs to a family.
func TestSlotTable(t *testing.T) {
	src, err := os.ReadFile("kernel.go")
	require.NoError(t, err)
	family := map[string]string{} // slot -> family
	in := false
	for _, line := range strings.Split(string(src), "\n") {
		f := strings.Fields(strings.TrimPrefix(line, "//"))
		if !in {
			in = strings.HasPrefix(line, "//\t") && strings.Join(f, " ") == "family slots"
			continue
		}
		if !strings.HasPrefix(line, "//\t") {
			break
		}
		require.GreaterOrEqual(t, len(f), 2, "table line %q", line)
		for _, slot := range f[1:] {
			require.NotContains(t, family, slot, "slot listed twice")
			family[slot] = f[0]
		}
	}
	require.NotEmpty(t, family, "no table in kernel.go")
	var registered []string
	for _, s := range registry {
		registered = append(registered, s.kernelName())
	}
	var listed []string
	for slot := range family {
		listed = append(listed, slot)
	}
	assert.ElementsMatch(t, registered, listed, "kernel.go's table against the registry")

	families := map[string]bool{}
	for _, f := range family {
		families[f] = true
	}
	for f := range families {
		for _, suffix := range []string{".go", "_generic.go", "_amd64.go", "_amd64.s", "_arm64.go", "_arm64.s"} {
			_, err := os.Stat(f + suffix)
			assert.NoError(t, err, "family %s", f)
		}
	}
	for _, suffix := range []string{"_amd64.go", "_amd64.s", "_arm64.go", "_arm64.s"} {
		files, err := filepath.Glob("*" + suffix)
		require.NoError(t, err)
		for _, file := range files {
			assert.True(t, families[strings.TrimSuffix(file, suffix)], "%s belongs to no family of the table", file)
		}
	}
}

func TestUseKernelsRestores(t *testing.T) {
	before := Kernels()
	restore := useKernels(genericName)
	for name, impl := range Kernels() {
		assert.Equal(t, genericName, impl, name)
	}
	restore()
	assert.Equal(t, before, Kernels())
}

// TestRegisterHonoursEnv checks the LCRUN_KERNELS rule on a private slot
// (kernelsEnv is the variable init read the environment into).
func TestRegisterHonoursEnv(t *testing.T) {
	defer func(v string) { kernelsEnv = v }(kernelsEnv)
	one := func() int { return 1 }
	two := func() int { return 2 }
	three := func() int { return 3 }
	for _, tc := range []struct {
		env, want string
		value     int
	}{
		{"", "neon", 3},           // the last registered wins
		{"generic", "generic", 1}, // plain Go forced
		{"avx2", "avx2", 2},       // a named implementation preferred
		{"sve", "generic", 1},     // a name no slot has: plain Go
	} {
		kernelsEnv = tc.env
		k := &kernel[func() int]{name: "test", fn: one, using: genericName, impls: []impl[func() int]{{genericName, one}}}
		k.register("avx2", two)
		k.register("neon", three)
		assert.Equal(t, tc.want, k.current(), "LCRUN_KERNELS=%q", tc.env)
		assert.Equal(t, tc.value, k.fn(), "LCRUN_KERNELS=%q", tc.env)
	}
}

// readF32 reads a little-endian float32 file of the golden data.
func readF32(t testing.TB, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Zero(t, len(b)%4, path)
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}

// assertClose checks max |want - got| <= tol over equally long slices and
// reports the worst index; NaN in either is a failure.
func assertClose(t testing.TB, want, got []float32, tol float64, msg string, args ...any) {
	t.Helper()
	require.Equal(t, len(want), len(got), "length: "+fmt.Sprintf(msg, args...))
	worst, at := 0.0, -1
	for i := range want {
		d := math.Abs(float64(want[i]) - float64(got[i]))
		if d != d {
			d = math.Inf(1)
		}
		if d > worst || at < 0 {
			worst, at = d, i
		}
	}
	if worst > tol {
		t.Fatalf("%s: max |diff| %.3g at %d (want %v, got %v) > %.3g", fmt.Sprintf(msg, args...), worst, at, want[at], got[at], tol)
	}
}
