//go:build unix

package sysmem

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// maxRSS is getrusage(RUSAGE_SELF).ru_maxrss in bytes (kB on Linux,
// bytes on Darwin).
func maxRSS() int64 {
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return ru.Maxrss
	}
	return ru.Maxrss * 1024
}
