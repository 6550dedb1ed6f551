package machine

import (
	"syscall"
	"time"
	"unsafe"
)

// ThreadCPUTime is the CPU time the calling OS thread has run (Linux
// CLOCK_THREAD_CPUTIME_ID): what a single-threaded benchmark's speed is
// divided by when other processes share the cores.
func ThreadCPUTime() (time.Duration, bool) {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	_, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano()), errno == 0
}
