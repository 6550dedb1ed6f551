package gguf

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func metadataFile(t *testing.T) *File {
	w := NewWriter()
	for _, kv := range allMetadata() {
		require.NoError(t, w.Set(kv.key, kv.x))
	}
	w.SetString("general.architecture", "llama")
	w.SetUint32("llama.block_count", 5)
	w.SetInt8("small", -3)
	w.SetUint8("byte", 200)
	require.NoError(t, w.Set("a.u8.big", []uint16{1, 300}))
	require.NoError(t, w.Set("a.i64.neg", []int64{1, -1}))
	var buf bytes.Buffer
	_, err := w.WriteTo(&buf)
	require.NoError(t, err)
	f, err := OpenBytes(buf.Bytes())
	require.NoError(t, err)
	return f
}

func TestAccessors(t *testing.T) {
	f := metadataFile(t)
	assert.Equal(t, "llama", f.Arch())
	assert.True(t, f.Has("u8"))
	assert.False(t, f.Has("nope"))

	cases := []struct {
		name string
		get  func() (any, error)
		want any
		err  string
	}{
		{"uint of uint32", func() (any, error) { return f.Uint("llama.block_count") }, uint64(5), ""},
		{"uint of u64 max", func() (any, error) { return f.Uint("u64") }, uint64(math.MaxUint64), ""},
		{"uint of negative", func() (any, error) { return f.Uint("small") }, nil, "small: is -3, want a non-negative integer"},
		{"uint of string", func() (any, error) { return f.Uint("str") }, nil, "str: is string, want integer"},
		{"uint missing", func() (any, error) { return f.Uint("llama.nope") }, nil, "llama.nope: missing"},
		{"int of i64 min", func() (any, error) { return f.Int("i64") }, int64(math.MinInt64), ""},
		{"int of u8", func() (any, error) { return f.Int("byte") }, int64(200), ""},
		{"int of u64 max", func() (any, error) { return f.Int("u64") }, nil, "u64: is 18446744073709551615, above the largest allowed value 9223372036854775807"},
		{"count", func() (any, error) { return f.Count("llama.block_count") }, 5, ""},
		{"count of negative", func() (any, error) { return f.Count("i32") }, nil, "i32: is -2147483648, below the smallest allowed value 0"},
		{"count of float", func() (any, error) { return f.Count("f32") }, nil, "f32: is float32, want integer"},
		{"count of array", func() (any, error) { return f.Count("a.u8") }, nil, "a.u8: is array of uint8, want integer"},
		{"float of f32", func() (any, error) { return f.Float("f64") }, math.Inf(-1), ""},
		{"float of int", func() (any, error) { return f.Float("small") }, float64(-3), ""},
		{"float of bool", func() (any, error) { return f.Float("bool.t") }, nil, "bool.t: is bool, want float"},
		{"bool", func() (any, error) { return f.Bool("bool.t") }, true, ""},
		{"bool of u8", func() (any, error) { return f.Bool("u8") }, nil, "u8: is uint8, want bool"},
		{"string", func() (any, error) { return f.String("str.empty") }, "", ""},
		{"string of array", func() (any, error) { return f.String("a.str") }, nil, "a.str: is array of string, want string"},
		{"strings", func() (any, error) { return f.Strings("a.str") }, []string{"", "a", "<s>", "\xff\xfe not utf-8"}, ""},
		{"strings of f32s", func() (any, error) { return f.Strings("a.f32") }, nil, "a.f32: is array of float32, want array of string"},
		{"float32s of f64s", func() (any, error) { return f.Float32s("a.f64") }, []float32{0, float32(math.Inf(-1))}, ""},
		{"float32s of nested", func() (any, error) { return f.Float32s("a.nested") }, nil, "a.nested: is array of array, want array of float32"},
		{"int32s", func() (any, error) { return f.Int32s("a.i32") }, []int32{math.MinInt32, -1, math.MaxInt32}, ""},
		{"int32s of u8", func() (any, error) { return f.Int32s("a.u8") }, []int32{0, 1, 255}, ""},
		{"int32s of u32 max", func() (any, error) { return f.Int32s("a.u32") }, nil, "a.u32: element 1 is 4294967295, above the largest allowed value 2147483647"},
		{"int32s missing", func() (any, error) { return f.Int32s("x") }, nil, "x: missing"},
		{"uints", func() (any, error) { return f.Uints("a.u8.big") }, []uint64{1, 300}, ""},
		{"uints of negative", func() (any, error) { return f.Uints("a.i64.neg") }, nil, "a.i64.neg: element 1 is -1, want a non-negative integer"},
		{"uints of strings", func() (any, error) { return f.Uints("a.str") }, nil, "a.str: is array of string, want array of integer"},
		{"array len", func() (any, error) { return f.ArrayLen("a.nested") }, 3, ""},
		{"array len of scalar", func() (any, error) { return f.ArrayLen("u8") }, nil, "u8: is uint8, want array"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.get()
			if c.err != "" {
				require.EqualError(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestAccessorDefaults(t *testing.T) {
	f := metadataFile(t)
	n, err := f.CountOr("llama.context_length", 2048)
	require.NoError(t, err)
	assert.Equal(t, 2048, n)
	n, err = f.CountOr("llama.block_count", 9)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	_, err = f.CountOr("str", 9)
	assert.EqualError(t, err, "str: is string, want integer", "a mistyped key is not defaulted")

	s, err := f.StringOr("tokenizer.ggml.pre", "default")
	require.NoError(t, err)
	assert.Equal(t, "default", s)
	x, err := f.FloatOr("llama.rope.freq_base", 10000)
	require.NoError(t, err)
	assert.Equal(t, 10000.0, x)
	b, err := f.BoolOr("add_bos", true)
	require.NoError(t, err)
	assert.True(t, b)
	u, err := f.UintOr("u16", 1)
	require.NoError(t, err)
	assert.Equal(t, uint64(65535), u)
	i, err := f.IntOr("nope", -7)
	require.NoError(t, err)
	assert.Equal(t, int64(-7), i)

	_, err = f.Count("missing.key")
	assert.ErrorIs(t, err, ErrMissing)
	_, err = f.Count("str")
	assert.NotErrorIs(t, err, ErrMissing)
}

func TestValueString(t *testing.T) {
	assert.Equal(t, `"a\nb"`, mustValue("a\nb").String())
	assert.Equal(t, "7", mustValue(uint32(7)).String())
	assert.Equal(t, `["a", "b", "c", "d", ... 5 items]`, mustValue([]string{"a", "b", "c", "d", "e"}).String())
	assert.Equal(t, "[[1, 2], []]", mustValue([][]int32{{1, 2}, {}}).String())
	assert.Equal(t, "array of array", mustValue([][]int32{}).Kind())
	assert.Equal(t, 0, mustValue(int8(1)).Len())
	assert.Equal(t, "type(13)", Type(13).String())
}
