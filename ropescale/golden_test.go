package ropescale

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The golden RoPE ops are ggml_rope_ext runs of llama.cpp (see
// testdata/golden/README.md, numerics notes 4 and 5). Their manifest entries
// give the ggml arguments as ref-op flags; each case is checked against
// max_abs_if_float32_angles_emulated (1e-6), the bound an implementation
// that reproduces ggml's float32 angle arithmetic meets (a float64-angle
// implementation would need up to 2.5e-3 at position 4096).

const goldenDir = "../testdata/golden"

type goldenCase struct {
	ID        string            `json:"id"`
	Kind      string            `json:"kind"`
	Op        string            `json:"op"`
	Inputs    map[string]string `json:"inputs"`
	Expected  string            `json:"expected"`
	Flags     []string          `json:"flags"`
	Tolerance map[string]any    `json:"tolerance"`
}

func ropeGoldenCases(t *testing.T) []goldenCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(goldenDir, "manifest.json"))
	require.NoError(t, err)
	// Other kinds of case use other shapes for some fields: pick the rope
	// ops out first, then decode them.
	var m struct {
		Cases []json.RawMessage `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(raw, &m))
	var out []goldenCase
	for _, rc := range m.Cases {
		var kind struct{ Kind, Op string }
		require.NoError(t, json.Unmarshal(rc, &kind))
		if kind.Kind != "op" || kind.Op != "rope" {
			continue
		}
		var c goldenCase
		require.NoError(t, json.Unmarshal(rc, &c))
		out = append(out, c)
	}
	require.Len(t, out, 18, "the manifest lists 18 rope op cases")
	return out
}

func readF32(t *testing.T, name string) []float32 {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(goldenDir, name))
	require.NoError(t, err)
	require.Zero(t, len(raw)%4, name)
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

func readI32(t *testing.T, name string) []int32 {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(goldenDir, name))
	require.NoError(t, err)
	out := make([]int32, len(raw)/4)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

// ggmlRopeArgs are the ggml_rope_ext arguments of one golden case.
type ggmlRopeArgs struct {
	dims, heads, tokens, mode, nCtxOrig                        int
	base, freqScale, extFactor, attnFactor, betaFast, betaSlow float64
}

func parseRopeFlags(t *testing.T, flags []string) ggmlRopeArgs {
	t.Helper()
	a := ggmlRopeArgs{betaFast: 32, betaSlow: 1}
	ints := map[string]*int{"--D": &a.dims, "--H": &a.heads, "--T": &a.tokens, "--mode": &a.mode, "--n-ctx-orig": &a.nCtxOrig}
	floats := map[string]*float64{"--freq-base": &a.base, "--freq-scale": &a.freqScale, "--ext-factor": &a.extFactor,
		"--attn-factor": &a.attnFactor, "--beta-fast": &a.betaFast, "--beta-slow": &a.betaSlow}
	for i := 0; i+1 < len(flags); i += 2 {
		if p, ok := ints[flags[i]]; ok {
			v, err := strconv.Atoi(flags[i+1])
			require.NoError(t, err)
			*p = v
		} else if p, ok := floats[flags[i]]; ok {
			v, err := strconv.ParseFloat(flags[i+1], 64)
			require.NoError(t, err)
			*p = v
		}
	}
	return a
}

// params maps ggml's arguments to ours: freq_scale = 1/Factor; ext_factor 0
// is plain linear interpolation (or none at freq_scale 1), else YaRN.
func (a ggmlRopeArgs) params() Params {
	p := Params{Method: YaRN, Dims: a.dims, FreqBase: a.base, Factor: 1 / a.freqScale, OrigCtx: a.nCtxOrig,
		ExtFactor: a.extFactor, AttnFactor: a.attnFactor, BetaFast: a.betaFast, BetaSlow: a.betaSlow}
	if a.extFactor == 0 {
		p.Method = Linear
		if a.freqScale == 1 {
			p.Method = None
		}
	}
	return p
}

// rotateHead is a test-local RoPE apply (the real kernel lives in the root
// package): NORMAL mode rotates pairs (2i, 2i+1), NEOX (i, i+n/2).
func rotateHead(dst, x, cos, sin []float32, neox bool) {
	n := len(cos)
	for i := range n {
		j, k := 2*i, 2*i+1
		if neox {
			j, k = i, i+n
		}
		x0, x1 := float64(x[j]), float64(x[k])
		c, s := float64(cos[i]), float64(sin[i])
		dst[j] = float32(x0*c - x1*s)
		dst[k] = float32(x0*s + x1*c)
	}
}

func TestGoldenRopeOps(t *testing.T) {
	for _, c := range ropeGoldenCases(t) {
		t.Run(c.ID, func(t *testing.T) {
			a := parseRopeFlags(t, c.Flags)
			r, err := New(a.params())
			require.NoError(t, err)
			tol, ok := c.Tolerance["max_abs_if_float32_angles_emulated"].(float64)
			require.True(t, ok, "tolerance")
			x := readF32(t, c.Inputs["x"])
			pos := readI32(t, c.Inputs["pos"])
			want := readF32(t, c.Expected)
			d := a.dims
			require.Len(t, x, a.tokens*a.heads*d)
			require.Len(t, want, len(x))
			require.Len(t, pos, a.tokens)
			cos, sin := make([]float32, d/2), make([]float32, d/2)
			got := make([]float32, d)
			var worst float64
			exact := 0
			for ti := range a.tokens {
				r.CosSin(int(pos[ti]), cos, sin)
				for h := range a.heads {
					off := (ti*a.heads + h) * d
					rotateHead(got, x[off:off+d], cos, sin, a.mode == 2)
					for k := range d {
						diff := math.Abs(float64(got[k]) - float64(want[off+k]))
						if diff > worst {
							worst = diff
						}
						if got[k] == want[off+k] {
							exact++
						}
					}
				}
			}
			t.Logf("max |diff| %.3g over %d values (%d bit-identical); tolerance %g", worst, len(want), exact, tol)
			require.LessOrEqual(t, worst, tol)
			if strings.HasPrefix(c.Inputs["x"], "ops/rope/x_unit_") {
				checkTableULPs(t, r, pos, want)
			}
		})
	}
}

// checkTableULPs compares CosSin with a golden cos/sin table (x = unit
// vectors, so out[2i] = cos_i and out[2i+1] = sin_i exactly) in float32
// ulps. The angles are bit-identical to ggml's, and the only differences
// come from glibc's cosf/sinf, which are not correctly rounded (error up to
// about 0.56 ulp; ours are): about 1% of the values are 1 ulp apart, 2 ulps
// where YaRN's magnitude multiplication rounds the other way. An angle one
// float32 ulp off would move the value by thousands of ulps at position
// 4096, so this bound pins the angle arithmetic exactly.
func checkTableULPs(t *testing.T, r *Rope, pos []int32, want []float32) {
	t.Helper()
	n := r.Pairs()
	cos, sin := make([]float32, n), make([]float32, n)
	hist := map[int]int{}
	for ti, p := range pos {
		r.CosSin(int(p), cos, sin)
		for i := range n {
			for k, got := range [2]float32{cos[i], sin[i]} {
				w := want[ti*2*n+2*i+k]
				d := ulpDistance(got, w)
				hist[d]++
				require.LessOrEqual(t, d, 2, "pos %d pair %d (%s): got %v want %v", p, i, [2]string{"cos", "sin"}[k], got, w)
			}
		}
	}
	require.Greater(t, hist[0], 97*len(want)/100, "at least 97%% bit-identical: %v", hist)
	t.Logf("ulp distance histogram of the table: %v", hist)
}

// ulpDistance counts the float32 values between a and b (same sign assumed
// near zero: the tables hold no values that cross it by rounding).
func ulpDistance(a, b float32) int {
	d := int64(int32(math.Float32bits(a))) - int64(int32(math.Float32bits(b)))
	if d < 0 {
		d = -d
	}
	if d > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(d)
}
