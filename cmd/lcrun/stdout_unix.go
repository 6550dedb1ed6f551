//go:build unix

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// stdoutClosed says whether the shell started lcrun with standard output
// closed (>&-). Go's runtime then puts /dev/null, opened read-write, on
// the closed descriptor, so writes succeed and the results are lost. A
// user's own >/dev/null is opened write-only, and is left alone.
func stdoutClosed() bool {
	fl, err := unix.FcntlInt(os.Stdout.Fd(), unix.F_GETFL, 0)
	if err != nil || fl&unix.O_ACCMODE != unix.O_RDWR {
		return false
	}
	var out, null unix.Stat_t
	if unix.Fstat(int(os.Stdout.Fd()), &out) != nil || unix.Stat(os.DevNull, &null) != nil {
		return false
	}
	return out.Mode&unix.S_IFMT == unix.S_IFCHR && out.Rdev == null.Rdev
}
