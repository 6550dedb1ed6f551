// Package lcrun holds the numeric formats of GGUF tensors and the compute
// kernels that run language models on CPUs.
//
// Every kernel is an exported function over slices. Its plain-Go version
// (files *_generic.go) is the reference and the fallback; assembly versions
// for amd64 (AVX2/FMA/F16C) and arm64 (NEON) are chosen once at init from
// what the CPU reports. LCRUN_KERNELS=generic forces the plain-Go versions,
// and the build tags purego or noasm leave the assembly out. Kernels reports
// what was chosen.
package lcrun
