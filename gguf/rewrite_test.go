package gguf

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copyToWriter puts every key and tensor of f into a new Writer.
func copyToWriter(t testing.TB, f *File) *Writer {
	w, err := NewWriterFrom(f)
	require.NoError(t, err)
	return w
}

// TestRewriteIsByteIdentical: files written by ggml's own GGUF writer
// (llama.cpp's converters, make-tiny-gguf) come out of our Writer byte for
// byte (vocab-only files: see below), which pins the layout: order, padding of the header and of every
// tensor, offsets.
func TestRewriteIsByteIdentical(t *testing.T) {
	for _, c := range modelCases {
		if c.version != 3 {
			continue
		}
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(testdata, c.file)
			orig := readFile(t, path)
			f, err := OpenBytes(orig)
			require.NoError(t, err)
			var buf bytes.Buffer
			n, err := copyToWriter(t, f).WriteTo(&buf)
			require.NoError(t, err)
			require.Equal(t, int64(buf.Len()), n)
			got := buf.Bytes()
			if len(f.Tensors) == 0 {
				// The vocab files come from gguf-py, which does not pad a
				// header that no tensor data follows; ggml pads always.
				require.Equal(t, padded(len(orig), 32), len(got))
				require.Equal(t, make([]byte, len(got)-len(orig)), got[len(orig):])
				got = got[:len(orig)]
			}
			require.Equal(t, len(orig), len(got))
			require.True(t, bytes.Equal(orig, got), "bytes differ")
		})
	}
}

func TestNewWriterFromRefusesLegacyTensors(t *testing.T) {
	f, err := Open(filepath.Join(testdata, "tinyllamas-stories-260k-q8_0.gguf"))
	require.NoError(t, err)
	defer f.Close()
	_, err = NewWriterFrom(f)
	assert.ErrorContains(t, err, `"blk.0.ffn_down.weight": Q8_0 rows of 172 values`)
}
