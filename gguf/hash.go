package gguf

import (
	"crypto/sha256"
	"io"
	"os"
)

// FileSHA256 is the SHA-256 of a file's bytes, read as a stream (the file
// is neither mapped nor held in memory): a model's identity for caches.
func FileSHA256(path string) ([32]byte, error) {
	var sum [32]byte
	fh, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, fh, make([]byte, 1<<20)); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// BytesSHA256 is the SHA-256 of b, the identity of a model opened with
// OpenBytes; it equals FileSHA256 of a file holding b.
func BytesSHA256(b []byte) [32]byte { return sha256.Sum256(b) }

// SHA256 is the SHA-256 of the model's bytes: of the file, or of all parts
// of a split set one after the other. It reads every page of the mapping.
func (f *File) SHA256() ([32]byte, error) {
	var sum [32]byte
	if f.closed {
		return sum, ErrClosed
	}
	if len(f.parts) == 1 {
		return BytesSHA256(f.parts[0].data), nil
	}
	h := sha256.New()
	for _, p := range f.parts {
		h.Write(p.data)
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}
