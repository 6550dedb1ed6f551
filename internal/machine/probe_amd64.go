//go:build !purego && !noasm

package machine

// Machine probes for the benchmarks that report a kernel's speed as a
// fraction of what the core can do (probe_amd64.s, from asm/probe.go).

// fmaLoopAVX2 runs iters iterations of 12 independent 8-lane
// VFMADD231PS, 192 flops each: the FMA throughput peak of one core.
//
//go:noescape
func fmaLoopAVX2(iters int)

// readLoopAVX2 reads all of p (len(p) a multiple of 128) and returns the
// xor of its 64-bit words, so nothing can be skipped: the
// read bandwidth the GEMV kernels are compared with.
//
//go:noescape
func readLoopAVX2(p []byte) uint64
