//go:build !purego && !noasm

package machine

// The AVX2 probes of probe_amd64.s (from asm/probe.go) replace the
// plain-Go ones.
func init() {
	if !cpu.AVX2FMA {
		return
	}
	machineProbe.name = "avx2"
	machineProbe.fma, machineProbe.fmaFlops = fmaLoopAVX2, 12*8*2
	machineProbe.read, machineProbe.readQuantum = readLoopAVX2, 128
}

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
