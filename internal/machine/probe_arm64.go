//go:build !purego && !noasm

package machine

// Probes in NEON (probe_arm64.s) for the run-time machine measurements.

// fmaLoopNEON runs iters iterations of 16 independent 4-lane FMLA: the
// FMA throughput peak of one core (16 chains cover 4 pipes of latency 4).
//
//go:noescape
func fmaLoopNEON(iters int)

// readLoopNEON reads all of p (len(p) a multiple of 64) and returns the
// xor of its 64-bit words.
//
//go:noescape
func readLoopNEON(p []byte) uint64

func init() {
	if !cpu.ASIMD {
		return
	}
	machineProbe.name = "neon"
	machineProbe.fma, machineProbe.fmaFlops = fmaLoopNEON, 16*4*2
	machineProbe.read, machineProbe.readQuantum = readLoopNEON, 64
}
