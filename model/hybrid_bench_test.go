package model

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkGraniteHybrid measures the granite-h-150m shape's decode (one
// token at a time, logits every step) after depth tokens of prefill, in
// tokens/s at 2 threads: its attention layers are one in eight, so its
// decode should slow little with depth.
func BenchmarkGraniteHybrid(b *testing.B) {
	m := openSynth(b, "granite-h-150m-q8_0")
	for _, depth := range []int{0, 4096} {
		b.Run(fmt.Sprintf("decode/depth=%d", depth), func(b *testing.B) {
			s, err := m.NewSession(SessionOptions{Threads: benchThreads, Batch: 512, Ctx: depth + b.N + 1})
			require.NoError(b, err)
			defer s.Close()
			if depth > 0 {
				require.NoError(b, s.Prefill(context.Background(), synthTokens(depth, m.VocabSize()), nil))
			}
			toks := synthTokens(b.N, m.VocabSize())
			b.ResetTimer()
			for _, t := range toks {
				if _, err := s.Decode(t); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tok/s")
		})
	}
}
