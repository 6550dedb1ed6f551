package machine

// fmaGenericFlops is 8 chains, 2 flops each, per iteration.
const fmaGenericFlops = 16

// fmaLoopGeneric is the plain-Go probe: eight independent multiply-add
// chains (fused where the compiler fuses float32 a*b+c, e.g. arm64).
func fmaLoopGeneric(iters int) {
	var a0, a1, a2, a3, a4, a5, a6, a7 float32
	m, c := float32(0.999), float32(1e-3)
	for i := 0; i < iters; i++ {
		a0 = a0*m + c
		a1 = a1*m + c
		a2 = a2*m + c
		a3 = a3*m + c
		a4 = a4*m + c
		a5 = a5*m + c
		a6 = a6*m + c
		a7 = a7*m + c
	}
	fmaSink = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7
}

// fmaSink keeps the generic loop's result alive.
var fmaSink float32

// readLoopGeneric xors the little-endian 64-bit words of p (len(p) a
// multiple of 8).
func readLoopGeneric(p []byte) uint64 {
	var x0, x1 uint64
	for ; len(p) >= 16; p = p[16:] {
		x0 ^= le64(p)
		x1 ^= le64(p[8:])
	}
	if len(p) >= 8 {
		x0 ^= le64(p)
	}
	return x0 ^ x1
}

func le64(p []byte) uint64 {
	_ = p[7]
	return uint64(p[0]) | uint64(p[1])<<8 | uint64(p[2])<<16 | uint64(p[3])<<24 |
		uint64(p[4])<<32 | uint64(p[5])<<40 | uint64(p[6])<<48 | uint64(p[7])<<56
}
