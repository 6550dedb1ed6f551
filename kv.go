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
	kv := &KV{Type: t, Heads: heads, Cap: cap, Dim: dim, paddedDim: dim}
	switch t {
	case F32:
		kv.RowBytes = 4 * dim
	case F16:
		kv.RowBytes = 2 * dim
	case Q8_0:
		kv.paddedDim = (dim + QK - 1) / QK * QK
		kv.RowBytes = kv.paddedDim / QK * BlockQ8_0Bytes
		kv.padded = make([]float32, kv.paddedDim)
	default:
		return nil, fmt.Errorf("kv cache: type %s is not supported (f32, f16, q8_0)", t)
	}
	if cap > maxInt/heads/kv.RowBytes {
		return nil, fmt.Errorf("kv cache: %d heads x %d slots x %d bytes is too large", heads, cap, kv.RowBytes)
	}
	kv.Data = make([]byte, heads*cap*kv.RowBytes)
	return kv, nil
}

const maxInt = int(^uint(0) >> 1)

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
		src := x[h*kv.Dim : (h+1)*kv.Dim]
		dst := kv.rows(h, slot, slot+1)
		switch kv.Type {
		case F32:
			copy(bytesAs[float32](dst), src)
		case F16:
			f32ToF16K.fn(bytesAs[uint16](dst), src)
		case Q8_0:
			copy(kv.padded, src)
			quantizeQ8_0K.fn(dst, kv.padded)
		}
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
