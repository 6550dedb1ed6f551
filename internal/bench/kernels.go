package bench

import (
	"fmt"
	"math/rand/v2"
	"time"

	lc "github.com/lcrun/lcrun"
	"github.com/lcrun/lcrun/internal/machine"
)

// Machine holds the machine's own limits, measured at run time with the
// probe loops of package machine: what the kernel rates are read against.
type Machine struct {
	Probes    string  `json:"probes"`             // probe loops used: "avx2", "neon" or "generic" (generic understates the peak)
	FMAPeak1T float64 `json:"fma_peak_gflops_1t"` // f32 FMA throughput of one thread, GFLOP/s
	FMAPeak   float64 `json:"fma_peak_gflops"`    // the same on Threads threads at once
	ReadGBps  float64 `json:"read_gbps"`          // memory read bandwidth on Threads threads, GB/s (1e9 bytes)
	CopyGBps  float64 `json:"copy_gbps"`          // bytes copied per second by one thread (memmove), GB/s
}

// KernelRate is one kernel's measured speed.
type KernelRate struct {
	Name    string  `json:"name"`    // stable figure name, e.g. "matmul_q8_0_gemv"
	Impl    string  `json:"impl"`    // implementation of the kernel slot it exercises ("avx2", "neon", "generic")
	Shape   string  `json:"shape"`   // what was computed, e.g. "4096x16384 . 4096x1"
	Threads int     `json:"threads"` // threads it ran on
	Unit    string  `json:"unit"`    // "GFLOP/s" or "GB/s"
	Value   float64 `json:"value"`
	Ref     string  `json:"ref"`    // the Machine figure it is compared with: "fma_peak" or "mem_read"
	OfRef   float64 `json:"of_ref"` // Value over that figure at the same thread count
}

// Options sizes the measurements.
type Options struct {
	Threads int
	// Duration is the time spent on each figure (after one warm-up call).
	Duration time.Duration
	// StreamBytes is the size of the buffers that must come from memory:
	// each GEMV weight matrix and the read probe's buffer. Make it several
	// times the last-level cache.
	StreamBytes int
	// Small shrinks the compute-bound problems (for emulators).
	Small bool
}

// DefaultStreamBytes is four times the last-level cache, at least 64 MiB.
func DefaultStreamBytes(c CPU) int {
	return max(64<<20, 4*max(c.L3Bytes, c.L2Bytes))
}

// MeasureMachine runs the probes. Each figure is the best of three runs
// of a third of the time, so a moment of load from other processes does
// not pull the peak down (rates read against it would pass 100%).
func MeasureMachine(o Options) Machine {
	d := o.Duration / rounds
	return Machine{
		Probes:    machine.Probes(),
		FMAPeak1T: best(func() float64 { return machine.MeasureFMAPeak(1, d) }),
		FMAPeak:   best(func() float64 { return machine.MeasureFMAPeak(o.Threads, d) }),
		ReadGBps:  best(func() float64 { return machine.MeasureMemRead(o.StreamBytes, o.Threads, d) }),
		CopyGBps:  best(func() float64 { return machine.MeasureMemCopy(o.StreamBytes/2, d) }),
	}
}

// rounds is how many times each figure is measured; the best counts.
const rounds = 3

func best(f func() float64) float64 {
	b := 0.0
	for range rounds {
		b = max(b, f())
	}
	return b
}

// weightTypes are the matrix types with a native kernel.
var weightTypes = []lc.DType{lc.F32, lc.F16, lc.BF16, lc.Q8_0, lc.Q4_0, lc.Q4_K, lc.Q6_K, lc.Q4_1, lc.Q5_0, lc.Q5_1, lc.Q2_K, lc.Q3_K, lc.Q5_K, lc.TQ1_0, lc.TQ2_0, lc.IQ4_NL, lc.IQ4_XS, lc.MXFP4}

// MeasureKernels times the kernels a model spends its time in: for each
// weight type the decode GEMV (memory-bound: GB/s of weights against the
// read bandwidth) and the prefill GEMM (compute-bound: GFLOP/s against the
// FMA peak; the quantised types use integer dot products, so they can in
// principle pass the f32 peak), blockwise attention for prefill and for
// one decode step over a long cache, the Mamba scan, and one dot product.
func MeasureKernels(m Machine, o Options) ([]KernelRate, error) {
	pool := lc.NewPool(o.Threads)
	defer pool.Close()
	impl := lc.Kernels()
	r := rand.New(rand.NewPCG(7, 7))
	var out []KernelRate
	add := func(k KernelRate, slot string) {
		k.Impl = impl[slot]
		switch k.Ref {
		case "fma_peak":
			peak := m.FMAPeak
			if k.Threads == 1 {
				peak = m.FMAPeak1T
			}
			k.OfRef = ratio(k.Value, peak)
		case "mem_read":
			k.OfRef = ratio(k.Value, m.ReadGBps)
		}
		out = append(out, k)
	}

	gemmN, gemmSize := 256, 1024
	if o.Small {
		gemmN, gemmSize = 32, 256
	}
	for _, t := range weightTypes {
		slot := "matmul_" + typeSlug(t)
		cols := 4096
		if o.Small {
			cols = 1024
		}
		rb, err := t.RowBytes(cols)
		if err != nil {
			return nil, err
		}
		rows := max(64, o.StreamBytes/rb/64*64)
		w, err := randomMatrix(r, t, rows, cols)
		if err != nil {
			return nil, err
		}
		x, dst := randomFloats(r, cols), make([]float32, rows)
		v := timeRate(o.Duration, float64(len(w.Data)), func() { pool.MatMul(dst, w, x, 1) })
		add(KernelRate{Name: slot + "_gemv", Shape: fmt.Sprintf("%dx%d %s . %d", rows, cols, t, cols),
			Threads: o.Threads, Unit: "GB/s", Value: v, Ref: "mem_read"}, slot)

		w, err = randomMatrix(r, t, gemmSize, gemmSize)
		if err != nil {
			return nil, err
		}
		x, dst = randomFloats(r, gemmSize*gemmN), make([]float32, gemmSize*gemmN)
		flops := 2 * float64(gemmSize) * float64(gemmSize) * float64(gemmN)
		v = timeRate(o.Duration, flops, func() { pool.MatMul(dst, w, x, gemmN) })
		add(KernelRate{Name: slot + "_gemm", Shape: fmt.Sprintf("%dx%d %s . %dx%d", gemmSize, gemmSize, t, gemmSize, gemmN),
			Threads: o.Threads, Unit: "GFLOP/s", Value: v, Ref: "fma_peak"}, slot)
	}

	if err := attentionRates(pool, r, o, add); err != nil {
		return nil, err
	}

	// Mamba-1 scan of mamba-130m's width: per state element and token
	// 6 flops are counted (dt*A, h*dA + (dt*x)*B, y += C*h), the exp not.
	dInner, dState, T := 1536, 16, 256
	if o.Small {
		T = 16
	}
	x, dt := randomFloats(r, T*dInner), randomFloats(r, T*dInner)
	A := make([]float32, dInner*dState)
	for i := range A {
		A[i] = -float32(i%dState + 1)
	}
	B, C, D := randomFloats(r, T*dState), randomFloats(r, T*dState), randomFloats(r, dInner)
	y, h := make([]float32, T*dInner), make([]float32, dInner*dState)
	v := timeRate(o.Duration, 6*float64(T*dInner*dState), func() {
		clear(h)
		pool.SSMScan(y, h, x, dt, A, B, C, D, T, dInner, dState)
	})
	add(KernelRate{Name: "ssm_scan", Shape: fmt.Sprintf("T %d, d_inner %d, d_state %d", T, dInner, dState),
		Threads: o.Threads, Unit: "GFLOP/s", Value: v, Ref: "fma_peak"}, "ssm_scan")

	a, b := randomFloats(r, 4096), randomFloats(r, 4096)
	var sink float32
	v = timeRate(o.Duration, 2*4096*64, func() {
		for range 64 {
			sink += lc.Dot(a, b)
		}
	})
	_ = sink
	add(KernelRate{Name: "dot", Shape: "4096 f32, in L1", Threads: 1, Unit: "GFLOP/s", Value: v, Ref: "fma_peak"}, "dot")
	return out, nil
}

// attentionRates measures prefill (causal, every query of a block) and one
// decode step over a long f32 cache, 8 heads of 64.
func attentionRates(pool *lc.Pool, r *rand.Rand, o Options, add func(KernelRate, string)) error {
	const heads, dim = 8, 64
	// The decode step streams the whole cache (K and V), so the cache is
	// made StreamBytes large: a figure from memory, not the caches.
	n, long := 512, max(4096, o.StreamBytes/(2*heads*dim*4))
	if o.Small {
		n, long = 64, 512
	}
	prm := lc.AttentionParams{Heads: heads, KVHeads: heads, HeadDim: dim, Scale: 0.125}
	k, err := lc.NewKV(lc.F32, heads, long, dim)
	if err != nil {
		return err
	}
	v, err := lc.NewKV(lc.F32, heads, long, dim)
	if err != nil {
		return err
	}
	// The speed does not depend on the values: a few random rows repeat.
	rowsK, rowsV := randomFloats(r, 16*heads*dim), randomFloats(r, 16*heads*dim)
	kpos := make([]int32, long)
	for j := range long {
		kpos[j] = int32(j)
		off := j % 16 * heads * dim
		k.Put(j, rowsK[off:off+heads*dim])
		v.Put(j, rowsV[off:off+heads*dim])
	}
	q, out := randomFloats(r, n*heads*dim), make([]float32, n*heads*dim)
	// Causal: query i sees i+1 keys; q.k and p.v are 2*dim flops each.
	flops := 4 * dim * heads * float64(n*(n+1)/2)
	rate := timeRate(o.Duration, flops, func() { pool.Attention(out, q, kpos[:n], k, v, kpos, n, prm) })
	add(KernelRate{Name: "attention_prefill", Shape: fmt.Sprintf("%d queries x %d keys causal, %d heads of %d, f32 KV", n, n, heads, dim),
		Threads: o.Threads, Unit: "GFLOP/s", Value: rate, Ref: "fma_peak"}, "attention_pv")

	qpos := []int32{int32(long - 1)}
	bytes := 2 * float64(long*heads*dim*4)
	rate = timeRate(o.Duration, bytes, func() { pool.Attention(out[:heads*dim], q[:heads*dim], qpos, k, v, kpos, long, prm) })
	add(KernelRate{Name: "attention_decode", Shape: fmt.Sprintf("1 query x %d keys, %d heads of %d, f32 KV", long, heads, dim),
		Threads: o.Threads, Unit: "GB/s", Value: rate, Ref: "mem_read"}, "attention_pv")
	return nil
}

// timeRate calls f once untimed, then for rounds stretches of about
// d/rounds each (at least one call each), and returns the best stretch's
// work per second / 1e9.
func timeRate(d time.Duration, work float64, f func()) float64 {
	f()
	return best(func() float64 {
		start := time.Now()
		n := 0
		for n == 0 || time.Since(start) < d/rounds {
			f()
			n++
		}
		return work * float64(n) / time.Since(start).Seconds() / 1e9
	})
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// randomMatrix quantises one random row to t and repeats it: the kernels'
// speed does not depend on the values, and quantising a whole
// memory-sized matrix would take longer than measuring it.
func randomMatrix(r *rand.Rand, t lc.DType, rows, cols int) (lc.Matrix, error) {
	rb, err := t.RowBytes(cols)
	if err != nil {
		return lc.Matrix{}, err
	}
	row := make([]byte, rb)
	if err := lc.Quantize(t, row, randomFloats(r, cols)); err != nil {
		return lc.Matrix{}, err
	}
	data := make([]byte, rows*rb)
	for i := 0; i < rows; i++ {
		copy(data[i*rb:], row)
	}
	return lc.NewMatrix(t, rows, cols, data)
}

func randomFloats(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x
}

// typeSlug is a type's kernel-slot spelling: Q4_K -> "q4_k".
func typeSlug(t lc.DType) string {
	b := []byte(t.String())
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
