package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// encoder appends the GGUF encoding of header items to a byte slice.
type encoder struct {
	b    []byte
	wide bool // 64-bit counts and lengths (v2, v3); v1 has 32-bit ones
}

func (e *encoder) u32(v uint32) { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *encoder) u64(v uint64) { e.b = binary.LittleEndian.AppendUint64(e.b, v) }

func (e *encoder) count(n uint64) error {
	if e.wide {
		e.u64(n)
		return nil
	}
	if n > math.MaxUint32 {
		return fmt.Errorf("count %d does not fit GGUF v1's 32 bits", n)
	}
	e.u32(uint32(n))
	return nil
}

func (e *encoder) str(s string) error {
	if err := e.count(uint64(len(s))); err != nil {
		return err
	}
	e.b = append(e.b, s...)
	return nil
}

// value appends a value's payload (not its type).
func (e *encoder) value(v Value) error {
	le := binary.LittleEndian
	switch x := v.x.(type) {
	case uint8:
		e.b = append(e.b, x)
	case int8:
		e.b = append(e.b, uint8(x))
	case bool:
		e.b = append(e.b, boolByte(x))
	case uint16:
		e.b = le.AppendUint16(e.b, x)
	case int16:
		e.b = le.AppendUint16(e.b, uint16(x))
	case uint32:
		e.u32(x)
	case int32:
		e.u32(uint32(x))
	case float32:
		e.u32(math.Float32bits(x))
	case uint64:
		e.u64(x)
	case int64:
		e.u64(uint64(x))
	case float64:
		e.u64(math.Float64bits(x))
	case string:
		return e.str(x)
	default:
		if v.typ != TypeArray {
			return fmt.Errorf("value of type %s holds %T", v.typ, v.x)
		}
		return e.array(v)
	}
	return nil
}

// array appends element type, count and elements.
func (e *encoder) array(v Value) error {
	e.u32(uint32(v.elem))
	if err := e.count(uint64(v.Len())); err != nil {
		return err
	}
	switch x := v.x.(type) {
	case []uint8:
		e.b = append(e.b, x...)
	case []int8:
		for _, y := range x {
			e.b = append(e.b, uint8(y))
		}
	case []bool:
		for _, y := range x {
			e.b = append(e.b, boolByte(y))
		}
	case []uint16:
		e.b = appendEach(e.b, x, func(b []byte, y uint16) []byte { return binary.LittleEndian.AppendUint16(b, y) })
	case []int16:
		e.b = appendEach(e.b, x, func(b []byte, y int16) []byte { return binary.LittleEndian.AppendUint16(b, uint16(y)) })
	case []uint32:
		e.b = appendEach(e.b, x, binary.LittleEndian.AppendUint32)
	case []int32:
		e.b = appendEach(e.b, x, func(b []byte, y int32) []byte { return binary.LittleEndian.AppendUint32(b, uint32(y)) })
	case []float32:
		e.b = appendEach(e.b, x, func(b []byte, y float32) []byte {
			return binary.LittleEndian.AppendUint32(b, math.Float32bits(y))
		})
	case []uint64:
		e.b = appendEach(e.b, x, binary.LittleEndian.AppendUint64)
	case []int64:
		e.b = appendEach(e.b, x, func(b []byte, y int64) []byte { return binary.LittleEndian.AppendUint64(b, uint64(y)) })
	case []float64:
		e.b = appendEach(e.b, x, func(b []byte, y float64) []byte {
			return binary.LittleEndian.AppendUint64(b, math.Float64bits(y))
		})
	case []string:
		for _, s := range x {
			if err := e.str(s); err != nil {
				return err
			}
		}
	case []Value:
		for i, y := range x {
			if y.typ != TypeArray {
				return fmt.Errorf("element %d of an array of arrays is %s", i, y.Kind())
			}
			if err := e.array(y); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("array of %s holds %T", v.elem, v.x)
	}
	return nil
}

func appendEach[T any](b []byte, xs []T, put func([]byte, T) []byte) []byte {
	for _, x := range xs {
		b = put(b, x)
	}
	return b
}

func boolByte(x bool) byte {
	if x {
		return 1
	}
	return 0
}
