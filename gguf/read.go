package gguf

import (
	"fmt"
	"io"
	"os"
)

// readWhole reads size bytes of f into memory, the fallback for mapping.
func readWhole(f *os.File, size int) ([]byte, func() error, error) {
	b := make([]byte, size)
	if _, err := io.ReadFull(io.NewSectionReader(f, 0, int64(size)), b); err != nil {
		return nil, nil, fmt.Errorf("reading: %w", err)
	}
	return b, func() error { return nil }, nil
}
