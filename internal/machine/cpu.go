package machine

import "github.com/klauspost/cpuid/v2"

// cpu holds the features the probes look at, read once from cpuid. The
// tests are the kernels' (package lcrun's kernel.go), so a probe loop runs
// where the kernels it is the yardstick of run.
var cpu = struct {
	AVX2FMA bool // AVX2 + FMA3 + F16C (Haswell and later, Zen)
	ASIMD   bool // arm64 Advanced SIMD
}{
	AVX2FMA: cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.F16C),
	ASIMD:   cpuid.CPU.Supports(cpuid.ASIMD),
}
