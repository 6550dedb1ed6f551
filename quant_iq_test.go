package lcrun

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The non-linear 4-bit codecs: layout decoding written independently of
// the dequantisers, round-trip bounds, quantiser quality, and the
// reference-made golden files.

// iq4Grids returns, for each 32-value sub-block of an IQ4_NL or IQ4_XS
// block, its stored multiplier of the table levels (d or d*(ls-32)) and
// the f16 rounding slack of that multiplier (|ls-32| half-ulps of d).
func iq4Grids(t DType, blk []byte) (scale, slack []float64) {
	d := float64(f16At(blk))
	hu := f16HalfUlp(d)
	if t == IQ4_NL {
		return []float64{d}, []float64{hu}
	}
	for s := range 8 {
		h := uint16(blk[2]) | uint16(blk[3])<<8
		ls := int(blk[4+s/2]>>(4*(s%2))&15) | int(h>>(2*s)&3)<<4
		scale = append(scale, d*float64(ls-32))
		slack = append(slack, hu*math.Abs(float64(ls-32)))
	}
	return scale, slack
}

// boundIQ4: the quantiser picks each value's level as the nearest to x on
// the grid of the unrounded multiplier m; the block stores M = f16-rounded
// m (times the 6-bit l for IQ4_XS). With |m-M| <= slack and levels up to
// 127, the chosen level is within nearest(M grid) + 127*slack of x on the
// m grid, and the dequantised value another 127*slack away.
func boundIQ4(t DType) blockBound {
	return func(x []float64, blk []byte, bound []float64) {
		scale, slack := iq4Grids(t, blk)
		for e, v := range x {
			m, sl := scale[e/32], slack[e/32]
			best := math.Inf(1)
			for _, k := range kvaluesIQ4NL {
				best = math.Min(best, math.Abs(m*float64(k)-v))
			}
			bound[e] = best + 2*127*sl + (math.Abs(v)+127*math.Abs(m))*rel
		}
	}
}

// boundMXFP4: the scale is exact (a power of two), so every value must
// dequantise to the level nearest to it.
func boundMXFP4(x []float64, blk []byte, bound []float64) {
	d := math.Ldexp(1, int(blk[0])-128)
	for e, v := range x {
		best := math.Inf(1)
		for _, k := range kvaluesMXFP4 {
			best = math.Min(best, math.Abs(d*float64(k)-v))
		}
		bound[e] = best + math.Abs(v)*rel
	}
}

// The round-trip test of every codec (quant_roundtrip_test.go) holds
// these types to these bounds.
func init() {
	roundTripBounds[IQ4_NL] = boundIQ4(IQ4_NL)
	roundTripBounds[IQ4_XS] = boundIQ4(IQ4_XS)
	roundTripBounds[MXFP4] = boundMXFP4
}

func TestE8M0Half(t *testing.T) {
	for e := range 256 {
		want := float32(math.Ldexp(1, e-128))
		assert.Equal(t, want, e8m0Half(uint8(e)), "e=%d", e)
	}
}

// TestDequantIQLayout checks the dequantisers on hand-made blocks against
// the layout as ggml-common.h states it.
func TestDequantIQLayout(t *testing.T) {
	r := newTestRand(5)
	blk := make([]byte, BlockIQ4_XSBytes)
	for i := range blk {
		blk[i] = byte(r.Uint32())
	}
	putF16(blk, 0.25)
	got := make([]float32, QKK)
	require.NoError(t, Dequantize(IQ4_XS, got, blk))
	h := uint16(blk[2]) | uint16(blk[3])<<8
	for e := range QKK {
		s, j := e/32, e%32
		ls := int(blk[4+s/2]>>(4*(s%2))&15) | int(h>>(2*s)&3)<<4
		q := blk[8+16*s+j%16]
		if j >= 16 {
			q >>= 4
		}
		want := float32(0.25*float32(ls-32)) * float32(kvaluesIQ4NL[q&15])
		require.Equal(t, want, got[e], "value %d", e)
	}

	nl := blk[:BlockIQ4_NLBytes]
	require.NoError(t, Dequantize(IQ4_NL, got[:QK], nl))
	for e := range QK {
		q := nl[2+e%16] >> (4 * (e / 16)) & 15
		require.Equal(t, 0.25*float32(kvaluesIQ4NL[q]), got[e], "value %d", e)
	}

	mx := blk[:BlockMXFP4Bytes]
	for _, ex := range []uint8{0, 1, 2, 127, 130, 254, 255} {
		mx[0] = ex
		require.NoError(t, Dequantize(MXFP4, got[:QK], mx))
		for e := range QK {
			q := mx[1+e%16] >> (4 * (e / 16)) & 15
			want := float32(math.Ldexp(float64(kvaluesMXFP4[q]), int(ex)-128))
			require.Equal(t, want, got[e], "e=%d value %d", ex, e)
		}
	}
}

// TestIQ4Quality: on normal data, which its table was fitted to, the
// IQ4 quantisers must beat Q4_0's uniform grid (same 4.5 bits per value
// for IQ4_NL), and IQ4_XS must lose little to IQ4_NL for its smaller
// scales. MXFP4's power-of-two scale costs it against Q4_0, but not much.
func TestIQ4Quality(t *testing.T) {
	x := make([]float32, 64*QKK)
	testDists[3].gen(newTestRand(11), x)
	rmsErr := func(typ DType) float64 {
		n, err := typ.RowBytes(len(x))
		require.NoError(t, err)
		q := make([]byte, n)
		require.NoError(t, Quantize(typ, q, x))
		y := make([]float32, len(x))
		require.NoError(t, Dequantize(typ, y, q))
		var sse float64
		for i := range x {
			d := float64(y[i] - x[i])
			sse += d * d
		}
		return math.Sqrt(sse / float64(len(x)))
	}
	q4, nl, xs, mx := rmsErr(Q4_0), rmsErr(IQ4_NL), rmsErr(IQ4_XS), rmsErr(MXFP4)
	t.Logf("RMS error on N(0,1): Q4_0 %.4f IQ4_NL %.4f IQ4_XS %.4f MXFP4 %.4f", q4, nl, xs, mx)
	assert.Less(t, nl, 0.95*q4, "IQ4_NL against Q4_0")
	assert.Less(t, xs, 1.05*nl, "IQ4_XS against IQ4_NL")
	assert.Less(t, mx, 1.5*q4, "MXFP4 against Q4_0")
}

// TestGoldenIQ4Files dequantises every IQ4 tensor of the reference-made
// golden files and compares it with the same weights in the BF16 file
// of the same base (testdata/golden/README.md: one F32 llama quantised
// to each type). The difference must be what 4 bits allow: finite, an
// RMS error well under the weights' own RMS, which is N(0, 1/fan_in)'s
// (token_embd N(0,1)).
func TestGoldenIQ4Files(t *testing.T) {
	open := func(name string) *gguf.File {
		f, err := gguf.Open(filepath.Join("testdata/golden/models/quant", name))
		require.NoError(t, err)
		t.Cleanup(func() { f.Close() })
		return f
	}
	ref := open("llama-q-BF16.gguf")
	for _, name := range []string{"llama-q-IQ4_NL.gguf", "llama-q-IQ4_XS.gguf"} {
		t.Run(name, func(t *testing.T) {
			f := open(name)
			seen := map[DType]int{}
			for i := range f.Tensors {
				ti := &f.Tensors[i]
				if ti.Type != IQ4_NL && ti.Type != IQ4_XS {
					continue
				}
				seen[ti.Type]++
				raw, err := f.RawTensorData(ti.Name)
				require.NoError(t, err)
				got := make([]float32, ti.Elements())
				require.NoError(t, Dequantize(ti.Type, got, raw), ti.Name)
				rt, ok := ref.Tensor(ti.Name)
				require.True(t, ok, ti.Name)
				rb, err := ref.RawTensorData(ti.Name)
				require.NoError(t, err)
				want := make([]float32, ti.Elements())
				require.NoError(t, Dequantize(rt.Type, want, rb), ti.Name)

				var sse, ss float64
				for i, v := range got {
					require.False(t, math.IsNaN(float64(v)) || math.IsInf(float64(v), 0), "%s value %d: %g", ti.Name, i, v)
					d := float64(v - want[i])
					sse += d * d
					ss += float64(want[i]) * float64(want[i])
				}
				n := float64(len(got))
				rms, rmsErr := math.Sqrt(ss/n), math.Sqrt(sse/n)
				fanIn := float64(ti.Dims[0])
				wantRMS := 1 / math.Sqrt(fanIn)
				if ti.Name == "token_embd.weight" {
					wantRMS = 1
				}
				assert.InDelta(t, wantRMS, rms, 0.05*wantRMS, "%s: weights' RMS", ti.Name)
				assert.Less(t, rmsErr, 0.15*rms, "%s (%s): RMS error %g against RMS %g", ti.Name, ti.Type, rmsErr, rms)
			}
			// IQ4_XS rows must be 256 long: attn_output and ffn_down (rows
			// of 128) fall back to IQ4_NL. output is Q6_K in both.
			if name == "llama-q-IQ4_XS.gguf" {
				assert.Equal(t, map[DType]int{IQ4_NL: 4, IQ4_XS: 11}, seen)
			} else {
				assert.Equal(t, map[DType]int{IQ4_NL: 15}, seen)
			}
		})
	}
}

// TestIQ4QuantizeGolden re-quantises the BF16 weights with our IQ4
// quantisers: the result must be as close to them as the reference's own
// files are (within 2%), which holds our scale search to its level.
func TestIQ4QuantizeGolden(t *testing.T) {
	f, err := gguf.Open("testdata/golden/models/quant/llama-q-BF16.gguf")
	require.NoError(t, err)
	defer f.Close()
	g, err := gguf.Open("testdata/golden/models/quant/llama-q-IQ4_XS.gguf")
	require.NoError(t, err)
	defer g.Close()
	for i := range g.Tensors {
		ti := &g.Tensors[i]
		if ti.Type != IQ4_NL && ti.Type != IQ4_XS {
			continue
		}
		t.Run(fmt.Sprintf("%s/%s", ti.Name, ti.Type), func(t *testing.T) {
			rt, _ := f.Tensor(ti.Name)
			rb, err := f.RawTensorData(ti.Name)
			require.NoError(t, err)
			x := make([]float32, ti.Elements())
			require.NoError(t, Dequantize(rt.Type, x, rb))
			theirs, err := g.RawTensorData(ti.Name)
			require.NoError(t, err)
			mine := make([]byte, len(theirs))
			require.NoError(t, Quantize(ti.Type, mine, x))
			errOf := func(q []byte) float64 {
				y := make([]float32, len(x))
				require.NoError(t, Dequantize(ti.Type, y, q))
				var sse float64
				for i := range x {
					d := float64(y[i] - x[i])
					sse += d * d
				}
				return math.Sqrt(sse / float64(len(x)))
			}
			e0, e1 := errOf(theirs), errOf(mine)
			assert.LessOrEqual(t, e1, 1.02*e0, "ours %g, reference %g", e1, e0)
		})
	}
}
