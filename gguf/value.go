package gguf

import (
	"fmt"
	"reflect"
	"strings"
)

// KeyValue is one metadata entry, in file order.
type KeyValue struct {
	Key   string
	Value Value
}

// Value is a metadata value: a scalar, a string, or an array whose
// elements all have one type (arrays of arrays included).
//
// The Go value behind it (Any) is uint8, int8, uint16, int16, uint32,
// int32, uint64, int64, float32, float64, bool or string for scalars, and a
// slice of one of those for arrays; an array of arrays is a []Value whose
// elements are arrays. Slices returned by a File are shared: do not modify
// them.
type Value struct {
	typ  Type
	elem Type // element type of an array
	x    any
}

// Type is the value's GGUF type.
func (v Value) Type() Type { return v.typ }

// ElemType is the type of an array's elements (meaningless for scalars).
func (v Value) ElemType() Type { return v.elem }

// Any returns the Go value (see Value).
func (v Value) Any() any { return v.x }

// Len is the number of elements of an array, 0 for a scalar.
func (v Value) Len() int {
	if v.typ != TypeArray {
		return 0
	}
	return reflect.ValueOf(v.x).Len()
}

// Kind names the value's type the way errors and listings show it:
// "uint32", "string", "array of float32", "array of array".
func (v Value) Kind() string {
	if v.typ == TypeArray {
		return "array of " + v.elem.String()
	}
	return v.typ.String()
}

// String formats the value for people: numbers and bools as Go prints
// them, strings quoted, arrays as their first few elements and the count.
func (v Value) String() string {
	if v.typ != TypeArray {
		if s, ok := v.x.(string); ok {
			return quoted(s)
		}
		return fmt.Sprint(v.x)
	}
	const show = 4
	n := v.Len()
	rv := reflect.ValueOf(v.x)
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < n && i < show; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		e := rv.Index(i).Interface()
		switch e := e.(type) {
		case string:
			b.WriteString(quoted(e))
		case Value:
			b.WriteString(e.String())
		default:
			fmt.Fprint(&b, e)
		}
	}
	if n > show {
		fmt.Fprintf(&b, ", ... %d items", n)
	}
	b.WriteByte(']')
	return b.String()
}

// ValueOf makes a Value of a Go value: one of the scalar types listed at
// Value, a slice of one of them, a Value, or a slice of slices (or of
// array Values) for an array of arrays. Go's int, uint and other types have
// no GGUF type and are refused, so a file never gets a type by accident.
func ValueOf(x any) (Value, error) {
	switch x := x.(type) {
	case Value:
		if !x.typ.valid() || x.x == nil {
			return Value{}, fmt.Errorf("gguf: invalid Value")
		}
		return x, nil
	case uint8:
		return Value{typ: TypeUint8, x: x}, nil
	case int8:
		return Value{typ: TypeInt8, x: x}, nil
	case uint16:
		return Value{typ: TypeUint16, x: x}, nil
	case int16:
		return Value{typ: TypeInt16, x: x}, nil
	case uint32:
		return Value{typ: TypeUint32, x: x}, nil
	case int32:
		return Value{typ: TypeInt32, x: x}, nil
	case float32:
		return Value{typ: TypeFloat32, x: x}, nil
	case bool:
		return Value{typ: TypeBool, x: x}, nil
	case string:
		return Value{typ: TypeString, x: x}, nil
	case uint64:
		return Value{typ: TypeUint64, x: x}, nil
	case int64:
		return Value{typ: TypeInt64, x: x}, nil
	case float64:
		return Value{typ: TypeFloat64, x: x}, nil
	case []uint8:
		return array(TypeUint8, x), nil
	case []int8:
		return array(TypeInt8, x), nil
	case []uint16:
		return array(TypeUint16, x), nil
	case []int16:
		return array(TypeInt16, x), nil
	case []uint32:
		return array(TypeUint32, x), nil
	case []int32:
		return array(TypeInt32, x), nil
	case []float32:
		return array(TypeFloat32, x), nil
	case []bool:
		return array(TypeBool, x), nil
	case []string:
		return array(TypeString, x), nil
	case []uint64:
		return array(TypeUint64, x), nil
	case []int64:
		return array(TypeInt64, x), nil
	case []float64:
		return array(TypeFloat64, x), nil
	case []Value:
		for i, e := range x {
			if e.typ != TypeArray {
				return Value{}, fmt.Errorf("gguf: element %d of an array of arrays is %s, not an array", i, e.Kind())
			}
		}
		return array(TypeArray, x), nil
	}
	rv := reflect.ValueOf(x)
	if x == nil || rv.Kind() != reflect.Slice {
		return Value{}, fmt.Errorf("gguf: %T has no GGUF type (use uint8..uint64, int8..int64, float32, float64, bool, string or a slice of them)", x)
	}
	nested := make([]Value, rv.Len())
	for i := range nested {
		e, err := ValueOf(rv.Index(i).Interface())
		if err != nil {
			return Value{}, err
		}
		nested[i] = e
	}
	return ValueOf(nested)
}

// array wraps a typed slice. A nil slice becomes an empty one, so that an
// empty array and a missing one stay different things.
func array(elem Type, x any) Value {
	if reflect.ValueOf(x).IsNil() {
		x = reflect.MakeSlice(reflect.TypeOf(x), 0, 0).Interface()
	}
	return Value{typ: TypeArray, elem: elem, x: x}
}
