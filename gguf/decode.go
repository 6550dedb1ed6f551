package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// maxNesting bounds arrays of arrays. GGUF sets no limit, but no model
// nests at all; the bound keeps hostile files from recursing deeply.
const maxNesting = 16

// decoder reads the header of a GGUF file held in memory. Every length is
// checked against the bytes that remain before anything is allocated, so
// a hostile file can make us allocate at most a small multiple of its own
// size.
type decoder struct {
	b    []byte
	off  int
	wide bool // v2 and later: counts and lengths are 64-bit, v1: 32-bit
}

func (d *decoder) left() int { return len(d.b) - d.off }

// need checks that n more bytes are there.
func (d *decoder) need(n uint64, what string) error {
	if n > uint64(d.left()) {
		return fmt.Errorf("%s at byte %d needs %d bytes, only %d left: truncated or corrupt file", what, d.off, n, d.left())
	}
	return nil
}

func (d *decoder) u8(what string) (uint8, error) {
	if err := d.need(1, what); err != nil {
		return 0, err
	}
	v := d.b[d.off]
	d.off++
	return v, nil
}

func (d *decoder) u16(what string) (uint16, error) {
	if err := d.need(2, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint16(d.b[d.off:])
	d.off += 2
	return v, nil
}

func (d *decoder) u32(what string) (uint32, error) {
	if err := d.need(4, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint32(d.b[d.off:])
	d.off += 4
	return v, nil
}

func (d *decoder) u64(what string) (uint64, error) {
	if err := d.need(8, what); err != nil {
		return 0, err
	}
	v := binary.LittleEndian.Uint64(d.b[d.off:])
	d.off += 8
	return v, nil
}

// lenSize is the size of a count or length field.
func (d *decoder) lenSize() uint64 {
	if d.wide {
		return 8
	}
	return 4
}

// count reads a count or length field (32-bit in GGUF v1).
func (d *decoder) count(what string) (uint64, error) {
	if d.wide {
		return d.u64(what)
	}
	v, err := d.u32(what)
	return uint64(v), err
}

// bytes reads a length-prefixed byte string without copying it.
func (d *decoder) bytes(what string) ([]byte, error) {
	n, err := d.count(what)
	if err != nil {
		return nil, fmt.Errorf("length of %w", err)
	}
	if err := d.need(n, what); err != nil {
		return nil, err
	}
	s := d.b[d.off : d.off+int(n)]
	d.off += int(n)
	return s, nil
}

func (d *decoder) str(what string) (string, error) {
	b, err := d.bytes(what)
	return string(b), err
}

func (d *decoder) typ(what string) (Type, error) {
	v, err := d.u32(what)
	if err != nil {
		return 0, err
	}
	t := Type(v)
	if !t.valid() {
		return 0, fmt.Errorf("%s at byte %d: unknown value type %d", what, d.off-4, v)
	}
	return t, nil
}

// value reads one value of type t.
func (d *decoder) value(t Type, depth int) (Value, error) {
	if t == TypeArray {
		return d.array(depth)
	}
	if t == TypeString {
		s, err := d.str("string")
		return Value{typ: t, x: s}, err
	}
	if d.left() < t.fixedSize() {
		return Value{}, d.need(uint64(t.fixedSize()), t.String()+" value")
	}
	b := d.b[d.off:]
	d.off += t.fixedSize()
	var x any
	switch t {
	case TypeUint8:
		x = b[0]
	case TypeInt8:
		x = int8(b[0])
	case TypeBool:
		if b[0] > 1 {
			return Value{}, fmt.Errorf("bool value at byte %d is %d, not 0 or 1", d.off-1, b[0])
		}
		x = b[0] == 1
	case TypeUint16:
		x = binary.LittleEndian.Uint16(b)
	case TypeInt16:
		x = int16(binary.LittleEndian.Uint16(b))
	case TypeUint32:
		x = binary.LittleEndian.Uint32(b)
	case TypeInt32:
		x = int32(binary.LittleEndian.Uint32(b))
	case TypeFloat32:
		x = math.Float32frombits(binary.LittleEndian.Uint32(b))
	case TypeUint64:
		x = binary.LittleEndian.Uint64(b)
	case TypeInt64:
		x = int64(binary.LittleEndian.Uint64(b))
	case TypeFloat64:
		x = math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	return Value{typ: t, x: x}, nil
}

// array reads an array: element type, count, elements. The count is
// checked against the smallest size its elements can have before the
// slice is made.
func (d *decoder) array(depth int) (Value, error) {
	start := d.off
	elem, err := d.typ("array element type")
	if err != nil {
		return Value{}, err
	}
	n, err := d.count("array length")
	if err != nil {
		return Value{}, err
	}
	minSize := uint64(elem.fixedSize())
	switch elem {
	case TypeString:
		minSize = d.lenSize()
	case TypeArray:
		minSize = 4 + d.lenSize()
		if depth+1 >= maxNesting {
			return Value{}, fmt.Errorf("array at byte %d: arrays nested more than %d deep", start, maxNesting)
		}
	}
	if n > uint64(d.left())/minSize {
		return Value{}, fmt.Errorf("array at byte %d claims %d elements of type %s, more than the %d bytes left can hold: truncated or corrupt file", start, n, elem, d.left())
	}
	v := Value{typ: TypeArray, elem: elem}
	if n == 0 {
		v.x = emptyArrays[elem]
		return v, nil
	}
	switch elem {
	case TypeString:
		v.x, err = d.strings(int(n))
	case TypeArray:
		vs := make([]Value, n)
		for i := range vs {
			if vs[i], err = d.array(depth + 1); err != nil {
				break
			}
		}
		v.x = vs
	default:
		v.x, err = d.numbers(elem, int(n))
	}
	return v, err
}

// emptyArrays holds an empty slice of each element type, already in an
// interface, so that empty arrays (which a hostile file can pack at 8
// bytes each) cost no allocation beyond their Value.
var emptyArrays = map[Type]any{
	TypeUint8: []uint8{}, TypeInt8: []int8{}, TypeUint16: []uint16{}, TypeInt16: []int16{},
	TypeUint32: []uint32{}, TypeInt32: []int32{}, TypeFloat32: []float32{}, TypeBool: []bool{},
	TypeString: []string{}, TypeArray: []Value{}, TypeUint64: []uint64{}, TypeInt64: []int64{},
	TypeFloat64: []float64{},
}

// numbers reads n fixed-size elements (already known to fit).
func (d *decoder) numbers(t Type, n int) (any, error) {
	b := d.b[d.off : d.off+n*t.fixedSize()]
	d.off += len(b)
	le := binary.LittleEndian
	switch t {
	case TypeUint8:
		return append([]uint8(nil), b...), nil
	case TypeInt8:
		return decodeAll(b, n, 1, func(b []byte) int8 { return int8(b[0]) }), nil
	case TypeBool:
		for i, x := range b {
			if x > 1 {
				return nil, fmt.Errorf("bool array element %d at byte %d is %d, not 0 or 1", i, d.off-len(b)+i, x)
			}
		}
		return decodeAll(b, n, 1, func(b []byte) bool { return b[0] == 1 }), nil
	case TypeUint16:
		return decodeAll(b, n, 2, le.Uint16), nil
	case TypeInt16:
		return decodeAll(b, n, 2, func(b []byte) int16 { return int16(le.Uint16(b)) }), nil
	case TypeUint32:
		return decodeAll(b, n, 4, le.Uint32), nil
	case TypeInt32:
		return decodeAll(b, n, 4, func(b []byte) int32 { return int32(le.Uint32(b)) }), nil
	case TypeFloat32:
		return decodeAll(b, n, 4, func(b []byte) float32 { return math.Float32frombits(le.Uint32(b)) }), nil
	case TypeUint64:
		return decodeAll(b, n, 8, le.Uint64), nil
	case TypeInt64:
		return decodeAll(b, n, 8, func(b []byte) int64 { return int64(le.Uint64(b)) }), nil
	case TypeFloat64:
		return decodeAll(b, n, 8, func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) }), nil
	}
	return nil, fmt.Errorf("array of %s is not a number array", t)
}

// decodeAll decodes n elements of size bytes each.
func decodeAll[T any](b []byte, n, size int, get func([]byte) T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = get(b[i*size:])
	}
	return out
}

// strings reads n length-prefixed strings. A first pass checks every
// length and finds the end; then one copy of the whole run backs all the
// strings, so a 150K-token vocabulary costs two allocations, not 150K.
func (d *decoder) strings(n int) ([]string, error) {
	start := d.off
	for i := 0; i < n; i++ {
		if _, err := d.bytes("array string"); err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
	}
	run := string(d.b[start:d.off])
	out := make([]string, n)
	at := 0
	for i := range out {
		var l int
		if d.wide {
			l = int(binary.LittleEndian.Uint64(d.b[start+at:]))
			at += 8
		} else {
			l = int(binary.LittleEndian.Uint32(d.b[start+at:]))
			at += 4
		}
		out[i] = run[at : at+l]
		at += l
	}
	return out, nil
}
