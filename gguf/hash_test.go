package gguf

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSHA256(t *testing.T) {
	// The digest testdata/README.md gives for stories260K.gguf.
	const want = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d"
	path := filepath.Join(testdata, "stories260K.gguf")
	sum, err := FileSHA256(path)
	require.NoError(t, err)
	assert.Equal(t, want, hex.EncodeToString(sum[:]))
	b := readFile(t, path)
	assert.Equal(t, sum, BytesSHA256(b))
	for _, open := range []func() (*File, error){
		func() (*File, error) { return Open(path) },
		func() (*File, error) { return OpenBytes(b) },
	} {
		f, err := open()
		require.NoError(t, err)
		got, err := f.SHA256()
		require.NoError(t, err)
		assert.Equal(t, sum, got)
		require.NoError(t, f.Close())
	}
	_, err = FileSHA256(filepath.Join(t.TempDir(), "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// A split set hashes as its parts one after the other (checked with the
// standard library's SHA-256, an independent implementation).
func TestSHA256Split(t *testing.T) {
	paths, err := copyToWriter(t, openStories(t)).WriteSplit(filepath.Join(t.TempDir(), "s"), SplitOptions{MaxTensors: 16})
	require.NoError(t, err)
	h := sha256.New()
	for _, p := range paths {
		h.Write(readFile(t, p))
	}
	f, err := Open(paths[0])
	require.NoError(t, err)
	defer f.Close()
	got, err := f.SHA256()
	require.NoError(t, err)
	assert.Equal(t, h.Sum(nil), got[:])
}
