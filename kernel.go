package lcrun

import (
	"os"
	"sort"

	"github.com/klauspost/cpuid/v2"
)

// Dispatch. Every hot loop is a kernel slot: a function variable that the
// exported API calls, filled at init with the best implementation this CPU
// runs. The plain-Go twin ("generic") is always present and is the reference
// the tests compare every other implementation with. An assembly
// implementation plugs in by adding a file whose init calls register on the
// slots it implements, after checking cpu below.
//
// LCRUN_KERNELS=generic forces the plain-Go twins everywhere; any other
// non-empty value names one implementation (e.g. LCRUN_KERNELS=avx2):
// slots that have it use it, the others their plain-Go twin, as the test
// hook useKernels does. The build tags purego and noasm leave the assembly
// files out altogether.
//
// The slots by family. Family F is the files F.go (the slots, each with
// the Go loop it computes as its doc comment, and the API that calls
// them), F_generic.go (the plain-Go twins), F_amd64.{go,s} and
// F_arm64.{go,s} (the assembly, its declarations and its registration)
// and the tests, F_test.go or, for the matmul families, matmul_test.go,
// which runs every weight type. TestSlotTable holds the table to the
// registry and to the files.
//
//	family         slots
//	vector         dot axpy scale add mul max exp_sum rmsnorm
//	vector         silu gelu swiglu rope f16_to_f32 f32_to_f16
//	matmul         matmul_f32 matmul_f16 matmul_bf16
//	matmul_quant   matmul_q8_0 matmul_q4_0
//	matmul_quant   matmul_q4_1 matmul_q5_0 matmul_q5_1
//	matmul_quantk  matmul_q2_k matmul_q3_k matmul_q4_k matmul_q5_k matmul_q6_k
//	matmul_iq      matmul_iq4_nl matmul_iq4_xs matmul_mxfp4
//	matmul_tq      matmul_tq1_0 matmul_tq2_0
//	quant_q8       quantize_q8_0 dequant_q8_0
//	quant_q8       quantize_q8_1
//	attention      attention_pv attention_qk_f16 attention_pv_f16
//	attention      attention_qk_q8_0 attention_pv_q8_0
//	ssm            ssm_scan ssm_scan2 ssm_conv

// cpu holds the features dispatch looks at, read once from cpuid.
var cpu = struct {
	AVX2FMA bool // AVX2 + FMA3 + F16C (Haswell and later, Zen)
	ASIMD   bool // arm64 Advanced SIMD
	ASIMDDP bool // arm64 SDOT/UDOT
}{
	AVX2FMA: cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.F16C),
	ASIMD:   cpuid.CPU.Supports(cpuid.ASIMD),
	ASIMDDP: cpuid.CPU.Supports(cpuid.ASIMDDP),
}

// kernelJobs holds one preallocated job description per parallel kernel
// family, declared beside its kernel: starting a call fills one in place,
// which is what keeps calls free of allocation. Pool embeds it, so the
// pool itself names no kernel's types.
type kernelJobs struct {
	mm   matmulJobs   // matmul.go
	many manyJobs     // matmul_many.go
	attn attentionJob // attention.go
	ssm  ssmJob       // ssm.go
}

// kernelsEnv is LCRUN_KERNELS, read before any init registers an
// implementation.
var kernelsEnv = os.Getenv("LCRUN_KERNELS")

// genericName names the plain-Go implementation of every slot.
const genericName = "generic"

// impl is one named implementation of a slot.
type impl[F any] struct {
	name string
	fn   F
}

// kernel is one dispatch slot. fn is what the API calls; impls lists every
// implementation this CPU can run, generic first.
type kernel[F any] struct {
	name  string
	fn    F
	using string
	impls []impl[F]
}

// slot is what the registry needs of a kernel, whatever its function type.
type slot interface {
	kernelName() string
	current() string
	implNames() []string
	use(name string) bool
}

// registry lists every slot in the order they were declared.
var registry []slot

// newKernel declares a slot with its plain-Go twin. Call it from a
// package-level var so that it exists before any init registers more.
func newKernel[F any](name string, generic F) *kernel[F] {
	k := &kernel[F]{name: name, fn: generic, using: genericName, impls: []impl[F]{{genericName, generic}}}
	registry = append(registry, k)
	return k
}

// register adds an implementation that this CPU can run (the caller checks
// cpu first). Later registrations are preferred over earlier ones, so an
// architecture file registers its implementations from least to most
// capable. LCRUN_KERNELS overrides the preference.
func (k *kernel[F]) register(name string, fn F) {
	k.impls = append(k.impls, impl[F]{name, fn})
	if kernelsEnv == "" || kernelsEnv == name {
		k.fn, k.using = fn, name
	}
}

func (k *kernel[F]) kernelName() string { return k.name }
func (k *kernel[F]) current() string    { return k.using }

func (k *kernel[F]) implNames() []string {
	names := make([]string, len(k.impls))
	for i, im := range k.impls {
		names[i] = im.name
	}
	return names
}

// use switches the slot to the named implementation; false if it has none.
func (k *kernel[F]) use(name string) bool {
	for _, im := range k.impls {
		if im.name == name {
			k.fn, k.using = im.fn, im.name
			return true
		}
	}
	return false
}

// Kernels names the implementation each kernel slot uses, e.g.
// "dot" -> "avx2". lcrun info and lcrun bench print it.
func Kernels() map[string]string {
	m := make(map[string]string, len(registry))
	for _, s := range registry {
		m[s.kernelName()] = s.current()
	}
	return m
}

// kernelImpls lists every implementation name some slot has on this CPU,
// generic first; tests run once per name.
func kernelImpls() []string {
	seen := map[string]bool{genericName: true}
	var names []string
	for _, s := range registry {
		for _, n := range s.implNames() {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return append([]string{genericName}, names...)
}

// useKernels is the test hook that forces an implementation: every slot
// that has the named implementation switches to it, every other slot to
// generic. It returns a function that restores the previous choice. Not
// safe while kernels run on other goroutines.
func useKernels(name string) (restore func()) {
	prev := make([]string, len(registry))
	for i, s := range registry {
		prev[i] = s.current()
		if !s.use(name) {
			s.use(genericName)
		}
	}
	return func() {
		for i, s := range registry {
			s.use(prev[i])
		}
	}
}
