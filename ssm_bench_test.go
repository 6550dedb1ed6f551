package lcrun

import (
	"fmt"
	"testing"

	"github.com/lcrun/lcrun/internal/machine"
)

// BenchmarkSSM: the Mamba-1 scan at d_inner 1536, d_state 16 (a 790M
// Mamba) over chunks of 1 (decode) and 512 tokens, the Mamba-2 scan at 48
// heads of 64 with d_state 128, and the conv1d at d_inner 1536, width 4;
// tokens/s per implementation and thread count.
func BenchmarkSSM(b *testing.B) {
	const dInner, dState = 1536, 16
	for _, T := range []int{1, 512} {
		for _, threads := range []int{1, 2} {
			in := newSSMInputs(3, T, dInner, 1, dState, 1, false)
			in2 := newSSMInputs(4, T, 48, 64, 128, 1, true)
			st := make([]float32, dInner*3)
			w := randVec(newRand(5), dInner*4, 0, 1)
			for _, impl := range kernelImpls() {
				run := func(name string, f func(p *Pool)) {
					b.Run(fmt.Sprintf("%s/T=%d/t=%d/impl=%s", name, T, threads, impl), func(b *testing.B) {
						defer useKernels(impl)()
						p := NewPool(threads)
						defer p.Close()
						clock := machine.StartCPUClock(b)
						for b.Loop() {
							f(p)
						}
						tokens := float64(T) * float64(b.N)
						b.ReportMetric(tokens/b.Elapsed().Seconds(), "tokens/s")
						if threads == 1 {
							clock.Report(b, tokens, "tokens/cpu-s")
						}
					})
				}
				run("scan_d1536_s16", func(p *Pool) {
					p.SSMScan(in.y, in.h, in.x, in.dt, in.A, in.B, in.C, in.D, T, dInner, dState)
				})
				run("scan2_h48x64_s128", func(p *Pool) {
					p.SSMScan2(in2.y, in2.h, in2.x, in2.dt, in2.A, in2.B, in2.C, in2.D, T, 48, 64, 128, 1)
				})
				run("conv_d1536_k4", func(p *Pool) { p.SSMConv(in.y, st, in.x, w, nil, T, dInner, 4) })
			}
		}
	}
}
