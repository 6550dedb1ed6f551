//go:build unix

package gguf

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps size bytes of f read-only. Where the kernel refuses (some
// network or special file systems), it falls back to reading the file.
func mapFile(f *os.File, size int) ([]byte, func() error, error) {
	b, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return readWhole(f, size)
	}
	return b, func() error { return unix.Munmap(b) }, nil
}
