package gguf

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/lcrun/lcrun/dtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// raw builds GGUF bytes by hand, so tests can write what our Writer never
// would.
type raw struct{ encoder }

func newRaw(version uint32, nTensors, nKV uint64) *raw {
	r := &raw{encoder{wide: version >= 2}}
	r.b = append(r.b, Magic...)
	r.u32(version)
	if r.wide {
		r.u64(nTensors)
		r.u64(nKV)
	} else {
		r.u32(uint32(nTensors))
		r.u32(uint32(nKV))
	}
	return r
}

// key appends a key and its value type.
func (r *raw) key(k string, t Type) *raw {
	_ = r.str(k)
	r.u32(uint32(t))
	return r
}

// tensor appends a tensor info.
func (r *raw) tensor(name string, typ dtype.Type, offset uint64, dims ...uint64) *raw {
	_ = r.str(name)
	r.u32(uint32(len(dims)))
	for _, d := range dims {
		_ = r.count(d)
	}
	r.u32(uint32(typ))
	r.u64(offset)
	return r
}

// data pads to 32 and appends n bytes of tensor data.
func (r *raw) data(n int) []byte {
	r.b = append(r.b, make([]byte, padded(len(r.b), 32)-len(r.b)+n)...)
	return r.b
}

// allocBound is what Open may allocate for a file of n bytes. The Go
// structures are a small multiple of their smallest encodings: the worst
// measured is 8.0x, a v1 file packed with 12-byte entries (3-byte key,
// uint8 value), each a KeyValue, a key string and a map slot; a 12-byte
// empty array costs 2x, an 8-byte empty string 3x, a 24-byte empty tensor
// info 6.7x. Plus a constant for small maps and slices.
func allocBound(n int) uint64 { return 10*uint64(n) + 64<<10 }

// openBounded opens b and fails the test if that allocated more than
// allocBound (measured with runtime.MemStats, so not in parallel tests).
func openBounded(t testing.TB, b []byte) (*File, error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f, err := OpenBytes(b)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	require.LessOrEqual(t, alloc, allocBound(len(b)), "Open of %d bytes allocated %d", len(b), alloc)
	return f, err
}

func TestHostileHeaders(t *testing.T) {
	const huge = 1 << 62
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"text", []byte("Once upon a time there was a model file.\n"), `not a GGUF file (starts with "Once upon a time`},
		{"magic only", []byte("GGUF"), "version at byte 4 needs 4 bytes"},
		{"half magic", []byte("GG"), "truncated inside the GGUF header"},
		{"ggjt", []byte("tjgg\x03\x00\x00\x00"), "pre-GGUF ggml file"},
		{"big endian", []byte("GGUF\x00\x00\x00\x03"), "big-endian"},
		{"version 0", []byte("GGUF\x00\x00\x00\x00"), "big-endian"},
		{"version 4", newRaw(4, 0, 0).b, "GGUF version 4 is newer"},
		{"huge kv count", newRaw(3, 0, huge).b, "claims 4611686018427387904 metadata entries"},
		{"huge tensor count", newRaw(3, huge, 0).b, "claims 4611686018427387904 tensors"},
		{"v1 kv count past end", newRaw(1, 0, math.MaxUint32).b, "claims 4294967295 metadata entries"},
		{"key length past end", func() []byte { r := newRaw(3, 0, 1); r.u64(huge); r.b = append(r.b, make([]byte, 16)...); return r.b }(),
			"metadata entry 0: key at byte 32 needs 4611686018427387904 bytes, only 16 left: truncated or corrupt file"},
		{"key truncated", func() []byte {
			r := newRaw(3, 0, 1)
			r.u64(50)
			r.b = append(r.b, "general.architecture"...)
			return r.b
		}(),
			"metadata entry 0: key at byte 32 needs 50 bytes, only 20 left"},
		{"bad value type", newRaw(3, 0, 1).key("k", 13).b, "k: value type at byte 33: unknown value type 13"},
		{"newline in key", newRaw(3, 0, 1).key("a\nb", 13).b, `"a\nb": value type at byte 35: unknown value type 13`},
		{"long key", newRaw(3, 0, 1).key(string(bytes.Repeat([]byte("k"), 1000)), 13).b, `"kkkkkkkkkk`},
		{"value truncated", append(newRaw(3, 0, 1).key("k", TypeUint64).b, 1, 2, 3), "k: uint64 value at byte 37 needs 8 bytes, only 3 left"},
		{"string past end", func() []byte { r := newRaw(3, 0, 1).key("k", TypeString); r.u64(huge); return r.b }(), "k: string at byte 45 needs 4611686018427387904 bytes, only 0 left"},
		{"string past end by one", func() []byte {
			r := newRaw(3, 0, 1).key("k", TypeString)
			r.u64(3)
			r.b = append(r.b, "ab"...)
			return r.b
		}(), "k: string at byte 45 needs 3 bytes, only 2 left"},
		{"bool 2", append(newRaw(3, 0, 1).key("k", TypeBool).b, 2), "k: bool value at byte 37 is 2"},
		{"duplicate key", func() []byte {
			r := newRaw(3, 0, 2).key("k", TypeUint8)
			r.b = append(r.b, 1)
			r.key("k", TypeUint8)
			r.b = append(r.b, 2)
			return r.b
		}(), `metadata key "k" appears twice`},
		{"array bad element type", func() []byte { r := newRaw(3, 0, 1).key("k", TypeArray); r.u32(99); r.u64(0); return r.b }(), "k: array element type at byte 37: unknown value type 99"},
		{"bool array 7", func() []byte {
			r := newRaw(3, 0, 1).key("k", TypeArray)
			r.u32(uint32(TypeBool))
			r.u64(2)
			r.b = append(r.b, 1, 7)
			return r.b
		}(), "k: bool array element 1 at byte 50 is 7"},
		{"alignment 0", func() []byte { r := newRaw(3, 0, 1).key(KeyAlignment, TypeUint32); r.u32(0); return r.b }(), "general.alignment: is 0, want a power of two"},
		{"alignment 48", func() []byte { r := newRaw(3, 0, 1).key(KeyAlignment, TypeUint32); r.u32(48); return r.b }(), "general.alignment: is 48"},
		{"alignment 2^31", func() []byte { r := newRaw(3, 0, 1).key(KeyAlignment, TypeUint32); r.u32(1 << 31); return r.b }(), "general.alignment: is 2147483648"},
		{"alignment -32", func() []byte {
			r := newRaw(3, 0, 1).key(KeyAlignment, TypeInt32)
			r.u32(math.MaxUint32 - 31)
			return r.b
		}(), "general.alignment: is int32, want integer"},
		{"alignment string", func() []byte { r := newRaw(3, 0, 1).key(KeyAlignment, TypeString); _ = r.str("32"); return r.b }(), "general.alignment: is string, want integer"},
		{"split.count string", func() []byte { r := newRaw(3, 0, 1).key(KeySplitCount, TypeString); _ = r.str("2"); return r.b }(), "split.count: is string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := openBounded(t, c.b)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

// TestHostileArrays: arrays that claim more elements than the file holds,
// of every element type, are refused before anything is allocated.
func TestHostileArrays(t *testing.T) {
	for _, elem := range []Type{TypeUint8, TypeInt8, TypeUint16, TypeInt16, TypeUint32, TypeInt32, TypeFloat32,
		TypeBool, TypeString, TypeArray, TypeUint64, TypeInt64, TypeFloat64} {
		for _, n := range []uint64{1 << 62, math.MaxUint64, 1 << 40, 100} {
			t.Run(fmt.Sprint(elem, n), func(t *testing.T) {
				r := newRaw(3, 0, 1).key("k", TypeArray)
				r.u32(uint32(elem))
				r.u64(n)
				r.b = append(r.b, make([]byte, 64)...) // less than 100 of anything but bytes
				_, err := openBounded(t, r.b)
				assert.ErrorContains(t, err, fmt.Sprintf("claims %d elements of type %s", n, elem))
			})
		}
	}
	t.Run("string array element past end", func(t *testing.T) {
		r := newRaw(3, 0, 1).key("tokenizer.ggml.tokens", TypeArray)
		r.u32(uint32(TypeString))
		r.u64(3)
		_ = r.str("a")
		r.u64(1 << 40)
		r.u64(0)
		_, err := openBounded(t, r.b)
		assert.ErrorContains(t, err, "tokenizer.ggml.tokens: element 1: array string at byte 86 needs 1099511627776 bytes, only 8 left")
	})
	t.Run("nesting too deep", func(t *testing.T) {
		r := newRaw(3, 0, 1).key("k", TypeArray)
		for i := 0; i < 40; i++ {
			r.u32(uint32(TypeArray))
			r.u64(1)
		}
		_, err := openBounded(t, r.b)
		assert.ErrorContains(t, err, "nested more than 16 deep")
	})
	t.Run("nesting at the limit", func(t *testing.T) {
		r := newRaw(3, 0, 1).key("k", TypeArray)
		for i := 0; i < maxNesting-1; i++ {
			r.u32(uint32(TypeArray))
			r.u64(1)
		}
		r.u32(uint32(TypeUint8))
		r.u64(1)
		r.b = append(r.b, 42)
		f, err := openBounded(t, r.b)
		require.NoError(t, err)
		v, _ := f.Get("k")
		for i := 0; i < maxNesting-1; i++ {
			v = v.Any().([]Value)[0]
		}
		assert.Equal(t, []uint8{42}, v.Any())
	})
}

// TestArrayBombsStayBounded: the most allocation-hungry files that are
// valid (an array of a million empty arrays, a million empty strings, a
// hundred thousand one-dimensional tensors) parse with allocation bounded
// by a small multiple of their size.
func TestArrayBombsStayBounded(t *testing.T) {
	n := uint64(1 << 20)
	if testing.Short() {
		n = 1 << 14
	}
	emptyArrays := func() []byte {
		r := newRaw(3, 0, 1).key("k", TypeArray)
		r.u32(uint32(TypeArray))
		r.u64(n)
		for i := uint64(0); i < n; i++ {
			r.u32(uint32(TypeUint8))
			r.u64(0)
		}
		return r.b
	}()
	emptyStrings := func() []byte {
		r := newRaw(3, 0, 1).key("k", TypeArray)
		r.u32(uint32(TypeString))
		r.u64(n)
		r.b = append(r.b, make([]byte, 8*n)...)
		return r.b
	}()
	v1EmptyArrays := func() []byte {
		r := newRaw(1, 0, 1).key("k", TypeArray)
		r.u32(uint32(TypeArray))
		r.u32(uint32(n))
		for i := uint64(0); i < n; i++ {
			r.u32(uint32(TypeBool))
			r.u32(0)
		}
		return r.b
	}()
	manyTensors := func() []byte {
		r := newRaw(3, n/8, 0)
		for i := uint64(0); i < n/8; i++ {
			r.tensor(fmt.Sprint(i), dtype.F32, 0, 0)
		}
		return r.b
	}()
	v1EmptyTensors := func() []byte { // about the smallest tensor infos there are
		r := newRaw(1, n/8, 0)
		for i := uint64(0); i < n/8; i++ {
			r.tensor(fmt.Sprint(i), dtype.F32, 0, 0)
		}
		return r.b
	}()
	v1TinyKeys := func() []byte {
		r := newRaw(1, 0, n)
		for i := uint64(0); i < n; i++ {
			r.u32(3)
			r.b = append(r.b, byte(i), byte(i>>8), byte(i>>16))
			r.u32(uint32(TypeUint8))
			r.b = append(r.b, 1)
		}
		return r.b
	}()
	for name, b := range map[string][]byte{"v1 tiny keys": v1TinyKeys, "empty arrays": emptyArrays, "empty strings": emptyStrings,
		"v1 empty arrays": v1EmptyArrays, "tensors": manyTensors, "v1 empty tensors": v1EmptyTensors} {
		t.Run(name, func(t *testing.T) {
			_, err := openBounded(t, b)
			require.NoError(t, err)
		})
	}
}

func TestHostileTensors(t *testing.T) {
	one := func(typ dtype.Type, offset uint64, dataBytes int, dims ...uint64) []byte {
		return newRaw(3, 1, 0).tensor("t", typ, offset, dims...).data(dataBytes)
	}
	two := func(off1, off2 uint64) []byte {
		return newRaw(3, 2, 0).tensor("a", dtype.F32, off1, 16).tensor("b", dtype.F32, off2, 16).data(256)
	}
	const longName = "a_thirty_byte_long_tensor_name"
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"misaligned", one(dtype.F32, 4, 64, 4), `tensor "t": offset 4 is not a multiple of the alignment 32`},
		{"past end", one(dtype.F32, 0, 60, 16), `tensor "t": 64 bytes at data offset 0 run past the end`},
		{"offset past end", one(dtype.F32, 1<<20, 64, 16), "run past the end"},
		{"offset near 2^64", one(dtype.F32, math.MaxUint64-31, 64, 16), "run past the end"},
		{"overlap", two(0, 32), `tensors "a" and "b" overlap`},
		{"same offset", two(64, 64), "overlap"},
		{"unknown type", one(dtype.Type(4), 0, 64, 16), `tensor "t": unknown tensor type id 4`},
		{"type 1000", one(dtype.Type(1000), 0, 64, 16), "unknown tensor type id 1000"},
		{"five dims", one(dtype.F32, 0, 64, 1, 1, 1, 1, 1), "has 5 dimensions, more than 4"},
		{"dims overflow", one(dtype.F32, 0, 64, 1<<32, 1<<32), "too many elements"},
		{"bytes overflow", one(dtype.F32, 0, 64, 1<<62, 1), "too large"},
		{"dim > int64", one(dtype.F32, 0, 64, 1<<63), "out of range"},
		{"partial block", one(dtype.Q8_0, 0, 64, 48), "Q8_0 tensor of 48 values is not a whole number of blocks of 32"},
		{"dims truncated", newRaw(3, 1, 0).tensor(longName, dtype.F32, 0, 4).b[:70], `"` + longName + `": dimension at byte 66 needs 8 bytes, only 4 left`},
		{"empty tensor past end", one(dtype.F32, 1<<20, 0, 16, 0), "0 bytes at data offset 1048576 run past the end"},
		{"duplicate name", newRaw(3, 2, 0).tensor("a", dtype.F32, 0, 4).tensor("a", dtype.F32, 32, 4).data(64), `tensor "a" appears twice`},
		{"no data section", newRaw(3, 1, 0).tensor("t", dtype.F32, 0, 4).b, "run past the end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := openBounded(t, c.b)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	// Legal neighbours of the cases above.
	for name, b := range map[string][]byte{
		"adjacent":        two(0, 64),
		"reverse order":   two(64, 0),
		"empty tensor":    one(dtype.F32, 32, 64, 16, 0),
		"zero dims":       one(dtype.F32, 0, 4),
		"legacy Q8_0 row": one(dtype.Q8_0, 0, 102, 48, 2),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := openBounded(t, b)
			assert.NoError(t, err)
		})
	}
}

// truncationCuts lists the offsets to cut a file at: every byte of the
// header, then a stride through the data.
func truncationCuts(size, header int) []int {
	stride := 1
	if testing.Short() {
		stride = 13
	}
	var cuts []int
	for c := 0; c < header; c += stride {
		cuts = append(cuts, c)
	}
	for c := header; c < size; c += max(1, (size-header)/200) {
		cuts = append(cuts, c)
	}
	return cuts
}

// TestTruncatedFiles cuts real files at every header offset and many data
// offsets: every cut that loses header or tensor bytes is an error.
func TestTruncatedFiles(t *testing.T) {
	for _, name := range []string{"stories260K.gguf", "tinyllamas-stories-260k-f32.gguf", "tinyllamas-stories-260k-q8_0.gguf",
		"golden/models/mamba2-tiny-f32.gguf"} {
		t.Run(name, func(t *testing.T) {
			b := readFile(t, filepath.Join(testdata, name))
			f, err := OpenBytes(b)
			require.NoError(t, err)
			var need int64 // bytes a cut must keep to stay valid
			for _, ti := range f.Tensors {
				need = max(need, ti.FileOffset()+ti.Size)
			}
			header := int(f.Tensors[0].FileOffset())
			for _, cut := range truncationCuts(len(b), header) {
				_, err := OpenBytes(b[:cut:cut])
				if int64(cut) < need {
					require.Error(t, err, "cut at %d", cut)
				}
			}
			// Truncated copies on disk go through the mapping path.
			path := filepath.Join(t.TempDir(), "cut.gguf")
			for _, cut := range []int{1, 7, 24, header / 2, header, len(b) / 2, int(need) - 1} {
				require.NoError(t, os.WriteFile(path, b[:cut], 0o644))
				_, err := Open(path)
				require.Error(t, err, "cut at %d", cut)
				assert.Contains(t, err.Error(), path)
			}
		})
	}
}

func TestOpenNotAFile(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	assert.ErrorContains(t, err, "is a directory")
	_, err = Open(filepath.Join(dir, "missing.gguf"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	empty := filepath.Join(dir, "empty.gguf")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	_, err = Open(empty)
	assert.EqualError(t, err, empty+": empty file, not a GGUF model")
	text := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(text, []byte("hello"), 0o644))
	_, err = Open(text)
	assert.EqualError(t, err, text+`: not a GGUF file (starts with "hello")`)
}

func TestTensorDataErrors(t *testing.T) {
	f, err := Open(filepath.Join(testdata, "tinyllamas-stories-260k-q8_0.gguf"))
	require.NoError(t, err)
	_, err = f.TensorData("blk.3.ffn_down.weight")
	assert.EqualError(t, err, `tensor "blk.3.ffn_down.weight": Q8_0 rows of 172 values are not whole blocks of 32 (legacy flat layout, refused as current llama.cpp does)`)
	raw, err := f.RawTensorData("blk.3.ffn_down.weight")
	require.NoError(t, err)
	assert.Len(t, raw, 172*64/32*34)
	_, err = f.TensorData("nope")
	assert.EqualError(t, err, `tensor "nope": not in the file`)
	_, err = f.RawTensorData("nope")
	assert.Error(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, f.Close(), "Close twice is fine")
	_, err = f.TensorData("token_embd.weight")
	assert.ErrorIs(t, err, ErrClosed)
	_, err = f.SHA256()
	assert.ErrorIs(t, err, ErrClosed)
}
