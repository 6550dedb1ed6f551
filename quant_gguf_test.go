package lcrun_test

import (
	"encoding/binary"
	"math"
	"path/filepath"
	"testing"

	"github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/gguf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Real data: GGUF files that llama.cpp (ggml) quantised, next to the F32
// files they were made from. Our Dequantize must reproduce the F32 values
// within what the format allows, and our Quantize must reproduce ggml's
// bytes exactly, which proves that our reference quantisers are ggml's.

// twin is a quantised file and the F32 file holding the same weights.
type twin struct {
	name, quant, ref string
	types            []lcrun.DType // types the quantised file must contain
	tensors          int           // number of tensors of those types
}

var twins = []twin{
	// llama.cpp's own Q8_0 conversion (Aug 2023) of the stories260K
	// weights; its ffn_down tensors (ne0 = 172) are one flat run of
	// blocks crossing rows, compared here as such.
	{"tinyllamas q8_0", "tinyllamas-stories-260k-q8_0.gguf", "tinyllamas-stories-260k-f32.gguf", []lcrun.DType{lcrun.Q8_0}, 37},
	// Written with ggml's gguf API and ggml_quantize_chunk by the golden
	// data's make-tiny-gguf (testdata/golden/README.md), same seed.
	{"llama-tiny q8_0", "golden/models/llama-tiny-q8_0.gguf", "golden/models/llama-tiny-f32.gguf", []lcrun.DType{lcrun.Q8_0}, 16},
	{"llama-tiny q4_0", "golden/models/llama-tiny-q4_0.gguf", "golden/models/llama-tiny-f32.gguf", []lcrun.DType{lcrun.Q4_0}, 16},
	{"llama-tiny f16", "golden/models/llama-tiny-f16.gguf", "golden/models/llama-tiny-f32.gguf", []lcrun.DType{lcrun.F16}, 16},
	{"mamba-tiny q8_0", "golden/models/mamba-tiny-q8_0.gguf", "golden/models/mamba-tiny-f32.gguf", []lcrun.DType{lcrun.Q8_0}, 8},
}

func openTestdata(t *testing.T, name string) *gguf.File {
	t.Helper()
	f, err := gguf.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// f16HalfUlp is the largest |d - h| for a float d that rounds to the
// binary16 value h: half the binary16 spacing at |h| (spacing 2^-24 below
// 2^-14, the subnormal range).
func f16HalfUlp(h float64) float64 {
	h = math.Abs(h)
	if h < 1.0/(1<<14) {
		return 1.0 / (1 << 25)
	}
	_, e := math.Frexp(h) // h in [2^(e-1), 2^e): spacing 2^(e-1-10)
	return math.Ldexp(1, e-12)
}

// blockBound is the largest error the format allows for the values of one
// block, computed from the block's own stored scale D.
//
// Q8_0: d = amax/127 rounds to D, so |d - D| <= hu = f16HalfUlp(D) and
// d <= D + hu; q = round(x/d) gives |x - q*d| <= d/2, and |q| <= 127, so
// |x - q*D| <= (D + hu)/2 + 127*hu.
//
// Q4_0: d = max/-8 (max: the value of largest magnitude), q - 8 =
// floor(x/d + 1/2) clamped to 7, so |x - (q-8)*d| <= |d| (the clamp turns
// the worst case x/d = 8, i.e. x = -max, into a full step), and
// |q - 8| <= 8 adds 8*hu for the f16 rounding of d: |x - x'| <= |D| + hu
// + 8*hu.
//
// F16: one rounding to nearest: half a unit in the last place of the
// result, f16HalfUlp of the stored value.
//
// All three add |x|*2^-22 for float32 rounding of quotients and products.
func blockBound(t lcrun.DType, blk []byte) func(x float64) float64 {
	D := math.Abs(float64(lcrun.F16ToF32(binary.LittleEndian.Uint16(blk))))
	hu := f16HalfUlp(D)
	switch t {
	case lcrun.Q8_0:
		return func(x float64) float64 { return (D+hu)/2 + 127*hu + math.Abs(x)/(1<<22) }
	case lcrun.Q4_0:
		return func(x float64) float64 { return D + 9*hu + math.Abs(x)/(1<<22) }
	case lcrun.F16:
		return func(x float64) float64 { return hu + math.Abs(x)/(1<<22) }
	}
	panic("no bound for " + t.String())
}

// eachTwinTensor runs fn, per twin, on every tensor of the quantised file
// with its raw bytes (legacy flat tensors as one run of blocks) and the
// F32 twin's values, and checks that the expected number of quantised
// tensors was seen.
func eachTwinTensor(t *testing.T, fn func(t *testing.T, ti *gguf.TensorInfo, raw []byte, ref []float32)) {
	for _, tw := range twins {
		t.Run(tw.name, func(t *testing.T) {
			q, ref := openTestdata(t, tw.quant), openTestdata(t, tw.ref)
			checked := 0
			for i := range q.Tensors {
				ti := &q.Tensors[i]
				raw, err := q.RawTensorData(ti.Name)
				require.NoError(t, err)
				if ti.Type != lcrun.F32 {
					require.Contains(t, tw.types, ti.Type, ti.Name)
					checked++
				}
				fn(t, ti, raw, refValues(t, ref, ti.Name, int(ti.Elements())))
			}
			assert.Equal(t, tw.tensors, checked)
		})
	}
}

func TestRealFilesDequantizeWithinBound(t *testing.T) {
	eachTwinTensor(t, func(t *testing.T, ti *gguf.TensorInfo, raw []byte, want []float32) {
		got := make([]float32, len(want))
		require.NoError(t, lcrun.Dequantize(ti.Type, got, raw), ti.Name)
		if ti.Type == lcrun.F32 {
			assert.Equal(t, want, got, ti.Name)
			return
		}
		bs, bb := ti.Type.BlockSize(), ti.Type.BlockBytes()
		for i, x := range want {
			b := i / bs
			bound := blockBound(ti.Type, raw[b*bb:(b+1)*bb])(float64(x))
			err := math.Abs(float64(got[i]) - float64(x))
			if !(err <= bound) {
				require.Failf(t, "error above bound", "%s value %d: %g -> %g, error %g > %g", ti.Name, i, x, got[i], err, bound)
			}
		}
	})
}

func TestRealFilesQuantizeBitExact(t *testing.T) {
	eachTwinTensor(t, func(t *testing.T, ti *gguf.TensorInfo, raw []byte, x []float32) {
		mine := make([]byte, len(raw))
		require.NoError(t, lcrun.Quantize(ti.Type, mine, x), ti.Name)
		if assert.Equal(t, raw, mine, "%s: our %s bytes differ from ggml's", ti.Name, ti.Type) {
			return
		}
		bb := ti.Type.BlockBytes()
		for b := 0; b < len(raw); b += bb {
			if string(raw[b:b+bb]) != string(mine[b:b+bb]) {
				t.Logf("first differing block %d:\n ggml %x\n ours %x", b/bb, raw[b:b+bb], mine[b:b+bb])
				return
			}
		}
	})
}

// refValues reads the F32 twin of a tensor as float32 values.
func refValues(t *testing.T, f *gguf.File, name string, n int) []float32 {
	t.Helper()
	ti, ok := f.Tensor(name)
	require.True(t, ok, "%s missing from the F32 file", name)
	require.Equal(t, lcrun.F32, ti.Type, name)
	b, err := f.TensorData(name)
	require.NoError(t, err)
	x := make([]float32, n)
	require.NoError(t, lcrun.Dequantize(lcrun.F32, x, b))
	return x
}
