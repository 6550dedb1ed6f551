package gguf

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/lcrun/lcrun/dtype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWriterBytesByHand checks a file our Writer makes against the GGUF v3
// layout worked out by hand, byte offset by byte offset, without the
// reader: an independent check of both.
func TestWriterBytesByHand(t *testing.T) {
	w := NewWriter()
	w.SetString("general.architecture", "tiny")
	w.SetUint32("n", 7)
	require.NoError(t, w.Set("a", []int32{1, -2}))
	wData := make([]byte, 24)
	for i := range wData {
		wData[i] = byte(i + 1)
	}
	bData := bytes.Repeat([]byte{0xab}, 34)
	require.NoError(t, w.AddTensor("w", dtype.F32, []uint64{2, 3}, wData))
	require.NoError(t, w.AddTensor("b", dtype.Q8_0, []uint64{32}, bData))
	var buf bytes.Buffer
	_, err := w.WriteTo(&buf)
	require.NoError(t, err)
	b := buf.Bytes()

	le := binary.LittleEndian
	u32 := func(off int) uint32 { return le.Uint32(b[off:]) }
	u64 := func(off int) uint64 { return le.Uint64(b[off:]) }
	require.Len(t, b, 288)
	assert.Equal(t, "GGUF", string(b[0:4]))
	assert.Equal(t, uint32(3), u32(4))  // version
	assert.Equal(t, uint64(2), u64(8))  // tensors
	assert.Equal(t, uint64(3), u64(16)) // key-values
	// general.architecture = "tiny"
	assert.Equal(t, uint64(20), u64(24))
	assert.Equal(t, "general.architecture", string(b[32:52]))
	assert.Equal(t, uint32(8), u32(52)) // string
	assert.Equal(t, uint64(4), u64(56))
	assert.Equal(t, "tiny", string(b[64:68]))
	// n = uint32 7
	assert.Equal(t, uint64(1), u64(68))
	assert.Equal(t, "n", string(b[76:77]))
	assert.Equal(t, uint32(4), u32(77))
	assert.Equal(t, uint32(7), u32(81))
	// a = [1, -2] int32
	assert.Equal(t, uint64(1), u64(85))
	assert.Equal(t, "a", string(b[93:94]))
	assert.Equal(t, uint32(9), u32(94))  // array
	assert.Equal(t, uint32(5), u32(98))  // of int32
	assert.Equal(t, uint64(2), u64(102)) // two
	assert.Equal(t, int32(1), int32(u32(110)))
	assert.Equal(t, int32(-2), int32(u32(114)))
	// tensor info "w": 2 dims {2, 3}, F32, offset 0
	assert.Equal(t, uint64(1), u64(118))
	assert.Equal(t, "w", string(b[126:127]))
	assert.Equal(t, uint32(2), u32(127))
	assert.Equal(t, uint64(2), u64(131))
	assert.Equal(t, uint64(3), u64(139))
	assert.Equal(t, uint32(0), u32(147))
	assert.Equal(t, uint64(0), u64(151))
	// tensor info "b": 1 dim {32}, Q8_0 (8), offset 32 (24 bytes padded to 32)
	assert.Equal(t, uint64(1), u64(159))
	assert.Equal(t, "b", string(b[167:168]))
	assert.Equal(t, uint32(1), u32(168))
	assert.Equal(t, uint64(32), u64(172))
	assert.Equal(t, uint32(8), u32(180))
	assert.Equal(t, uint64(32), u64(184))
	// The header ends at 192, a multiple of 32: the data section starts
	// there. "w" at 192, zero padding to 224, "b" at 224, padding to 288.
	assert.Equal(t, wData, b[192:216])
	assert.Equal(t, make([]byte, 8), b[216:224])
	assert.Equal(t, bData, b[224:258])
	assert.Equal(t, make([]byte, 30), b[258:288])
}
