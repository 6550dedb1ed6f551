package gguf

import (
	"errors"
	"fmt"
	"math"
)

// ErrMissing is what a typed accessor's error wraps when the key is absent
// (errors.Is(err, gguf.ErrMissing)).
var ErrMissing = errors.New("missing")

// KeyError is a problem with one metadata key: "llama.block_count:
// missing", "llama.block_count: is string, want integer".
type KeyError struct {
	Key     string
	Problem string
}

func (e *KeyError) Error() string { return shownKey(e.Key) + ": " + e.Problem }

// Is makes errors.Is(err, ErrMissing) true for a missing key.
func (e *KeyError) Is(target error) bool {
	return target == ErrMissing && e.Problem == ErrMissing.Error()
}

func missing(key string) error { return &KeyError{Key: key, Problem: ErrMissing.Error()} }

func mistyped(key string, v Value, want string) error {
	return &KeyError{Key: key, Problem: "is " + v.Kind() + ", want " + want}
}

// Get returns the value of key.
func (f *File) Get(key string) (Value, bool) {
	i, ok := f.kvIndex[key]
	if !ok {
		return Value{}, false
	}
	return f.KV[i].Value, true
}

// Has reports whether key is present.
func (f *File) Has(key string) bool {
	_, ok := f.kvIndex[key]
	return ok
}

// Arch is general.architecture ("llama", "mamba"), or "" if absent or not a
// string.
func (f *File) Arch() string {
	s, _ := f.String("general.architecture")
	return s
}

// lookup finds key and passes its value to conv; absent keys give def when
// orDefault is set.
func lookup[T any](f *File, key string, conv func(Value) (T, error), def T, orDefault bool) (T, error) {
	v, ok := f.Get(key)
	if !ok {
		if orDefault {
			return def, nil
		}
		return def, missing(key)
	}
	x, err := conv(v)
	if err != nil {
		var zero T
		if ke, ok := err.(*KeyError); ok {
			ke.Key = key
		}
		return zero, err
	}
	return x, nil
}

// String returns a string value.
func (f *File) String(key string) (string, error) { return lookup(f, key, toString, "", false) }

// StringOr is String with a default for an absent key (a mistyped key is
// still an error).
func (f *File) StringOr(key, def string) (string, error) { return lookup(f, key, toString, def, true) }

// Uint returns a non-negative integer stored with any integer type.
func (f *File) Uint(key string) (uint64, error) { return lookup(f, key, toUint, 0, false) }

// UintOr is Uint with a default for an absent key.
func (f *File) UintOr(key string, def uint64) (uint64, error) {
	return lookup(f, key, toUint, def, true)
}

// Int returns an integer stored with any integer type that fits an int64.
func (f *File) Int(key string) (int64, error) { return lookup(f, key, toInt, 0, false) }

// IntOr is Int with a default for an absent key.
func (f *File) IntOr(key string, def int64) (int64, error) { return lookup(f, key, toInt, def, true) }

// Count returns a non-negative integer that fits an int: the accessor for
// sizes such as block_count or context_length.
func (f *File) Count(key string) (int, error) { return lookup(f, key, toCount, 0, false) }

// CountOr is Count with a default for an absent key.
func (f *File) CountOr(key string, def int) (int, error) { return lookup(f, key, toCount, def, true) }

// Float returns a float32 or float64 value; integers are accepted too.
func (f *File) Float(key string) (float64, error) { return lookup(f, key, toFloat, 0, false) }

// FloatOr is Float with a default for an absent key.
func (f *File) FloatOr(key string, def float64) (float64, error) {
	return lookup(f, key, toFloat, def, true)
}

// Bool returns a bool value.
func (f *File) Bool(key string) (bool, error) { return lookup(f, key, toBool, false, false) }

// BoolOr is Bool with a default for an absent key.
func (f *File) BoolOr(key string, def bool) (bool, error) { return lookup(f, key, toBool, def, true) }

// Strings returns an array of strings (shared: do not modify).
func (f *File) Strings(key string) ([]string, error) { return lookup(f, key, toStrings, nil, false) }

// Float32s returns an array of float32 (shared: do not modify); a float64
// array is converted.
func (f *File) Float32s(key string) ([]float32, error) { return lookup(f, key, toFloat32s, nil, false) }

// Int32s returns an array of int32 (shared: do not modify); arrays of other
// integer types are converted when every element fits.
func (f *File) Int32s(key string) ([]int32, error) { return lookup(f, key, toInt32s, nil, false) }

// Uints returns an array of non-negative integers of any integer type, as a
// new slice.
func (f *File) Uints(key string) ([]uint64, error) { return lookup(f, key, toUints, nil, false) }

// ArrayLen returns the number of elements of an array.
func (f *File) ArrayLen(key string) (int, error) {
	return lookup(f, key, func(v Value) (int, error) {
		if v.typ != TypeArray {
			return 0, mistyped("", v, "array")
		}
		return v.Len(), nil
	}, 0, false)
}

func toString(v Value) (string, error) {
	if s, ok := v.x.(string); ok {
		return s, nil
	}
	return "", mistyped("", v, "string")
}

func toBool(v Value) (bool, error) {
	if b, ok := v.x.(bool); ok {
		return b, nil
	}
	return false, mistyped("", v, "bool")
}

// integer is any GGUF integer as a sign and a magnitude.
type integer struct {
	neg bool
	mag uint64
}

func (n integer) String() string {
	if n.neg {
		return fmt.Sprintf("-%d", n.mag)
	}
	return fmt.Sprintf("%d", n.mag)
}

func signed(x int64) integer {
	if x < 0 {
		return integer{neg: true, mag: uint64(-(x + 1)) + 1}
	}
	return integer{mag: uint64(x)}
}

// asInteger converts a scalar or an element of an integer array.
func asInteger(x any) (integer, bool) {
	switch x := x.(type) {
	case uint8:
		return integer{mag: uint64(x)}, true
	case uint16:
		return integer{mag: uint64(x)}, true
	case uint32:
		return integer{mag: uint64(x)}, true
	case uint64:
		return integer{mag: x}, true
	case int8:
		return signed(int64(x)), true
	case int16:
		return signed(int64(x)), true
	case int32:
		return signed(int64(x)), true
	case int64:
		return signed(x), true
	}
	return integer{}, false
}

// asUint is the non-negative value of an integer scalar.
func asUint(v Value) (uint64, bool) {
	n, ok := asInteger(v.x)
	if !ok || n.neg {
		return 0, false
	}
	return n.mag, true
}

func toUint(v Value) (uint64, error) {
	n, ok := asInteger(v.x)
	if !ok {
		return 0, mistyped("", v, "integer")
	}
	if n.neg {
		return 0, &KeyError{Problem: fmt.Sprintf("is %s, want a non-negative integer", n)}
	}
	return n.mag, nil
}

func toInt(v Value) (int64, error) {
	n, ok := asInteger(v.x)
	if !ok {
		return 0, mistyped("", v, "integer")
	}
	return intRange(n, math.MinInt64, math.MaxInt64)
}

func toCount(v Value) (int, error) {
	n, ok := asInteger(v.x)
	if !ok {
		return 0, mistyped("", v, "integer")
	}
	x, err := intRange(n, 0, math.MaxInt)
	return int(x), err
}

// intRange checks lo <= n <= hi.
func intRange(n integer, lo, hi int64) (int64, error) {
	if n.neg {
		if lo >= 0 || n.mag > uint64(-(lo+1))+1 {
			return 0, &KeyError{Problem: fmt.Sprintf("is %s, below the smallest allowed value %d", n, lo)}
		}
		return -int64(n.mag-1) - 1, nil
	}
	if n.mag > uint64(hi) {
		return 0, &KeyError{Problem: fmt.Sprintf("is %s, above the largest allowed value %d", n, hi)}
	}
	return int64(n.mag), nil
}

func toFloat(v Value) (float64, error) {
	switch x := v.x.(type) {
	case float32:
		return float64(x), nil
	case float64:
		return x, nil
	}
	if n, ok := asInteger(v.x); ok {
		if n.neg {
			return -float64(n.mag), nil
		}
		return float64(n.mag), nil
	}
	return 0, mistyped("", v, "float")
}

func toStrings(v Value) ([]string, error) {
	if s, ok := v.x.([]string); ok {
		return s, nil
	}
	return nil, mistyped("", v, "array of string")
}

func toFloat32s(v Value) ([]float32, error) {
	switch x := v.x.(type) {
	case []float32:
		return x, nil
	case []float64:
		out := make([]float32, len(x))
		for i, e := range x {
			out[i] = float32(e)
		}
		return out, nil
	}
	return nil, mistyped("", v, "array of float32")
}

func toInt32s(v Value) ([]int32, error) {
	if x, ok := v.x.([]int32); ok {
		return x, nil
	}
	if v.typ != TypeArray || !v.elem.integer() {
		return nil, mistyped("", v, "array of int32")
	}
	out := make([]int32, v.Len())
	err := eachInteger(v, func(i int, n integer) error {
		x, err := intRange(n, math.MinInt32, math.MaxInt32)
		if err != nil {
			return &KeyError{Problem: fmt.Sprintf("element %d %s", i, err.(*KeyError).Problem)}
		}
		out[i] = int32(x)
		return nil
	})
	return out, err
}

func toUints(v Value) ([]uint64, error) {
	if v.typ != TypeArray || !v.elem.integer() {
		return nil, mistyped("", v, "array of integer")
	}
	out := make([]uint64, v.Len())
	err := eachInteger(v, func(i int, n integer) error {
		if n.neg {
			return &KeyError{Problem: fmt.Sprintf("element %d is %s, want a non-negative integer", i, n)}
		}
		out[i] = n.mag
		return nil
	})
	return out, err
}

// eachInteger calls fn for every element of an integer array, stopping at
// the first error.
func eachInteger(v Value, fn func(i int, n integer) error) error {
	switch x := v.x.(type) {
	case []uint8:
		return eachUnsigned(x, fn)
	case []uint16:
		return eachUnsigned(x, fn)
	case []uint32:
		return eachUnsigned(x, fn)
	case []uint64:
		return eachUnsigned(x, fn)
	case []int8:
		return eachSigned(x, fn)
	case []int16:
		return eachSigned(x, fn)
	case []int32:
		return eachSigned(x, fn)
	case []int64:
		return eachSigned(x, fn)
	}
	return nil
}

func eachUnsigned[T uint8 | uint16 | uint32 | uint64](xs []T, fn func(i int, n integer) error) error {
	for i, x := range xs {
		if err := fn(i, integer{mag: uint64(x)}); err != nil {
			return err
		}
	}
	return nil
}

func eachSigned[T int8 | int16 | int32 | int64](xs []T, fn func(i int, n integer) error) error {
	for i, x := range xs {
		if err := fn(i, signed(int64(x))); err != nil {
			return err
		}
	}
	return nil
}
