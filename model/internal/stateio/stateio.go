// Package stateio encodes the parts of a saved session state: the
// session's header (model package) and each state's own part (the KV
// cache in model/kvcache, recurrent states in model). Everything is
// little-endian, like every platform lcrun builds for; a reader keeps the
// first error so that a part can be decoded without a check per value.
package stateio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// ErrMismatch is wrapped by errors for a state saved from another model or
// with session options that do not fit the session restoring it (model
// re-exports it as ErrStateMismatch).
var ErrMismatch = errors.New("saved state does not fit this session")

// Writer writes little-endian values, keeping the first error in Err.
type Writer struct {
	W   io.Writer
	Err error
	buf [8]byte
}

// Raw writes b as it is.
func (e *Writer) Raw(b []byte) {
	if e.Err == nil {
		_, e.Err = e.W.Write(b)
	}
}

func (e *Writer) U8(v uint8) { e.Raw([]byte{v}) }

func (e *Writer) U32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:4], v)
	e.Raw(e.buf[:4])
}

func (e *Writer) U64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:], v)
	e.Raw(e.buf[:])
}

// Bool writes 1 or 0.
func (e *Writer) Bool(b bool) {
	if b {
		e.U8(1)
	} else {
		e.U8(0)
	}
}

// Str writes a u64 length and the bytes.
func (e *Writer) Str(s string) {
	e.U64(uint64(len(s)))
	e.Raw([]byte(s))
}

// Reader reads what Writer wrote, keeping the first error in Err; a stream
// that ends early is io.ErrUnexpectedEOF, wrapped as a damaged state.
type Reader struct {
	R   io.Reader
	Err error
	buf [8]byte
}

// Read fills b.
func (d *Reader) Read(b []byte) {
	if d.Err != nil {
		return
	}
	if _, err := io.ReadFull(d.R, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		d.Err = fmt.Errorf("damaged state: %w", err)
	}
}

// Bytes reads n bytes into a new slice.
func (d *Reader) Bytes(n int) []byte {
	b := make([]byte, n)
	d.Read(b)
	return b
}

func (d *Reader) U8() uint8 {
	d.Read(d.buf[:1])
	return d.buf[0]
}

func (d *Reader) U32() uint32 {
	d.Read(d.buf[:4])
	return binary.LittleEndian.Uint32(d.buf[:4])
}

func (d *Reader) U64() uint64 {
	d.Read(d.buf[:])
	return binary.LittleEndian.Uint64(d.buf[:])
}

// Str reads a string of at most limit bytes.
func (d *Reader) Str(limit int) string {
	n := d.U64()
	if d.Err == nil && n > uint64(limit) {
		d.Err = fmt.Errorf("damaged state: a string of %d bytes", n)
	}
	if d.Err != nil {
		return ""
	}
	return string(d.Bytes(int(n)))
}

// ReadSlice reads u64 n and n values of T (at most limit), growing the
// slice as data arrives so that a bogus length cannot allocate much.
func ReadSlice[T int32 | float32](d *Reader, limit uint64) []T {
	n := d.U64()
	if d.Err == nil && n > limit {
		d.Err = fmt.Errorf("damaged state: %d values", n)
	}
	var out []T
	for d.Err == nil && uint64(len(out)) < n {
		k := int(min(n-uint64(len(out)), 1<<16))
		out = append(out, make([]T, k)...)
		d.Read(SliceBytes(out[len(out)-k:]))
	}
	return out
}

// SliceBytes views a slice of fixed-size numbers as bytes.
func SliceBytes[T int32 | float32 | uint16 | byte](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(zero)))
}
