//go:build !purego && !noasm

package machine

// The AVX2 probes of probe_amd64.s replace the plain-Go ones.
func init() {
	if !cpu.AVX2FMA {
		return
	}
	machineProbe.name = "avx2"
	machineProbe.fma, machineProbe.fmaFlops = fmaLoopAVX2, 12*8*2
	machineProbe.read, machineProbe.readQuantum = readLoopAVX2, 128
}
