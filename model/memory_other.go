//go:build !linux

package model

// physicalMemory is unknown here: no limit beyond the allocator's.
func physicalMemory() int64 { return 0 }
