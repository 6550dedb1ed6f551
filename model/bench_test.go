package model

import (
	"context"
	"fmt"
	"testing"

	lc "github.com/lcrun/lcrun"
	"github.com/stretchr/testify/require"
)

// End-to-end speed as llama-bench measures it (shared/PERF.md): pp = a
// prompt of 512 tokens evaluated from an empty cache in micro-batches,
// tg = 64 or 128 tokens decoded one at a time from an empty cache (no
// sampling), f16 KV cache (llama.cpp's default), 2 threads. Models:
// stories260K (real) and the llama-110m shapes of model/synth, generated
// once into synth's cache directory.
//
//	go test ./model -run '^$' -bench 'Prefill|Decode' -benchtime 3x
var benchModels = []string{"stories260K", "llama-110m-f32", "llama-110m-q8_0", "llama-110m-q4_0"}

func openBenchModel(b *testing.B, name string) *Model {
	b.Helper()
	if name != "stories260K" {
		return openSynth(b, name)
	}
	return openTest(b, storiesPath)
}

func BenchmarkPrefill(b *testing.B) {
	for _, name := range benchModels {
		b.Run(fmt.Sprintf("%s/pp512/t=2", name), func(b *testing.B) {
			m := openBenchModel(b, name)
			s, err := m.NewSession(SessionOptions{Ctx: 512, Threads: 2, KV: lc.F16})
			require.NoError(b, err)
			defer s.Close()
			tokens := synthTokens(512, m.VocabSize())
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

func BenchmarkDecode(b *testing.B) {
	for _, name := range benchModels {
		for _, n := range []int{64, 128} {
			b.Run(fmt.Sprintf("%s/tg%d/t=2", name, n), func(b *testing.B) {
				m := openBenchModel(b, name)
				s, err := m.NewSession(SessionOptions{Ctx: n, Threads: 2, KV: lc.F16})
				require.NoError(b, err)
				defer s.Close()
				tokens := synthTokens(n, m.VocabSize())
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					s.Reset()
					for _, t := range tokens {
						if _, err := s.Decode(t); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tokens/s")
			})
		}
	}
}
