package lcrun

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKVRows checks the row access the model's KV cache moves and
// re-rotates keys with: ReadRows then WriteRows of the same rows changes
// nothing an f32 round trip would not, WriteRows encodes as Put does,
// MoveSlots moves every head's bytes, and KVRowBytes is the stride NewKV
// lays rows out with.
func TestKVRows(t *testing.T) {
	r := newRand(13)
	const heads, slots = 2, 9
	for _, typ := range []DType{F32, F16, Q8_0} {
		for _, dim := range []int{1, 8, 31, 32, 33, 64} {
			kv, err := NewKV(typ, heads, slots, dim)
			require.NoError(t, err)
			rb, err := KVRowBytes(typ, dim)
			require.NoError(t, err)
			require.Equal(t, rb, kv.RowBytes)
			require.Len(t, kv.Data, heads*slots*rb)
			for j := range slots {
				kv.Put(j, randVec(r, heads*dim, 0, 1))
			}
			ld := kv.RowFloats()
			require.GreaterOrEqual(t, ld, dim)
			rows := make([]float32, 4*ld)
			kv.ReadRows(rows, 1, 2, 6)
			got := make([]float32, dim)
			for i := range 4 {
				kv.Get(1, 2+i, got)
				assert.Equal(t, got, rows[i*ld:i*ld+dim], "%v dim %d: ReadRows row %d is Get's", typ, dim, i)
				assert.Equal(t, make([]float32, ld-dim), rows[i*ld+dim:(i+1)*ld], "padding reads as zeros")
			}

			// Re-encoding what was read leaves the bytes as they were.
			before := append([]byte(nil), kv.Slots(1, 2, 6)...)
			kv.WriteRows(1, 2, rows)
			assert.Equal(t, before, kv.Slots(1, 2, 6), "%v dim %d: write back", typ, dim)

			// WriteRows encodes a new row as Put does.
			x := randVec(r, heads*dim, 0, 1)
			kv.Put(0, x)
			padded := make([]float32, ld)
			copy(padded, x[dim:2*dim])
			kv.WriteRows(1, 7, padded)
			assert.Equal(t, kv.Slots(1, 0, 1), kv.Slots(1, 7, 8), "%v dim %d: WriteRows encodes as Put", typ, dim)

			// MoveSlots moves every head, overlapping ranges included.
			want := [heads][]byte{}
			for h := range heads {
				want[h] = append([]byte(nil), kv.Slots(h, 3, 8)...)
			}
			kv.MoveSlots(1, 3, 5)
			for h := range heads {
				assert.Equal(t, want[h], kv.Slots(h, 1, 6), "%v dim %d head %d: moved", typ, dim, h)
			}
		}
	}
	kv, err := NewKV(F32, 1, 2, 4)
	require.NoError(t, err)
	assert.Panics(t, func() { kv.Slots(1, 0, 1) })
	assert.Panics(t, func() { kv.Slots(0, 1, 3) })
	assert.Panics(t, func() { kv.WriteRows(0, 0, make([]float32, 5)) })
	for _, bad := range []struct {
		typ DType
		dim int
	}{{Q4_0, 32}, {F32, 0}, {F16, -1}} {
		_, err := KVRowBytes(bad.typ, bad.dim)
		assert.Error(t, err, "%+v", bad)
	}
}
