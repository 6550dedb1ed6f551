package gguf

import (
	"fmt"
	"math"
	"math/bits"
	"sort"

	"github.com/lcrun/lcrun/dtype"
)

// MaxDims is the most dimensions a tensor may have (ggml's GGML_MAX_DIMS).
const MaxDims = 4

// TensorInfo describes one tensor of the directory.
type TensorInfo struct {
	Name string
	Type dtype.Type
	// Dims are the extents, fastest-varying first (ggml's ne0, ne1, ...):
	// a matrix of Rows x Cols has Dims {Cols, Rows}.
	Dims []uint64
	// Offset is where the data starts, relative to the data section of the
	// file (or split part) that holds it.
	Offset uint64
	// Size is the data's length in bytes.
	Size int64
	// Err is set for a tensor whose data cannot be used as rows: its first
	// extent is not a whole number of blocks of its type. Such tensors come
	// from 2023 quantizers that cut one flat run of blocks across rows
	// (tinyllamas-stories-260k-q8_0.gguf's ffn_down); current llama.cpp
	// refuses them. TensorData reports Err; RawTensorData still gives the
	// flat bytes to code that handles that layout.
	Err error

	part    int   // index of the split part holding the data
	fileOff int64 // absolute offset of the data in its part
}

// Elements is the number of values the tensor holds.
func (t *TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d // cannot overflow: checked when the file was opened
	}
	return n
}

// Part is the index (from 0) of the split part that holds the data.
func (t *TensorInfo) Part() int { return t.part }

// FileOffset is the absolute position of the data in its file.
func (t *TensorInfo) FileOffset() int64 { return t.fileOff }

// tensorSize computes the byte size of a tensor from its type and dims,
// refusing sizes that overflow. The error flat is set, with a valid size,
// for legacy tensors whose rows are not whole blocks but whose total is.
func tensorSize(typ dtype.Type, dims []uint64) (size uint64, flat error, err error) {
	if !typ.Known() {
		return 0, nil, fmt.Errorf("unknown tensor type id %d", uint32(typ))
	}
	n := uint64(1)
	for _, d := range dims {
		if d > math.MaxInt64 {
			return 0, nil, fmt.Errorf("dimension %d is out of range", d)
		}
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > math.MaxInt64 {
			return 0, nil, fmt.Errorf("shape %v has too many elements", dims)
		}
		n = lo
	}
	bs, bb := uint64(typ.BlockSize()), uint64(typ.BlockBytes())
	if n%bs != 0 {
		return 0, nil, fmt.Errorf("%s tensor of %d values is not a whole number of blocks of %d", typ, n, bs)
	}
	hi, size := bits.Mul64(n/bs, bb)
	if hi != 0 || size > math.MaxInt64 {
		return 0, nil, fmt.Errorf("shape %v is too large", dims)
	}
	if len(dims) > 0 && dims[0]%bs != 0 {
		flat = fmt.Errorf("%s rows of %d values are not whole blocks of %d (legacy flat layout, refused as current llama.cpp does)", typ, dims[0], bs)
	}
	return size, flat, nil
}

// checkExtents verifies that the tensors of one part lie inside its data
// section, at aligned offsets, without overlapping.
func checkExtents(ts []TensorInfo, dataLen uint64, align uint64) error {
	order := make([]int, 0, len(ts))
	for i := range ts {
		t := &ts[i]
		if t.Offset%align != 0 {
			return fmt.Errorf("tensor %s: offset %d is not a multiple of the alignment %d", quoted(t.Name), t.Offset, align)
		}
		if t.Offset > dataLen || uint64(t.Size) > dataLen-t.Offset {
			return fmt.Errorf("tensor %s: %d bytes at data offset %d run past the end of the file (data section %d bytes): truncated or corrupt file", quoted(t.Name), t.Size, t.Offset, dataLen)
		}
		if t.Size > 0 {
			order = append(order, i)
		}
	}
	sort.Slice(order, func(a, b int) bool { return ts[order[a]].Offset < ts[order[b]].Offset })
	for k := 1; k < len(order); k++ {
		prev, cur := &ts[order[k-1]], &ts[order[k]]
		if prev.Offset+uint64(prev.Size) > cur.Offset {
			return fmt.Errorf("tensors %s and %s overlap", quoted(prev.Name), quoted(cur.Name))
		}
	}
	return nil
}
