package model

import (
	"context"
	"fmt"
	"testing"

	lc "github.com/lcrun/lcrun"
)

// BenchmarkStreamingDecode decodes past a full cache: the StreamingLLM
// cache (evicting in chunks, kept keys re-rotated) against the plain ring
// over text positions, which never moves a key. The difference is the
// price of positions inside the cache.
func BenchmarkStreamingDecode(b *testing.B) {
	m := openStories(b)
	const window = 1024
	for _, kv := range []lc.DType{lc.F32, lc.F16, lc.Q8_0} {
		for _, policy := range []Attention{{Window: window}, {Window: window, Sinks: 4, Streaming: true}} {
			b.Run(fmt.Sprintf("kv=%s/attn=%s", kv, policy), func(b *testing.B) {
				var o SessionOptions
				policy.Apply(&o)
				o.KV, o.Batch, o.Threads = kv, 64, 1
				o.Ctx = policy.Slots(1<<20, o.Batch)
				s, err := m.NewSession(o)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				warm := randomTokens(2*o.Ctx, m.VocabSize(), 9)
				if err := s.Prefill(context.Background(), warm, nil); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := range b.N {
					if _, err := s.Decode(warm[i%len(warm)]); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
			})
		}
	}
}
