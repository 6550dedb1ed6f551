package gguf

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lcrun/lcrun/dtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allMetadata has a value of every metadata type, arrays of every type,
// arrays of arrays, empty arrays and the extreme values of each type.
func allMetadata() []struct {
	key string
	x   any
} {
	nan := math.Float32frombits(0x7fc00001) // a NaN with a payload: bits must survive
	return []struct {
		key string
		x   any
	}{
		{"u8", uint8(255)},
		{"i8", int8(-128)},
		{"u16", uint16(65535)},
		{"i16", int16(-32768)},
		{"u32", uint32(math.MaxUint32)},
		{"i32", int32(math.MinInt32)},
		{"f32", float32(-1.5e-40)}, // subnormal
		{"f32.nan", nan},
		{"bool.t", true},
		{"bool.f", false},
		{"str", "héllo\x00wörld ▁ 🙂"},
		{"str.empty", ""},
		{"u64", uint64(math.MaxUint64)},
		{"i64", int64(math.MinInt64)},
		{"f64", math.Inf(-1)},
		{"f64.nan", math.Float64frombits(0x7ff8000000000123)},
		{"a.u8", []uint8{0, 1, 255}},
		{"a.i8", []int8{-128, 0, 127}},
		{"a.u16", []uint16{0, 65535}},
		{"a.i16", []int16{-32768, 32767}},
		{"a.u32", []uint32{0, math.MaxUint32}},
		{"a.i32", []int32{math.MinInt32, -1, math.MaxInt32}},
		{"a.f32", []float32{0, float32(math.Copysign(0, -1)), 3.25, nan, float32(math.Inf(1))}},
		{"a.bool", []bool{true, false, true}},
		{"a.str", []string{"", "a", "<s>", "\xff\xfe not utf-8"}},
		{"a.u64", []uint64{0, math.MaxUint64}},
		{"a.i64", []int64{math.MinInt64, math.MaxInt64}},
		{"a.f64", []float64{math.SmallestNonzeroFloat64, -math.MaxFloat64}},
		{"a.empty", []float32{}},
		{"a.nested", [][]int32{{1, 2}, {}, {3}}},
		{"a.nested3", [][][]string{{{"x"}, {}}, {}}},
		{"a.mixed", []Value{mustValue([]uint8{7}), mustValue([]string{"seven"}), mustValue([][]bool{{true}})}},
		{"a.nested.empty", [][]uint64{}},
	}
}

func mustValue(x any) Value {
	v, err := ValueOf(x)
	if err != nil {
		panic(err)
	}
	return v
}

// allTypes lists every tensor type a GGUF file may name.
func allTypes() []dtype.Type {
	var ts []dtype.Type
	for id := dtype.Type(0); id < 64; id++ {
		if id.Known() {
			ts = append(ts, id)
		}
	}
	return ts
}

// TestRoundTripMetadata writes every metadata type with GGUF v1, v2 and v3
// and reads it back bit for bit, in order.
func TestRoundTripMetadata(t *testing.T) {
	for _, version := range []uint32{1, 2, 3} {
		t.Run(fmt.Sprint("v", version), func(t *testing.T) {
			w := NewWriter()
			w.version = version
			want := allMetadata()
			for _, kv := range want {
				require.NoError(t, w.Set(kv.key, kv.x))
			}
			var buf bytes.Buffer
			_, err := w.WriteTo(&buf)
			require.NoError(t, err)
			f, err := OpenBytes(buf.Bytes())
			require.NoError(t, err)
			assert.Equal(t, version, f.Version)
			require.Len(t, f.KV, len(want))
			for i, kv := range want {
				assert.Equal(t, kv.key, f.KV[i].Key)
				assert.Equal(t, bitsOf(mustValue(kv.x)), bitsOf(f.KV[i].Value), kv.key)
			}
			// And the file we read writes back to the same bytes.
			w2 := copyToWriter(t, f)
			w2.version = version
			var again bytes.Buffer
			_, err = w2.WriteTo(&again)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(buf.Bytes(), again.Bytes()))
		})
	}
}

// bitsOf renders a value with floats as their bit patterns, so that NaNs
// compare and -0 differs from 0.
func bitsOf(v Value) string {
	switch x := v.x.(type) {
	case float32:
		return fmt.Sprintf("f32:%#x", math.Float32bits(x))
	case float64:
		return fmt.Sprintf("f64:%#x", math.Float64bits(x))
	case []float32:
		s := "[]f32:"
		for _, y := range x {
			s += fmt.Sprintf("%#x,", math.Float32bits(y))
		}
		return s
	case []float64:
		s := "[]f64:"
		for _, y := range x {
			s += fmt.Sprintf("%#x,", math.Float64bits(y))
		}
		return s
	case []Value:
		s := "[]array:"
		for _, y := range x {
			s += bitsOf(y) + ";"
		}
		return s
	}
	return fmt.Sprintf("%s/%s:%#v", v.typ, v.elem, v.x)
}

// TestRoundTripTensors writes a tensor of every type, in shapes of 1 to 4
// dimensions, with random bytes, and reads each back bit for bit at an
// aligned offset, for several alignments.
func TestRoundTripTensors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, align := range []uint32{0, 1, 8, 64, 4096} {
		t.Run(fmt.Sprint("align", align), func(t *testing.T) {
			w := NewWriter()
			if align != 0 {
				w.SetUint32(KeyAlignment, align)
			}
			w.SetString("general.architecture", "test")
			type tensor struct {
				name string
				typ  dtype.Type
				dims []uint64
				data []byte
			}
			var want []tensor
			for _, typ := range allTypes() {
				bs := uint64(typ.BlockSize())
				shapes := [][]uint64{{bs}, {3 * bs, 2}, {bs, 1, 3}, {2 * bs, 2, 1, 2}, {bs, 0}}
				for i, dims := range shapes {
					size, flat, err := tensorSize(typ, dims)
					require.NoError(t, err)
					require.NoError(t, flat)
					data := make([]byte, size)
					for j := range data {
						data[j] = byte(rng.Uint32())
					}
					name := fmt.Sprintf("%s.%d", typ, i)
					require.NoError(t, w.AddTensor(name, typ, dims, data))
					want = append(want, tensor{name, typ, dims, data})
				}
			}
			var buf bytes.Buffer
			_, err := w.WriteTo(&buf)
			require.NoError(t, err)
			f, err := OpenBytes(buf.Bytes())
			require.NoError(t, err)
			wantAlign := int(align)
			if align == 0 {
				wantAlign = DefaultAlignment
			}
			assert.Equal(t, wantAlign, f.Alignment)
			require.Len(t, f.Tensors, len(want))
			for i, tw := range want {
				ti := &f.Tensors[i]
				assert.Equal(t, tw.name, ti.Name)
				assert.Equal(t, tw.typ, ti.Type)
				assert.Equal(t, tw.dims, ti.Dims)
				assert.Zero(t, ti.FileOffset()%int64(wantAlign))
				got, err := f.TensorData(tw.name)
				require.NoError(t, err)
				assert.True(t, bytes.Equal(tw.data, got), tw.name)
			}
			assert.Zero(t, buf.Len()%wantAlign, "file ends padded")
		})
	}
}

// TestWriteFileAtomic writes through a temporary file: the result opens,
// and no temporary file is left behind.
func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/m.gguf"
	w := NewWriter()
	w.SetString("general.architecture", "llama")
	require.NoError(t, w.AddTensor("x", dtype.F32, []uint64{2}, make([]byte, 8)))
	require.NoError(t, w.WriteFile(path))
	require.NoError(t, w.WriteFile(path)) // replaces
	f, err := Open(path)
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, "llama", f.Arch())
	entries, err := osReadDir(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"m.gguf"}, entries)

	w.SetUint32(KeyAlignment, 3)
	require.Error(t, w.WriteFile(dir+"/bad.gguf"))
	entries, err = osReadDir(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"m.gguf"}, entries, "a failed write leaves nothing")
}

func TestWriterRefuses(t *testing.T) {
	f32 := func(n int) []byte { return make([]byte, 4*n) }
	cases := []struct {
		name string
		add  func(w *Writer) error
		want string
	}{
		{"long name", func(w *Writer) error {
			return w.AddTensor(string(make([]byte, 64)), dtype.F32, []uint64{1}, f32(1))
		}, "want 1 to 63 bytes"},
		{"empty name", func(w *Writer) error { return w.AddTensor("", dtype.F32, []uint64{1}, f32(1)) }, "want 1 to 63"},
		{"duplicate", func(w *Writer) error {
			_ = w.AddTensor("a", dtype.F32, []uint64{1}, f32(1))
			return w.AddTensor("a", dtype.F32, []uint64{1}, f32(1))
		}, "added twice"},
		{"five dims", func(w *Writer) error {
			return w.AddTensor("a", dtype.F32, []uint64{1, 1, 1, 1, 1}, f32(1))
		}, "5 dimensions"},
		{"short data", func(w *Writer) error { return w.AddTensor("a", dtype.F32, []uint64{3}, f32(2)) }, "needs 12 bytes, got 8"},
		{"partial block", func(w *Writer) error { return w.AddTensor("a", dtype.Q8_0, []uint64{16, 2}, make([]byte, 34)) }, "not whole blocks"},
		{"unknown type", func(w *Writer) error { return w.AddTensor("a", dtype.Type(4), []uint64{1}, f32(1)) }, "unknown tensor type id 4"},
		{"go int", func(w *Writer) error { return w.Set("k", 5) }, "int has no GGUF type"},
		{"nil", func(w *Writer) error { return w.Set("k", nil) }, "has no GGUF type"},
		{"array of scalars as []Value", func(w *Writer) error {
			return w.Set("k", []Value{mustValue(uint8(1))})
		}, "is uint8, not an array"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.ErrorContains(t, c.add(NewWriter()), c.want)
		})
	}
	for _, a := range []any{uint32(0), uint32(3), uint32(1 << 31), "32"} {
		w := NewWriter()
		require.NoError(t, w.Set(KeyAlignment, a))
		_, err := w.WriteTo(&bytes.Buffer{})
		assert.ErrorContains(t, err, KeyAlignment, "%v", a)
	}
}

func TestWriterSetReplacesInPlace(t *testing.T) {
	w := NewWriter()
	w.SetUint32("a", 1)
	w.SetString("b", "x")
	w.SetUint32("c", 3)
	w.SetFloat32("a", 2) // new type, same place
	w.Delete("b")
	w.Delete("missing")
	var buf bytes.Buffer
	_, err := w.WriteTo(&buf)
	require.NoError(t, err)
	f, err := OpenBytes(buf.Bytes())
	require.NoError(t, err)
	require.Len(t, f.KV, 2)
	assert.Equal(t, "a", f.KV[0].Key)
	assert.Equal(t, float32(2), f.KV[0].Value.Any())
	assert.Equal(t, "c", f.KV[1].Key)
	assert.False(t, f.Has("b"))
}
