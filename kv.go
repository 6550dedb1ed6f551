package lcrun

import "fmt"

// KV is the key or value cache of one layer: Heads x Cap rows of Dim
// values in Type (F32, F16 or Q8_0). Head h, slot j lives at
// Data[(h*Cap+j)*RowBytes:]. Q8_0 rows are padded with zeros to whole
// blocks of 32, so a run of consecutive slots of one head is a run of
// whole blocks.
type KV struct {
	Type            DType
	Heads, Cap, Dim int
	RowBytes        int
	Data            []byte
	padded          []float32 // Put's staging row for Q8_0
	paddedDim       int
}

// NewKV allocates a zeroed cache.
func NewKV(t DType, heads, cap, dim int) (*KV, error) {
	if heads <= 0 || cap <= 0 || dim <= 0 {
		return nil, fmt.Errorf("kv cache: shape %d heads x %d slots x %d values must be positive", heads, cap, dim)
	}
	rb, err := KVRowBytes(t, dim)
	if err != nil {
		return nil, err
	}
	kv := &KV{Type: t, Heads: heads, Cap: cap, Dim: dim, RowBytes: rb, paddedDim: kvRowFloats(t, dim)}
	if t == Q8_0 {
		kv.padded = make([]float32, kv.paddedDim)
	}
	if cap > maxInt/heads/kv.RowBytes {
		return nil, fmt.Errorf("kv cache: %d heads x %d slots x %d bytes is too large", heads, cap, kv.RowBytes)
	}
	kv.Data = make([]byte, heads*cap*kv.RowBytes)
	return kv, nil
}

const maxInt = int(^uint(0) >> 1)

// KVRowBytes is the size of one cache row of dim values in type t: the
// one place that knows how a row is laid out (Q8_0 rows are padded with
// zeros to whole blocks of 32). Sizes of whole caches are multiples of it.
func KVRowBytes(t DType, dim int) (int, error) {
	if dim <= 0 {
		return 0, fmt.Errorf("kv cache: rows of %d values must be positive", dim)
	}
	switch t {
	case F32:
		return 4 * dim, nil
	case F16:
		return 2 * dim, nil
	case Q8_0:
		return kvRowFloats(t, dim) / QK * BlockQ8_0Bytes, nil
	}
	return 0, fmt.Errorf("kv cache: type %s is not supported (f32, f16, q8_0)", t)
}

// kvRowFloats is the float32 length of a row widened: dim, padded to whole
// blocks for Q8_0.
func kvRowFloats(t DType, dim int) int {
	if t == Q8_0 {
		return (dim + QK - 1) / QK * QK
	}
	return dim
}

// row returns the bytes of head h, slots [j0, j1).
func (kv *KV) rows(h, j0, j1 int) []byte {
	base := (h*kv.Cap + j0) * kv.RowBytes
	return kv.Data[base : base+(j1-j0)*kv.RowBytes]
}

// Put stores one token's keys or values, x = [Heads][Dim], into slot,
// converting to the cache type (Q8_0 as llama.cpp's x86 quantiser does).
// Not safe for concurrent use on the same KV.
func (kv *KV) Put(slot int, x []float32) {
	if slot < 0 || slot >= kv.Cap || len(x) != kv.Heads*kv.Dim {
		panic(fmt.Sprintf("lcrun: KV.Put slot %d of %d with %d values, want %d", slot, kv.Cap, len(x), kv.Heads*kv.Dim))
	}
	for h := range kv.Heads {
		row := x[h*kv.Dim : (h+1)*kv.Dim]
		if kv.padded != nil { // Q8_0: a row of whole blocks, zeros past Dim
			copy(kv.padded, row)
			row = kv.padded
		}
		kv.WriteRows(h, slot, row)
	}
}

// Get widens the row of head h, slot into dst (len Dim).
func (kv *KV) Get(h, slot int, dst []float32) {
	if h < 0 || h >= kv.Heads || slot < 0 || slot >= kv.Cap || len(dst) != kv.Dim {
		panic(fmt.Sprintf("lcrun: KV.Get head %d slot %d into %d values", h, slot, len(dst)))
	}
	tmp := kv.widen(make([]float32, kv.paddedDim), kv.paddedDim, h, slot, slot+1)
	copy(dst, tmp[:kv.Dim])
}

// widen converts slots [j0, j1) of head h to float32 rows of stride ld
// (ld = Dim for F32/F16, the padded length for Q8_0) at the start of dst.
// For F32 it returns a view of the cache instead and dst is untouched.
func (kv *KV) widen(dst []float32, ld, h, j0, j1 int) []float32 {
	src := kv.rows(h, j0, j1)
	n := (j1 - j0) * ld
	switch kv.Type {
	case F32:
		return bytesAs[float32](src)[:n]
	case F16:
		f16ToF32K.fn(dst[:n], bytesAs[uint16](src))
	case Q8_0:
		dequantQ8_0K.fn(dst[:n], src) // rows are whole blocks by construction
	}
	return dst[:n]
}

// ld is the stride of the float32 rows widen produces.
func (kv *KV) ld() int { return kv.paddedDim }

// RowFloats is the float32 length of one row as ReadRows widens it and
// WriteRows takes it: Dim, or Dim padded to whole blocks for Q8_0 (the
// padding reads as zeros and must be written as zeros).
func (kv *KV) RowFloats() int { return kv.paddedDim }

// Slots returns the stored bytes of head h, slots [j0, j1), in the cache's
// own type (what a saved state copies as is). It aliases the cache.
func (kv *KV) Slots(h, j0, j1 int) []byte {
	if h < 0 || h >= kv.Heads || j0 < 0 || j1 < j0 || j1 > kv.Cap {
		panic(fmt.Sprintf("lcrun: KV.Slots head %d slots [%d, %d) of %d x %d", h, j0, j1, kv.Heads, kv.Cap))
	}
	return kv.rows(h, j0, j1)
}

// ReadRows widens slots [j0, j1) of head h into dst, one row of
// RowFloats() values per slot (len(dst) at least that many).
func (kv *KV) ReadRows(dst []float32, h, j0, j1 int) {
	src := kv.Slots(h, j0, j1)
	n := (j1 - j0) * kv.paddedDim
	if kv.Type == F32 {
		copy(dst[:n], bytesAs[float32](src))
		return
	}
	kv.widen(dst, kv.paddedDim, h, j0, j1)
}

// WriteRows stores rows of RowFloats() values from src (a whole number of
// rows) into head h from slot j on, converting to the cache type as Put
// does. Rows already in the cache may be read and written back in place
// (re-encoding), or moved: see MoveSlots for moves without conversion.
func (kv *KV) WriteRows(h, j int, src []float32) {
	ld := kv.paddedDim
	n := len(src) / ld
	if len(src) != n*ld {
		panic(fmt.Sprintf("lcrun: KV.WriteRows with %d values, not whole rows of %d", len(src), ld))
	}
	dst := kv.Slots(h, j, j+n)
	switch kv.Type {
	case F32:
		copy(bytesAs[float32](dst), src)
	case F16:
		f32ToF16K.fn(bytesAs[uint16](dst), src)
	case Q8_0:
		rb := kv.RowBytes
		for i := range n {
			quantizeQ8_0K.fn(dst[i*rb:(i+1)*rb], src[i*ld:(i+1)*ld])
		}
	}
}

// MoveSlots moves n slots of every head from slot src to slot dst as
// they are (the ranges may overlap).
func (kv *KV) MoveSlots(dst, src, n int) {
	for h := range kv.Heads {
		copy(kv.Slots(h, dst, dst+n), kv.Slots(h, src, src+n))
	}
}
