package lcrun

import (
	"fmt"
	"testing"

	"github.com/lcrun/lcrun/internal/machine"
)

// BenchmarkAttention: causal prefill of s = 4096 tokens at head_dim 64
// (one head, one thread: the fraction-of-peak figure) and decode
// of one query against a 4096-token cache (32 heads over 8 KV heads, 1 and
// 2 threads; also 1 and 8 heads per KV head), per KV type and
// implementation. GFLOP/s counts 4*d flops per
// visible (query, key) pair: q.k and p.v, as a dense kernel would do them.
func BenchmarkAttention(b *testing.B) {
	type shape struct {
		name                      string
		nq, nk, heads, kvHeads, t int
	}
	for _, sh := range []shape{
		{"prefill4096", 4096, 4096, 1, 1, 1},
		{"decode4096", 1, 4096, 32, 8, 1},
		{"decode4096", 1, 4096, 32, 8, 2},
		{"decode4096mha", 1, 4096, 12, 12, 1}, // llama 110M: no grouped heads
		{"decode4096gqa8", 1, 4096, 32, 4, 1}, // 8 query heads per KV head
		{"decode32768", 1, 32768, 12, 4, 2},   // llama-110m and granite-h-150m deep in a document
	} {
		for _, kv := range []DType{F32, F16, Q8_0} {
			c := attnCase{nq: sh.nq, nk: sh.nk, heads: sh.heads, kvHeads: sh.kvHeads, d: 64, kvType: kv}
			q, qpos, k, v, kpos, prm := c.setup(b, 1)
			out := make([]float32, sh.nq*sh.heads*64)
			pairs := 0
			for _, qp := range qpos {
				pairs += int(qp) + 1
			}
			for _, impl := range kernelImpls() {
				b.Run(fmt.Sprintf("%s/%v/t=%d/impl=%s", sh.name, kv, sh.t, impl), func(b *testing.B) {
					defer useKernels(impl)()
					p := NewPool(sh.t)
					defer p.Close()
					clock := machine.StartCPUClock(b)
					for b.Loop() {
						p.Attention(out, q, qpos, k, v, kpos, sh.nk, prm)
					}
					gflop := 4 * 64 * float64(pairs) * float64(sh.heads) * float64(b.N) / 1e9
					b.ReportMetric(gflop/b.Elapsed().Seconds(), "GFLOP/s")
					if sh.t == 1 {
						clock.Report(b, gflop, "GFLOP/cpu-s")
					}
				})
			}
		}
	}
}
