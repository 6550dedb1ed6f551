//go:build !unix

package gguf

import "os"

// mapFile reads the whole file where lcrun has no memory mapping.
func mapFile(f *os.File, size int) ([]byte, func() error, error) {
	return readWhole(f, size)
}
