package model

import (
	"context"
	"fmt"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/stretchr/testify/require"
)

// A mixture of experts decodes at the speed of its active parameters:
// qwen3moe-8x2-110m runs 2 of 8 experts of width 1024 per token, the
// 2048 FFN rows qwen3-110m's dense FFN runs, from four times its FFN
// weights. Prefill groups a micro-batch's tokens by expert. The two
// should be close per token; the MoE pays for its router and for reading
// a different pair of experts per token.
//
//	go test ./model -run '^$' -bench 'MoE' -benchtime 3x
func BenchmarkMoE(b *testing.B) {
	for _, name := range []string{"qwen3-110m-q8_0", "qwen3moe-8x2-110m-q8_0"} {
		b.Run(name+"/tg64/t=2", func(b *testing.B) {
			m := openSynth(b, name)
			s, err := m.NewSession(SessionOptions{Ctx: 64, Threads: 2, KV: lc.F16})
			require.NoError(b, err)
			defer s.Close()
			tokens := synthTokens(64, m.VocabSize())
			b.ResetTimer()
			for range b.N {
				s.Reset()
				for _, t := range tokens {
					if _, err := s.Decode(t); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(len(tokens)*b.N)/b.Elapsed().Seconds(), "tokens/s")
			b.ReportMetric(m.Cost().Dense/1e6, "MFLOP/token")
		})
		b.Run(fmt.Sprintf("%s/pp256/t=2", name), func(b *testing.B) {
			m := openSynth(b, name)
			s, err := m.NewSession(SessionOptions{Ctx: 256, Threads: 2, KV: lc.F16})
			require.NoError(b, err)
			defer s.Close()
			tokens := synthTokens(256, m.VocabSize())
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				s.Reset()
				if err := s.Prefill(ctx, tokens, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(tokens)*b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
